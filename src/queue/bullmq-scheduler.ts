import {
  createPostgresBackend,
  DelayedError,
  type Job,
  type JobsOptions,
  type JobType,
  Queue,
  runMigrations,
  Worker,
  withBackend,
} from 'bullmq';
import pg from 'pg';
import { LienthongError } from '../core/index.ts';
import { defaultNodeGateOptions, NodeGate, type NodeGateOptions } from './node-gate.ts';
import { dispatchRank } from './priority.ts';
import type {
  DeliveryHandler,
  DeliveryScheduler,
  HandlerResult,
  QueueStats,
  ScheduledDelivery,
  SchedulerStartOptions,
} from './scheduler.ts';
import { assertSchedulable, assertStartOptions } from './scheduler-checks.ts';

/** Where BullMQ keeps its data. */
export type BullmqConnection =
  /** Redis (REDIS_URL). `prefix` namespaces the keys (default `bull`). */
  | { readonly backend: 'redis'; readonly url: string; readonly prefix?: string }
  /**
   * BullMQ's own Postgres backend, on the hub's database. `schema` holds BullMQ's tables (default
   * `bullmq`). `embedded: true` when the database is PGlite served by pglite-socket: every
   * connection shares one session there, so the schema is put on the session's search_path once
   * (after `public`, so the hub's own unqualified names keep resolving to its tables) and idle
   * workers poll every 200 ms because NOTIFY does not reach other connections.
   */
  | {
      readonly backend: 'postgres';
      readonly connectionString: string;
      readonly schema?: string;
      readonly embedded?: boolean;
      /** Embedded only: the hub's own schema, kept first on the shared search_path (default `public`). */
      readonly hubSchema?: string;
    };

export interface BullmqSchedulerOptions {
  readonly connection: BullmqConnection;
  /** Queue name; every process of one hub must use the same. */
  readonly queueName?: string;
  /** Delay before offering again an item whose handler threw, ms. */
  readonly errorDelayMs?: number;
  /** Pacing of items deferred because their node is at its concurrency limit. */
  readonly gate?: Partial<Omit<NodeGateOptions, 'perNodeConcurrency'>>;
  /** Receives errors from the handler and from the backend's connections (log them). */
  readonly onError?: (error: unknown, item?: ScheduledDelivery) => void;
  /** Clock in epoch ms; tests may pass their own. */
  readonly now?: () => number;
  /** How long creating the scheduler waits for the backend before failing, ms (default 10 s). */
  readonly readyTimeoutMs?: number;
  /**
   * BullMQ's job lock, ms (default 30 s): a job whose worker died is taken back by the stalled-job
   * check within about twice this. Workers renew it while they work, every half of it.
   */
  readonly lockDurationMs?: number;
  /**
   * How long close waits for jobs in flight and a clean goodbye to the backend before it drops the
   * connections (default 15 s): a Redis that is gone would otherwise make shutdown wait for ever.
   */
  readonly closeTimeoutMs?: number;
}

/** What a job carries: the item plus the scheduler's own bookkeeping. */
interface JobData {
  readonly item: ScheduledDelivery;
  /** 1 + retries seen by this scheduler. */
  readonly attempt: number;
  /** When the item became (or becomes) ready, epoch ms: for the oldest-waiting gauge. */
  readonly readyAt: number;
}

/** The parts of BullMQ's Queue this adapter uses; both backends' Queue classes fit it. */
interface QueueLike {
  waitUntilReady(): Promise<unknown>;
  addBulk(jobs: { name: string; data: JobData; opts?: JobsOptions }[]): Promise<unknown>;
  getRanges(types: JobType[], start?: number, end?: number, asc?: boolean): Promise<string[]>;
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
  getJobs(
    types?: JobType[] | JobType,
    start?: number,
    end?: number,
    asc?: boolean,
  ): Promise<{ data: unknown }[]>;
  getWorkers(): Promise<Array<{ rawname?: string }>>;
  exportPrometheusMetrics(labels?: Record<string, string>): Promise<string>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
  /** Drops the connection without a goodbye (BullMQ's Redis classes have it). */
  disconnect?(): Promise<void>;
}

