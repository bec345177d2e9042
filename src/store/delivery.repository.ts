import { LienthongError } from '../core/index.ts';
import type { RouteKind } from '../routing/index.ts';
import type { Db } from './db.ts';
import {
  canTransition,
  type DeliveryState,
  REVOCABLE_STATES,
  statesLeadingTo,
  UNDELIVERED_STATES,
} from './delivery-state.ts';
import { appendEvent } from './event.repository.ts';
import type { MessageKind } from './message.repository.ts';
import type { Audit } from './organization.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/** One message on its way to one recipient organization. */
export interface DeliveryRecord {
  readonly id: string;
  readonly messageId: string;
  /** The organization that receives (after successors). */
  readonly recipientOrganId: string;
  /** The organ id as addressed in the package. */
  readonly addressedOrganId: string;
  /** The node it goes to (a system, or a peer hub). */
  readonly nodeId: string;
  readonly route: RouteKind;
  readonly state: DeliveryState;
  readonly priority: number;
  /** Times it entered `sending`. */
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  /** How it reached `delivered`: `ack`, `webhook`, `peer`, or null. */
  readonly deliveredBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deliveredAt: Date | null;
  readonly forwardedAt: Date | null;
  /** The hubs beyond this one as the next hubs reported them (empty for a local delivery). */
  readonly hops: readonly HopRecord[];
  /** For a message forwarded to this hub: the recipient as the hub before this one named it, when it differs. */
  readonly upstreamOrganId: string | null;
}

/** One hub on a forwarded delivery's path after this hub (ISO times; null while unknown). */
export interface HopRecord {
  readonly hub: string;
  readonly acceptedAt: string | null;
  readonly deliveredAt: string | null;
}

