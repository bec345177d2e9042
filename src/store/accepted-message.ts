import { createHash, randomUUID } from 'node:crypto';
import { LienthongError } from '../core/index.ts';
import type { RouteKind } from '../routing/index.ts';
import { BLOB_THRESHOLD_BYTES } from './blob-store.ts';
import {
  type BusinessStatusCode,
  type BusinessStatusRecord,
  recordBusinessStatus,
} from './business-status.repository.ts';
import type { Db } from './db.ts';
import {
  DELIVERY_FIELDS,
  type DeliveryRecord,
  revokeUndelivered,
  toDeliveryRecord,
} from './delivery.repository.ts';
import {
  findMessageBySha256,
  findNewDocument,
  type MessageKind,
  type MessageRecord,
  toMessageRecord,
} from './message.repository.ts';
import { SQLSTATE, sqlConstraint, sqlState } from './sql-error.ts';
import { json } from './sql-values.ts';

/** One recipient of an accepted message (a routed decision of src/routing). */
export interface DeliveryInput {
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
  readonly nodeId: string;
  readonly route: RouteKind;
  /** A forwarded message: the recipient as the hub before this one named it, when this hub resolved it further. */
  readonly upstreamOrganId?: string | null | undefined;
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
  /** The exact bytes; their SHA-256 is computed here unless given. */
  readonly raw: Uint8Array;
  /** SHA-256 of `raw` (hex), when the caller already hashed these very bytes (a 64 MB package need not be hashed twice). */
  readonly sha256?: string | undefined;
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
        readonly description?: string | null | undefined;
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
  | { readonly kind: 'conflict'; readonly existing: MessageRecord }
  /** The given message id is another message's (a forwarded message whose id this hub holds with other bytes). */
  | { readonly kind: 'id-taken' };

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
  const sha256 = input.sha256 ?? createHash('sha256').update(input.raw).digest('hex');
  const id = input.id ?? randomUUID();
  const deliveries = input.deliveries.map((d) => ({ ...d, id: randomUUID() }));
  const events = acceptedEvents(input, sha256, deliveries);
  // A large body goes beside the database first (durably), so the row that names it never exists
  // without it; an accept that then writes nothing leaves a file no row names, removed below.
  const blob = db.blobs !== undefined && input.raw.byteLength >= BLOB_THRESHOLD_BYTES;
  if (blob) await db.blobs?.put(sha256, input.raw);
  const params = [
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
    blob ? null : Buffer.from(input.raw),
    deliveries.map((d) => d.id),
    deliveries.map((d) => d.recipientOrganId),
    deliveries.map((d) => d.addressedOrganId),
    deliveries.map((d) => d.nodeId),
    deliveries.map((d) => d.route),
    events.map((e) => e.type),
    events.map((e) => e.deliveryId),
    events.map((e) => e.nodeId),
    events.map((e) => e.organId),
    events.map((e) => json(e.data)),
    input.actor,
    deliveries.map((d) => d.upstreamOrganId ?? null),
    blob ? sha256 : null,
  ];
  const hasEffects = input.businessStatus !== undefined || input.revokeOriginalMessageId !== undefined;
  const write = async (q: Db): Promise<InsertAcceptedResult | null> => {
    const { rows } = await q.query(ACCEPT_SQL, params, { prepare: true });
    if (rows.length === 0) return null;
    // The JSON columns as written (not read back: a package to 3 321 communes has a 1 MB summary,
    // and the statement returns a row per delivery).
    const message = toMessageRecord({
      ...rows[0]!,
      summary: JSON.parse(params[10] as string) as unknown,
      verdict: JSON.parse(params[11] as string) as unknown,
      receipt: params[12] === null ? null : (JSON.parse(params[12] as string) as unknown),
      hops: JSON.parse(params[13] as string) as unknown,
    });
    const written = rows
      .filter((row) => row['d_id'] !== null && row['d_id'] !== undefined)
      .map((row) => toDeliveryRecord(Object.fromEntries(DELIVERY_FIELDS.map((c) => [c, row[`d_${c}`]]))))
      .sort((a, b) => a.recipientOrganId.localeCompare(b.recipientOrganId));
    if (!hasEffects)
      return { kind: 'accepted', message, deliveries: written, revoked: [], businessStatus: null };
    const businessStatus = input.businessStatus
      ? await recordBusinessStatus(q, {
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
            q,
            { messageId: input.revokeOriginalMessageId },
            { at: input.receivedAt, actor: input.actor, reason: `revoked by message ${id}` },
          )
        ).deliveries
      : [];
    return { kind: 'accepted', message, deliveries: written, revoked, businessStatus };
  };
  // One statement is atomic on its own; a transaction only when a status or revocation goes with it.
  const accepted = await (hasEffects ? db.tx(write) : write(db)).catch((error: unknown) => {
    // "One delivery per receiving organization" is the route plan's rule (src/routing/plan-routes.ts);
    // the unique key only guards it, so a plan that broke it is the caller's mistake, not a fault.
    if (
      sqlState(error) === SQLSTATE.uniqueViolation &&
      sqlConstraint(error) === 'deliveries_message_id_recipient_organ_id_key'
    ) {
      throw new LienthongError(
        'STORE_INVALID_INPUT',
        'Two deliveries of one message go to the same organization.',
        {
          where: 'store/accepted-message',
          details: { messageId: id },
          cause: error,
        },
      );
    }
    throw error;
  });
  if (accepted) return accepted;
  const same = await findMessageBySha256(db, sha256);
  if (same) return { kind: 'duplicate', message: same };
  // Refused: no row names these bytes (the same bytes from anyone would be refused the same way).
  if (blob) await db.blobs?.remove(sha256);
  const existing = await findNewDocument(db, input.senderOrganId, input.documentId);
  if (existing) return { kind: 'conflict', existing };
  return { kind: 'id-taken' };
}