interface WorkerLike {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
  disconnect?(): Promise<void>;
}

type Processor = (job: Job<JobData>, token?: string) => Promise<void>;

const JOB_ID_PREFIX = 'd-';
const HELD: JobType[] = ['active', 'waiting', 'prioritized', 'delayed', 'waiting-children'];
// Finished jobs are removed at once: the scheduler must accept the same delivery id again (an
// operator retry, a reconciler pass), and Postgres, not BullMQ, keeps the history.
const REMOVE = { removeOnComplete: true, removeOnFail: true } as const;
const WORKER_REMOVE = { removeOnComplete: { count: 0 }, removeOnFail: { count: 0 } } as const;

/**
 * A {@link DeliveryScheduler} on BullMQ 6, with Redis or BullMQ's Postgres backend. Job id =
 * `d-<deliveryId>`, so scheduling is idempotent while the job exists; the BullMQ priority is
 * {@link dispatchRank}; retries, paused nodes and nodes at their limit move the job to `delayed`
 * instead of holding a worker slot. BullMQ's own retries are not used: the handler decides.
 */
export async function createBullmqScheduler(options: BullmqSchedulerOptions): Promise<DeliveryScheduler> {
  const queueName = options.queueName ?? 'lienthong-deliveries';
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const errorDelayMs = options.errorDelayMs ?? 10_000;
  const backend = await openBackend(options.connection, queueName);
  const queue = backend.queue;
  queue.on('error', (error) => onError(error));
  try {
    // ioredis reconnects forever, so a Redis that is down would make this wait without end.
    await withTimeout(queue.waitUntilReady(), options.readyTimeoutMs ?? 10_000, 'backend not ready');
  } catch (cause) {
    void queue.close().catch(() => {});
    throw unavailable(cause);
  }

  let worker: WorkerLike | undefined;
  let closing: Promise<void> | undefined;

  const moveLater = async (job: Job<JobData>, token: string | undefined, data: JobData, delayMs: number) => {
    const at = now() + Math.max(1, Math.round(delayMs));
    await job.updateData({ ...data, readyAt: at });
    await job.moveToDelayed(at, token);
    // Tells BullMQ the job was moved on purpose: not completed, not failed.
    throw new DelayedError();
  };

  return {
    backend: backend.name,

    async schedule(items, opts) {
      if (closing !== undefined) throw closedError();
      if (items.length === 0) return;
      assertSchedulable(items);
      const delay = Math.max(0, Math.round(opts?.delayMs ?? 0));
      const readyAt = now() + delay;
      const jobs = items.map((item) => ({
        name: item.kind,
        data: { item: pickItem(item), attempt: 1, readyAt },
        opts: { jobId: JOB_ID_PREFIX + item.deliveryId, priority: dispatchRank(item), delay, ...REMOVE },
      }));
      try {
        await queue.addBulk(jobs);
      } catch (cause) {
        throw unavailable(cause);
      }
    },

    async heldIds() {
      const ids = await queue.getRanges(HELD, 0, -1).catch((cause: unknown) => {
        throw unavailable(cause);
      });
      return new Set(
        ids.filter((id) => id.startsWith(JOB_ID_PREFIX)).map((id) => id.slice(JOB_ID_PREFIX.length)),
      );
    },

    async start(handler: DeliveryHandler, startOptions: SchedulerStartOptions) {
      if (worker !== undefined) {
        throw new LienthongError('QUEUE_ALREADY_STARTED', 'scheduler already started', {
          where: 'queue.start',
        });
      }
      if (closing !== undefined) throw closedError();
      assertStartOptions(startOptions);
      const gate = new NodeGate({
        ...defaultNodeGateOptions,
        ...options.gate,
        perNodeConcurrency: startOptions.perNodeConcurrency,
      });
      const processor: Processor = async (job, token) => {
        const data = job.data;
        const decision = gate.enter(data.item, dispatchRank(data.item), now());
        if (decision.kind === 'defer') return moveLater(job, token, data, decision.delayMs);
        let result: HandlerResult;
        try {
          result = await handler(data.item, data.attempt);
        } catch (error) {
          onError(
            new LienthongError('QUEUE_HANDLER_ERROR', 'delivery handler threw', { cause: error }),
            data.item,
          );
          result = { kind: 'retry', delayMs: errorDelayMs };
        } finally {
          decision.release(now());
        }
        if (result.kind === 'done') return;
        const attempt = result.kind === 'retry' ? data.attempt + 1 : data.attempt;
        return moveLater(job, token, { ...data, attempt }, result.delayMs);
      };
      worker = backend.worker(processor, startOptions.concurrency, options.lockDurationMs);
      worker.on('error', (error) => onError(error));
      await worker.waitUntilReady();
    },

    async stats(): Promise<QueueStats> {
      const [counts, workers, oldestReadyAt] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
        backend.countWorkers(),
        oldestReady(queue),
      ]).catch((cause: unknown) => {
        throw unavailable(cause);
      });
      return {
        waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0),
        active: counts['active'] ?? 0,
        delayed: counts['delayed'] ?? 0,
        failed: counts['failed'] ?? 0,
        oldestWaitingAgeMs: oldestReadyAt === null ? null : Math.max(0, now() - oldestReadyAt),
        workers,
      };
    },

    prometheusMetrics(labels) {
      return queue.exportPrometheusMetrics(labels === undefined ? undefined : { ...labels });
    },

    close() {
      // A backend that is already gone makes BullMQ's close throw, or wait for ever on a Redis
      // client that keeps reconnecting; closing must still finish, so it is bounded and then forced.
      closing ??= (async () => {
        const graceful = (async () => {
          await worker?.close().catch((error: unknown) => onError(error));
          await queue.close().catch((error: unknown) => onError(error));
        })();
        try {
          await withTimeout(graceful, options.closeTimeoutMs ?? 15_000, 'backend did not close');
        } catch (error) {
          onError(error);
          // ioredis stops reconnecting at once, but may never say 'end' for a server that is gone.
          const dropped = Promise.allSettled([worker?.disconnect?.(), queue.disconnect?.()]);
          await withTimeout(dropped, 1_000, 'backend did not disconnect').catch(() => {});
        }
      })();
      return closing;
    },
  };
}

