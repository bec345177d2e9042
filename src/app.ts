// The composition root: reads the configuration, builds the pieces and wires them. Only entry
// points (the CLI, tests) import this file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildHttpApp } from './adapters/http/build-http-app.ts';
import { type OpsDelivery, type OpsPort, opsApi } from './adapters/http/ops-api.ts';
import { createQueueBoard, type QueueBoard } from './adapters/http/queue-board.ts';
import { createVxpMount } from './adapters/vxp/index.ts';
import { createWebhookSender, webhookPushAttempt } from './adapters/webhook/index.ts';
import { ConfigError, type HubConfig, type HubRole, type TlsFiles } from './config.ts';
import { parseEdxml } from './edxml/index.ts';
import { codes } from './errors.ts';
import { createHubService } from './hub/create-hub-service.ts';
import type { HubService } from './hub/hub-service.ts';
import { InboxNotifier } from './hub/inbox-notifier.ts';
import { createStoreHubStore } from './hub/store-hub-store.ts';
import { createHubMetrics, type HubMetrics, queuesReport } from './ops/index.ts';
import {
  assertRoleFitsScheduler,
  type BullmqConnection,
  chooseSchedulerBackend,
  createDeliveryEngine,
  createDeliveryScheduler,
  type DeliveryEngine,
  type DeliveryScheduler,
  defaultBreakerConfig,
  type PushDefaults,
  type SchedulerBackend,
} from './queue/index.ts';
import { directoryFormatOf, parseDirectoryFile } from './routing/index.ts';
import { createSignatureVerifier, type SignatureVerifier } from './signature/index.ts';
import {
  countPendingOutbox,
  type Database,
  type DeliveryListEntry,
  type DeliveryState,
  importDirectory,
  issueMissingTokens,
  listDeliveries,
  listOrganizations,
  openDatabase,
  type RetryTarget,
  retryFailedDeliveries,
} from './store/index.ts';

/** A running hub's parts, for `serve` and for tests. */
export interface Hub {
  readonly config: HubConfig;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly service: HubService;
  readonly logger: Logger;
  /** On the first start with an empty directory: the example directory's nodes and their new tokens. */
  readonly firstStart: {
    readonly directory: string;
    readonly tokens: ReadonlyArray<{ nodeId: string; token: string }>;
  } | null;
  /** Trust anchors found in the trust directory (0 means every signed package is refused). */
  readonly trustFiles: number;
  /** What this process runs: the API (`api`), the delivery workers (`worker`), or both (`all`). */
  readonly role: HubRole;
  /** The delivery engine of this process (relay everywhere; workers and reconciler unless `api`). */
  readonly engine: DeliveryEngine;
  /** This process's Prometheus registry (served at /metrics with the queue's export). */
  readonly metrics: HubMetrics;
  /** Stops accepting, waits for requests in flight, closes workers and the database. */
  close(): Promise<void>;
}

