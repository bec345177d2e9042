// Roles: `lienthong serve --role api` and two `--role worker` processes on one Postgres and one
// queue (Redis, or BullMQ's Postgres backend). Nodes get their webhooks through the CLI (secret
// printed once); signed packages go in through the HTTP API; the workers push them; the sender's
// trace shows "delivered by webhook" and its own webhook gets the receipt; a status package is
// pushed as `Lienthong-Kind: status`; a polling node still reads its inbox.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevPki, signEdxml } from '../../src/signature/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { REDIS_URL } from '../support/engine-harness.ts';
import { freePort } from '../support/hub-process.ts';
import { runCli } from '../support/run-cli.ts';
import { type ServeProcess, spawnServe } from '../support/serve-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H29';

const cli = runCli;

interface Trace {
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    deliveredBy: string | null;
    events: Array<{ type: string }>;
  }>;
}

for (const queue of ['redis', 'postgres'] as const) {
  describe(`serve --role api + two --role worker (${queue} queue)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    });

    it('pushes signed packages, receipts and statuses through split processes', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-roles-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dev = await createDevPki({ organIds: [A, B, C], at: new Date() });
      await mkdir(path.join(dir, 'trust'));
      await writeFile(path.join(dir, 'trust', 'root.pem'), dev.rootCertPem);
      await writeFile(path.join(dir, 'trust', 'ca.pem'), dev.caCertPem);
      const schema = uniqueSchemaName('lt_roles');
      cleanups.push(() => dropSchema(schema));
      const operatorToken = `op-${randomBytes(12).toString('hex')}`;
      const env: NodeJS.ProcessEnv = {
        DATABASE_URL: TEST_DATABASE_URL,
        LIENTHONG_DB_SCHEMA: schema,
        ...(queue === 'redis'
          ? { REDIS_URL, LIENTHONG_QUEUE_PREFIX: `lt-roles-${randomBytes(4).toString('hex')}` }
          : {}),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_VERIFY_THREADS: '1',
        LIENTHONG_OPERATOR_TOKEN: operatorToken,
        LIENTHONG_RELAY_INTERVAL_MS: '100',
        LIENTHONG_RECONCILE_INTERVAL_MS: '2000',
        PORT: String(await freePort()),
      };
      // The CLI runs in this process on the same database.
      Object.assign(process.env, { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema });

      // Ports first, so that the URLs exist before the receivers know their secrets.
      const portA = await freePort();
      const portB = await freePort();
      const urlOf = (port: number) => `http://127.0.0.1:${port}/lienthong`;
      const added = await cli(
        'node',
        'add',
        '--id',
        'node-a',
        '--org',
        A,
        '--webhook',
        urlOf(portA),
        '--json',
      );
      expect(added.code).toBe(0);
      const nodeA = JSON.parse(added.out) as { id: string; token: string; webhookSecret: string };
      expect(nodeA.webhookSecret).toMatch(/^whsec_/);
      const addedB = await cli('node', 'add', '--id', 'node-b', '--org', B, '--json');
      const nodeB = JSON.parse(addedB.out) as { token: string };
      expect(JSON.parse(addedB.out)).not.toHaveProperty('webhookSecret');
      const set = await cli(
        'node',
        'set',
        'node-b',
        '--webhook',
        urlOf(portB),
        '--max-attempts',
        '5',
        '--json',
      );
      expect(set.code).toBe(0);
      const setB = JSON.parse(set.out) as { webhookSecret: string; push: { retryMaxAttempts: number } };
      expect(setB.push.retryMaxAttempts).toBe(5);
      const nodeC = JSON.parse((await cli('node', 'add', '--id', 'node-c', '--org', C, '--json')).out) as {
        token: string;
      };
      // The receivers check signatures with the secrets the CLI printed.
      const receivers: Record<string, WebhookReceiver> = {
        A: await startWebhookReceiver({ secret: nodeA.webhookSecret, port: portA }),
        B: await startWebhookReceiver({ secret: setB.webhookSecret, port: portB }),
      };
      cleanups.push(
        () => receivers['A']!.close(),
        () => receivers['B']!.close(),
      );

      const processes: ServeProcess[] = [];
      const api = await spawnServe(env, ['--role', 'api']);
      processes.push(api);
      for (let i = 0; i < 2; i += 1) processes.push(await spawnServe(env, ['--role', 'worker']));
      cleanups.push(async () => {
        for (const p of processes) await p.kill('SIGTERM');
      });
      expect(processes[1]!.output()).toContain('worker running');

      const signer = dev.organizations.find((o) => o.organId === A)!;
      const call = (method: string, pathname: string, token: string, body?: string) =>
        fetch(`${api.url}${pathname}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body ? { 'content-type': 'application/xml' } : {}),
          },
          ...(body ? { body } : {}),
        });
      const ids: string[] = [];
      const documentIds: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        const documentId = `${A},2026/11/25,${i}/ROLES`;
        const xml = await signEdxml(samplePackage({ from: A, to: [B, C], documentId }), {
          keyPem: signer.keyPem,
          certPem: signer.certPem,
        });
        const res = await call('POST', '/v1/messages', nodeA.token, xml);
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { id: string }).id);
        documentIds.push(documentId);
      }

      await waitFor(() => receivers['B']!.accepted.size === 10, 30_000, 'B receives ten pushes');
      expect([...receivers['B']!.accepted.keys()].sort()).toEqual([...ids].sort());
      expect(receivers['B']!.duplicates()).toEqual([]);
      expect(receivers['B']!.receptions.every((r) => r.kind === 'package' && r.signatureOk)).toBe(true);
      // A gets one delivered receipt per delivery to B (C polls: no receipt until it acknowledges).
      await waitFor(() => receivers['A']!.accepted.size === 10, 30_000, 'A receives ten receipts');
      const receipts = receivers['A']!.receptions.map(
        (r) =>
          JSON.parse(r.body.toString('utf8')) as {
            event: string;
            message: { id: string };
            delivery: { to: string };
          },
      );
      expect(receipts.every((r) => r.event === 'delivered' && r.delivery.to === B)).toBe(true);
      expect(new Set(receipts.map((r) => r.message.id))).toEqual(new Set(ids));

      // The sender's trace: B delivered by webhook at once; C still queued for its inbox.
      const trace = (await (await call('GET', `/v1/messages/${ids[0]}/trace`, nodeA.token)).json()) as Trace;
      const byOrgan = Object.fromEntries(trace.deliveries.map((d) => [d.recipientOrganId, d]));
      expect(byOrgan[B]).toMatchObject({ state: 'delivered', deliveredBy: 'webhook' });
      expect(byOrgan[C]).toMatchObject({ state: 'queued', deliveredBy: null });
      const inboxC = (await (await call('GET', '/v1/inbox?limit=50', nodeC.token)).json()) as {
        items: unknown[];
      };
      expect(inboxC.items).toHaveLength(10);

      // B answers with a status package; it is pushed to A as `status`. The hub invents no 01.
      const signerB = dev.organizations.find((o) => o.organId === B)!;
      const status = await signEdxml(
        sampleStatus({ from: B, responseFor: { organId: A, documentId: documentIds[0]! }, code: '03' }),
        {
          keyPem: signerB.keyPem,
          certPem: signerB.certPem,
        },
      );
      const sent = await call('POST', '/v1/messages', nodeB.token, status);
      expect(sent.status).toBe(202);
      const statusId = ((await sent.json()) as { id: string }).id;
      await waitFor(() => receivers['A']!.accepted.has(statusId), 30_000, 'status pushed to A');
      expect(receivers['A']!.receptions.find((r) => r.messageId === statusId)?.kind).toBe('status');
      const after = (await (await call('GET', `/v1/messages/${ids[0]}/trace`, nodeA.token)).json()) as {
        deliveries: Array<{ recipientOrganId: string; statuses: Array<{ code: string }> }>;
      };
      expect(after.deliveries.find((d) => d.recipientOrganId === B)?.statuses.map((s) => s.code)).toEqual([
        '03',
      ]);

      // Queue health through the operator API and the CLI.
      const health = await fetch(`${api.url}/ops/queues`, {
        headers: { authorization: `Bearer ${operatorToken}` },
      });
      expect(health.status).toBe(200);
      const report = (await health.json()) as {
        queues: Array<{ backend: string; workers: number }>;
        process: { role: string };
      };
      expect(report.queues[0]?.backend).toBe(queue === 'redis' ? 'redis' : 'postgres');
      expect(report.queues[0]?.workers).toBe(2);
      expect(report.process.role).toBe('api');
      process.env['LIENTHONG_OPERATOR_TOKEN'] = operatorToken;
      const shown = await cli('queues', '--url', api.url!);
      expect(shown.code).toBe(0);
      expect(shown.out).toContain('lienthong-deliveries');
      expect(shown.out).toMatch(/10 queued/); // C's ten, waiting in its inbox
    }, 180_000);
  });
}

describe('serve --role on embedded Postgres', () => {
  it('refuses a split role without a shared queue (QUEUE_SHARED_SCHEDULER_REQUIRED, exit 2)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-roles-embedded-'));
    try {
      // Empty values unset what the suites above put into process.env (a shared server and schema).
      const embedded = { DATABASE_URL: '', REDIS_URL: '', LIENTHONG_DB_SCHEMA: '' };
      const started = spawnServe({ ...embedded, LIENTHONG_DATA_DIR: path.join(dir, 'data'), PORT: '0' }, [
        '--role',
        'worker',
      ]);
      const error = await started.then(
        // Started after all: stop it, or it would outlive the suite.
        async (serve) => {
          await serve.kill('SIGKILL');
          return null;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/exited with 2/);
      expect(error?.message).toContain('QUEUE_SHARED_SCHEDULER_REQUIRED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
