import type { Db } from './db.ts';
import { transitionDelivery } from './delivery.repository.ts';
import { type DeliveryState, UNDELIVERED_STATES } from './delivery-state.ts';
import { appendEvent } from './event.repository.ts';
import type { MessageKind } from './message.repository.ts';
import type { Audit } from './organization.repository.ts';
import { date, str } from './sql-values.ts';

/*
 * What the VXP endpoint reads and writes about deliveries beyond what the node API needs: the inbox
 * grouped by message (the SDK knows one docId per document, even when the document is addressed to
 * several organizations of the same system), `fail` reports with a limit, and transport remarks.
 * Reports and remarks are events on the delivery (so the /v1 trace shows them), not states.
 */

/** Event type of an `updateStatus fail` report (data: reason, failures, limit). */
export const FAIL_REPORTED_EVENT = 'delivery.fail_reported';
/** Event type of any other `updateStatus` word (data: word). */
export const REMARK_EVENT = 'delivery.remark';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a message id the database can look up (ids are UUIDs; anything else matches nothing). */
export function isMessageId(value: string): boolean {
  return UUID.test(value);
}

/**
 * `fail` reports since the delivery was last put back in the queue by an operator (failed → queued):
 * a retry starts the count again.
 */
const FAILURES_OF_D = `(SELECT count(*) FROM events e
   WHERE e.delivery_id = d.id AND e.type = '${FAIL_REPORTED_EVENT}'
     AND e.id > COALESCE((SELECT max(q.id) FROM events q
       WHERE q.delivery_id = d.id AND q.type = 'delivery.queued' AND q.data->>'from' = 'failed'), 0))::int`;

/** One message waiting for a node, all of its deliveries to that node folded together. */
export interface VxpPendingEntry {
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly senderOrganId: string;
  /** The node's recipient organizations of this message, sorted. */
  readonly recipientOrganIds: readonly string[];
  readonly priority: number;
  readonly receivedAt: Date;
  /** Latest change on any of these deliveries (a fail report, a state change). */
  readonly updatedAt: Date;
  /** Most `fail` reports on one of these deliveries. */
  readonly failures: number;
}

/**
 * The node's undelivered messages (queued, retrying, sending) of one kind, one entry per message:
 * most urgent first, then oldest (invariant 6), at most `limit`.
 */
export async function listVxpPending(
  db: Db,
  query: { readonly nodeId: string; readonly kind: MessageKind; readonly limit: number },
): Promise<VxpPendingEntry[]> {
  const { rows } = await db.query(
    `SELECT d.message_id, m.kind, m.sender_organ_id, m.received_at,
            max(d.priority)::int AS priority, min(d.created_at) AS created_at, max(d.updated_at) AS updated_at,
            array_agg(d.recipient_organ_id ORDER BY d.recipient_organ_id) AS recipients,
            max(${FAILURES_OF_D})::int AS failures
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.node_id = $1 AND d.state = ANY($2::text[]) AND m.kind = $3
     GROUP BY d.message_id, m.kind, m.sender_organ_id, m.received_at
     ORDER BY max(d.priority) DESC, min(d.created_at) ASC, d.message_id ASC
     LIMIT $4`,
    [query.nodeId, [...UNDELIVERED_STATES], query.kind, query.limit],
  );
  return rows.map((row) => ({
    messageId: str(row, 'message_id'),
    kind: str(row, 'kind') as MessageKind,
    senderOrganId: str(row, 'sender_organ_id'),
    recipientOrganIds: row['recipients'] as string[],
    priority: row['priority'] as number,
    receivedAt: date(row, 'received_at'),
    updatedAt: date(row, 'updated_at'),
    failures: row['failures'] as number,
  }));
}

