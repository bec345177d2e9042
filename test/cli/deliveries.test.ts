// `lienthong node set`, `deliveries list|attempts|retry` and `queues`, in this process, on Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  getDelivery,
  getNodePushSettings,
  listDeliveries,
  listEvents,
  openDatabase,
  recordDeliveryAttempt,
  transitionDelivery,
} from '../../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { acceptPackages, addEngineNode } from '../support/engine-harness.ts';
import { runCli } from '../support/run-cli.ts';

const run = runCli;

const schema = uniqueSchemaName('lt_cli_deliveries');
let database: Database;

beforeAll(async () => {
  process.env['DATABASE_URL'] = TEST_DATABASE_URL;
  process.env['LIENTHONG_DB_SCHEMA'] = schema;
  database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
});
afterAll(async () => {
  await database?.close();
  await dropSchema(schema);
});

/** A delivery that failed on attempt 1 with a 404. */
async function failedDelivery(nodeId: string, organId: string) {
  const sender = await addEngineNode(database.db, { role: 'sender' });
  const [messageId] = await acceptPackages(database.db, sender, [{ nodeId, organId }], 1);
  const [entry] = await listDeliveries(database.db, { messageId });
  const id = entry!.delivery.id;
  const at = new Date();
  await transitionDelivery(database.db, { deliveryId: id, to: 'sending', at, actor: 'test' });
  await recordDeliveryAttempt(database.db, {
    deliveryId: id,
    attempt: 1,
    startedAt: at,
    finishedAt: at,
    outcome: 'permanent',
    httpStatus: 404,
    error: 'WEBHOOK_HTTP_REJECTED',
  });
  await transitionDelivery(database.db, {
    deliveryId: id,
    to: 'failed',
    error: 'WEBHOOK_HTTP_REJECTED',
    at,
    actor: 'test',
  });
  return id;
}