export function toDeliveryRecord(row: Record<string, unknown>): DeliveryRecord {
  return {
    id: str(row, 'id'),
    messageId: str(row, 'message_id'),
    recipientOrganId: str(row, 'recipient_organ_id'),
    addressedOrganId: str(row, 'addressed_organ_id'),
    nodeId: str(row, 'node_id'),
    route: str(row, 'route') as RouteKind,
    state: str(row, 'state') as DeliveryState,
    priority: row['priority'] as number,
    attempts: row['attempts'] as number,
    nextAttemptAt: dateOrNull(row, 'next_attempt_at'),
    lastError: strOrNull(row, 'last_error'),
    deliveredBy: strOrNull(row, 'delivered_by'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
    deliveredAt: dateOrNull(row, 'delivered_at'),
    forwardedAt: dateOrNull(row, 'forwarded_at'),
    hops: (row['hops'] as HopRecord[] | null | undefined) ?? [],
    upstreamOrganId: strOrNull(row, 'upstream_organ_id'),
  };
}

/** The delivery with this id, or null. */
export async function getDelivery(db: Db, id: string): Promise<DeliveryRecord | null> {
  const { rows } = await db.query('SELECT * FROM deliveries WHERE id = $1', [id]);
  return rows[0] ? toDeliveryRecord(rows[0]) : null;
}

/** The deliveries of a message, by recipient organ id. */
export async function listDeliveriesForMessage(db: Db, messageId: string): Promise<DeliveryRecord[]> {
  const { rows } = await db.query(
    'SELECT * FROM deliveries WHERE message_id = $1 ORDER BY recipient_organ_id',
    [messageId],
  );
  return rows.map(toDeliveryRecord);
}

/** A state change and the facts that go with it. */
export interface TransitionInput extends Audit {
  readonly deliveryId: string;
  readonly to: DeliveryState;
  /** Refuse (STORE_ILLEGAL_TRANSITION) unless the current state is one of these (optimistic check for workers). */
  readonly from?: readonly DeliveryState[] | undefined;
  /** Why, in a few words (kept in the event). */
  readonly reason?: string | undefined;
  /** For retrying/failed: the error that caused it (no secrets, no package bytes). */
  readonly error?: string | undefined;
  /** For retrying: when to try again. */
  readonly nextAttemptAt?: Date | undefined;
  /** For delivered: `ack`, `webhook` or `peer`. */
  readonly deliveredBy?: string | undefined;
  /** For a delivery handed to a peer hub: the path beyond this hub as the next hubs report it. */
  readonly hops?: readonly HopRecord[] | undefined;
}

type Locked = DeliveryRecord & { readonly documentId: string };

async function lockDeliveries(db: Db, where: string, params: readonly unknown[]): Promise<Locked[]> {
  const { rows } = await db.query(
    `SELECT d.*, m.document_id FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE ${where} ORDER BY d.recipient_organ_id FOR UPDATE OF d`,
    params,
  );
  return rows.map((row) => ({ ...toDeliveryRecord(row), documentId: str(row, 'document_id') }));
}

/** Performs an allowed transition on a locked delivery and records its event. */
async function apply(
  db: Db,
  current: Locked,
  input: Omit<TransitionInput, 'deliveryId' | 'from'>,
): Promise<DeliveryRecord> {
  const { to, at } = input;
  if (!canTransition(current.state, to)) {
    throw new LienthongError(
      'STORE_ILLEGAL_TRANSITION',
      `A delivery cannot go from ${current.state} to ${to}.`,
      {
        where: 'store/delivery',
        details: { deliveryId: current.id, from: current.state, to },
      },
    );
  }
  const { rows } = await db.query(
    `UPDATE deliveries SET
       state = $2::text,
       updated_at = $3,
       attempts = attempts + CASE WHEN $2::text = 'sending' THEN 1 ELSE 0 END,
       next_attempt_at = CASE WHEN $2::text = 'retrying' THEN $4::timestamptz
                              WHEN $2::text IN ('queued', 'sending') THEN next_attempt_at ELSE NULL END,
       last_error = CASE WHEN $2::text IN ('retrying', 'failed') THEN $5::text ELSE last_error END,
       delivered_at = CASE WHEN $2::text = 'delivered' THEN $3 ELSE delivered_at END,
       delivered_by = CASE WHEN $2::text = 'delivered' THEN $6::text ELSE delivered_by END,
       forwarded_at = CASE WHEN $2::text = 'forwarded' THEN $3 ELSE forwarded_at END,
       hops = COALESCE($7::jsonb, hops)
     WHERE id = $1 RETURNING *`,
    [
      current.id,
      to,
      at,
      input.nextAttemptAt ?? null,
      input.error ?? null,
      input.deliveredBy ?? null,
      input.hops === undefined ? null : JSON.stringify(input.hops),
    ],
  );
  const updated = toDeliveryRecord(rows[0]!);
  if (to === 'queued') {
    // Back in the queue (operator retry, reconciler): the delivery engine picks it up from the outbox.
    await db.query(
      `INSERT INTO outbox (delivery_id, priority, available_at, created_at) VALUES ($1, $2, $3, $3)`,
      [current.id, current.priority, at],
    );
  }
  await appendEvent(db, {
    type: `delivery.${to}`,
    at,
    actor: input.actor,
    messageId: current.messageId,
    deliveryId: current.id,
    nodeId: current.nodeId,
    organId: current.recipientOrganId,
    documentId: current.documentId,
    data: {
      from: current.state,
      to,
      attempts: updated.attempts,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      ...(input.error === undefined ? {} : { error: input.error }),
      ...(input.nextAttemptAt === undefined ? {} : { nextAttemptAt: input.nextAttemptAt.toISOString() }),
      ...(input.deliveredBy === undefined ? {} : { deliveredBy: input.deliveredBy }),
    },
  });
  return updated;
}

/**
 * Moves a delivery to another state if the transition table allows it, and writes the event.
 * Throws STORE_NOT_FOUND or STORE_ILLEGAL_TRANSITION (also when `from` is given and not matched).
 */
export async function transitionDelivery(db: Db, input: TransitionInput): Promise<DeliveryRecord> {
  return db.tx(async (tx) => {
    const [current] = await lockDeliveries(tx, 'd.id = $1', [input.deliveryId]);
    if (!current) {
      throw new LienthongError('STORE_NOT_FOUND', `No delivery ${input.deliveryId}.`, {
        where: 'store/delivery',
        details: { deliveryId: input.deliveryId },
      });
    }
    if (input.from !== undefined && !input.from.includes(current.state)) {
      throw new LienthongError(
        'STORE_ILLEGAL_TRANSITION',
        `The delivery is ${current.state}, expected ${input.from.join('|')}.`,
        {
          where: 'store/delivery',
          details: { deliveryId: current.id, from: current.state, to: input.to, expected: [...input.from] },
        },
      );
    }
    return apply(tx, current, input);
  });
}

/** One waiting message in a node's inbox. */
export interface InboxEntry {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly senderOrganId: string;
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
  readonly documentId: string;
  readonly businessDocType: number | null;
  readonly statusCode: string | null;
  readonly priority: number;
  readonly state: DeliveryState;
  readonly receivedAt: Date;
  readonly sha256: string;
  readonly sizeBytes: number;
}

/**
 * The node's undelivered deliveries (queued, retrying, sending), packages and statuses alike:
 * most urgent first, then oldest (invariant 6).
 */
export async function listInbox(
  db: Db,
  options: { readonly nodeId: string; readonly limit: number; readonly kind?: MessageKind | undefined },
): Promise<InboxEntry[]> {
  const { rows } = await db.query(
    `SELECT d.id AS delivery_id, d.message_id, d.recipient_organ_id, d.addressed_organ_id, d.priority, d.state,
            m.kind, m.sender_organ_id, m.document_id, m.business_doc_type, m.status_code, m.received_at,
            m.sha256, m.size_bytes
     FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.node_id = $1 AND d.state = ANY($2::text[]) AND ($4::text IS NULL OR m.kind = $4::text)
       -- A peer hub this hub reaches is handed its messages; only one it cannot reach pulls them.
       AND NOT EXISTS (SELECT 1 FROM peer_hubs p WHERE p.node_id = d.node_id AND p.url IS NOT NULL)
     ORDER BY d.priority DESC, d.created_at ASC, d.id ASC
     LIMIT $3`,
    [options.nodeId, [...UNDELIVERED_STATES], options.limit, options.kind ?? null],
  );
  return rows.map((row) => ({
    deliveryId: str(row, 'delivery_id'),
    messageId: str(row, 'message_id'),
    kind: str(row, 'kind') as MessageKind,
    senderOrganId: str(row, 'sender_organ_id'),
    recipientOrganId: str(row, 'recipient_organ_id'),
    addressedOrganId: str(row, 'addressed_organ_id'),
    documentId: str(row, 'document_id'),
    businessDocType: (row['business_doc_type'] as number | null) ?? null,
    statusCode: strOrNull(row, 'status_code'),
    priority: row['priority'] as number,
    state: str(row, 'state') as DeliveryState,
    receivedAt: date(row, 'received_at'),
    sha256: str(row, 'sha256'),
    sizeBytes: row['size_bytes'] as number,
  }));
}

/** What an acknowledgement did to each of the node's deliveries of the message. */
export interface AckResult {
  /** True when at least one delivery became delivered now. */
  readonly changed: boolean;
  readonly deliveries: ReadonlyArray<{
    readonly delivery: DeliveryRecord;
    /** delivered: now; already-delivered: nothing to do; revoked: the sender took it back, left as is. */
    readonly outcome: 'delivered' | 'already-delivered' | 'revoked';
  }>;
}

/**
 * The node acknowledges a message: each of its deliveries of it becomes delivered (by `ack`).
 * Idempotent: acknowledging again changes nothing and writes no event. Null when the node has no
 * delivery of this message (it is not a recipient: the caller answers 404).
 */
export async function ackDelivery(
  db: Db,
  input: Audit & {
    readonly nodeId: string;
    readonly messageId: string;
    readonly recipientOrganId?: string | undefined;
    /**
     * A peer hub that pulled the message acknowledges holding it: its deliveries become `forwarded`
     * (with the hop it names), and `delivered` only when the final hub reports the recipient's.
     */
    readonly forwardedTo?: HopRecord | undefined;
  },
): Promise<AckResult | null> {
  const to: DeliveryState = input.forwardedTo ? 'forwarded' : 'delivered';
  // ONE statement: lock the node's deliveries of the message, move those the transition table lets
  // go to `to`, and write their events (the receipt trigger fires per row). An ack is on the path of
  // every polled message; five round trips were most of its cost.
  const { rows } = await db.query(
    `WITH cur AS (
       SELECT d.id, d.state AS from_state FROM deliveries d
       WHERE d.message_id = $1 AND d.node_id = $2 AND ($3::text IS NULL OR d.recipient_organ_id = $3::text)
       ORDER BY d.recipient_organ_id
       FOR UPDATE
     ), upd AS (
       UPDATE deliveries d SET state = $4::text, updated_at = $5, next_attempt_at = NULL, send_lease_until = NULL,
         delivered_at = CASE WHEN $4::text = 'delivered' THEN $5 ELSE d.delivered_at END,
         delivered_by = CASE WHEN $4::text = 'delivered' THEN 'ack' ELSE d.delivered_by END,
         forwarded_at = CASE WHEN $4::text = 'forwarded' THEN $5 ELSE d.forwarded_at END,
         hops = COALESCE($6::jsonb, d.hops)
       FROM cur WHERE d.id = cur.id AND cur.from_state = ANY($7::text[])
       RETURNING d.*, cur.from_state
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $5, 'delivery.' || $4::text, $8, upd.message_id, upd.id, upd.node_id, upd.recipient_organ_id, m.document_id,
              jsonb_build_object('from', upd.from_state, 'to', $4::text, 'attempts', upd.attempts)
                || CASE WHEN $4::text = 'delivered' THEN jsonb_build_object('deliveredBy', 'ack') ELSE '{}'::jsonb END
       FROM upd JOIN messages m ON m.id = upd.message_id
       ORDER BY upd.recipient_organ_id
     )
     SELECT d.*, cur.from_state, (upd.id IS NOT NULL) AS changed,
            ${DELIVERY_COLUMNS_OF('upd')}
     FROM cur JOIN deliveries d ON d.id = cur.id LEFT JOIN upd ON upd.id = cur.id
     ORDER BY d.recipient_organ_id`,
    [
      input.messageId,
      input.nodeId,
      input.recipientOrganId ?? null,
      to,
      input.at,
      input.forwardedTo ? JSON.stringify([input.forwardedTo]) : null,
      statesLeadingTo(to),
      input.actor,
    ],
  );
  if (rows.length === 0) return null;
  const deliveries = rows.map((row) => {
    if (row['changed'] === true) {
      const updated = Object.fromEntries(DELIVERY_FIELDS.map((c) => [c, row[`u_${c}`]]));
      return { delivery: toDeliveryRecord(updated), outcome: 'delivered' as const };
    }
    const delivery = toDeliveryRecord(row);
    return {
      delivery,
      outcome: delivery.state === 'revoked' ? ('revoked' as const) : ('already-delivered' as const),
    };
  });
  return { changed: deliveries.some((d) => d.outcome === 'delivered'), deliveries };
}

/** The columns of a delivery row, as {@link toDeliveryRecord} reads them. */
export const DELIVERY_FIELDS = [
  'id',
  'message_id',
  'recipient_organ_id',
  'addressed_organ_id',
  'node_id',
  'route',
  'state',
  'priority',
  'attempts',
  'next_attempt_at',
  'last_error',
  'delivered_by',
  'created_at',
  'updated_at',
  'delivered_at',
  'forwarded_at',
  'hops',
  'upstream_organ_id',
] as const;

/** The delivery columns of `alias`, prefixed `u_` (a row as it is after the statement's update). */
function DELIVERY_COLUMNS_OF(alias: string): string {
  return DELIVERY_FIELDS.map((c) => `${alias}.${c} AS u_${c}`).join(', ');
}

/** Which original's deliveries to revoke: a message, or the package(s) of a sender organization with a DocumentId. */
export type RevokeTarget =
  | { readonly messageId: string }
  | { readonly senderOrganId: string; readonly documentId: string };

/**
 * Marks every not-yet-delivered delivery (queued, retrying, sending, failed) of the original
 * `revoked`, with one event each. Delivered and forwarded ones are left: the revoke package itself
 * tells those recipients. Returns the deliveries revoked.
 */
export async function revokeUndelivered(
  db: Db,
  target: RevokeTarget,
  audit: Audit & { readonly reason?: string | undefined },
): Promise<{ count: number; deliveries: DeliveryRecord[] }> {
  return db.tx(async (tx) => {
    const locked =
      'messageId' in target
        ? await lockDeliveries(tx, 'd.message_id = $1 AND d.state = ANY($2::text[])', [
            target.messageId,
            [...REVOCABLE_STATES],
          ])
        : await lockDeliveries(
            tx,
            `m.kind = 'package' AND m.sender_organ_id = $1 AND m.document_id = $2 AND d.state = ANY($3::text[])`,
            [target.senderOrganId, target.documentId, [...REVOCABLE_STATES]],
          );
    const deliveries: DeliveryRecord[] = [];
    for (const current of locked) {
      deliveries.push(
        await apply(tx, current, { to: 'revoked', at: audit.at, actor: audit.actor, reason: audit.reason }),
      );
    }
    return { count: deliveries.length, deliveries };
  });
}

/** What a peer hub reported about a delivery this hub handed to it. */
export interface PeerReceiptInput {
  readonly messageId: string;
  /** The recipient as this hub named it in the hand-over. */
  readonly organId: string;
  readonly event: 'delivered' | 'failed' | 'forwarded';
  /** For `failed`: the code of the hub where it failed. */
  readonly error?: string | undefined;
  /** The path from the peer on. */
  readonly hops: readonly HopRecord[];
}

/** How a batch of peer receipts went: changed, nothing to do (a repeat, or settled otherwise), not ours. */
export interface PeerReceiptsApplied {
  readonly applied: number;
  readonly unchanged: number;
  readonly unknown: number;
}

const EVENT_RANK: Readonly<Record<PeerReceiptInput['event'], number>> = {
  forwarded: 0,
  failed: 1,
  delivered: 2,
};

/**
 * Applies a peer hub's receipts to the deliveries handed to it, in ONE statement for the batch:
 * `delivered` (by `peer`) once the final hub reports the recipient's acknowledgement, `failed` with
 * the far hub's code, `forwarded` when it went on (also when the peer's answer to the hand-over was
 * lost; a delivery already forwarded only takes the longer path). Only transitions the table allows
 * are made, each with its event — and, by the `deliveries_receipt` trigger, this hub's own receipt
 * for the hub or node before it, so the news travels back along the whole path.
 */
export async function applyPeerReceipts(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly receipts: readonly PeerReceiptInput[] },
): Promise<PeerReceiptsApplied> {
  // One row per delivery: the furthest news wins when a batch carries two about one delivery.
  const latest = new Map<string, PeerReceiptInput>();
  for (const r of input.receipts) {
    const key = `${r.messageId}\n${r.organId}`;
    const before = latest.get(key);
    if (!before || EVENT_RANK[r.event] >= EVENT_RANK[before.event]) latest.set(key, r);
  }
  const receipts = [...latest.values()];
  if (receipts.length === 0) return { applied: 0, unchanged: 0, unknown: 0 };
  const { rows } = await db.query<{ known: number; changed: number }>(
    `WITH x AS (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
         AS x(message_id, organ_id, event, code, hops)
     ), cur AS (
       SELECT d.id, d.state, x.event, x.code, x.hops FROM deliveries d
       JOIN x ON d.message_id = x.message_id AND d.recipient_organ_id = x.organ_id
       WHERE d.node_id = $1
       ORDER BY d.id
       FOR UPDATE OF d
     ), dec AS (
       SELECT cur.*, CASE
         WHEN cur.event = 'delivered' AND cur.state = ANY($7::text[]) THEN 'delivered'
         WHEN cur.event = 'failed' AND cur.state = ANY($8::text[]) THEN 'failed'
         WHEN cur.event = 'forwarded' AND cur.state = ANY($9::text[]) THEN 'forwarded'
         WHEN cur.event = 'forwarded' AND cur.state = 'forwarded' THEN 'further'
       END AS to_state
       FROM cur
     ), upd AS (
       UPDATE deliveries d SET
         state = CASE WHEN dec.to_state = 'further' THEN d.state ELSE dec.to_state END,
         updated_at = $10, hops = dec.hops, send_lease_until = NULL, next_attempt_at = NULL,
         delivered_at = CASE WHEN dec.to_state = 'delivered' THEN $10 ELSE d.delivered_at END,
         delivered_by = CASE WHEN dec.to_state = 'delivered' THEN 'peer' ELSE d.delivered_by END,
         forwarded_at = CASE WHEN dec.to_state = 'forwarded' THEN $10 ELSE d.forwarded_at END,
         last_error = CASE WHEN dec.to_state = 'failed' THEN COALESCE(dec.code, 'PEER_REFUSED') ELSE d.last_error END
       FROM dec WHERE d.id = dec.id AND dec.to_state IS NOT NULL
       RETURNING d.id, d.message_id, d.node_id, d.recipient_organ_id, d.attempts, dec.state AS from_state,
                 dec.to_state, dec.code
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $10, 'delivery.' || upd.to_state, $11, upd.message_id, upd.id, upd.node_id, upd.recipient_organ_id,
              m.document_id,
              jsonb_strip_nulls(jsonb_build_object('from', upd.from_state, 'to', upd.to_state, 'attempts', upd.attempts,
                'deliveredBy', CASE WHEN upd.to_state = 'delivered' THEN 'peer' END,
                'error', CASE WHEN upd.to_state = 'failed' THEN upd.code END,
                'reason', CASE WHEN upd.to_state = 'failed' THEN 'the next hub reported it failed' END))
       FROM upd JOIN messages m ON m.id = upd.message_id
       WHERE upd.to_state <> 'further'
       ORDER BY upd.id
     )
     SELECT (SELECT count(*) FROM cur)::int AS known, (SELECT count(*) FROM upd)::int AS changed`,
    [
      input.nodeId,
      receipts.map((r) => r.messageId),
      receipts.map((r) => r.organId),
      receipts.map((r) => r.event),
      receipts.map((r) => r.error ?? null),
      receipts.map((r) => JSON.stringify(r.hops)),
      statesLeadingTo('delivered'),
      statesLeadingTo('failed'),
      statesLeadingTo('forwarded'),
      input.at,
      input.actor,
    ],
  );
  const { known, changed } = rows[0] ?? { known: 0, changed: 0 };
  return { applied: changed, unchanged: known - changed, unknown: input.receipts.length - known };
}
