import type { Db } from './db.ts';
import type { DeliveryState } from './delivery-state.ts';
import { type EventRecord, toEventRecord } from './event.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/*
 * The console's reads: searches and lists over messages, deliveries and events that no hub service
 * needs. Each is one statement; filters are parameters (null: no filter).
 */

/** What the document search looks for. */
export interface MessageSearch {
  readonly documentId?: string | undefined;
  readonly senderOrganId?: string | undefined;
  readonly recipientOrganId?: string | undefined;
  /** A delivery in this state (to the recipient, when one is given). */
  readonly state?: DeliveryState | undefined;
  readonly priority?: number | undefined;
  readonly kind?: 'package' | 'status' | undefined;
  readonly receivedFrom?: Date | undefined;
  readonly receivedBefore?: Date | undefined;
  readonly limit: number;
}

/** One message found, with its deliveries in brief. */
export interface MessageSearchRecord {
  readonly id: string;
  readonly kind: 'package' | 'status';
  readonly documentId: string;
  readonly senderOrganId: string;
  readonly senderNodeId: string;
  readonly subject: string | null;
  readonly businessDocType: number | null;
  readonly statusCode: string | null;
  readonly priority: number;
  readonly receivedAt: Date;
  readonly deliveries: ReadonlyArray<{ readonly organId: string; readonly state: string }>;
}

/** Messages matching the search, newest first. */
export async function searchMessages(db: Db, search: MessageSearch): Promise<MessageSearchRecord[]> {
  const { rows } = await db.query(
    `SELECT m.id, m.kind, m.document_id, m.sender_organ_id, m.sender_node_id, m.business_doc_type,
            m.status_code, m.priority, m.received_at, m.summary->>'subject' AS subject,
            coalesce((SELECT json_agg(json_build_object('organId', d.recipient_organ_id, 'state', d.state)
                               ORDER BY d.recipient_organ_id)
                      FROM deliveries d WHERE d.message_id = m.id), '[]') AS deliveries
     FROM messages m
     WHERE ($1::text IS NULL OR m.document_id = $1)
       AND ($2::text IS NULL OR m.sender_organ_id = $2)
       AND (($3::text IS NULL AND $4::text IS NULL) OR EXISTS (
             SELECT 1 FROM deliveries d WHERE d.message_id = m.id
               AND ($3::text IS NULL OR d.recipient_organ_id = $3) AND ($4::text IS NULL OR d.state = $4)))
       AND ($5::int IS NULL OR m.priority = $5)
       AND ($6::text IS NULL OR m.kind = $6)
       AND ($7::timestamptz IS NULL OR m.received_at >= $7)
       AND ($8::timestamptz IS NULL OR m.received_at < $8)
     ORDER BY m.received_at DESC, m.id
     LIMIT $9`,
    [
      search.documentId ?? null,
      search.senderOrganId ?? null,
      search.recipientOrganId ?? null,
      search.state ?? null,
      search.priority ?? null,
      search.kind ?? null,
      search.receivedFrom ?? null,
      search.receivedBefore ?? null,
      search.limit,
    ],
  );
  return rows.map((row) => ({
    id: str(row, 'id'),
    kind: str(row, 'kind') as 'package' | 'status',
    documentId: str(row, 'document_id'),
    senderOrganId: str(row, 'sender_organ_id'),
    senderNodeId: str(row, 'sender_node_id'),
    subject: strOrNull(row, 'subject'),
    businessDocType: row['business_doc_type'] === null ? null : Number(row['business_doc_type']),
    statusCode: strOrNull(row, 'status_code'),
    priority: Number(row['priority']),
    receivedAt: date(row, 'received_at'),
    deliveries: row['deliveries'] as MessageSearchRecord['deliveries'],
  }));
}

/** A delivery not yet delivered, with when its message arrived (the overdue rules start there). */
export interface UndeliveredRecord {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly documentId: string;
  readonly senderOrganId: string;
  readonly recipientOrganId: string;
  readonly nodeId: string;
  readonly state: string;
  readonly priority: number;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly receivedAt: Date;
}

/**
 * Deliveries still waiting or failed (queued, sending, retrying, failed) whose message arrived
 * before `receivedBefore`, oldest first: the candidates the overdue rules are applied to.
 */
