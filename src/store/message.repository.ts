import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { date, str } from './sql-values.ts';

/** A package (gói tin văn bản) or a status (gói tin trạng thái). */
export type MessageKind = 'package' | 'status';

/** A message as the hub received it, without its bytes (see getMessageRaw). */
export interface MessageRecord {
  readonly id: string;
  readonly kind: MessageKind;
  readonly senderNodeId: string;
  /** From/OrganId. */
  readonly senderOrganId: string;
  /** Package: its DocumentId. Status: ResponseFor/DocumentId, the document it is about. */
  readonly documentId: string;
  /** BussinessDocType 0–3 for packages, null for statuses. */
  readonly businessDocType: number | null;
  /** StatusCode for statuses, null for packages. */
  readonly statusCode: string | null;
  /** 0 normal … 4 express with a set time. */
  readonly priority: number;
  /** SHA-256 of the exact bytes, lower-case hex. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** The parsed summary, as the caller stored it (JSON). */
  readonly summary: unknown;
  /** The verification verdict, as the caller stored it (JSON). */
  readonly verdict: unknown;
  /** The receipt given to the sender (JSON), returned again on a duplicate send; null if none stored. */
  readonly receipt: unknown;
  /** Hubs passed before this one (JSON array, transport metadata). */
  readonly hops: readonly unknown[];
  readonly receivedAt: Date;
}

export function toMessageRecord(row: Record<string, unknown>): MessageRecord {
  return {
    id: str(row, 'id'),
    kind: str(row, 'kind') as MessageKind,
    senderNodeId: str(row, 'sender_node_id'),
    senderOrganId: str(row, 'sender_organ_id'),
    documentId: str(row, 'document_id'),
    businessDocType: (row['business_doc_type'] as number | null) ?? null,
    statusCode: (row['status_code'] as string | null) ?? null,
    priority: row['priority'] as number,
    sha256: str(row, 'sha256'),
    sizeBytes: row['size_bytes'] as number,
    summary: row['summary'],
    verdict: row['verdict'],
    receipt: row['receipt'] ?? null,
    hops: (row['hops'] as unknown[]) ?? [],
    receivedAt: date(row, 'received_at'),
  };
}

/** The message with this id (no bytes), or null. */
export async function getMessage(db: Db, id: string): Promise<MessageRecord | null> {
  const { rows } = await db.query('SELECT * FROM messages WHERE id = $1', [id]);
  return rows[0] ? toMessageRecord(rows[0]) : null;
}

/**
 * The exact bytes as received, or null. The bytes live apart from the message row so that they
 * can move to a blob store behind this one function.
 */
export async function getMessageRaw(db: Db, id: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ raw: Buffer | null; blob_sha256: string | null }>(
    'SELECT raw, blob_sha256 FROM message_bodies WHERE message_id = $1',
    [id],
  );
  const row = rows[0];
  if (row === undefined) return null;
  if (row.raw !== null) return row.raw;
  const bytes = row.blob_sha256 === null ? null : await db.blobs?.get(row.blob_sha256);
  if (bytes === null || bytes === undefined) {
    // Accepted mail whose bytes are gone is a fault to report, never a "not found".
    throw new LienthongError(
      'STORE_BLOB_MISSING',
      `The bytes of message ${id} are missing from the blob store.`,
      {
        where: 'store/message',
        details: { messageId: id, sha256: row.blob_sha256 },
      },
    );
  }
  return bytes;
}

/** The message with these exact bytes (SHA-256, hex), whoever sent it, or null: duplicate detection. */
export async function findMessageBySha256(db: Db, sha256: string): Promise<MessageRecord | null> {
  const { rows } = await db.query('SELECT * FROM messages WHERE sha256 = $1', [sha256.toLowerCase()]);
  return rows[0] ? toMessageRecord(rows[0]) : null;
}

/** Packages a sender organization sent with this DocumentId (the new one and its revokes/updates), oldest first. */
export async function findPackagesByDocument(
  db: Db,
  senderOrganId: string,
  documentId: string,
): Promise<MessageRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM messages WHERE kind = 'package' AND sender_organ_id = $1 AND document_id = $2
     ORDER BY received_at, id`,
    [senderOrganId, documentId],
  );
  return rows.map(toMessageRecord);
}

/** The new-document package (BussinessDocType 0) of a sender organization with this DocumentId, or null (the 409 rule). */
export async function findNewDocument(
  db: Db,
  senderOrganId: string,
  documentId: string,
): Promise<MessageRecord | null> {
  const { rows } = await db.query(
    `SELECT * FROM messages WHERE kind = 'package' AND business_doc_type = 0 AND sender_organ_id = $1 AND document_id = $2`,
    [senderOrganId, documentId],
  );
  return rows[0] ? toMessageRecord(rows[0]) : null;
}

/** Status messages about a document (ResponseFor/DocumentId), oldest first. */
export async function findStatusesAboutDocument(db: Db, documentId: string): Promise<MessageRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM messages WHERE kind = 'status' AND document_id = $1 ORDER BY received_at, id`,
    [documentId],
  );
  return rows.map(toMessageRecord);
}
