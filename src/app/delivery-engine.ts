// The composition of one process's delivery engine: where the scheduler lives, the webhook sender,
// the engine's own database connections, and what it tells the logs and metrics.
import type { Logger } from 'pino';
import { createPeerClient, type PeerClient } from '../adapters/peer/index.ts';
import { createPushAttempt } from '../adapters/push-attempt.ts';
import { createWebhookSender } from '../adapters/webhook/index.ts';
import type { HubConfig, HubRole } from '../config.ts';
import type { HubMetrics } from '../ops/index.ts';
import {
  assertRoleFitsScheduler,
  chooseSchedulerBackend,
  createDeliveryEngine,
  createDeliveryScheduler,
  type DeliveryEngine,
  type DeliveryScheduler,
  defaultBreakerConfig,
  type PushDefaults,
  type SchedulerBackend,
} from '../queue/index.ts';
import { type Database, type Db, openDatabase, recordPeerContact } from '../store/index.ts';

/** Where the scheduler lives, from the configuration and the open database. */
export function schedulerBackendFor(config: HubConfig, hubSchema: string): SchedulerBackend {
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

/**
 * Notes the last contact (or failure) with each peer hub for `hub list` and the console: at most
 * once a second per peer, never on the push's own path.
 */
function peerContactRecorder(db: Db, logger: Logger) {
  const last = new Map<string, { at: number; error: string | null }>();
  return {
    note(nodeId: string, error: string | null) {
      const now = Date.now();
      const before = last.get(nodeId);
      if (before && before.error === error && now - before.at < 1000) return;
      last.set(nodeId, { at: now, error });
      recordPeerContact(db, { nodeId, at: new Date(now), error }).catch((err: unknown) =>
        logger.warn({ err, nodeId }, 'peer contact not recorded'),
      );
    },
  };
}

/** The delivery engine of this process and what it needs closed. */
export interface BuiltEngine {
  readonly engine: DeliveryEngine;
  /** The hub-to-hub client (hand-overs, receipts; the peer agent's calls to the parent too). */
  readonly peer: PeerClient;
  readonly scheduler: DeliveryScheduler;
  readonly backend: SchedulerBackend;
  close(): Promise<void>;
}

export async function buildDeliveryEngine(
  config: HubConfig,
  database: Database,
  role: HubRole,
  logger: Logger,
  metrics: HubMetrics,
  hubId: string,
): Promise<BuiltEngine> {
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
          txGuard: config.txGuard,
          poolSize:
            config.engineDbPoolSize ??
            (role === 'api' ? 2 : Math.min(50, Math.max(4, Math.ceil(d.concurrency / 2)))),
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
  const peer = createPeerClient({
    connectTimeoutMs: d.connectTimeoutMs,
    headersTimeoutMs: d.headersTimeoutMs,
    bodyTimeoutMs: d.headersTimeoutMs,
    requestTimeoutMs: d.requestTimeoutMs,
  });
  const push = createPushAttempt({ webhook: sender, peer });
  const contact = peerContactRecorder(db, logger);
  const engine = createDeliveryEngine({
    db,
    scheduler,
    hubId,
    attempt: push.attempt,
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
      if (work.via.kind === 'peer')
        contact.note(
          work.nodeId,
          outcome.kind === 'retry' ? (outcome.attempt.errorCode ?? 'PEER_UNREACHABLE') : null,
        );
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
    peer,
    scheduler,
    backend,
    async close() {
      await engine.close();
      await sender.close();
      await peer.close();
      await push.close();
      await engineDatabase?.close();
    },
  };
}