export async function listUndeliveredSince(
  db: Db,
  input: { readonly receivedBefore: Date; readonly limit: number },
): Promise<UndeliveredRecord[]> {
  const { rows } = await db.query(
    `SELECT d.id, d.message_id, m.document_id, m.sender_organ_id, d.recipient_organ_id, d.node_id,
            d.state, d.priority, d.attempts, d.last_error, m.received_at
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.state IN ('queued', 'sending', 'retrying', 'failed') AND m.received_at < $1
     ORDER BY m.received_at, d.id
     LIMIT $2`,
    [input.receivedBefore, input.limit],
  );
  return rows.map((row) => ({
    deliveryId: str(row, 'id'),
    messageId: str(row, 'message_id'),
    documentId: str(row, 'document_id'),
    senderOrganId: str(row, 'sender_organ_id'),
    recipientOrganId: str(row, 'recipient_organ_id'),
    nodeId: str(row, 'node_id'),
    state: str(row, 'state'),
    priority: Number(row['priority']),
    attempts: Number(row['attempts']),
    lastError: strOrNull(row, 'last_error'),
    receivedAt: date(row, 'received_at'),
  }));
}

/** One delivery of a document package, as the monthly statistics count it. */
export interface StatisticsDeliveryRecord {
  readonly recipientOrganId: string;
  readonly priority: number;
  readonly receivedAt: Date;
  /** Delivered to the recipient's system, or handed to the next hub; null while not. */
  readonly doneAt: Date | null;
  readonly state: string;
}

/** The statistics' raw material between two instants: packages sent per sender, deliveries of packages. */
export async function listStatisticsRows(
  db: Db,
  range: { readonly from: Date; readonly to: Date },
): Promise<{
  readonly sent: ReadonlyArray<{ readonly organId: string; readonly receivedAt: Date }>;
  readonly deliveries: readonly StatisticsDeliveryRecord[];
  readonly names: ReadonlyMap<string, string>;
}> {
  const sent = await db.query(
    `SELECT sender_organ_id, received_at FROM messages
     WHERE kind = 'package' AND received_at >= $1 AND received_at < $2`,
    [range.from, range.to],
  );
  const deliveries = await db.query(
    `SELECT d.recipient_organ_id, d.priority, m.received_at, d.state,
            coalesce(d.delivered_at, d.forwarded_at) AS done_at
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE m.kind = 'package' AND m.received_at >= $1 AND m.received_at < $2`,
    [range.from, range.to],
  );
  const organs = new Set<string>([
    ...sent.rows.map((r) => str(r, 'sender_organ_id')),
    ...deliveries.rows.map((r) => str(r, 'recipient_organ_id')),
  ]);
  const names = await db.query<{ organ_id: string; name: string }>(
    'SELECT organ_id, name FROM organizations WHERE organ_id = ANY($1::text[])',
    [[...organs]],
  );
  return {
    sent: sent.rows.map((r) => ({ organId: str(r, 'sender_organ_id'), receivedAt: date(r, 'received_at') })),
    deliveries: deliveries.rows.map((r) => ({
      recipientOrganId: str(r, 'recipient_organ_id'),
      priority: Number(r['priority']),
      receivedAt: date(r, 'received_at'),
      doneAt: dateOrNull(r, 'done_at'),
      state: str(r, 'state'),
    })),
    names: new Map(names.rows.map((r) => [r.organ_id, r.name])),
  };
}

/** Changes made by people (the CLI's `operator:<user>`, the console's `console:<name>`), newest first. */
export async function listAuditEvents(db: Db, limit: number): Promise<EventRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM events WHERE actor LIKE 'operator:%' OR actor LIKE 'console:%' ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toEventRecord);
}

/** A pinned signer certificate with its expiry. */
export interface SignerExpiryRecord {
  readonly nodeId: string;
  readonly organId: string;
  readonly certSha256: string;
  readonly subject: string | null;
  readonly notAfter: Date | null;
}

/** Every pinned signer certificate, soonest expiry first. */
export async function listSignerExpiries(db: Db): Promise<SignerExpiryRecord[]> {
  const { rows } = await db.query(
    'SELECT node_id, organ_id, cert_sha256, subject, not_after FROM signer_bindings ORDER BY not_after NULLS LAST, node_id, organ_id',
  );
  return rows.map((row) => ({
    nodeId: str(row, 'node_id'),
    organId: str(row, 'organ_id'),
    certSha256: str(row, 'cert_sha256'),
    subject: strOrNull(row, 'subject'),
    notAfter: dateOrNull(row, 'not_after'),
  }));
}