/** How many messages of this kind wait for the node (what listVxpPending lists without a limit). */
export async function countVxpPending(db: Db, nodeId: string, kind: MessageKind): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT d.message_id)::int AS n
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.node_id = $1 AND d.state = ANY($2::text[]) AND m.kind = $3`,
    [nodeId, [...UNDELIVERED_STATES], kind],
  );
  return rows[0]?.n ?? 0;
}

interface NodeDelivery {
  readonly id: string;
  readonly state: DeliveryState;
  readonly recipientOrganId: string;
  readonly documentId: string;
  readonly failures: number;
}

async function nodeDeliveries(
  db: Db,
  nodeId: string,
  messageId: string,
  lock: boolean,
): Promise<NodeDelivery[]> {
  if (!isMessageId(messageId)) return [];
  const { rows } = await db.query(
    `SELECT d.id, d.state, d.recipient_organ_id, m.document_id, ${FAILURES_OF_D} AS failures
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.message_id = $1 AND d.node_id = $2 ORDER BY d.recipient_organ_id${lock ? ' FOR UPDATE OF d' : ''}`,
    [messageId, nodeId],
  );
  return rows.map((row) => ({
    id: str(row, 'id'),
    state: str(row, 'state') as DeliveryState,
    recipientOrganId: str(row, 'recipient_organ_id'),
    documentId: str(row, 'document_id'),
    failures: row['failures'] as number,
  }));
}

/** What a `fail` report did. */
export interface FailReportResult {
  /** Reports counted on the node's deliveries of the message (the highest, if several). */
  readonly failures: number;
  /** Whether the message is still in the node's inbox after this report. */
  readonly stillOffered: boolean;
}

/**
 * The node could not take the message (`updateStatus fail`): one `delivery.fail_reported` event per
 * undelivered delivery of it to the node, `last_error` set; a delivery that reaches `maxFailures`
 * reports goes to `failed` (operator attention; `delivery.failed` event). Reports on delivered or
 * revoked deliveries change nothing. Null when the node has no delivery of this message.
 */
export async function reportVxpFailure(
  db: Db,
  input: Audit & {
    readonly nodeId: string;
    readonly messageId: string;
    readonly reason: string;
    readonly maxFailures: number;
  },
): Promise<FailReportResult | null> {
  const reason = input.reason.slice(0, 500);
  return db.tx(async (tx) => {
    const mine = await nodeDeliveries(tx, input.nodeId, input.messageId, true);
    if (mine.length === 0) return null;
    const open = mine.filter((d) => UNDELIVERED_STATES.includes(d.state));
    if (open.length === 0) {
      return { failures: Math.max(...mine.map((d) => d.failures)), stillOffered: false };
    }
    let failures = 0;
    let stillOffered = false;
    for (const d of open) {
      const count = d.failures + 1;
      failures = Math.max(failures, count);
      await tx.query('UPDATE deliveries SET last_error = $2, updated_at = $3 WHERE id = $1', [
        d.id,
        `the recipient system reported fail: ${reason}`,
        input.at,
      ]);
      await appendEvent(tx, {
        type: FAIL_REPORTED_EVENT,
        at: input.at,
        actor: input.actor,
        messageId: input.messageId,
        deliveryId: d.id,
        nodeId: input.nodeId,
        organId: d.recipientOrganId,
        documentId: d.documentId,
        data: { reason, failures: count, limit: input.maxFailures },
      });
      if (count >= input.maxFailures) {
        await transitionDelivery(tx, {
          deliveryId: d.id,
          to: 'failed',
          at: input.at,
          actor: input.actor,
          reason: `the recipient system reported fail ${count} times`,
          error: reason,
        });
      } else {
        stillOffered = true;
      }
    }
    return { failures, stillOffered };
  });
}

/**
 * Any other `updateStatus` word (inbox, acceptance, processing, ...): a `delivery.remark` event on each
 * of the node's deliveries of the message, the system's own words on the trace. It is not a business
 * status and changes no state. A word already remarked on a delivery is not written again (the SDK
 * retries blindly). Null when the node has no delivery of this message.
 */
export async function recordVxpRemark(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly messageId: string; readonly word: string },
): Promise<{ readonly recorded: number } | null> {
  return db.tx(async (tx) => {
    const mine = await nodeDeliveries(tx, input.nodeId, input.messageId, true);
    if (mine.length === 0) return null;
    let recorded = 0;
    for (const d of mine) {
      const seen = await tx.query(
        `SELECT 1 FROM events WHERE delivery_id = $1 AND type = '${REMARK_EVENT}' AND data->>'word' = $2 LIMIT 1`,
        [d.id, input.word],
      );
      if (seen.rowCount > 0) continue;
      await appendEvent(tx, {
        type: REMARK_EVENT,
        at: input.at,
        actor: input.actor,
        messageId: input.messageId,
        deliveryId: d.id,
        nodeId: input.nodeId,
        organId: d.recipientOrganId,
        documentId: d.documentId,
        data: { word: input.word, via: 'vxp' },
      });
      recorded += 1;
    }
    return { recorded };
  });
}