describe('lienthong node set', () => {
  it('sets a webhook (secret printed once), retry and breaker settings, and clears them', async () => {
    const node = await addEngineNode(database.db, { role: 'cli' });
    const set = await run(
      'node',
      'set',
      node.nodeId,
      '--webhook',
      'https://qlvb.example/lienthong',
      '--max-attempts',
      '7',
      '--max-age',
      '3600',
      '--breaker-failures',
      '3',
      '--receipts',
      'off',
      '--json',
    );
    expect(set.code).toBe(0);
    const json = JSON.parse(set.out) as { webhookSecret: string; push: Record<string, unknown> };
    expect(json.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(json.push).toMatchObject({
      webhookUrl: 'https://qlvb.example/lienthong',
      hasWebhookSecret: true,
      retryMaxAttempts: 7,
      retryMaxAgeSeconds: 3600,
      breakerFailureThreshold: 3,
      receipts: false,
    });
    expect(set.out).not.toContain('undefined');
    const stored = await getNodePushSettings(database.db, node.nodeId);
    expect(stored?.webhookSecret).toBe(json.webhookSecret);
    // The secret is never in an event.
    const events = await listEvents(database.db, { nodeId: node.nodeId });
    expect(JSON.stringify(events)).not.toContain(json.webhookSecret);

    const text = await run('node', 'set', node.nodeId, '--max-attempts', 'default');
    expect(text.code).toBe(0);
    expect(text.out).not.toContain('whsec_');
    expect((await getNodePushSettings(database.db, node.nodeId))?.retryMaxAttempts).toBeNull();

    const list = await run('node', 'list');
    expect(list.out).toMatch(new RegExp(`${node.nodeId}\\s+system\\s+require\\s+\\d+\\s+0\\s+webhook`));

    const off = await run('node', 'set', node.nodeId, '--no-webhook', '--json');
    expect(JSON.parse(off.out).push).toMatchObject({ webhookUrl: null, hasWebhookSecret: false });
  });

  it('refuses bad values as usage errors and an unknown node as a negative result', async () => {
    expect((await run('node', 'set', 'x', '--webhook', 'ftp://example/')).code).toBe(2);
    expect((await run('node', 'set', 'x', '--webhook', 'https://user:pw@example/')).code).toBe(2);
    expect((await run('node', 'set', 'x', '--max-attempts', 'many')).code).toBe(2);
    expect((await run('node', 'set', 'x', '--receipts', 'maybe')).code).toBe(2);
    const unknown = await run('node', 'set', 'no-such-node', '--max-attempts', '3', '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.out).error.code).toBe('STORE_NOT_FOUND');
    const node = await addEngineNode(database.db, { role: 'range' });
    const range = await run('node', 'set', node.nodeId, '--max-attempts', '0', '--json');
    expect(range.code).toBe(1);
    expect(JSON.parse(range.out).error.code).toBe('STORE_INVALID_INPUT');
  });
});

describe('lienthong deliveries', () => {
  it('lists failed deliveries with the reason, shows attempts, and retries one, a node’s or all', async () => {
    const target = await addEngineNode(database.db, { role: 'target' });
    const first = await failedDelivery(target.nodeId, target.organId);
    const second = await failedDelivery(target.nodeId, target.organId);

    const listed = await run('deliveries', 'list', '--state', 'failed', '--node', target.nodeId, '--json');
    expect(listed.code).toBe(0);
    const deliveries = (JSON.parse(listed.out) as { deliveries: Array<Record<string, unknown>> }).deliveries;
    expect(deliveries.map((d) => d['id']).sort()).toEqual([first, second].sort());
    expect(deliveries[0]).toMatchObject({
      state: 'failed',
      lastError: 'WEBHOOK_HTTP_REJECTED',
      lastAttempt: { attempt: 1, httpStatus: 404, error: 'WEBHOOK_HTTP_REJECTED' },
    });
    const table = await run('deliveries', 'list', '--state', 'failed', '--node', target.nodeId);
    expect(table.out).toContain('WEBHOOK_HTTP_REJECTED HTTP 404');
    expect(table.out).toContain('2 deliveries');

    const attempts = await run('deliveries', 'attempts', first);
    expect(attempts.out).toMatch(/1\s+\S+\s+0 ms\s+permanent\s+404\s+WEBHOOK_HTTP_REJECTED/);

    const one = await run('deliveries', 'retry', first, '--json');
    expect(JSON.parse(one.out)).toEqual({ retried: [first] });
    expect((await getDelivery(database.db, first))?.state).toBe('queued');
    const byNode = await run('deliveries', 'retry', '--node', target.nodeId);
    expect(byNode.out).toContain('Queued 1 delivery again');
    expect((await getDelivery(database.db, second))?.state).toBe('queued');
    const none = await run('deliveries', 'retry', '--all-failed', '--json');
    expect(none.code).toBe(0);
    expect(JSON.parse(none.out).retried).not.toContain(first);
    const notFailed = await run('deliveries', 'retry', first, '--json');
    expect(notFailed.code).toBe(1);
    expect(JSON.parse(notFailed.out).error.code).toBe('STORE_ILLEGAL_TRANSITION');
    const events = await listEvents(database.db, { deliveryId: first });
    expect(events.at(-1)).toMatchObject({
      type: 'delivery.queued',
      data: { from: 'failed', reason: 'operator retry' },
    });
  });

  it('needs exactly one retry target and a known state', async () => {
    expect((await run('deliveries', 'retry')).code).toBe(2);
    expect((await run('deliveries', 'retry', 'x', '--all-failed')).code).toBe(2);
    expect((await run('deliveries', 'list', '--state', 'lost')).code).toBe(2);
  });
});

describe('lienthong queues', () => {
  it('needs the operator token, and says so when no hub answers', async () => {
    delete process.env['LIENTHONG_OPERATOR_TOKEN'];
    expect((await run('queues')).code).toBe(2);
    process.env['LIENTHONG_OPERATOR_TOKEN'] = 'a-token-of-sixteen-chars';
    const away = await run('queues', '--url', 'http://127.0.0.1:9');
    expect(away.code).toBe(1);
    expect(away.err).toContain('no hub answers');
  });
});
