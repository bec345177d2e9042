import { LienthongError } from '../core/index.ts';
import { type BullmqConnection, createBullmqScheduler } from './bullmq-scheduler.ts';
import { createInProcessScheduler } from './in-process-scheduler.ts';
import type { DeliveryScheduler, ScheduledDelivery } from './scheduler.ts';

/** Which scheduler a process uses; see {@link chooseSchedulerBackend}. */
export type SchedulerBackend = BullmqConnection | { readonly backend: 'in-process' };

/** What the composition root knows when it picks a backend. */
export interface SchedulerEnvironment {
  /** REDIS_URL, when set. */
  readonly redisUrl?: string | undefined;
  /** DATABASE_URL, when set (a real Postgres server). */
  readonly databaseUrl?: string | undefined;
  /** The pglite-socket address of the embedded database, when there is no DATABASE_URL. */
  readonly embeddedDatabaseUrl?: string | undefined;
  /** Forces the in-process scheduler (e.g. LIENTHONG_SCHEDULER=in-process). */
  readonly forceInProcess?: boolean;
  /** Schema for BullMQ's tables on Postgres (default `bullmq`). */
  readonly schema?: string;
  /** Redis key prefix (default BullMQ's `bull`). */
  readonly prefix?: string;
  /** Embedded only: the hub's own schema, kept first on the shared search_path (default `public`). */
  readonly hubSchema?: string;
}

/**
 * REDIS_URL → BullMQ on Redis; else BullMQ's Postgres backend on the hub's database, a server or
 * the embedded PGlite; with neither (or when forced) the in-process scheduler. All of them pass the
 * same contract suite, so the choice changes throughput and topology, not delivery semantics.
 */
export function chooseSchedulerBackend(env: SchedulerEnvironment): SchedulerBackend {
  const schema = env.schema === undefined ? {} : { schema: env.schema };
  if (env.forceInProcess) return { backend: 'in-process' };
  if (env.redisUrl) {
    return {
      backend: 'redis',
      url: env.redisUrl,
      ...(env.prefix === undefined ? {} : { prefix: env.prefix }),
    };
  }
  if (env.databaseUrl) return { backend: 'postgres', connectionString: env.databaseUrl, ...schema };
  if (env.embeddedDatabaseUrl) {
    return {
      backend: 'postgres',
      connectionString: env.embeddedDatabaseUrl,
      embedded: true,
      ...schema,
      ...(env.hubSchema === undefined ? {} : { hubSchema: env.hubSchema }),
    };
  }
  return { backend: 'in-process' };
}

/** Settings shared by every backend. */
export interface CreateSchedulerOptions {
  readonly queueName?: string;
  readonly errorDelayMs?: number;
  /** BullMQ only: job lock (see BullmqSchedulerOptions.lockDurationMs). */
  readonly lockDurationMs?: number;
  readonly onError?: (error: unknown, item?: ScheduledDelivery) => void;
}

/** Builds the scheduler for `backend`. */
export function createDeliveryScheduler(
  backend: SchedulerBackend,
  options: CreateSchedulerOptions = {},
): Promise<DeliveryScheduler> {
  if (backend.backend === 'in-process') return Promise.resolve(createInProcessScheduler(options));
  return createBullmqScheduler({ ...options, connection: backend });
}

/** Which parts of the delivery engine a process runs (the `serve --role`). */
export type EngineRole = 'all' | 'api' | 'worker';

/**
 * The in-process scheduler holds its items in one process's memory: only a process that both
 * relays (API) and consumes (worker) can use it, and only one such process per database, or two
 * processes would each push what the other holds. Throws QUEUE_SHARED_SCHEDULER_REQUIRED otherwise.
 */
export function assertRoleFitsScheduler(
  role: EngineRole,
  backend: SchedulerBackend,
  options: { readonly sharedDatabaseClient: boolean },
): void {
  if (backend.backend !== 'in-process') return;
  if (role !== 'all' || options.sharedDatabaseClient) {
    throw new LienthongError(
      'QUEUE_SHARED_SCHEDULER_REQUIRED',
      role !== 'all'
        ? `--role ${role} needs a shared queue: set REDIS_URL or DATABASE_URL.`
        : 'Another process owns this embedded data directory and runs the deliveries; set REDIS_URL to run more than one.',
      { where: 'queue.role', details: { role } },
    );
  }
}
