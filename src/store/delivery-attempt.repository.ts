import type { Db } from './db.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/** How one attempt ended: ok, retryable (try again later), permanent (give up). */
export type AttemptOutcome = 'ok' | 'retryable' | 'permanent';

/** One try to hand a delivery to its node (webhook push, peer hub forward). */
export interface DeliveryAttemptRecord {
  readonly id: string;
  readonly deliveryId: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly outcome: AttemptOutcome;
  readonly httpStatus: number | null;
  /** A short error text (no secrets, no package bytes). */
  readonly error: string | null;
}

/** An attempt to record. */
export type DeliveryAttemptInput = Omit<
  DeliveryAttemptRecord,
  'id' | 'finishedAt' | 'httpStatus' | 'error'
> & {
  readonly finishedAt?: Date | null | undefined;
  readonly httpStatus?: number | null | undefined;
  readonly error?: string | null | undefined;
};

function toRecord(row: Record<string, unknown>): DeliveryAttemptRecord {
  return {
    id: str(row, 'id'),
    deliveryId: str(row, 'delivery_id'),
    attempt: row['attempt'] as number,
    startedAt: date(row, 'started_at'),
    finishedAt: dateOrNull(row, 'finished_at'),
    outcome: str(row, 'outcome') as AttemptOutcome,
    httpStatus: (row['http_status'] as number | null) ?? null,
    error: strOrNull(row, 'error'),
  };
}

/** Records an attempt; recording the same (delivery, attempt) again keeps the first. */
export async function recordDeliveryAttempt(
  db: Db,
  input: DeliveryAttemptInput,
): Promise<DeliveryAttemptRecord> {
  const { rows } = await db.query(
    `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, http_status, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (delivery_id, attempt) DO NOTHING
     RETURNING *`,
    [
      input.deliveryId,
      input.attempt,
      input.startedAt,
      input.finishedAt ?? null,
      input.outcome,
      input.httpStatus ?? null,
      input.error ?? null,
    ],
  );
  if (rows[0]) return toRecord(rows[0]);
  const existing = await db.query('SELECT * FROM delivery_attempts WHERE delivery_id = $1 AND attempt = $2', [
    input.deliveryId,
    input.attempt,
  ]);
  return toRecord(existing.rows[0]!);
}

/** The attempts of a delivery, first first. */
export async function listDeliveryAttempts(db: Db, deliveryId: string): Promise<DeliveryAttemptRecord[]> {
  const { rows } = await db.query('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [
    deliveryId,
  ]);
  return rows.map(toRecord);
}
