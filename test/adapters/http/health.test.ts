// /livez and /readyz (audit point 10): readiness says what is missing — the database, a migration,
// the queue backend, the trust store — and a worker answers them on its small health port.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../../support/db.ts';
import { startTestHub, type TestHub } from '../../support/hub-harness.ts';
import { startPrivateRedis } from '../../support/private-redis.ts';
import { spawnServe } from '../../support/serve-process.ts';

interface ReadyBody {
  status: 'ready' | 'not-ready';
  checks: Record<'database' | 'migrations' | 'queue' | 'trust', { ok: boolean; detail?: string }>;
}

const ready = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
};

describe('health endpoints', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) {
      await c().catch(() => {});
    }
  });
  const hub = async (env: NodeJS.ProcessEnv = {}): Promise<TestHub> => {
    const t = await startTestHub({ backend: 'server', organIds: ['000.00.00.G22'], env });
    cleanup.push(() => t.close());
    return t;
  };

  it('a healthy hub is live and ready, each check saying so', async () => {
    const t = await hub();
    const live = await fetch(`${t.url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const r = await ready(t.url);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ready');
    for (const check of Object.values(r.body.checks)) expect(check.ok).toBe(true);
  });

  it('a migration not applied makes it not ready, naming the migration', async () => {
    const t = await hub();
    const { rows } = await t.hub.database.db.query<{ id: number; name: string }>(
      'DELETE FROM pgmigrations WHERE id = (SELECT max(id) FROM pgmigrations) RETURNING id, name',
    );
    const r = await ready(t.url);
    expect(r.status).toBe(503);
    expect(r.body.checks.migrations).toEqual({ ok: false, detail: `pending: ${rows[0]!.name}` });
    expect(r.body.checks.database.ok).toBe(true);
  });

  it('a queue backend that is gone makes it not ready (and the probe still answers)', async () => {
    const redis = await startPrivateRedis();
    cleanup.push(() => redis.close());
    const t = await hub({ REDIS_URL: redis.url });
    expect((await ready(t.url)).status).toBe(200);
    await redis.close();
    const started = Date.now();
    const r = await ready(t.url);
    expect(r.status).toBe(503);
    expect(r.body.checks.queue.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an empty trust store makes it not ready', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'lienthong-empty-trust-'));
    cleanup.push(() => rm(empty, { recursive: true, force: true }));
    const t = await hub({ LIENTHONG_TRUST_DIR: empty });
    const r = await ready(t.url);
    expect(r.status).toBe(503);
    expect(r.body.checks.trust.ok).toBe(false);
  });

  it('a worker answers /livez and /readyz on its health port, and serves no API there', async () => {
    const schema = uniqueSchemaName('lt_health');
    cleanup.push(() => dropSchema(schema));
    const env = { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema, LIENTHONG_HEALTH_PORT: '0' };
    // An API process first: it migrates the schema the worker then joins.
    const api = await spawnServe({ ...env, PORT: '0' }, ['--role', 'api']);
    cleanup.push(() => api.kill('SIGTERM'));
    const worker = await spawnServe(env, ['--role', 'worker']);
    cleanup.push(() => worker.kill('SIGTERM'));
    const health = /health\s+(http:\/\/\S+)\/livez/.exec(worker.output())?.[1];
    expect(health, worker.output()).toBeDefined();
    expect((await fetch(`${health}/livez`)).status).toBe(200);
    const r = await ready(health!);
    expect(r.body.checks.database.ok).toBe(true);
    expect(r.body.checks.queue.ok).toBe(true);
    expect((await fetch(`${health}/v1/inbox`)).status).toBe(404);
    // Two processes start (about 20 s alone): more room when other suites load the machine.
  }, 90_000);
});
