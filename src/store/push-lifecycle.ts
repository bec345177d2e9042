import type { Db } from './db.ts';
import type { HopRecord } from './delivery.repository.ts';
import { claimableSql, type DeliveryState, pushableSql } from './delivery-state.ts';
import type { MessageKind } from './message.repository.ts';
import { NODE_PUSH_COLUMNS, type NodePushSettings, toNodePushSettings } from './node-delivery.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/*
 * The one push lifecycle, shared by deliveries (a package or status to a recipient node) and
 * receipts (a receipt event to a sender node): claim for an attempt (state `sending` with a lease),
 * record the attempt and the state it leads to. A table parameter says which; the states come from
 * delivery-state.ts (pushableSql, claimableSql), so "pushable" is written nowhere else.
 * Each operation is ONE SQL statement (CTEs) for many rows, with its events in the same statement.
 */

/** What is pushed: a delivery (of a package or status) or a receipt event. */
export type PushTable = 'delivery' | 'receipt';

/**
 * A node a push can go to: a webhook URL and its secret, or a peer hub this hub can reach (`p` is
 * its peer_hubs row, LEFT JOINed), and not paused by an operator. A polling node reads its inbox; a
 * child hub this hub cannot reach pulls from it; a paused node's pushes wait (the reconciler
 * schedules them again once it is resumed), and its inbox still serves it.
 */
export const PUSH_TARGET_SQL =
  '(n.paused_at IS NULL AND ((n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL) OR p.url IS NOT NULL))';

/** A node this hub can call, paused or not (a peer hub with none pulls its receipts). */
const PUSH_ENDPOINT_SQL =
  '((n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL) OR p.url IS NOT NULL)';

/** The peer hub columns a push reads, from a `peer_hubs p` LEFT JOINed to the node. */
const PEER_COLUMNS = `p.protocol AS peer_protocol, p.url AS peer_url, p.token AS peer_token,
  p.system_id AS peer_system_id, p.secret AS peer_secret`;

/** How to reach a peer hub (the secrets included: for the delivery engine only). */
export type PeerEndpoint =
  | { readonly protocol: 'lienthong'; readonly url: string; readonly token: string | null }
  | { readonly protocol: 'vxp'; readonly url: string; readonly systemId: string; readonly secret: string };

function toPeerEndpoint(row: Record<string, unknown>): PeerEndpoint | null {
  const url = strOrNull(row, 'peer_url');
  if (url === null) return null;
  if (row['peer_protocol'] === 'vxp') {
    return { protocol: 'vxp', url, systemId: str(row, 'peer_system_id'), secret: str(row, 'peer_secret') };
  }
  return { protocol: 'lienthong', url, token: strOrNull(row, 'peer_token') };
}

/**
 * What a worker needs to push a delivery. The bytes are read apart (getMessageRaw), once per push:
 * many deliveries of one message share them, and a hand-over claims a message's siblings too.
 */
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
  readonly node: NodePushSettings;
  /** The next hub, when the delivery is handed to a peer hub this hub can reach. */
  readonly peer: PeerEndpoint | null;
  /** From/OrganId of the message. */
  readonly senderOrganId: string;
  /** Hubs the message passed before this one. */
  readonly messageHops: readonly string[];
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
}

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

/** A receipt with its target node's push settings. */
export interface ReceiptPushRecord {
  readonly receipt: ReceiptRecord;
  readonly node: NodePushSettings;
  /** The hub before this one on the message's path, when the receipt goes back to it. */
  readonly peer: PeerEndpoint | null;
  /** What the hub before needs: the delivery as it names it, and the path beyond this hub. */
  readonly delivery: {
    /** The recipient as the hub before named it. */
    readonly organId: string;
    /** When this hub accepted the message. */
    readonly acceptedAt: Date;
    readonly deliveredAt: Date | null;
    readonly hops: readonly HopRecord[];
  };
}

/** What one table's push record looks like. */
export interface PushRecords {
  readonly delivery: DeliveryPushRecord;
  readonly receipt: ReceiptPushRecord;
}

