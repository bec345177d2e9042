// The delivery engine on each backend the hub can run with, for tests that drive it directly:
//   redis       real Postgres (unique schema) + BullMQ on Redis (unique key prefix)
//   postgres    real Postgres (unique schema) + BullMQ's Postgres backend (its own unique schema)
//   in-process  embedded Postgres (PGlite in memory) + the in-process scheduler
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  createWebhookSender,
  type WebhookSender,
  webhookPushAttempt,
} from '../../src/adapters/webhook/index.ts';
import {
  type BullmqConnection,
  createDeliveryEngine,
  createDeliveryScheduler,
  type DeliveryEngine,
  type DeliveryEngineOptions,
  type DeliveryScheduler,
  defaultBreakerConfig,
  defaultRetryPolicy,
  type PushDefaults,
} from '../../src/queue/index.ts';
import {
  type AcceptedMessageInput,
  createNode,
  type Db,
  generateWebhookSecret,
  insertAcceptedMessage,
  setNodeWebhook,
} from '../../src/store/index.ts';
import { uniqueOrgan } from '../store/store-fixtures.ts';
import {
  openEmbeddedTestDatabase,
  openServerTestDatabase,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './db.ts';

export type EngineBackend = 'redis' | 'postgres' | 'in-process';
export const ENGINE_BACKENDS: readonly EngineBackend[] = ['redis', 'postgres', 'in-process'];

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Fast defaults for tests: retries in 100 ms steps, breaker after 3 failures for 1 s. */
export const testDefaults: PushDefaults = {
  retry: { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0.2 },
  breaker: {
    ...defaultBreakerConfig,
    failureThreshold: 3,
    openMs: 1_000,
    maxOpenMs: 2_000,
    halfOpenWaitMs: 200,
  },
};

export interface EngineEnv {
  readonly backend: EngineBackend;
  readonly database: TestDatabase;
  readonly db: Db;
  /** The BullMQ connection (null for in-process). */
  readonly connection: BullmqConnection | null;
  readonly queueName: string;
  /** Errors the engines and schedulers reported (handler errors, backend trouble). */
  readonly errors: unknown[];
  /** A new scheduler on this env's queue (what a new process would open). */
  scheduler(): Promise<DeliveryScheduler>;
  /** A new engine (scheduler, sender, relay, reconciler); closed by `close()`. */
  engine(
    options?: Partial<DeliveryEngineOptions> & { readonly senderTimeoutMs?: number },
  ): Promise<DeliveryEngine>;
  /** Closes the engines opened so far (the database and queue namespace stay). */
  stopEngines(): Promise<void>;
  /** Removes everything the scheduler backend holds for this env (FLUSHALL of our keys / BullMQ rows). */
  flushQueue(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database and queue namespace of one backend. */
export async function openEngineEnv(
  backend: EngineBackend,
  options: { readonly redisUrl?: string } = {},
): Promise<EngineEnv> {
  const database =
    backend === 'in-process'
      ? await openEmbeddedTestDatabase()
      : await openServerTestDatabase({ poolSize: Number(process.env['LT_POOL'] ?? 20) });
  const tag = randomBytes(4).toString('hex');
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const connection: BullmqConnection | null =
    backend === 'redis'
      ? { backend: 'redis', url: redisUrl, prefix: `lt-engine-${tag}` }
      : backend === 'postgres'
        ? { backend: 'postgres', connectionString: TEST_DATABASE_URL, schema: `${database.schema}_bq` }
        : null;
  const queueName = 'deliveries';
  const closers: Array<() => Promise<void>> = [];
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
    if (process.env['LT_TEST_DEBUG']) console.error('engine error', error);
  };
  const scheduler = () =>
    createDeliveryScheduler(connection ?? { backend: 'in-process' }, {
      queueName,
      errorDelayMs: 200,
      onError,
    });
  const env: EngineEnv = {
    backend,
    database,
    db: database.db,
    connection,
    queueName,
    errors,
    scheduler,
    async engine(overrides = {}) {
      const sender: WebhookSender = createWebhookSender({
        headersTimeoutMs: overrides.senderTimeoutMs ?? 5_000,
        connectTimeoutMs: 1_000,
        requestTimeoutMs: (overrides.senderTimeoutMs ?? 5_000) + 1_000,
        connectionsPerOrigin: 8,
      });
      const engine = createDeliveryEngine({
        db: database.db,
        scheduler: overrides.scheduler ?? (await scheduler()),
        attempt: webhookPushAttempt(sender),
        relay: true,
        worker: true,
        leaseMs: (overrides.senderTimeoutMs ?? 5_000) + 2_000,
        defaults: testDefaults,
        relayIntervalMs: 50,
        reconcileIntervalMs: 1_000,
        concurrency: 16,
        perNodeConcurrency: 4,
        onError,
        ...overrides,
      });
      closers.push(async () => {
        await engine.close();
        await sender.close();
      });
      await engine.start();
      return engine;
    },
    async stopEngines() {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    },
    async flushQueue() {
      if (connection?.backend === 'redis') {
        const redis = new Redis(redisUrl);
        try {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${connection.prefix}:*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length > 0) await redis.del(...keys);
          } while (cursor !== '0');
        } finally {
          redis.disconnect();
        }
      } else if (connection?.backend === 'postgres') {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          const { rows } = await client.query<{ table_name: string }>(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'
             AND table_name <> 'migration'`,
            [connection.schema],
          );
          // Row by row, table by table (TRUNCATE's exclusive locks deadlock with running workers).
          for (const { table_name } of rows) {
            // BullMQ's own statements lock rows across its tables; a deadlock victim just tries again.
            for (let tries = 0; ; tries += 1) {
              try {
                await client.query(`DELETE FROM "${connection.schema}"."${table_name}"`);
                break;
              } catch (error) {
                if ((error as { code?: string }).code !== '40P01' || tries >= 10) throw error;
              }
            }
          }
        } finally {
          await client.end();
        }
      }
    },
    async close() {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {});
      if (connection?.backend === 'redis') await env.flushQueue().catch(() => {});
      await database.close();
      if (connection?.backend === 'postgres') {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${connection.schema}" CASCADE`).catch(() => {});
        await client.end();
      }
    },
  };
  return env;
}