/** The message's columns the accepting write returns (the JSON ones are known already). */
const MESSAGE_COLUMNS = [
  'id',
  'kind',
  'sender_node_id',
  'sender_organ_id',
  'document_id',
  'business_doc_type',
  'status_code',
  'priority',
  'sha256',
  'size_bytes',
  'received_at',
] as const;

/**
 * The accepting write as ONE statement (one round trip): message, bytes, deliveries, outbox rows and
 * events. Every part selects from the message insert, so when ON CONFLICT skips it (the same bytes,
 * or the same new DocumentId, came first — a concurrent writer of the key is waited for) nothing at
 * all is written and no row comes back. Foreign keys are checked at the end of the statement, so the
 * parts may reference each other. Events are one insert ordered by their position: their ids keep
 * the order message.accepted, then delivery.queued per recipient.
 */
const ACCEPT_SQL = `
WITH m AS (
  INSERT INTO messages (id, kind, sender_node_id, sender_organ_id, document_id, business_doc_type, status_code,
    priority, sha256, size_bytes, summary, verdict, receipt, hops, received_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  ON CONFLICT DO NOTHING RETURNING *
), body AS (
  INSERT INTO message_bodies (message_id, raw, blob_sha256) SELECT m.id, $16, $29 FROM m
), d AS (
  INSERT INTO deliveries (id, message_id, recipient_organ_id, addressed_organ_id, node_id, route, priority, state,
    created_at, updated_at, upstream_organ_id)
  SELECT x.id, m.id, x.recipient, x.addressed, x.node, x.route, m.priority, 'queued', m.received_at, m.received_at,
    x.upstream
  FROM m, unnest($17::uuid[], $18::text[], $19::text[], $20::text[], $21::text[], $28::text[])
    AS x(id, recipient, addressed, node, route, upstream)
  RETURNING *
), o AS (
  INSERT INTO outbox (delivery_id, priority, available_at, created_at)
  SELECT d.id, d.priority, d.created_at, d.created_at FROM d
), e AS (
  INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
  SELECT m.received_at, x.type, $27, m.id, NULLIF(x.delivery_id, '')::uuid, x.node_id, x.organ_id, m.document_id,
    x.data::jsonb
  FROM m, unnest($22::text[], $23::text[], $24::text[], $25::text[], $26::text[]) WITH ORDINALITY
    AS x(type, delivery_id, node_id, organ_id, data, ord)
  ORDER BY x.ord
)
SELECT ${MESSAGE_COLUMNS.map((c) => `m.${c}`).join(', ')}, ${DELIVERY_FIELDS.map((c) => `d.${c} AS d_${c}`).join(', ')}
FROM m LEFT JOIN d ON true`;

