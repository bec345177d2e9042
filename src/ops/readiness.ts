import type { DeliveryScheduler } from '../queue/index.ts';
import { type Db, pendingMigrations } from '../store/index.ts';

/** One thing a process needs before it can do its work. */
export interface ReadinessCheck {
  readonly ok: boolean;
  /** Why not, for the operator (never a secret). */
  readonly detail?: string;
}

/** What /readyz answers: ready when every check is. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: {
    readonly database: ReadinessCheck;
    readonly migrations: ReadinessCheck;
    readonly queue: ReadinessCheck;
    readonly trust: ReadinessCheck;
  };
}

/** What {@link checkReadiness} looks at. */
export interface ReadinessDeps {
  readonly db: Db;
  /** This process's scheduler (BullMQ on Redis or Postgres, or in-process). */
  readonly scheduler: DeliveryScheduler | null;
  /** Trust anchors loaded by the signature verifier. */
  readonly trustAnchors: number;
  /** How long one check may take before it counts as failed (default 2 000 ms). */
  readonly timeoutMs?: number;
}

const withTimeout = async (work: () => Promise<ReadinessCheck>, ms: number): Promise<ReadinessCheck> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      work().catch((error: unknown) => ({
        ok: false,
        detail: error instanceof Error ? error.message.slice(0, 200) : 'failed',
      })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Whether this process can serve: the database answers, every migration is applied, the queue
 * backend answers, and the trust store holds at least one anchor (without one, every signed
 * package is refused). Each check has its own time limit, so a hung backend makes the answer
 * "not ready", never a hung probe.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const ms = deps.timeoutMs ?? 2000;
  const [database, migrations, queue] = await Promise.all([
    withTimeout(async () => {
      await deps.db.query('SELECT 1');
      return { ok: true };
    }, ms),
    withTimeout(async () => {
      const pending = await pendingMigrations(deps.db);
      return pending.length === 0 ? { ok: true } : { ok: false, detail: `pending: ${pending.join(', ')}` };
    }, ms),
    withTimeout(async () => {
      if (deps.scheduler === null) return { ok: true, detail: 'no queue in this process' };
      await deps.scheduler.stats();
      return { ok: true, detail: deps.scheduler.backend };
    }, ms),
  ]);
  const trust: ReadinessCheck =
    deps.trustAnchors > 0
      ? { ok: true, detail: `${deps.trustAnchors} trust file(s)` }
      : {
          ok: false,
          detail: 'no trust anchors in LIENTHONG_TRUST_DIR: every signed package would be refused',
        };
  const checks = { database, migrations, queue, trust };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
