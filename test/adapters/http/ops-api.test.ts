// The operator surface of a real hub: /ops/queues, /ops/deliveries, /ops/messages/:id/trace and
// /metrics, all behind LIENTHONG_OPERATOR_TOKEN (401 without it), and in the OpenAPI document.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { generateWebhookSecret, setNodeDeliverySettings } from '../../../src/store/index.ts';
import { waitFor } from '../../queue/wait-for.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../../support/db.ts';
import { acceptPackages, addEngineNode, REDIS_URL } from '../../support/engine-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const TOKEN = `op-${randomBytes(16).toString('hex')}`;
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('operator API on Postgres + Redis', () => {
  let hub: Hub;
  let dir: string;
  const schema = uniqueSchemaName('lt_ops');
  let rx: WebhookReceiver;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-ops-'));
    hub = await createHub(
      loadConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL,
        LIENTHONG_QUEUE_PREFIX: `lt-ops-${randomBytes(4).toString('hex')}`,
        LIENTHONG_OPERATOR_TOKEN: TOKEN,
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_VERIFY_THREADS: '1',
        LIENTHONG_RELAY_INTERVAL_MS: '50',
      }),
      { logger: pino({ level: 'silent' }), loadExampleDirectory: false, schema },
    );
  }, 60_000);
  afterAll(async () => {
    await rx?.close();
    await hub?.close();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses every operator route without the token, with a Bearer and Basic challenge', async () => {
    for (const url of ['/ops/queues', '/metrics', '/ops/deliveries', `/ops/messages/${randomUUID()}/trace`]) {
      const none = await hub.app.inject({ method: 'GET', url });
      expect([url, none.statusCode]).toEqual([url, 401]);
      expect(none.json()).toMatchObject({ code: 'OPERATOR_AUTH_REQUIRED' });
      expect(none.headers['www-authenticate']).toContain('Basic');
      const wrong = await hub.app.inject({
        method: 'GET',
        url,
        headers: { authorization: 'Bearer not-the-token' },
      });
      expect([url, wrong.statusCode]).toEqual([url, 401]);
    }
    const retry = await hub.app.inject({
      method: 'POST',
      url: '/ops/deliveries/retry',
      payload: { allFailed: true },
    });
    expect(retry.statusCode).toBe(401);
    // A node token is not an operator token.
    const node = await addEngineNode(hub.database.db, { role: 'plain' });
    expect(node.nodeId).toBeTruthy();
  });

  it('reports queue health, lists failed deliveries with why, and retries them', async () => {
    const secret = generateWebhookSecret();
    rx = await startWebhookReceiver({ secret, mode: { kind: 'status', status: 410 } });
    const sender = await addEngineNode(hub.database.db, { role: 'sender' });
    const target = await addEngineNode(hub.database.db, { role: 'target', webhookUrl: rx.url, secret });
    await setNodeDeliverySettings(hub.database.db, {
      nodeId: target.nodeId,
      settings: { retryMaxAttempts: 2 },
      at: new Date(),
      actor: 'test',
    });
    const [messageId] = await acceptPackages(hub.database.db, sender, [target], 1);
    hub.engine.kick();
    let failed: Array<{
      id: string;
      messageId: string;
      documentId: string;
      lastError: string;
      lastAttempt: { httpStatus: number };
    }> = [];
    await waitFor(
      async () => {
        const res = await hub.app.inject({
          method: 'GET',
          url: `/ops/deliveries?state=failed&node=${target.nodeId}`,
          headers: bearer,
        });
        failed = res.json().items;
        return failed.length === 1;
      },
      15_000,
      'failed delivery listed',
    );
    expect(failed[0]).toMatchObject({
      messageId,
      lastError: 'WEBHOOK_HTTP_REJECTED',
      lastAttempt: { httpStatus: 410 },
    });

    const queues = await hub.app.inject({ method: 'GET', url: '/ops/queues', headers: bearer });
    expect(queues.statusCode).toBe(200);
    const report = queues.json();
    expect(report.queues[0]).toMatchObject({ name: 'lienthong-deliveries', backend: 'redis', workers: 1 });
    for (const key of ['waiting', 'active', 'delayed', 'failed'])
      expect(typeof report.queues[0][key]).toBe('number');
    expect(report.deliveries.failed).toBeGreaterThanOrEqual(1);
    expect(report.process).toMatchObject({ role: 'all', pid: process.pid });

    rx.setMode({ kind: 'ok' });
    const retried = await hub.app.inject({
      method: 'POST',
      url: '/ops/deliveries/retry',
      headers: bearer,
      payload: { deliveryId: failed[0]!.id },
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ retried: [failed[0]!.id] });
    await waitFor(() => rx.accepted.has(messageId!), 15_000, 'retried delivery pushed');

    // The operator token reads a delivery by its DocumentId, and the message's whole trace.
    const documentId = failed[0]!.documentId;
    const byDocument = await hub.app.inject({
      method: 'GET',
      url: `/ops/deliveries?documentId=${encodeURIComponent(documentId)}`,
      headers: bearer,
    });
    expect(byDocument.json().items.map((d: { messageId: string }) => d.messageId)).toEqual([messageId]);
    const otherDocument = await hub.app.inject({
      method: 'GET',
      url: '/ops/deliveries?documentId=no-such-document',
      headers: bearer,
    });
    expect(otherDocument.json().items).toEqual([]);
    const trace = await hub.app.inject({
      method: 'GET',
      url: `/ops/messages/${messageId}/trace`,
      headers: bearer,
    });
    expect(trace.statusCode).toBe(200);
    expect(trace.json()).toMatchObject({ message: { id: messageId, documentId } });
    expect(trace.json().deliveries[0].attempts.length).toBeGreaterThanOrEqual(2);
    const missing = await hub.app.inject({
      method: 'GET',
      url: '/ops/messages/not-a-uuid/trace',
      headers: bearer,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const again = await hub.app.inject({
      method: 'POST',
      url: '/ops/deliveries/retry',
      headers: bearer,
      payload: { deliveryId: failed[0]!.id },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'STORE_ILLEGAL_TRANSITION' });
  }, 60_000);

  it('serves Prometheus text: default metrics, hub counters and BullMQ gauges', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/metrics', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('lienthong_process_cpu_user_seconds_total');
    expect(res.body).toMatch(/lienthong_push_attempts_total\{[^}]*target="delivery"[^}]*result="permanent"/);
    expect(res.body).toContain('lienthong_outbox_pending');
    expect(res.body).toMatch(/bullmq_job_count\{queue="lienthong-deliveries"/);
    // The accepting path and the console's alerts, in standard Prometheus naming.
    for (const name of [
      'lienthong_packages_accepted_total',
      'lienthong_packages_refused_total',
      'lienthong_signature_verification_duration_seconds',
      'lienthong_http_request_duration_seconds',
      'lienthong_inbox_polls_total',
      'lienthong_alerts',
      'lienthong_overdue_deliveries',
    ]) {
      expect(res.body).toContain(`# TYPE ${name} `);
    }
    expect(res.body).toMatch(
      /lienthong_http_request_duration_seconds_count\{[^}]*route="\/ops\/queues"[^}]*\}/,
    );
  });

  it('has no queue board any more: /ops/board is an unknown route', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/ops/board', headers: bearer });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('documents the operator routes in the OpenAPI document', async () => {
    const doc = (await hub.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/ops/queues',
        '/ops/deliveries',
        '/ops/deliveries/retry',
        '/ops/messages/{id}/trace',
        '/metrics',
      ]),
    );
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/ops/board'))).toBe(false);
  });
});

describe('operator API on embedded Postgres without a token', () => {
  let hub: Hub;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-ops-embedded-'));
    hub = await createHub(
      loadConfig({
        LIENTHONG_DATA_DIR: path.join(dir, 'data'),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
      }),
      { logger: pino({ level: 'silent' }), loadExampleDirectory: false },
    );
  }, 90_000);
  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps operator functions off (401) until a token is configured, and runs the in-process queue', async () => {
    const res = await hub.app.inject({
      method: 'GET',
      url: '/ops/queues',
      headers: { authorization: 'Bearer anything-at-all' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'OPERATOR_AUTH_REQUIRED' });
    expect(hub.engine.scheduler.backend).toBe('in-process');
  });
});
