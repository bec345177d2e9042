import type { Db } from './db.ts';
import type { DeliveryState } from './delivery-state.ts';
import type { MessageKind } from './message.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';
import { isMessageId } from './vxp-inbox.repository.ts';

/** One recipient of a message a node sent, with where it stands (getSentEdocList). */
export interface VxpSentEntry {
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly senderOrganId: string;
  readonly recipientOrganId: string;
  /** The edXML Subject (documents). */
  readonly subject: string | null;
  readonly receivedAt: Date;
  readonly state: DeliveryState;
  readonly deliveredAt: Date | null;
  /**
   * The latest business status the recipient sent about it, in the order the /v1 trace lists them
   * (the status package's own Timestamp, then arrival).
   */
  readonly businessStatus: { readonly code: string; readonly at: Date } | null;
}

/**
 * Per recipient, messages the node sent: of one message when `messageId` is given (null when the
 * node did not send it), else of its most recent messages (of `kind`, when given). At most `limit`
 * rows, newest message first, recipients by organ id.
 */
export async function listVxpSent(
  db: Db,
  query: {
    readonly nodeId: string;
    readonly messageId?: string | undefined;
    readonly kind?: MessageKind | undefined;
    readonly limit: number;
  },
): Promise<VxpSentEntry[] | null> {
  if (query.messageId !== undefined) {
    if (!isMessageId(query.messageId)) return null;
    const own = await db.query('SELECT 1 FROM messages WHERE id = $1 AND sender_node_id = $2', [
      query.messageId,
      query.nodeId,
    ]);
    if (own.rowCount === 0) return null;
  }
  const { rows } = await db.query(
    `WITH sent AS (
       SELECT id, kind, sender_organ_id, summary->>'subject' AS subject, received_at FROM messages
       WHERE sender_node_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid) AND ($3::text IS NULL OR kind = $3::text)
       ORDER BY received_at DESC, id DESC LIMIT $4)
     SELECT s.*, d.recipient_organ_id, d.state, d.delivered_at, b.status_code, b.at AS status_at
     FROM sent s JOIN deliveries d ON d.message_id = s.id
     LEFT JOIN LATERAL (
       SELECT bs.status_code, bs.at FROM business_statuses bs
       WHERE bs.document_message_id = s.id AND bs.recipient_organ_id = d.recipient_organ_id
       ORDER BY bs.recorded_at DESC, bs.id DESC LIMIT 1) b ON true
     ORDER BY s.received_at DESC, s.id DESC, d.recipient_organ_id
     LIMIT $4`,
    [
      query.nodeId,
      query.messageId ?? null,
      query.messageId === undefined ? (query.kind ?? null) : null,
      query.limit,
    ],
  );
  return rows.map((row) => {
    const code = strOrNull(row, 'status_code');
    return {
      messageId: str(row, 'id'),
      kind: str(row, 'kind') as MessageKind,
      senderOrganId: str(row, 'sender_organ_id'),
      recipientOrganId: str(row, 'recipient_organ_id'),
      subject: strOrNull(row, 'subject'),
      receivedAt: date(row, 'received_at'),
      state: str(row, 'state') as DeliveryState,
      deliveredAt: dateOrNull(row, 'delivered_at'),
      businessStatus: code === null ? null : { code, at: date(row, 'status_at') },
    };
  });
}