/** The events of an acceptance, in order: message.accepted, then delivery.queued per recipient. */
function acceptedEvents(
  input: AcceptedMessageInput,
  sha256: string,
  deliveries: ReadonlyArray<DeliveryInput & { readonly id: string }>,
): Array<{ type: string; deliveryId: string; nodeId: string; organId: string; data: unknown }> {
  return [
    {
      type: 'message.accepted',
      deliveryId: '',
      nodeId: input.senderNodeId,
      organId: input.senderOrganId,
      data: {
        kind: input.kind,
        sha256,
        sizeBytes: input.raw.byteLength,
        priority: input.priority,
        businessDocType: input.businessDocType,
        statusCode: input.statusCode,
        recipients: deliveries.length,
        // The verdict as accepted: the evidence log's acceptance entry carries it (docs/evidence.md).
        verdict: input.verdict,
      },
    },
    ...[...deliveries]
      .sort((a, b) => a.recipientOrganId.localeCompare(b.recipientOrganId))
      .map((d) => ({
        type: 'delivery.queued',
        deliveryId: d.id,
        nodeId: d.nodeId,
        organId: d.recipientOrganId,
        data: {
          to: 'queued',
          route: d.route,
          addressedOrganId: d.addressedOrganId,
          recipientOrganId: d.recipientOrganId,
        },
      })),
  ];
}

/** The outcome of adding a forwarded message's recipients to the message this hub already holds. */
export type AddDeliveriesResult =
  | { readonly kind: 'added'; readonly message: MessageRecord; readonly added: DeliveryRecord[] }
  /** No message with this id, or one with other bytes: the caller refuses. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'conflict'; readonly existing: MessageRecord };

/**
 * A hub that receives the same forwarded message again (a retry, or another part of its recipients)
 * adds the deliveries it does not have yet — one per receiving organization, as for a new message —
 * with their outbox rows and events, in one statement. The message must be the one with this id and
 * these bytes; otherwise nothing is written.
 */
export async function addDeliveriesToMessage(
  db: Db,
  input: {
    readonly messageId: string;
    readonly sha256: string;
    readonly deliveries: readonly DeliveryInput[];
    readonly at: Date;
    readonly actor: string;
  },
): Promise<AddDeliveriesResult> {
  const { rows: found } = await db.query('SELECT * FROM messages WHERE id = $1', [input.messageId]);
  if (found.length === 0) return { kind: 'absent' };
  const message = toMessageRecord(found[0]!);
  if (message.sha256 !== input.sha256) return { kind: 'conflict', existing: message };
  const ids = input.deliveries.map(() => randomUUID());
  const { rows } = await db.query(
    `WITH x AS (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS x(id, recipient, addressed, node, route, upstream)
     ), d AS (
       INSERT INTO deliveries (id, message_id, recipient_organ_id, addressed_organ_id, node_id, route, priority,
         state, created_at, updated_at, upstream_organ_id)
       SELECT x.id, m.id, x.recipient, x.addressed, x.node, x.route, m.priority, 'queued', $8, $8, x.upstream
       FROM x, messages m WHERE m.id = $1
       ON CONFLICT (message_id, recipient_organ_id) DO NOTHING
       RETURNING *
     ), o AS (
       INSERT INTO outbox (delivery_id, priority, available_at, created_at)
       SELECT d.id, d.priority, d.created_at, d.created_at FROM d
     ), e AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $8, 'delivery.queued', $9, d.message_id, d.id, d.node_id, d.recipient_organ_id, $10,
         jsonb_build_object('to', 'queued', 'route', d.route, 'addressedOrganId', d.addressed_organ_id,
           'recipientOrganId', d.recipient_organ_id, 'added', true)
       FROM d
     )
     SELECT * FROM d ORDER BY recipient_organ_id`,
    [
      input.messageId,
      ids,
      input.deliveries.map((d) => d.recipientOrganId),
      input.deliveries.map((d) => d.addressedOrganId),
      input.deliveries.map((d) => d.nodeId),
      input.deliveries.map((d) => d.route),
      input.deliveries.map((d) => d.upstreamOrganId ?? null),
      input.at,
      input.actor,
      message.documentId,
    ],
  );
  return { kind: 'added', message, added: rows.map(toDeliveryRecord) };
}
