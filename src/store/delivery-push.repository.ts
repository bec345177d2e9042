import type { Db } from './db.ts';
import type { DeliveryState } from './delivery-state.ts';
import type { MessageKind } from './message.repository.ts';
import { NODE_PUSH_COLUMNS, type NodePushSettings, toNodePushSettings } from './node-delivery.repository.ts';
import { dateOrNull, str } from './sql-values.ts';

/**
 * The delivery engine's three statements on a delivery: load it, claim it for an attempt (state
 * `sending` with a lease), record the attempt and the state it leads to. Each is ONE SQL statement
 * (CTEs), so a push costs three round trips, and each writes its events in the same statement.
 */

/** What a worker needs to push a delivery. */
export interface DeliveryPushRecord {
  readonly id: string;
  readonly messageId: string;
  readonly messageKind: MessageKind;
  readonly nodeId: string;
  readonly state: DeliveryState;
  /** Times it entered `sending` (= the number of the last attempt started). */
  readonly attempts: number;
  /** Attempts made before the last operator retry (the retry budget counts after them). */
  readonly retryBaseAttempts: number;
  /** Start of the first attempt of the current budget, or null before it. */
  readonly budgetStartedAt: Date | null;
  /** While `sending`: until when the worker that started it holds it. */
  readonly leaseUntil: Date | null;
  /** The exact bytes; null once the delivery is settled (not read then). */
  readonly body: Buffer | null;
  readonly node: NodePushSettings;
}

/** States in which a delivery may still be pushed. */
export const PUSHABLE_STATES: readonly DeliveryState[] = ['queued', 'retrying', 'sending'];

/** Loads a delivery for a push attempt; null when it does not exist. */
export async function loadDeliveryPush(db: Db, deliveryId: string): Promise<DeliveryPushRecord | null> {
  const { rows } = await db.query(
    `SELECT d.id, d.message_id, m.kind, d.node_id, d.state, d.attempts, d.retry_base_attempts,
            d.send_lease_until,
            (SELECT a.started_at FROM delivery_attempts a
              WHERE a.delivery_id = d.id AND a.attempt = d.retry_base_attempts + 1) AS budget_started_at,
            CASE WHEN d.state IN ('queued', 'retrying', 'sending') THEN b.raw END AS raw,
            ${NODE_PUSH_COLUMNS}
     FROM deliveries d
     JOIN messages m ON m.id = d.message_id
     JOIN nodes n ON n.id = d.node_id
     LEFT JOIN message_bodies b ON b.message_id = d.message_id
     WHERE d.id = $1`,
    [deliveryId],
  );
  const row = rows[0];
  return row ? toPushRecord(row) : null;
}

function toPushRecord(row: Record<string, unknown>): DeliveryPushRecord {
  return {
    id: str(row, 'id'),
    messageId: str(row, 'message_id'),
    messageKind: str(row, 'kind') as MessageKind,
    nodeId: str(row, 'node_id'),
    state: str(row, 'state') as DeliveryState,
    attempts: row['attempts'] as number,
    retryBaseAttempts: row['retry_base_attempts'] as number,
    budgetStartedAt: dateOrNull(row, 'budget_started_at'),
    leaseUntil: dateOrNull(row, 'send_lease_until'),
    body: (row['raw'] as Buffer | null) ?? null,
    node: toNodePushSettings(row),
  };
}

/** What {@link claimDeliveryPushes} needs. */
export interface ClaimPushesInput {
  readonly deliveryIds: readonly string[];
  readonly at: Date;
  /** How long the worker holds each delivery: longer than the whole push can take. */
  readonly leaseUntil: Date;
  readonly actor: string;
  /** Error code recorded on an interrupted attempt that is taken over (the queue's QUEUE_SEND_INTERRUPTED). */
  readonly interruptedError: string;
}

/** What a claim did: the delivery, claimed for its next attempt; or why not. */
export type ClaimPushResult =
  | { readonly claimed: true; readonly delivery: DeliveryPushRecord }
  | {
      readonly claimed: false;
      /** Its state now (null: no such delivery), and the lease of the worker holding it, if any. */
      readonly state: DeliveryState | null;
      readonly leaseUntil: Date | null;
    };

/**
 * Reads deliveries and claims each for its next attempt, all in one statement: queued or retrying →
 * `sending` (attempts + 1, send lease until `leaseUntil`), with its event, returning what the push
 * needs (bytes, the node's URL, secret and settings, the start of the retry budget). Only a
 * delivery to a node with a webhook (URL and secret) is claimed. A delivery left `sending` by a
 * worker whose lease ran out (it died mid-push) is taken over: its interrupted attempt is recorded
 * with `interruptedError`, and two events say so (`delivery.queued` from sending, then
 * `delivery.sending`). A delivery settled, polled, or held by a live lease is not claimed. Rows are
 * locked in id order, so concurrent claims cannot deadlock. One statement for many deliveries is
 * what lets the engine push hundreds per second: the per-statement cost is paid once per batch.
 */
