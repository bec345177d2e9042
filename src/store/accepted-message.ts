import { createHash, randomUUID } from 'node:crypto';
import { LienthongError } from '../core/index.ts';
import type { RouteKind } from '../routing/index.ts';
import {
  type BusinessStatusCode,
  type BusinessStatusRecord,
  recordBusinessStatus,
} from './business-status.repository.ts';
import type { Db } from './db.ts';
import { type DeliveryRecord, revokeUndelivered, toDeliveryRecord } from './delivery.repository.ts';
import { appendEvents, type EventInput } from './event.repository.ts';
import {
  findMessageBySha256,
  findNewDocument,
  type MessageKind,
  type MessageRecord,
  toMessageRecord,
} from './message.repository.ts';
import { json, valuesPlaceholders } from './sql-values.ts';

/** One recipient of an accepted message (a routed decision of src/routing). */
export interface DeliveryInput {
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
  readonly nodeId: string;
  readonly route: RouteKind;
}

/** Everything the accepting transaction writes. */
export interface AcceptedMessageInput {
  /** Default: a new UUID (pass one when the receipt must name the id before insertion). */
  readonly id?: string | undefined;
  readonly kind: MessageKind;
  readonly senderNodeId: string;
  readonly senderOrganId: string;
  /** Package: DocumentId. Status: ResponseFor/DocumentId. */
  readonly documentId: string;
  /** Packages: BussinessDocType 0–3 (0 when absent). Statuses: null. */
  readonly businessDocType: number | null;
  /** Statuses: StatusCode. Packages: null. */
  readonly statusCode: string | null;
  /** 0..4 (copied to every delivery: the inbox and queues order by it). */
  readonly priority: number;
  /** The exact bytes; their SHA-256 is computed here. */
  readonly raw: Uint8Array;
  /** JSON-serialisable parsed summary. */
  readonly summary: unknown;
  /** JSON-serialisable verdict (signature or legacy-unsigned marker). */
  readonly verdict: unknown;
  /** JSON-serialisable receipt, returned again when the same bytes come again. */
  readonly receipt?: unknown;
  /** Hubs passed before this one (transport metadata). */
  readonly hops?: readonly unknown[] | undefined;
  readonly receivedAt: Date;
  /** Who sent it, for the events: `node:<id>`. */
  readonly actor: string;
  readonly deliveries: readonly DeliveryInput[];
  /** A status package's business status about an original document, recorded in the same transaction. */
  readonly businessStatus?:
    | {
        readonly documentMessageId: string;
        readonly recipientOrganId: string;
        readonly code: BusinessStatusCode;
        /** The status package's Timestamp (default receivedAt). */
        readonly at?: Date | undefined;
        readonly inconsistent: boolean;
        readonly note?: string | null | undefined;
      }
    | undefined;
  /** A revoke package: the original's undelivered deliveries become `revoked` in the same transaction. */
  readonly revokeOriginalMessageId?: string | undefined;
}

/** The outcome: written, or nothing written because the same bytes or the same new DocumentId came first. */
export type InsertAcceptedResult =
  | {
      readonly kind: 'accepted';
      readonly message: MessageRecord;
      readonly deliveries: DeliveryRecord[];
      readonly revoked: DeliveryRecord[];
      readonly businessStatus: BusinessStatusRecord | null;
    }
  /** The same bytes were accepted before (by anyone): `message.receipt` is the original receipt. */
  | { readonly kind: 'duplicate'; readonly message: MessageRecord }
  /** A different package with the same sender organization and DocumentId, type 0, exists. */
  | { readonly kind: 'conflict'; readonly existing: MessageRecord };

/**
 * Writes an accepted message with its bytes, deliveries (queued), outbox rows, events, and the
 * optional business status and revocation — one transaction (invariant 1). Safe against races: a
 * concurrent identical send or a concurrent new package with the same DocumentId makes this one
 * return `duplicate` / `conflict` and write nothing.
 */