/** The parts of the lifecycle's statements that differ by table. */
interface PushTableSpec<T extends PushTable> {
  readonly table: 'deliveries' | 'receipts';
  /** Extra SET clauses of the claim's update. */
  readonly claimSet: string;
  /** More conditions a row must meet to be claimed (`t` the row, `p` its node's peer row, `$2` the time). */
  readonly claimWhere: string;
  /**
   * CTEs after the claim's `upd` (which returns id, from_state, from_updated_at, attempts). `$2` is
   * the time, `$4` the actor, `$5` the error code of an interrupted attempt.
   */
  readonly claimEffects: string;
  /** The SELECT of what a worker needs, for the rows of `ids` (a relation with an `id` column). */
  readonly select: (ids: string) => string;
  /** Extra SET clauses of the record's update (`x` holds the attempt's columns, `$14` the time). */
  readonly recordSet: string;
  /** CTEs after the record's `upd` (`$14` the time, `$15` the actor). */
  readonly recordEffects: string;
  /** The record from a row of `select`. */
  readonly parse: (row: Record<string, unknown>) => PushRecords[T];
}

const DELIVERY: PushTableSpec<'delivery'> = {
  table: 'deliveries',
  claimSet: '',
  // A delivery to a peer hub waits while a sibling (same message, same hub) is being handed over: that
  // hand-over takes it along, or the next one does. Two hand-overs racing would split the recipients.
  claimWhere: `AND (p.url IS NULL OR NOT EXISTS (
       SELECT 1 FROM deliveries s WHERE s.message_id = t.message_id AND s.node_id = t.node_id AND s.id <> t.id
         AND s.state = 'sending' AND s.send_lease_until > $2))`,
  // A delivery left `sending` by a worker whose lease ran out (it died mid-push) is taken over: its
  // interrupted attempt is recorded, and two events say so (queued from sending, then sending).
  claimEffects: `, interrupted AS (
       INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, error, error_detail)
       SELECT id, attempts - 1, from_updated_at, $2, 'retryable', $5::text, 'the worker stopped during the push'
       FROM upd WHERE from_state = 'sending' AND attempts - 1 >= 1
       ON CONFLICT (delivery_id, attempt) DO NOTHING
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $2, e.type, $4, d.message_id, d.id, d.node_id, d.recipient_organ_id, m.document_id, e.data
       FROM upd JOIN deliveries d ON d.id = upd.id JOIN messages m ON m.id = d.message_id
       CROSS JOIN LATERAL (VALUES
         (1, 'delivery.queued', jsonb_build_object('from', 'sending', 'to', 'queued', 'attempts', upd.attempts - 1,
            'reason', 'the worker stopped during the push; taken over', 'error', $5::text)),
         (2, 'delivery.sending', jsonb_build_object('from', CASE WHEN upd.from_state = 'sending' THEN 'queued'
            ELSE upd.from_state END, 'to', 'sending', 'attempts', upd.attempts))
       ) AS e(n, type, data)
       WHERE e.n = 2 OR upd.from_state = 'sending'
       ORDER BY upd.id, e.n
     )`,
  select: (ids) =>
    `SELECT d.id, d.message_id, m.kind, d.node_id, d.state, d.attempts, d.retry_base_attempts, d.send_lease_until,
            d.updated_at,
            (SELECT a.started_at FROM delivery_attempts a
              WHERE a.delivery_id = d.id AND a.attempt = d.retry_base_attempts + 1) AS budget_started_at,
            m.sender_organ_id, m.hops AS message_hops, d.recipient_organ_id, d.addressed_organ_id,
            ${NODE_PUSH_COLUMNS}, ${PEER_COLUMNS}
     FROM ${ids} ids
     JOIN deliveries d ON d.id = ids.id
     JOIN messages m ON m.id = d.message_id
     JOIN nodes n ON n.id = d.node_id
     LEFT JOIN peer_hubs p ON p.node_id = d.node_id`,
  recordSet: `, last_error = CASE WHEN x.to_state = 'delivered' THEN t.last_error ELSE x.last_error END,
         delivered_by = CASE WHEN x.to_state = 'delivered' THEN 'webhook' ELSE t.delivered_by END,
         forwarded_at = CASE WHEN x.to_state = 'forwarded' THEN $14 ELSE t.forwarded_at END,
         hops = CASE WHEN x.to_state = 'forwarded' THEN x.hops ELSE t.hops END`,
  recordEffects: `, att AS (
       INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, http_status, error,
                                      duration_ms, error_detail)
       SELECT id, attempt, started_at, finished_at, outcome, http_status, error, duration_ms, error_detail FROM x
       ON CONFLICT (delivery_id, attempt) DO NOTHING
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $14, 'delivery.' || upd.to_state, $15, d.message_id, d.id, d.node_id, d.recipient_organ_id,
              m.document_id,
              jsonb_strip_nulls(jsonb_build_object('from', 'sending', 'to', upd.to_state, 'attempts', upd.attempts,
                'httpStatus', upd.http_status, 'error', upd.last_error, 'reason', upd.reason,
                'nextAttemptAt', to_char(upd.next_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'deliveredBy', CASE WHEN upd.to_state = 'delivered' THEN 'webhook' END))
       FROM upd JOIN deliveries d ON d.id = upd.id JOIN messages m ON m.id = d.message_id
     )`,
  parse: (row) => ({
    id: str(row, 'id'),
    messageId: str(row, 'message_id'),
    messageKind: str(row, 'kind') as MessageKind,
    nodeId: str(row, 'node_id'),
    state: str(row, 'state') as DeliveryState,
    attempts: row['attempts'] as number,
    retryBaseAttempts: row['retry_base_attempts'] as number,
    budgetStartedAt: dateOrNull(row, 'budget_started_at'),
    leaseUntil: dateOrNull(row, 'send_lease_until'),
    node: toNodePushSettings(row),
    peer: toPeerEndpoint(row),
    senderOrganId: str(row, 'sender_organ_id'),
    messageHops: ((row['message_hops'] as unknown[] | null) ?? []).filter(
      (h): h is string => typeof h === 'string',
    ),
    recipientOrganId: str(row, 'recipient_organ_id'),
    addressedOrganId: str(row, 'addressed_organ_id'),
  }),
};