/** A node serving one fresh organization, with a webhook (secret returned) or polling. */
export async function addEngineNode(
  db: Db,
  options: { readonly role: string; readonly webhookUrl?: string | null; readonly secret?: string },
): Promise<{ nodeId: string; organId: string; secret: string | null }> {
  const nodeId = `${options.role}-${randomUUID().slice(0, 8)}`;
  const organId = uniqueOrgan();
  await createNode(db, { id: nodeId, organizations: [organId], at: new Date(), actor: 'test' });
  let secret: string | null = null;
  if (options.webhookUrl) {
    secret = options.secret ?? generateWebhookSecret();
    await setNodeWebhook(db, { nodeId, url: options.webhookUrl, secret, at: new Date(), actor: 'test' });
  }
  return { nodeId, organId, secret };
}

/** Accepts `count` packages from `sender` to each of `recipients` directly through the store. */
export async function acceptPackages(
  db: Db,
  sender: { nodeId: string; organId: string },
  recipients: ReadonlyArray<{ nodeId: string; organId: string }>,
  count: number,
  overrides: Partial<AcceptedMessageInput> = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const documentId = `${sender.organId},2026/11/25,${randomBytes(4).toString('hex')}/TEST`;
    const result = await insertAcceptedMessage(db, {
      kind: 'package',
      senderNodeId: sender.nodeId,
      senderOrganId: sender.organId,
      documentId,
      businessDocType: 0,
      statusCode: null,
      priority: 0,
      raw: Buffer.from(`<edXMLEnvelope>${documentId}|${randomBytes(8).toString('hex')}</edXMLEnvelope>`),
      summary: { documentId },
      verdict: { policy: 'test' },
      receivedAt: new Date(),
      actor: `node:${sender.nodeId}`,
      deliveries: recipients.map((r) => ({
        recipientOrganId: r.organId,
        addressedOrganId: r.organId,
        nodeId: r.nodeId,
        route: 'local' as const,
      })),
      ...overrides,
    });
    if (result.kind !== 'accepted') throw new Error(`not accepted: ${result.kind}`);
    ids.push(result.message.id);
  }
  return ids;
}
