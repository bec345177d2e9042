import { type BusinessStatusRecord, toBusinessStatusRecord } from './business-status.repository.ts';
import type { Db } from './db.ts';
import { type DeliveryRecord, toDeliveryRecord } from './delivery.repository.ts';
import { type DeliveryAttemptRecord, listDeliveryAttempts } from './delivery-attempt.repository.ts';
import { type EventRecord, toEventRecord } from './event.repository.ts';
import { type MessageRecord, toMessageRecord } from './message.repository.ts';

/** The life of a message towards one recipient. */
export interface DeliveryTraceRecord {
  readonly delivery: DeliveryRecord;
  /** Business statuses the recipient sent about this message, in the order they happened. */
  readonly statuses: readonly BusinessStatusRecord[];
  readonly attempts: readonly DeliveryAttemptRecord[];
  /** Events of this delivery (state changes), oldest first. */
  readonly events: readonly EventRecord[];
}

/** A message with every delivery, status and event: what the trace endpoint shows. */
export interface MessageTraceRecord {
  readonly message: MessageRecord;
  readonly deliveries: readonly DeliveryTraceRecord[];
  /** Events about the message itself (accepted, business statuses recorded), oldest first. */
  readonly events: readonly EventRecord[];
}

/**
 * The trace of one message, or null. With `recipientNodeId`, only the deliveries to that node
 * (a recipient sees its own part; the sender sees all).
 */
export async function traceMessage(
  db: Db,
  messageId: string,
  options: { readonly recipientNodeId?: string | undefined } = {},
): Promise<MessageTraceRecord | null> {
  return db.tx(async (tx) => {
    const message = await tx.query('SELECT * FROM messages WHERE id = $1', [messageId]);
    if (!message.rows[0]) return null;
    const deliveries = await tx.query(
      `SELECT * FROM deliveries WHERE message_id = $1 AND ($2::text IS NULL OR node_id = $2::text)
       ORDER BY recipient_organ_id`,
      [messageId, options.recipientNodeId ?? null],
    );
    const statuses = await tx.query(
      'SELECT * FROM business_statuses WHERE document_message_id = $1 ORDER BY recorded_at, id',
      [messageId],
    );
    const events = await tx.query('SELECT * FROM events WHERE message_id = $1 ORDER BY id', [messageId]);
    const statusRecords = statuses.rows.map(toBusinessStatusRecord);
    const eventRecords = events.rows.map(toEventRecord);
    const traces: DeliveryTraceRecord[] = [];
    for (const row of deliveries.rows) {
      const delivery = toDeliveryRecord(row);
      traces.push({
        delivery,
        statuses: statusRecords.filter((s) => s.recipientOrganId === delivery.recipientOrganId),
        attempts: await listDeliveryAttempts(tx, delivery.id),
        events: eventRecords.filter((e) => e.deliveryId === delivery.id),
      });
    }
    const visible = new Set(traces.map((t) => t.delivery.recipientOrganId));
    return {
      message: toMessageRecord(message.rows[0]),
      deliveries: traces,
      events: eventRecords.filter(
        (e) =>
          e.deliveryId === null &&
          (options.recipientNodeId === undefined ||
            e.organId === null ||
            visible.has(e.organId) ||
            e.type === 'message.accepted'),
      ),
    };
  });
}

/** Traces of the packages a sender organization sent with this DocumentId (new, revoke, update), oldest first. */
export async function traceDocument(
  db: Db,
  query: { readonly senderOrganId: string; readonly documentId: string },
): Promise<MessageTraceRecord[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM messages WHERE kind = 'package' AND sender_organ_id = $1 AND document_id = $2 ORDER BY received_at, id`,
    [query.senderOrganId, query.documentId],
  );
  const traces: MessageTraceRecord[] = [];
  for (const { id } of rows) {
    const trace = await traceMessage(db, id);
    if (trace) traces.push(trace);
  }
  return traces;
}