export async function claimDeliveryPushes(
  db: Db,
  input: ClaimPushesInput,
): Promise<Map<string, ClaimPushResult>> {
  const results = new Map<string, ClaimPushResult>();
  if (input.deliveryIds.length === 0) return results;
  const { rows } = await db.query(
    `WITH cur AS (
       SELECT d.id, d.state, d.attempts, d.updated_at, d.retry_base_attempts
       FROM deliveries d JOIN nodes n ON n.id = d.node_id
       WHERE d.id = ANY($1::uuid[]) AND n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL
         AND (d.state IN ('queued', 'retrying')
              OR (d.state = 'sending' AND (d.send_lease_until IS NULL OR d.send_lease_until <= $2)))
       ORDER BY d.id
       FOR UPDATE OF d
     ), interrupted AS (
       INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, error, error_detail)
       SELECT id, attempts, updated_at, $2, 'retryable', $5::text, 'the worker stopped during the push'
       FROM cur WHERE state = 'sending' AND attempts >= 1
       ON CONFLICT (delivery_id, attempt) DO NOTHING
     ), upd AS (
       UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, updated_at = $2,
              send_lease_until = $3, next_attempt_at = NULL
       FROM cur WHERE d.id = cur.id
       RETURNING d.id, cur.state AS from_state, cur.updated_at AS from_updated_at, d.attempts,
                 d.retry_base_attempts, d.message_id, d.node_id, d.recipient_organ_id
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $2, e.type, $4, upd.message_id, upd.id, upd.node_id, upd.recipient_organ_id, m.document_id, e.data
       FROM upd JOIN messages m ON m.id = upd.message_id
       CROSS JOIN LATERAL (VALUES
         (1, 'delivery.queued', jsonb_build_object('from', 'sending', 'to', 'queued', 'attempts', upd.attempts - 1,
            'reason', 'the worker stopped during the push; taken over', 'error', $5::text)),
         (2, 'delivery.sending', jsonb_build_object('from', CASE WHEN upd.from_state = 'sending' THEN 'queued'
            ELSE upd.from_state END, 'to', 'sending', 'attempts', upd.attempts))
       ) AS e(n, type, data)
       WHERE e.n = 2 OR upd.from_state = 'sending'
       ORDER BY upd.id, e.n
     )
     SELECT upd.id, upd.message_id, m.kind, upd.node_id, 'sending' AS state, upd.attempts,
            upd.retry_base_attempts, $3::timestamptz AS send_lease_until,
            COALESCE(
              (SELECT a.started_at FROM delivery_attempts a
                WHERE a.delivery_id = upd.id AND a.attempt = upd.retry_base_attempts + 1),
              -- the interrupted attempt recorded by this very statement, when it opened the budget
              CASE WHEN upd.from_state = 'sending' AND upd.attempts - 1 = upd.retry_base_attempts + 1
                   THEN upd.from_updated_at END) AS budget_started_at,
            b.raw, ${NODE_PUSH_COLUMNS}
     FROM upd
     JOIN messages m ON m.id = upd.message_id
     JOIN nodes n ON n.id = upd.node_id
     LEFT JOIN message_bodies b ON b.message_id = upd.message_id`,
    [[...input.deliveryIds], input.at, input.leaseUntil, input.actor, input.interruptedError],
    { prepare: true },
  );
  for (const row of rows) results.set(str(row, 'id'), { claimed: true, delivery: toPushRecord(row) });
  const missing = input.deliveryIds.filter((id) => !results.has(id));
  if (missing.length > 0) {
    const { rows: now } = await db.query<{ id: string; state: DeliveryState; send_lease_until: Date | null }>(
      'SELECT id, state, send_lease_until FROM deliveries WHERE id = ANY($1::uuid[])',
      [missing],
    );
    const byId = new Map(now.map((r) => [r.id, r]));
    for (const id of missing) {
      const current = byId.get(id);
      results.set(id, {
        claimed: false,
        state: current?.state ?? null,
        leaseUntil: current?.send_lease_until ?? null,
      });
    }
  }
  return results;
}

/** {@link claimDeliveryPushes} for one delivery. */
export async function claimDeliveryPush(
  db: Db,
  input: Omit<ClaimPushesInput, 'deliveryIds'> & { readonly deliveryId: string },
): Promise<ClaimPushResult> {
  const { deliveryId, ...rest } = input;
  const results = await claimDeliveryPushes(db, { ...rest, deliveryIds: [deliveryId] });
  return results.get(deliveryId) ?? { claimed: false, state: null, leaseUntil: null };
}