interface Backend {
  readonly name: string;
  readonly queue: QueueLike;
  worker(processor: Processor, concurrency: number, lockDurationMs?: number): WorkerLike;
  /** Workers consuming this queue (of this hub only). */
  countWorkers(): Promise<number>;
}

// Postgres truncates application_name to NAMEDATALEN - 1 bytes (63).
const PG_NAME_BYTES = 63;

/** Lock and stalled-check settings for a Worker (BullMQ's defaults when not given). */
function lockOptions(lockDurationMs: number | undefined) {
  return lockDurationMs === undefined
    ? {}
    : { lockDuration: lockDurationMs, stalledInterval: lockDurationMs };
}

async function openBackend(connection: BullmqConnection, queueName: string): Promise<Backend> {
  if (connection.backend === 'redis') {
    const prefix = connection.prefix === undefined ? {} : { prefix: connection.prefix };
    // Producers fail fast when Redis is away (the relay tries again on its next pass) ...
    const queue = new Queue<JobData>(queueName, {
      connection: { url: connection.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      ...prefix,
    }) as unknown as QueueLike;
    return {
      name: 'redis',
      queue,
      // ... while workers wait for it to come back, as BullMQ requires.
      worker: (processor, concurrency, lockDurationMs) =>
        new Worker<JobData>(queueName, processor, {
          connection: { url: connection.url, maxRetriesPerRequest: null },
          concurrency,
          ...prefix,
          ...WORKER_REMOVE,
          ...lockOptions(lockDurationMs),
        }),
      // The prefix namespaces the worker connections' names as it does the keys.
      countWorkers: async () => (await queue.getWorkers()).length,
    };
  }
  if (connection.backend === 'postgres') {
    const schema = connection.schema ?? 'bullmq';
    quoteIdentifier(schema); // refuse a bad name before any connection is made
    const embedded = connection.embedded === true;
    const hubSchema = connection.hubSchema ?? 'public';
    quoteIdentifier(hubSchema);
    await prepareSchema(connection.connectionString, schema, embedded ? hubSchema : null);
    const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
    const pgConnection = { connectionString: connection.connectionString, schema };
    const queue = new PgQueue<JobData>(queueName, { connection: pgConnection }) as unknown as QueueLike;
    // BullMQ finds Postgres workers by their connection's application_name across the whole
    // database, whatever their schema: two hubs (or test runs) on one server would count each
    // other's workers. Workers are named after their queue schema, and only those are counted.
    const workerName = `${queueName}:w:${schema}`;
    const ownName = Buffer.from(workerName).subarray(0, PG_NAME_BYTES).toString();
    return {
      name: embedded ? 'postgres-embedded' : 'postgres',
      queue,
      worker: (processor, concurrency, lockDurationMs) =>
        new PgWorker<JobData>(queueName, processor, {
          connection: pgConnection,
          name: schema,
          concurrency,
          ...WORKER_REMOVE,
          ...lockOptions(lockDurationMs),
          ...(embedded ? { drainDelay: 0.2 } : {}),
        }),
      countWorkers: async () => (await queue.getWorkers()).filter((w) => w.rawname === ownName).length,
    };
  }
  throw new LienthongError('QUEUE_INVALID_OPTIONS', 'unknown queue backend', { where: 'queue.connection' });
}

/** Brings BullMQ's tables up to date in `schema` (idempotent, serialised by BullMQ's advisory lock). */
async function prepareSchema(
  connectionString: string,
  schema: string,
  hubSchema: string | null,
): Promise<void> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    await runMigrations(client, schema);
    if (hubSchema !== null) {
      // pglite-socket ignores the per-connection `-c search_path` BullMQ sets, and all clients share
      // one session: name the schema on that session instead, after the hub's own schema.
      await client.query(`SET search_path TO ${quoteIdentifier(hubSchema)}, ${quoteIdentifier(schema)}`);
    }
  } catch (cause) {
    throw unavailable(cause);
  } finally {
    await client.end().catch(() => {});
  }
}