/** Options a test or the CLI may add to the configuration. */
export interface CreateHubOptions {
  readonly logger?: Logger;
  /** Server mode: a schema for the hub's tables (tests use one per file). */
  readonly schema?: string;
  /** Current time (tests). */
  readonly now?: () => Date;
  /** Load the example directory into an empty database (default true). */
  readonly loadExampleDirectory?: boolean;
  /** Overrides the configured role (`serve --role`). */
  readonly role?: HubRole;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function countTrustFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  const walk = (d: string) => {
    for (const entry of readdirSafe(d)) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(pem|crt|cer|der)$/i.test(entry.name)) count += 1;
    }
  };
  walk(dir);
  return count;
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function loadExampleIfEmpty(database: Database, config: HubConfig, logger: Logger, now: Date) {
  const existing = await listOrganizations(database.db);
  if (existing.length > 0) return null;
  const format = directoryFormatOf(config.exampleDirectory);
  if (!format || !existsSync(config.exampleDirectory)) {
    logger.warn({ file: config.exampleDirectory }, 'empty directory and no example directory file to load');
    return null;
  }
  const parsed = parseDirectoryFile(readFileSync(config.exampleDirectory, 'utf8'), format);
  if (!parsed.ok) {
    throw new Error(
      `${config.exampleDirectory}: ${parsed.findings.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    );
  }
  const audit = { at: now, actor: 'hub' };
  await importDirectory(database.db, parsed.file, audit);
  const tokens = await issueMissingTokens(database.db, audit);
  return { directory: config.exampleDirectory, tokens };
}

/** Where the scheduler lives, from the configuration and the open database. */
function schedulerBackendFor(config: HubConfig, hubSchema: string): SchedulerBackend {
  const d = config.delivery;
  const schema = d.queueSchema ?? (hubSchema === 'public' ? 'bullmq' : `${hubSchema}_bullmq`.slice(0, 63));
  return chooseSchedulerBackend({
    redisUrl: config.redisUrl ?? undefined,
    databaseUrl: config.databaseUrl ?? undefined,
    // Embedded Postgres always gets the in-process scheduler: BullMQ's Postgres backend is not sound
    // over pglite-socket (docs/operations.md, "Why not BullMQ on embedded Postgres").
    embeddedDatabaseUrl: undefined,
    forceInProcess: d.scheduler === 'in-process',
    schema,
    prefix: d.queuePrefix,
    hubSchema,
  });
}

function pushDefaults(config: HubConfig): PushDefaults {
  const d = config.delivery;
  return {
    retry: {
      maxAttempts: d.retryMaxAttempts,
      maxAgeMs: d.retryMaxAgeSeconds * 1000,
      baseDelayMs: Math.min(d.retryBaseDelayMs, d.retryMaxDelayMs),
      maxDelayMs: d.retryMaxDelayMs,
      jitter: 0.5,
    },
    breaker: { ...defaultBreakerConfig, failureThreshold: d.breakerFailures, openMs: d.breakerOpenMs },
  };
}

/** Wakes the outbox relay when the hub commits a message, besides waking long-polls. */
class CommitNotifier extends InboxNotifier {
  readonly #onCommit: () => void;
  constructor(onCommit: () => void) {
    super();
    this.#onCommit = onCommit;
  }
  override notify(nodeIds: Iterable<string>): void {
    super.notify(nodeIds);
    this.#onCommit();
  }
}

function toOpsDelivery(entry: DeliveryListEntry): OpsDelivery {
  const d = entry.delivery;
  const a = entry.lastAttempt;
  return {
    id: d.id,
    messageId: d.messageId,
    documentId: entry.documentId,
    fromOrganId: entry.senderOrganId,
    toOrganId: d.recipientOrganId,
    nodeId: d.nodeId,
    state: d.state,
    priority: d.priority,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredBy: d.deliveredBy,
    updatedAt: d.updatedAt.toISOString(),
    lastAttempt:
      a === null
        ? null
        : {
            attempt: a.attempt,
            startedAt: a.startedAt.toISOString(),
            durationMs: a.durationMs,
            httpStatus: a.httpStatus,
            error: a.error,
            errorDetail: a.errorDetail,
          },
  };
}

/** The delivery engine of this process and what it needs closed. */
async function buildEngine(
  config: HubConfig,
  database: Database,
  role: HubRole,
  logger: Logger,
  metrics: HubMetrics,
): Promise<{
  engine: DeliveryEngine;
  scheduler: DeliveryScheduler;
  backend: SchedulerBackend;
  close(): Promise<void>;
}> {
  const d = config.delivery;
  const backend = schedulerBackendFor(config, database.schema);
  assertRoleFitsScheduler(role, backend, { sharedDatabaseClient: database.mode === 'embedded-client' });
  // On a server the engine has its own connections, so that a busy delivery queue never makes the
  // API wait for a connection (and the other way round). Embedded Postgres has one session anyway.
  const engineDatabase =
    database.mode === 'server' && config.databaseUrl
      ? await openDatabase({
          databaseUrl: config.databaseUrl,
          schema: database.schema,
          migrate: false,
          poolSize: role === 'api' ? 2 : Math.min(50, Math.max(4, Math.ceil(d.concurrency / 2))),
        })
      : null;
  const db = engineDatabase?.db ?? database.db;
  const scheduler = await createDeliveryScheduler(backend, {
    queueName: d.queueName,
    errorDelayMs: 10_000,
    lockDurationMs: d.lockMs,
    onError: (err, item) => logger.warn({ err, deliveryId: item?.deliveryId }, 'delivery queue error'),
  });
  const sender = createWebhookSender({
    connectTimeoutMs: d.connectTimeoutMs,
    headersTimeoutMs: d.headersTimeoutMs,
    bodyTimeoutMs: d.headersTimeoutMs,
    requestTimeoutMs: d.requestTimeoutMs,
    connectionsPerOrigin: d.connectionsPerOrigin,
  });
  const engine = createDeliveryEngine({
    db,
    scheduler,
    attempt: webhookPushAttempt(sender),
    relay: true,
    worker: role !== 'api',
    concurrency: d.concurrency,
    perNodeConcurrency: d.perNodeConcurrency,
    // A push holds its delivery for the longest a request may take, plus a margin.
    leaseMs: d.requestTimeoutMs + Math.min(30_000, d.requestTimeoutMs),
    defaults: pushDefaults(config),
    relayIntervalMs: d.relayIntervalMs,
    reconcileIntervalMs: d.reconcileIntervalMs,
    onError: (err, where) => logger.warn({ err, where }, 'delivery engine error'),
    onAttempt: (work, outcome, next) => {
      metrics.attempt(work, outcome, next);
      if (next.next === 'failed') {
        logger.warn(
          { target: work.target, id: work.deliveryId, nodeId: work.nodeId, reason: next.reason },
          'push failed for good',
        );
      }
    },
    onRelayed: (result) => metrics.relayed(result),
    onReconciled: (result) => {
      metrics.reconciled(result);
      if (result.scheduled > 0) logger.info(result, 'reconciler scheduled unfinished pushes again');
    },
  });
  return {
    engine,
    scheduler,
    backend,
    async close() {
      await engine.close();
      await sender.close();
      await engineDatabase?.close();
    },
  };
}

/**
 * The hub's TLS certificate and key, read and checked once at start, before any database is opened:
 * an unreadable file or a key that does not fit the certificate is a configuration error (exit 2),
 * not a failure after the first start has issued and printed tokens.
 */
async function readTlsFiles(files: TlsFiles): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (variable: string, file: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ConfigError(
        variable,
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  const cert = await read('LIENTHONG_TLS_CERT', files.certFile);
  const key = await read('LIENTHONG_TLS_KEY', files.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(
      'LIENTHONG_TLS_KEY',
      `the certificate and key cannot be used together (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return { cert, key };
}

/** Builds a hub from its configuration: database (migrated), directory, verifier, service, HTTP app, delivery engine. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      // Never log credentials or package bodies.
      redact: {
        paths: ['req.headers.authorization', 'req.headers["xroadvnpt-sign-header"]'],
        remove: true,
      },
    });
  const now = options.now ?? (() => new Date());
  const role = options.role ?? config.role;
  const schema = options.schema ?? config.dbSchema ?? undefined;
  // Refuse a split role that the queue cannot serve before the (slow) embedded database is opened;
  // buildEngine checks again with what opening found (another process owning the data directory).
  assertRoleFitsScheduler(role, schedulerBackendFor(config, (config.databaseUrl && schema) || 'public'), {
    sharedDatabaseClient: false,
  });
  const tls = config.tls ? await readTlsFiles(config.tls) : undefined;
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    ...(schema ? { schema } : {}),
    serveSocket: !config.databaseUrl,
    poolSize: config.dbPoolSize,
  });
  let verifier: SignatureVerifier | null = null;
  let delivery: Awaited<ReturnType<typeof buildEngine>> | null = null;
  let board: QueueBoard | null = null;
  try {
    const firstStart =
      options.loadExampleDirectory === false || role === 'worker'
        ? null
        : await loadExampleIfEmpty(database, config, logger, now());
    const metrics = createHubMetrics({ role });
    delivery = await buildEngine(config, database, role, logger, metrics);
    const { engine, scheduler, backend } = delivery;
    const trustFiles = countTrustFiles(config.trustDir);
    verifier = await createSignatureVerifier({
      trustPaths: trustFiles > 0 ? [config.trustDir] : [],
      threads: role === 'worker' ? 1 : config.verifyThreads,
    });
    const verify = verifier.verify.bind(verifier);
    const store = createStoreHubStore(database.db);
    const service = createHubService({
      store,
      parse: (bytes) => parseEdxml(bytes, { strict: config.strict, maxBytes: config.maxPackageBytes }),
      verify,
      notifier: new CommitNotifier(() => engine.kick()),
      now,
      maxPackageBytes: config.maxPackageBytes,
      bindingAttributes: config.bindingAttributes,
      allowSha1: config.allowSha1,
    });
    if (backend.backend !== 'in-process') {
      board = createQueueBoard({
        connection: backend as BullmqConnection,
        queueName: config.delivery.queueName,
        basePath: '/ops/board',
      });
    }
    const ops: OpsPort = {
      queues: () =>
        queuesReport({
          db: database.db,
          scheduler,
          queueName: config.delivery.queueName,
          breakers: role === 'api' ? null : engine.breakers,
          role,
          now: now(),
        }),
      async metrics() {
        metrics.gauge('outbox_pending', await countPendingOutbox(database.db));
        metrics.gauge(
          'nodes_paused',
          engine.breakers.snapshot().filter((b) => b.state.kind !== 'closed').length,
        );
        const queue = await scheduler.prometheusMetrics({ role }).catch((err: unknown) => {
          logger.warn({ err }, 'queue metrics unavailable');
          return '';
        });
        return metrics.render(queue);
      },
      async listDeliveries(filter) {
        const entries = await listDeliveries(database.db, {
          state: filter.state as DeliveryState | undefined,
          nodeId: filter.nodeId,
          limit: filter.limit,
        });
        return entries.map(toOpsDelivery);
      },
      async retryDeliveries(target, actor) {
        const retried = await retryFailedDeliveries(database.db, target as RetryTarget, { at: now(), actor });
        engine.kick();
        return { retried: retried.map((d) => d.id) };
      },
    };
    const app = await buildHttpApp({
      hub: service,
      codes,
      logger,
      maxPackageBytes: config.maxPackageBytes,
      version: VERSION,
      ...(tls ? { https: tls } : {}),
      mounts: [
        createVxpMount(database, service, { maxPackageBytes: config.maxPackageBytes }),
        {
          prefix: '',
          plugin: opsApi({
            port: ops,
            codes,
            token: config.operatorToken,
            board: board === null ? undefined : board,
          }),
        },
      ],
    });
    await engine.start();
    const closeVerifier = verifier;
    const closeDelivery = delivery;
    const closeBoard = board;
    return {
      config,
      app,
      database,
      service,
      logger,
      firstStart,
      trustFiles,
      role,
      engine,
      metrics,
      async close() {
        await app.close();
        // Workers finish the pushes in flight and record them before the database goes.
        await closeDelivery.close();
        await closeBoard?.close();
        await closeVerifier.close();
        await database.close();
      },
    };
  } catch (error) {
    await delivery?.close().catch(() => {});
    await board?.close().catch(() => {});
    await verifier?.close();
    await database.close();
    throw error;
  }
}