/** One attempt as the store records it. */
export interface PushAttemptInput {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'retryable' | 'permanent';
  readonly httpStatus: number | null;
  /** Stable code when it did not deliver. */
  readonly errorCode: string | null;
  readonly errorDetail: string | null;
}

/** Where the attempt leads. */
export type PushNextState =
  | { readonly to: 'delivered' }
  | { readonly to: 'retrying'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly to: 'failed'; readonly error: string; readonly reason: string };

/** One delivery's attempt and the state it leads to. */
export interface PushRecordInput {
  readonly deliveryId: string;
  readonly attempt: PushAttemptInput;
  readonly next: PushNextState;
}

/**
 * Records attempts and the states they lead to, in one statement for all: the attempt rows, each
 * delivery's new state (delivered by `webhook`, retrying with its next attempt, or failed with its
 * error), its event, and — through the `deliveries_receipt` trigger — the sender's receipt and its
 * outbox row. A state changes only if its delivery is still `sending` that attempt (an ack, a
 * revoke or a takeover in between wins; the attempt row is kept either way). Returns the ids whose
 * state changed.
 */
export async function recordDeliveryPushes(
  db: Db,
  input: { readonly at: Date; readonly actor: string; readonly items: readonly PushRecordInput[] },
): Promise<Set<string>> {
  if (input.items.length === 0) return new Set();
  const column = <T>(pick: (item: PushRecordInput) => T) => input.items.map(pick);
  const { rows } = await db.query<{ id: string }>(
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::int[],
                            $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[],
                            $13::text[])
         AS x(id, attempt, started_at, finished_at, outcome, http_status, error, duration_ms, error_detail,
              to_state, next_at, last_error, reason)
     ), att AS (
       INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, http_status, error,
                                      duration_ms, error_detail)
       SELECT id, attempt, started_at, finished_at, outcome, http_status, error, duration_ms, error_detail FROM x
       ON CONFLICT (delivery_id, attempt) DO NOTHING
     ), upd AS (
       UPDATE deliveries d SET
         state = x.to_state, updated_at = $14, send_lease_until = NULL, last_http_status = x.http_status,
         next_attempt_at = x.next_at,
         last_error = CASE WHEN x.to_state = 'delivered' THEN d.last_error ELSE x.last_error END,
         delivered_at = CASE WHEN x.to_state = 'delivered' THEN $14 ELSE d.delivered_at END,
         delivered_by = CASE WHEN x.to_state = 'delivered' THEN 'webhook' ELSE d.delivered_by END
       FROM x
       WHERE d.id = x.id AND d.state = 'sending' AND d.attempts = x.attempt
       RETURNING d.id, d.message_id, d.node_id, d.recipient_organ_id, d.attempts, x.to_state, x.http_status,
                 x.last_error, x.reason, x.next_at
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $14, 'delivery.' || upd.to_state, $15, upd.message_id, upd.id, upd.node_id, upd.recipient_organ_id,
              m.document_id,
              jsonb_strip_nulls(jsonb_build_object('from', 'sending', 'to', upd.to_state, 'attempts', upd.attempts,
                'httpStatus', upd.http_status, 'error', upd.last_error, 'reason', upd.reason,
                'nextAttemptAt', to_char(upd.next_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'deliveredBy', CASE WHEN upd.to_state = 'delivered' THEN 'webhook' END))
       FROM upd JOIN messages m ON m.id = upd.message_id
     )
     SELECT id FROM upd`,
    [
      column((i) => i.deliveryId),
      column((i) => i.attempt.attempt),
      column((i) => i.attempt.startedAt),
      column((i) => new Date(i.attempt.startedAt.getTime() + i.attempt.durationMs)),
      column((i) => i.attempt.outcome),
      column((i) => i.attempt.httpStatus),
      column((i) => i.attempt.errorCode),
      column((i) => i.attempt.durationMs),
      column((i) => i.attempt.errorDetail),
      column((i) => i.next.to),
      column((i) => (i.next.to === 'retrying' ? i.next.nextAttemptAt : null)),
      column((i) => (i.next.to === 'delivered' ? null : i.next.error)),
      column((i) => (i.next.to === 'failed' ? i.next.reason : null)),
      input.at,
      input.actor,
    ],
    { prepare: true },
  );
  return new Set(rows.map((r) => r.id));
}

/** {@link recordDeliveryPushes} for one delivery; true when its state changed. */
export async function recordDeliveryPush(
  db: Db,
  input: { readonly deliveryId: string; readonly at: Date; readonly actor: string } & {
    readonly attempt: PushAttemptInput;
    readonly next: PushNextState;
  },
): Promise<boolean> {
  const changed = await recordDeliveryPushes(db, {
    at: input.at,
    actor: input.actor,
    items: [{ deliveryId: input.deliveryId, attempt: input.attempt, next: input.next }],
  });
  return changed.has(input.deliveryId);
}