export async function insertAcceptedMessage(
  db: Db,
  input: AcceptedMessageInput,
): Promise<InsertAcceptedResult> {
  const sha256 = createHash('sha256').update(input.raw).digest('hex');
  const id = input.id ?? randomUUID();
  const recipients = new Set(input.deliveries.map((d) => d.recipientOrganId));
  if (recipients.size !== input.deliveries.length) {
    throw new LienthongError(
      'STORE_INVALID_INPUT',
      'Two deliveries of one message go to the same organization.',
      {
        where: 'store/accepted-message',
        details: { messageId: id },
      },
    );
  }
  return db.tx(async (tx) => {
    // ON CONFLICT without a target covers both unique rules (same bytes; same new DocumentId) and
    // waits for a concurrent writer of the same key, then reports its row as taken.
    const inserted = await tx.query(
      `INSERT INTO messages (id, kind, sender_node_id, sender_organ_id, document_id, business_doc_type, status_code,
         priority, sha256, size_bytes, summary, verdict, receipt, hops, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT DO NOTHING RETURNING *`,
      [
        id,
        input.kind,
        input.senderNodeId,
        input.senderOrganId,
        input.documentId,
        input.businessDocType,
        input.statusCode,
        input.priority,
        sha256,
        input.raw.byteLength,
        json(input.summary),
        json(input.verdict),
        input.receipt === undefined ? null : json(input.receipt),
        json(input.hops ?? []),
        input.receivedAt,
      ],
    );
    if (inserted.rowCount === 0) {
      const same = await findMessageBySha256(tx, sha256);
      if (same) return { kind: 'duplicate', message: same };
      const existing = await findNewDocument(tx, input.senderOrganId, input.documentId);
      if (existing) return { kind: 'conflict', existing };
      throw new LienthongError('STORE_INVALID_INPUT', 'The message id is already taken.', {
        where: 'store/accepted-message',
        details: { messageId: id },
      });
    }
    const message = toMessageRecord(inserted.rows[0]!);
    await tx.query('INSERT INTO message_bodies (message_id, raw) VALUES ($1, $2)', [
      id,
      Buffer.from(input.raw),
    ]);

    const deliveries = await insertDeliveries(tx, message, input.deliveries);
    const events: EventInput[] = [
      {
        type: 'message.accepted',
        at: input.receivedAt,
        actor: input.actor,
        messageId: id,
        nodeId: input.senderNodeId,
        organId: input.senderOrganId,
        documentId: input.documentId,
        data: {
          kind: input.kind,
          sha256,
          sizeBytes: input.raw.byteLength,
          priority: input.priority,
          businessDocType: input.businessDocType,
          statusCode: input.statusCode,
          recipients: deliveries.length,
        },
      },
      ...deliveries.map((d) => ({
        type: 'delivery.queued',
        at: input.receivedAt,
        actor: input.actor,
        messageId: id,
        deliveryId: d.id,
        nodeId: d.nodeId,
        organId: d.recipientOrganId,
        documentId: input.documentId,
        data: {
          to: 'queued',
          route: d.route,
          addressedOrganId: d.addressedOrganId,
          recipientOrganId: d.recipientOrganId,
        },
      })),
    ];
    await appendEvents(tx, events);

    const businessStatus = input.businessStatus
      ? await recordBusinessStatus(tx, {
          ...input.businessStatus,
          at: input.businessStatus.at ?? input.receivedAt,
          statusMessageId: id,
          recordedAt: input.receivedAt,
          actor: input.actor,
        })
      : null;
    const revoked = input.revokeOriginalMessageId
      ? (
          await revokeUndelivered(
            tx,
            { messageId: input.revokeOriginalMessageId },
            { at: input.receivedAt, actor: input.actor, reason: `revoked by message ${id}` },
          )
        ).deliveries
      : [];
    return { kind: 'accepted', message, deliveries, revoked, businessStatus };
  });
}

async function insertDeliveries(
  db: Db,
  message: MessageRecord,
  inputs: readonly DeliveryInput[],
): Promise<DeliveryRecord[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((d) => [
    randomUUID(),
    message.id,
    d.recipientOrganId,
    d.addressedOrganId,
    d.nodeId,
    d.route,
    message.priority,
    'queued',
    message.receivedAt,
    message.receivedAt,
  ]);
  const { rows: inserted } = await db.query(
    `INSERT INTO deliveries (id, message_id, recipient_organ_id, addressed_organ_id, node_id, route, priority, state,
       created_at, updated_at)
     VALUES ${valuesPlaceholders(rows.length, 10)} RETURNING *`,
    rows.flat(),
  );
  const deliveries = inserted
    .map(toDeliveryRecord)
    .sort((a, b) => a.recipientOrganId.localeCompare(b.recipientOrganId));
  await db.query(
    `INSERT INTO outbox (delivery_id, priority, available_at, created_at)
     SELECT unnest($1::uuid[]), $2, $3, $3`,
    [deliveries.map((d) => d.id), message.priority, message.receivedAt],
  );
  return deliveries;
}