async function oldestReady(queue: QueueLike): Promise<number | null> {
  // Reading every waiting job would cost O(n) per scrape; the heads and tails of the two ready
  // lists hold the longest-waiting item in practice (FIFO within a priority, lowest priority last).
  const samples = await Promise.all([
    queue.getJobs('wait', 0, 0, true),
    queue.getJobs('prioritized', 0, 0, true),
    queue.getJobs('prioritized', 0, 0, false),
  ]);
  let oldest: number | null = null;
  for (const job of samples.flat()) {
    const readyAt = (job.data as Partial<JobData> | undefined)?.readyAt;
    if (typeof readyAt === 'number' && (oldest === null || readyAt < oldest)) oldest = readyAt;
  }
  return oldest;
}

function pickItem(item: ScheduledDelivery): ScheduledDelivery {
  return { deliveryId: item.deliveryId, nodeId: item.nodeId, priority: item.priority, kind: item.kind };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new LienthongError('QUEUE_INVALID_OPTIONS', 'invalid schema name', { where: 'queue.connection' });
  }
  return `"${name}"`;
}

function unavailable(cause: unknown): LienthongError {
  return new LienthongError('QUEUE_BACKEND_UNAVAILABLE', 'queue backend unavailable', {
    where: 'queue',
    cause,
  });
}

function closedError(): LienthongError {
  return new LienthongError('QUEUE_CLOSED', 'scheduler closed', { where: 'queue' });
}