/** A receipt row joined with its message and delivery, as {@link toReceiptRecord} reads it. */
export const RECEIPT_SELECT = `
  SELECT r.*, m.kind AS message_kind, m.document_id, m.sender_organ_id, d.recipient_organ_id,
    COALESCE(d.upstream_organ_id, d.recipient_organ_id) AS upstream_organ_id, m.received_at AS message_received_at,
    d.delivered_at AS delivery_delivered_at, d.hops AS delivery_hops
  FROM receipts r
  JOIN messages m ON m.id = r.message_id
  JOIN deliveries d ON d.id = r.delivery_id`;

export function toReceiptRecord(row: Record<string, unknown>): ReceiptRecord {
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

const RECEIPT: PushTableSpec<'receipt'> = {
  table: 'receipts',
  claimWhere: '',
  claimSet: ', first_attempt_at = COALESCE(t.first_attempt_at, $2)',
  claimEffects: '',
  select: (ids) =>
    `SELECT q.*, ${NODE_PUSH_COLUMNS}, ${PEER_COLUMNS}
     FROM (${RECEIPT_SELECT} JOIN ${ids} ids ON ids.id = r.id) q
     JOIN nodes n ON n.id = q.node_id
     LEFT JOIN peer_hubs p ON p.node_id = q.node_id`,
  recordSet: ', last_error = x.last_error',
  recordEffects: `, ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, document_id, data)
       SELECT $14, 'receipt.' || upd.to_state, $15, r.message_id, r.delivery_id, r.node_id, m.document_id,
              jsonb_strip_nulls(jsonb_build_object('receiptId', r.id, 'event', r.event, 'attempts', upd.attempts,
                'httpStatus', upd.http_status, 'error', upd.last_error))
       FROM upd JOIN receipts r ON r.id = upd.id JOIN messages m ON m.id = r.message_id
     )`,
  parse: (row) => ({
    receipt: toReceiptRecord(row),
    node: toNodePushSettings(row),
    peer: toPeerEndpoint(row),
    delivery: {
      organId: str(row, 'upstream_organ_id'),
      acceptedAt: date(row, 'message_received_at'),
      deliveredAt: dateOrNull(row, 'delivery_delivered_at'),
      hops: (row['delivery_hops'] as HopRecord[] | null) ?? [],
    },
  }),
};

const SPECS: { readonly [T in PushTable]: PushTableSpec<T> } = { delivery: DELIVERY, receipt: RECEIPT };

/** Loads a push record without claiming it; null when it does not exist. */
export async function loadPush<T extends PushTable>(
  db: Db,
  table: T,
  id: string,
): Promise<PushRecords[T] | null> {
  const spec: PushTableSpec<T> = SPECS[table];
  const { rows } = await db.query(spec.select('(SELECT $1::uuid AS id)'), [id]);
  return rows[0] ? spec.parse(rows[0]) : null;
}

/** What {@link claimPushes} needs. */
export interface ClaimPushesInput {
  readonly ids: readonly string[];
  readonly at: Date;
  /** How long the worker holds each row: longer than the whole push can take. */
  readonly leaseUntil: Date;
  readonly actor: string;
  /** Error code recorded on an interrupted delivery attempt that is taken over (QUEUE_SEND_INTERRUPTED). */
  readonly interruptedError: string;
  /** Claimed to go along with this row's push (a hand-over's siblings): the table's wait rule does not apply. */
  readonly alongWith?: string | undefined;
}

/** What a claim did: the record, claimed for its next attempt; or why not. */
export type ClaimPushResult<R> =
  | { readonly claimed: true; readonly record: R }
  | {
      readonly claimed: false;
      /** Its state now (null: no such row), and the lease of the worker holding it, if any. */
      readonly state: DeliveryState | null;
      readonly leaseUntil: Date | null;
    };

/**
 * Reads rows and claims each for its next attempt, all in one statement: claimable → `sending`
 * (attempts + 1, send lease until `leaseUntil`), with the table's effects (events; a delivery taken
 * over from a dead worker also gets its interrupted attempt recorded), returning what the push needs.
 * Only a row whose node is a push target is claimed; one settled, polled, or held by a live lease is
 * not. Rows are locked in id order, so concurrent claims cannot deadlock. One statement for many
 * rows is what lets the engine push hundreds per second: the per-statement cost is paid per batch.
 * A claimed record's `attempts` is the number of the attempt about to be made.
 */
export async function claimPushes<T extends PushTable>(
  db: Db,
  table: T,
  input: ClaimPushesInput,
): Promise<Map<string, ClaimPushResult<PushRecords[T]>>> {
  const spec: PushTableSpec<T> = SPECS[table];
  const results = new Map<string, ClaimPushResult<PushRecords[T]>>();
  if (input.ids.length === 0) return results;
  const { rows } = await db.query(
    `WITH cur AS (
       SELECT t.id, t.state, t.updated_at
       FROM ${spec.table} t JOIN nodes n ON n.id = t.node_id LEFT JOIN peer_hubs p ON p.node_id = t.node_id
       WHERE t.id = ANY($1::uuid[]) AND ${PUSH_TARGET_SQL} AND ${claimableSql('t', '$2')}
         ${input.alongWith === undefined ? spec.claimWhere : ''}
       ORDER BY t.id
       FOR UPDATE OF t
     ), upd AS (
       UPDATE ${spec.table} t SET state = 'sending', attempts = t.attempts + 1, updated_at = $2,
              send_lease_until = $3, next_attempt_at = NULL${spec.claimSet}
       FROM cur WHERE t.id = cur.id
       RETURNING t.id, cur.state AS from_state, cur.updated_at AS from_updated_at, t.attempts
     )${spec.claimEffects}
     SELECT q.*, $4::text AS claim_actor, $5::text AS claim_interrupted_error FROM (${spec.select('upd')}) q`,
    [[...input.ids], input.at, input.leaseUntil, input.actor, input.interruptedError],
    { prepare: true },
  );
  // The select reads the rows as the statement began (a snapshot): the claim's own changes are set here.
  for (const row of rows) {
    const claimed = withClaim(row, table, input);
    results.set(str(row, 'id'), { claimed: true, record: spec.parse(claimed) });
  }
  const missing = input.ids.filter((id) => !results.has(id));
  if (missing.length > 0) {
    const { rows: now } = await db.query<{ id: string; state: DeliveryState; send_lease_until: Date | null }>(
      `SELECT id, state, send_lease_until FROM ${spec.table} WHERE id = ANY($1::uuid[])`,
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

/**
 * The row a claim returns, with what the claim itself changed. The SELECT of a statement sees the
 * tables as they were before its CTEs wrote: attempts, first attempt and budget start are set here
 * from the same rules the SQL applied.
 */
function withClaim(
  row: Record<string, unknown>,
  table: PushTable,
  claim: { readonly at: Date; readonly leaseUntil: Date },
): Record<string, unknown> {
  const attempts = (row['attempts'] as number) + 1;
  const claimed = { ...row, state: 'sending', send_lease_until: claim.leaseUntil, attempts };
  if (table === 'receipt') return { ...claimed, first_attempt_at: row['first_attempt_at'] ?? claim.at };
  // A takeover's interrupted attempt, recorded by this very claim, opens the budget when it was the
  // budget's first attempt.
  const interrupted =
    row['state'] === 'sending' && attempts - 1 === (row['retry_base_attempts'] as number) + 1;
  return {
    ...claimed,
    budget_started_at: row['budget_started_at'] ?? (interrupted ? row['updated_at'] : null),
  };
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
  /** A peer hub accepted the delivery: the path beyond this hub as far as it is known. */
  | { readonly to: 'forwarded'; readonly hops: readonly HopRecord[] }
  | { readonly to: 'retrying'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly to: 'failed'; readonly error: string; readonly reason: string };

/** One row's attempt and the state it leads to. */
export interface PushRecordInput {
  readonly id: string;
  readonly attempt: PushAttemptInput;
  readonly next: PushNextState;
}

/**
 * Records attempts and the states they lead to, in one statement for all: each row's new state
 * (delivered, retrying with its next attempt, or failed with its error), its HTTP status and error,
 * and the table's effects (for a delivery: the attempt row, its event, and — through the
 * `deliveries_receipt` trigger — the sender's receipt; for a receipt: its event). A state changes
 * only if the row is still `sending` that attempt (an ack, a revoke or a takeover in between wins;
 * a delivery's attempt row is kept either way). Returns the ids whose state changed.
 */
export async function recordPushes(
  db: Db,
  table: PushTable,
  input: { readonly at: Date; readonly actor: string; readonly items: readonly PushRecordInput[] },
): Promise<Set<string>> {
  const spec = SPECS[table];
  if (input.items.length === 0) return new Set();
  const column = <V>(pick: (item: PushRecordInput) => V) => input.items.map(pick);
  const { rows } = await db.query<{ id: string }>(
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::int[],
                            $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[],
                            $13::text[], $16::jsonb[])
         AS x(id, attempt, started_at, finished_at, outcome, http_status, error, duration_ms, error_detail,
              to_state, next_at, last_error, reason, hops)
     ), upd AS (
       UPDATE ${spec.table} t SET
         state = x.to_state, updated_at = $14, send_lease_until = NULL, last_http_status = x.http_status,
         next_attempt_at = x.next_at,
         delivered_at = CASE WHEN x.to_state = 'delivered' THEN $14 ELSE t.delivered_at END${spec.recordSet}
       FROM x
       WHERE t.id = x.id AND t.state = 'sending' AND t.attempts = x.attempt
       RETURNING t.id, t.attempts, x.to_state, x.http_status, x.last_error, x.reason, x.next_at
     )${spec.recordEffects}
     SELECT id, $15::text AS actor FROM upd`,
    [
      column((i) => i.id),
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
      column((i) => (i.next.to === 'delivered' || i.next.to === 'forwarded' ? null : i.next.error)),
      column((i) => (i.next.to === 'failed' ? i.next.reason : null)),
      input.at,
      input.actor,
      column((i) => JSON.stringify(i.next.to === 'forwarded' ? i.next.hops : [])),
    ],
    { prepare: true },
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Claims the other deliveries of a message to the same next hop, so that one hand-over to a peer hub
 * carries all its recipients there (a package to every commune of a province crosses once, not once
 * per commune). Those held by another worker are left to it: the next hub adds recipients of a
 * message it already holds, so a split hand-over is only slower, never wrong.
 */
export async function claimSiblingPushes(
  db: Db,
  input: Omit<ClaimPushesInput, 'ids'> & {
    readonly messageId: string;
    readonly nodeId: string;
    readonly excludeIds: readonly string[];
  },
): Promise<DeliveryPushRecord[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT d.id FROM deliveries d
     WHERE d.message_id = $1 AND d.node_id = $2 AND ${claimableSql('d', '$3')} AND NOT (d.id = ANY($4::uuid[]))
     ORDER BY d.id`,
    [input.messageId, input.nodeId, input.at, [...input.excludeIds]],
  );
  if (rows.length === 0) return [];
  const { messageId: _m, nodeId: _n, excludeIds, ...claim } = input;
  const claimed = await claimPushes(db, 'delivery', {
    ...claim,
    ids: rows.map((r) => r.id),
    alongWith: excludeIds[0],
  });
  return [...claimed.values()].flatMap((r) => (r.claimed ? [r.record] : []));
}

/**
 * Claims the other receipts waiting to go back to the same peer hub (at most `limit`), so that one
 * request carries them all: while the hub before is slow or busy, receipts pile up and cross in
 * batches instead of one request each. Their own scheduled items then find them taken.
 */
export async function claimSiblingReceipts(
  db: Db,
  input: Omit<ClaimPushesInput, 'ids'> & {
    readonly nodeId: string;
    readonly excludeIds: readonly string[];
    readonly limit: number;
  },
): Promise<ReceiptPushRecord[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM receipts r
     WHERE r.node_id = $1 AND ${claimableSql('r', '$2')} AND NOT (r.id = ANY($3::uuid[]))
     ORDER BY r.id LIMIT $4`,
    [input.nodeId, input.at, [...input.excludeIds], input.limit],
    { prepare: true },
  );
  if (rows.length === 0) return [];
  const { nodeId: _n, excludeIds, limit: _l, ...claim } = input;
  const claimed = await claimPushes(db, 'receipt', {
    ...claim,
    ids: rows.map((r) => r.id),
    alongWith: excludeIds[0],
  });
  return [...claimed.values()].flatMap((r) => (r.claimed ? [r.record] : []));
}

/**
 * What a hub tells the hub before it about a forwarded delivery (POST /v1/hub/receipts): the
 * delivery, named by the message id and the recipient as the hub before named it; what became of
 * it; and the path from the reporting hub on. Built from stored facts, so every retry sends the same.
 */
export interface PeerReceipt {
  /** The receipt's id at the reporting hub. */
  readonly id: string;
  readonly messageId: string;
  readonly organId: string;
  readonly event: 'delivered' | 'failed' | 'forwarded';
  readonly occurredAt: string;
  /** Why it failed: the code of the hub where it failed. */
  readonly error: { readonly code: string; readonly httpStatus: number | null } | null;
  /** This hub first, then the hubs beyond it. */
  readonly hops: readonly HopRecord[];
}

/** A stored receipt as the hub before this one reads it; `hubId` is this hub's own id. */
export function peerReceiptOf({ receipt, delivery }: ReceiptPushRecord, hubId: string): PeerReceipt {
  return {
    id: receipt.id,
    messageId: receipt.messageId,
    organId: delivery.organId,
    event: receipt.event,
    occurredAt: receipt.occurredAt.toISOString(),
    error: receipt.errorCode === null ? null : { code: receipt.errorCode, httpStatus: receipt.httpStatus },
    hops: [
      {
        hub: hubId,
        acceptedAt: delivery.acceptedAt.toISOString(),
        // A delivery of this hub's own node: delivered here; a forwarded one: at the last hop.
        deliveredAt: delivery.hops.length === 0 ? (delivery.deliveredAt?.toISOString() ?? null) : null,
      },
      ...delivery.hops,
    ],
  };
}

/**
 * Receipts waiting for a peer hub this hub cannot reach (it pulls them), oldest first. Only rows
 * no worker pushes: the node is no push target.
 */
export async function listPullableReceipts(
  db: Db,
  input: { readonly nodeId: string; readonly hubId: string; readonly limit: number },
): Promise<PeerReceipt[]> {
  const { rows } = await db.query(
    `${RECEIPT.select(`(SELECT r.id FROM receipts r JOIN nodes n ON n.id = r.node_id LEFT JOIN peer_hubs p ON p.node_id = r.node_id
        WHERE r.node_id = $1 AND ${claimableSql('r', 'now()')} AND n.kind <> 'system' AND NOT ${PUSH_ENDPOINT_SQL}
        ORDER BY r.created_at, r.id LIMIT $2)`)}
     ORDER BY q.created_at, q.id`,
    [input.nodeId, input.limit],
  );
  return rows.map((row) => peerReceiptOf(RECEIPT.parse(row), input.hubId));
}

/** A pulling peer holds these receipts: they are delivered (one event each). Returns how many changed. */
export async function markReceiptsPulled(
  db: Db,
  input: { readonly nodeId: string; readonly ids: readonly string[]; readonly at: Date },
): Promise<number> {
  const { rows } = await db.query(
    `WITH upd AS (
       UPDATE receipts r SET state = 'delivered', delivered_at = $3, updated_at = $3, send_lease_until = NULL
       WHERE r.node_id = $1 AND r.id = ANY($2::uuid[]) AND ${pushableSql('r')}
       RETURNING r.id, r.message_id, r.delivery_id, r.node_id, r.event
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, document_id, data)
       SELECT $3, 'receipt.delivered', 'hub:' || upd.node_id, upd.message_id, upd.delivery_id, upd.node_id,
              m.document_id, jsonb_build_object('receiptId', upd.id, 'event', upd.event, 'pulled', true)
       FROM upd JOIN messages m ON m.id = upd.message_id
     )
     SELECT id FROM upd`,
    [input.nodeId, [...input.ids], input.at],
  );
  return rows.length;
}
