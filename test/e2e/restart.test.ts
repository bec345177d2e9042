// Restart safety: the hub is SIGKILLed right after answering 202, then started again on the same
// data. Nothing accepted is lost, and nothing acknowledged is offered again. Real processes, real
// Postgres (one schema) and embedded Postgres (one data folder).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevPki, type DevOrganization, signEdxml } from '../../src/signature/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { samplePackage } from '../support/edxml-samples.ts';
import { freePort, type HubProcess, spawnHub } from '../support/hub-process.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

const DIRECTORY = `version: 1
organizations:
  - { organId: ${A}, name: "Văn phòng Chính phủ", level: central }
  - { organId: ${B}, name: "UBND tỉnh Nghệ An", level: province }
nodes:
  - { id: node-a, name: "A", kind: system, signaturePolicy: require, organizations: [${A}] }
  - { id: node-b, name: "B", kind: system, signaturePolicy: require, organizations: [${B}] }
`;

async function call(hub: HubProcess, method: string, pathname: string, token: string, body?: string) {
  return fetch(`${hub.url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/xml' } : {}) },
    ...(body ? { body } : {}),
  });
}

for (const backend of ['server', 'embedded'] as const) {
  describe(`restart safety (${backend})`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it('loses nothing accepted and offers nothing twice after an ack, across SIGKILL', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-restart-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dev = await createDevPki({ organIds: [A, B], at: new Date() });
      await mkdir(path.join(dir, 'trust'));
      await writeFile(path.join(dir, 'trust', 'root.pem'), dev.rootCertPem);
      await writeFile(path.join(dir, 'trust', 'ca.pem'), dev.caCertPem);
      await writeFile(path.join(dir, 'directory.yaml'), DIRECTORY);
      const schema = uniqueSchemaName('lt_restart');
      if (backend === 'server') cleanups.push(() => dropSchema(schema));
      const env: NodeJS.ProcessEnv = {
        ...(backend === 'server'
          ? { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema }
          : { LIENTHONG_DATA_DIR: path.join(dir, 'data') }),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_DIRECTORY: path.join(dir, 'directory.yaml'),
        LIENTHONG_VERIFY_THREADS: '1',
        PORT: String(await freePort()),
      };
      const signer = dev.organizations.find((o: DevOrganization) => o.organId === A)!;

      let hub = await spawnHub(env);
      cleanups.push(() => hub.kill());
      const tokenA = hub.tokens.get('node-a')!;
      const tokenB = hub.tokens.get('node-b')!;
      expect(tokenA).toMatch(/^lt_/);
      expect(tokenB).toMatch(/^lt_/);

      const accepted: string[] = [];
      for (let i = 0; i < 6; i++) {
        const xml = await signEdxml(
          samplePackage({ from: A, to: [B], documentId: `${A},2026/11/22,${i}/RS` }),
          {
            keyPem: signer.keyPem,
            certPem: signer.certPem,
          },
        );
        const res = await call(hub, 'POST', '/v1/messages', tokenA, xml);
        expect(res.status).toBe(202);
        accepted.push(((await res.json()) as { id: string }).id);
      }
      await hub.kill('SIGKILL');

      hub = await spawnHub(env);
      expect(hub.tokens.size).toBe(0); // not a first start: no new tokens
      const inbox = async () =>
        (
          (await (await call(hub, 'GET', '/v1/inbox?limit=100', tokenB)).json()) as {
            items: Array<{ id: string }>;
          }
        ).items.map((i) => i.id);
      expect((await inbox()).sort()).toEqual([...accepted].sort());
      for (const id of accepted.slice(0, 3)) {
        expect((await call(hub, 'POST', `/v1/messages/${id}/ack`, tokenB)).status).toBe(200);
      }
      await hub.kill('SIGKILL');

      hub = await spawnHub(env);
      expect((await inbox()).sort()).toEqual(accepted.slice(3).sort());
      await hub.kill('SIGTERM');
      expect(hub.child.exitCode === 0 || hub.child.signalCode === 'SIGTERM').toBe(true);
    }, 180_000);
  });
}
