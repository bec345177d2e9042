import type { Db } from './db.ts';
import type { PushAttemptInput, PushNextState } from './delivery-push.repository.ts';
import type { MessageKind } from './message.repository.ts';
import { NODE_PUSH_COLUMNS, type NodePushSettings, toNodePushSettings } from './node-delivery.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/** Life of a receipt push: like a delivery's, without revocation or acknowledgement. */
export type ReceiptState = 'queued' | 'sending' | 'delivered' | 'retrying' | 'failed';

/**
 * A receipt event for a message's sender node, as stored (written by the `deliveries_receipt`
 * trigger when a delivery becomes delivered, failed or forwarded) and pushed by the engine.
 * The facts are fixed when it is written, so every retry sends the same JSON bytes.
 */
export interface ReceiptRecord {
  readonly id: string;
  readonly deliveryId: string;
  readonly messageId: string;
  /** The node the receipt goes to (the message's sender node). */
  readonly nodeId: string;
  readonly event: 'delivered' | 'failed' | 'forwarded';
  readonly occurredAt: Date;
  readonly messageKind: MessageKind;
  readonly documentId: string;
  /** Sender organization of the message. */
  readonly fromOrganId: string;
  /** Recipient organization of the delivery. */
  readonly toOrganId: string;
  readonly deliveryAttempts: number;
  readonly errorCode: string | null;
  readonly httpStatus: number | null;
  readonly state: ReceiptState;
  /** Push attempts of the receipt itself. */
  readonly attempts: number;
  readonly firstAttemptAt: Date | null;
  readonly leaseUntil: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

const RECEIPT_SELECT = `
  SELECT r.*, m.kind AS message_kind, m.document_id, m.sender_organ_id, d.recipient_organ_id
  FROM receipts r
  JOIN messages m ON m.id = r.message_id
  JOIN deliveries d ON d.id = r.delivery_id`;

function toReceiptRecord(row: Record<string, unknown>): ReceiptRecord {
  return {
    id: str(row, 'id'),
    deliveryId: str(row, 'delivery_id'),
    messageId: str(row, 'message_id'),
    nodeId: str(row, 'node_id'),
    event: str(row, 'event') as ReceiptRecord['event'],
    occurredAt: date(row, 'occurred_at'),
    messageKind: str(row, 'message_kind') as MessageKind,
    documentId: str(row, 'document_id'),
    fromOrganId: str(row, 'sender_organ_id'),
    toOrganId: str(row, 'recipient_organ_id'),
    deliveryAttempts: row['delivery_attempts'] as number,
    errorCode: strOrNull(row, 'error_code'),
    httpStatus: (row['http_status'] as number | null) ?? null,
    state: str(row, 'state') as ReceiptState,
    attempts: row['attempts'] as number,
    firstAttemptAt: dateOrNull(row, 'first_attempt_at'),
    leaseUntil: dateOrNull(row, 'send_lease_until'),
    lastError: strOrNull(row, 'last_error'),
    createdAt: date(row, 'created_at'),
    deliveredAt: dateOrNull(row, 'delivered_at'),
  };
}

/** A receipt and its target node's push settings; null when it does not exist. */
export async function loadReceiptPush(
  db: Db,
  receiptId: string,
): Promise<{ receipt: ReceiptRecord; node: NodePushSettings } | null> {
  const { rows } = await db.query(
    `SELECT q.*, ${NODE_PUSH_COLUMNS} FROM (${RECEIPT_SELECT} WHERE r.id = $1) q JOIN nodes n ON n.id = q.node_id`,
    [receiptId],
  );
  const row = rows[0];
  return row ? { receipt: toReceiptRecord(row), node: toNodePushSettings(row) } : null;
}

/** The receipts written about a message's deliveries, oldest first (tests, operator views). */
export async function listReceiptsForMessage(db: Db, messageId: string): Promise<ReceiptRecord[]> {
  const { rows } = await db.query(`${RECEIPT_SELECT} WHERE r.message_id = $1 ORDER BY r.created_at, r.id`, [
    messageId,
  ]);
  return rows.map(toReceiptRecord);
}

/** What a receipt claim did: the receipt and its node, claimed for its next attempt; or why not. */
export type ClaimReceiptResult =
  | { readonly claimed: true; readonly receipt: ReceiptRecord; readonly node: NodePushSettings }
  | { readonly claimed: false; readonly state: ReceiptState | null; readonly leaseUntil: Date | null };

/**
 * Reads receipts and claims each for its next attempt, all in one statement (queued or retrying, or
 * a `sending` whose lease ran out → `sending`, attempts + 1, lease), only while its node has a
 * webhook. A claimed `receipt.attempts` is the number of the attempt about to be made.
 */
export async function claimReceiptPushes(
  db: Db,
  input: { readonly receiptIds: readonly string[]; readonly at: Date; readonly leaseUntil: Date },
): Promise<Map<string, ClaimReceiptResult>> {
  const results = new Map<string, ClaimReceiptResult>();
  if (input.receiptIds.length === 0) return results;
  const { rows } = await db.query(
    `WITH cur AS (
       SELECT r.id FROM receipts r JOIN nodes n ON n.id = r.node_id
       WHERE r.id = ANY($1::uuid[]) AND n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL
         AND (r.state IN ('queued', 'retrying')
              OR (r.state = 'sending' AND (r.send_lease_until IS NULL OR r.send_lease_until <= $2)))
       ORDER BY r.id
       FOR UPDATE OF r
     ), upd AS (
       UPDATE receipts r SET state = 'sending', attempts = r.attempts + 1, updated_at = $2, send_lease_until = $3,
              first_attempt_at = COALESCE(r.first_attempt_at, $2), next_attempt_at = NULL
       FROM cur WHERE r.id = cur.id
       RETURNING r.*
     )
     SELECT r.*, m.kind AS message_kind, m.document_id, m.sender_organ_id, d.recipient_organ_id, ${NODE_PUSH_COLUMNS}
     FROM upd r
     JOIN messages m ON m.id = r.message_id
     JOIN deliveries d ON d.id = r.delivery_id
     JOIN nodes n ON n.id = r.node_id`,
    [[...input.receiptIds], input.at, input.leaseUntil],
    { prepare: true },
  );
  for (const row of rows) {
    results.set(str(row, 'id'), {
      claimed: true,
      receipt: toReceiptRecord(row),
      node: toNodePushSettings(row),
    });
  }
  const missing = input.receiptIds.filter((id) => !results.has(id));
  if (missing.length > 0) {
    const { rows: now } = await db.query<{ id: string; state: ReceiptState; send_lease_until: Date | null }>(
      'SELECT id, state, send_lease_until FROM receipts WHERE id = ANY($1::uuid[])',
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

/** One receipt's push attempt and the state it leads to. */
export interface ReceiptRecordInput {
  readonly receiptId: string;
  readonly attempt: PushAttemptInput;
  readonly next: PushNextState;
}

/**
 * Records receipt push attempts on their receipts (attempts, last error and status, next attempt)
 * and, for each that settles (delivered or failed) or is retried, one `receipt.<state>` event on
 * the message's log — one statement for all. A receipt no longer `sending` that attempt is left
 * alone. Returns the ids whose state changed.
 */
export async function recordReceiptPushes(
  db: Db,
  input: { readonly at: Date; readonly actor: string; readonly items: readonly ReceiptRecordInput[] },
): Promise<Set<string>> {
  if (input.items.length === 0) return new Set();
  const column = <T>(pick: (item: ReceiptRecordInput) => T) => input.items.map(pick);
  const { rows } = await db.query<{ id: string }>(
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::int[])
         AS x(id, attempt, to_state, next_at, last_error, http_status)
     ), upd AS (
       UPDATE receipts r SET state = x.to_state, updated_at = $7, send_lease_until = NULL,
         next_attempt_at = x.next_at, last_error = x.last_error, last_http_status = x.http_status,
         delivered_at = CASE WHEN x.to_state = 'delivered' THEN $7 ELSE r.delivered_at END
       FROM x
       WHERE r.id = x.id AND r.state = 'sending' AND r.attempts = x.attempt
       RETURNING r.id, r.message_id, r.delivery_id, r.node_id, r.event, r.attempts, x.to_state, x.http_status,
                 x.last_error
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, document_id, data)
       SELECT $7, 'receipt.' || upd.to_state, $8, upd.message_id, upd.delivery_id, upd.node_id, m.document_id,
              jsonb_strip_nulls(jsonb_build_object('receiptId', upd.id, 'event', upd.event, 'attempts', upd.attempts,
                'httpStatus', upd.http_status, 'error', upd.last_error))
       FROM upd JOIN messages m ON m.id = upd.message_id
     )
     SELECT id FROM upd`,
    [
      column((i) => i.receiptId),
      column((i) => i.attempt.attempt),
      column((i) => i.next.to),
      column((i) => (i.next.to === 'retrying' ? i.next.nextAttemptAt : null)),
      column((i) => (i.next.to === 'delivered' ? null : i.next.error)),
      column((i) => i.attempt.httpStatus),
      input.at,
      input.actor,
    ],
    { prepare: true },
  );
  return new Set(rows.map((r) => r.id));
}
