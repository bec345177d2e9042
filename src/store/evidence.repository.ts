import type { Db } from './db.ts';
import { type EventRecord, toEventRecord } from './event.repository.ts';
import { date, str, strOrNull } from './sql-values.ts';

/**
 * The evidence log's tables (migrations/0012_evidence.sql). The chain's arithmetic lives in
 * src/evidence; here only its rows. The database refuses an entry that does not extend the chain and
 * any change to what is written.
 */

/**
 * The advisory lock that serializes writers of the chain (the insert trigger takes it too): this key
 * and the schema's hash, so that hubs in other schemas of one database do not wait for each other.
 */
const EVIDENCE_LOCK_KEY = 7462001;

/** One entry of the chain. */
export interface EvidenceEntryRecord {
  readonly seq: bigint;
  readonly eventId: string;
  readonly messageId: string | null;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
  /** The entry as JSON text, hashed as stored. */
  readonly body: string;
}

/** An event not yet in the chain (what its entry is made of), with its writing transaction's id. */
export type PendingEvent = EventRecord & { readonly xactId: string };

/** A signed head of the chain. */
export interface EvidenceHeadRecord {
  readonly seq: bigint;
  readonly hash: Buffer;
  readonly hubId: string;
  readonly signedAt: Date;
  readonly algorithm: string;
  readonly signature: Buffer;
  readonly certificate: string;
  readonly timestampToken: Buffer | null;
}

function toEntry(row: Record<string, unknown>): EvidenceEntryRecord {
  return {
    seq: BigInt(str(row, 'seq')),
    eventId: String(row['event_id']),
    messageId: strOrNull(row, 'message_id'),
    prevHash: row['prev_hash'] as Buffer,
    hash: row['hash'] as Buffer,
    body: str(row, 'body'),
  };
}

function toHead(row: Record<string, unknown>): EvidenceHeadRecord {
  return {
    seq: BigInt(str(row, 'seq')),
    hash: row['hash'] as Buffer,
    hubId: str(row, 'hub_id'),
    signedAt: date(row, 'signed_at'),
    algorithm: str(row, 'algorithm'),
    signature: row['signature'] as Buffer,
    certificate: str(row, 'certificate'),
    timestampToken: (row['timestamp_token'] as Buffer | null) ?? null,
  };
}

/** Waits for the chain's writer lock, held until the transaction ends (call inside `db.tx`). */
export async function lockEvidenceChain(tx: Db): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [EVIDENCE_LOCK_KEY]);
}

/** The last entry of the chain with the transaction id of its event, or null for an empty chain. */
export async function lastEvidenceEntry(
  db: Db,
): Promise<(EvidenceEntryRecord & { readonly eventXactId: string }) | null> {
  const { rows } = await db.query(
    `SELECT l.*, e.xact_id::text AS event_xact_id
     FROM evidence_log l JOIN events e ON e.id = l.event_id ORDER BY l.seq DESC LIMIT 1`,
  );
  return rows[0] ? { ...toEntry(rows[0]), eventXactId: str(rows[0], 'event_xact_id') } : null;
}

/**
 * Events to chain next, in chain order (writing transaction, then id), after the cursor (the event of
 * the chain's last entry) and only from transactions that have ended: those older than the oldest
 * transaction still running, as seen now. Events of a running transaction wait for the next call.
 */
export async function pendingEvents(
  db: Db,
  after: { readonly xactId: string; readonly id: string } | null,
  limit: number,
): Promise<PendingEvent[]> {
  const { rows } = await db.query(
    // Qualified names: the text aliases would otherwise order "10" before "9".
    `SELECT e.id::text AS id, e.xact_id::text AS xact_id, e.at, e.type, e.actor, e.message_id, e.delivery_id,
            e.node_id, e.organ_id, e.document_id, e.data
     FROM events e
     WHERE e.xact_id < pg_snapshot_xmin(pg_current_snapshot())
       AND ($1::xid8 IS NULL OR (e.xact_id, e.id) > ($1::xid8, $2::bigint))
     ORDER BY e.xact_id, e.id
     LIMIT $3`,
    [after?.xactId ?? null, after?.id ?? null, limit],
  );
  return rows.map(toPendingEvent);
}

function toPendingEvent(row: Record<string, unknown>): PendingEvent {
  return { ...toEventRecord(row), xactId: str(row, 'xact_id') };
}

/**
 * The transaction ids of this moment: `xmin`, the oldest still running (or the next when none runs),
 * and `xmax`, the next to be given out. Every transaction below `xmin` has ended.
 */
export async function xactHorizon(db: Db): Promise<{ readonly xmin: bigint; readonly xmax: bigint }> {
  const { rows } = await db.query(
    `SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() AS s`,
  );
  return { xmin: BigInt(str(rows[0]!, 'xmin')), xmax: BigInt(str(rows[0]!, 'xmax')) };
}

/** The events with these ids (what their entries must say), by id. */
export async function eventsByIds(db: Db, ids: readonly string[]): Promise<Map<string, PendingEvent>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query(
    `SELECT e.id::text AS id, e.xact_id::text AS xact_id, e.at, e.type, e.actor, e.message_id, e.delivery_id,
            e.node_id, e.organ_id, e.document_id, e.data
     FROM events e WHERE e.id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((row) => [str(row, 'id'), toPendingEvent(row)]));
}

/** How many events that sort before the cursor (the chain's last event) have no entry: skipped ones. */
export async function countSkippedEvents(
  db: Db,
  cursor: { readonly xactId: string; readonly id: string },
): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM events e
     WHERE (e.xact_id, e.id) < ($1::xid8, $2::bigint)
       AND NOT EXISTS (SELECT 1 FROM evidence_log l WHERE l.event_id = e.id)`,
    [cursor.xactId, cursor.id],
  );
  return rows[0]!['n'] as number;
}

/** Appends entries (in seq order, each extending the one before) in one statement. */
export async function appendEvidenceEntries(db: Db, entries: readonly EvidenceEntryRecord[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO evidence_log (seq, event_id, message_id, prev_hash, hash, body)
     SELECT x.seq, x.event_id, x.message_id, decode(x.prev_hash, 'hex'), decode(x.hash, 'hex'), x.body
     FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
       AS x(seq, event_id, message_id, prev_hash, hash, body, ord)
     ORDER BY x.ord`,
    [
      entries.map((e) => e.seq.toString()),
      entries.map((e) => e.eventId),
      entries.map((e) => e.messageId),
      entries.map((e) => e.prevHash.toString('hex')),
      entries.map((e) => e.hash.toString('hex')),
      entries.map((e) => e.body),
    ],
  );
}

/** Entries `from` … `to` (inclusive), in seq order. */
export async function evidenceEntries(db: Db, from: bigint, to: bigint): Promise<EvidenceEntryRecord[]> {
  const { rows } = await db.query('SELECT * FROM evidence_log WHERE seq BETWEEN $1 AND $2 ORDER BY seq', [
    from.toString(),
    to.toString(),
  ]);
  return rows.map(toEntry);
}

/** The seq of the first and last entries about a message, or null when it has none. */
export async function evidenceSpanOfMessage(
  db: Db,
  messageId: string,
): Promise<{ readonly first: bigint; readonly last: bigint } | null> {
  const { rows } = await db.query(
    'SELECT min(seq)::text AS first, max(seq)::text AS last FROM evidence_log WHERE message_id = $1',
    [messageId],
  );
  const row = rows[0];
  return row && row['first'] !== null
    ? { first: BigInt(str(row, 'first')), last: BigInt(str(row, 'last')) }
    : null;
}

/** Records a signed head, unless one for that entry is recorded already; returns the one recorded. */
export async function insertEvidenceHead(db: Db, head: EvidenceHeadRecord): Promise<EvidenceHeadRecord> {
  await db.query(
    `INSERT INTO evidence_heads (seq, hash, hub_id, signed_at, algorithm, signature, certificate, timestamp_token)
     VALUES ($1, decode($2, 'hex'), $3, $4, $5, decode($6, 'hex'), $7, decode($8, 'hex'))
     ON CONFLICT (seq) DO NOTHING`,
    [
      head.seq.toString(),
      head.hash.toString('hex'),
      head.hubId,
      head.signedAt,
      head.algorithm,
      head.signature.toString('hex'),
      head.certificate,
      head.timestampToken?.toString('hex') ?? null,
    ],
  );
  const { rows } = await db.query('SELECT * FROM evidence_heads WHERE seq = $1', [head.seq.toString()]);
  return toHead(rows[0]!);
}

/** The first signed head at or after entry `seq`, or the last one when `seq` is null. */
export async function findEvidenceHead(db: Db, seq: bigint | null): Promise<EvidenceHeadRecord | null> {
  const { rows } =
    seq === null
      ? await db.query('SELECT * FROM evidence_heads ORDER BY seq DESC LIMIT 1')
      : await db.query('SELECT * FROM evidence_heads WHERE seq >= $1 ORDER BY seq LIMIT 1', [seq.toString()]);
  return rows[0] ? toHead(rows[0]) : null;
}

/** Every signed head, in seq order (for checking the whole log). */
export async function listEvidenceHeads(db: Db): Promise<EvidenceHeadRecord[]> {
  const { rows } = await db.query('SELECT * FROM evidence_heads ORDER BY seq');
  return rows.map(toHead);
}

/** The stored signing key and certificate of the hub (made at its first signing), or null. */
export async function getStoredEvidenceSigner(
  db: Db,
): Promise<{ readonly keyPem: string; readonly certificatePem: string } | null> {
  const { rows } = await db.query('SELECT key_pem, certificate_pem FROM evidence_signer WHERE id = 1');
  return rows[0]
    ? { keyPem: str(rows[0], 'key_pem'), certificatePem: str(rows[0], 'certificate_pem') }
    : null;
}

/** Stores the hub's signing key unless one is stored already; returns the one that is. */
export async function storeEvidenceSigner(
  db: Db,
  signer: { readonly keyPem: string; readonly certificatePem: string; readonly at: Date },
): Promise<{ readonly keyPem: string; readonly certificatePem: string }> {
  await db.query(
    `INSERT INTO evidence_signer (id, key_pem, certificate_pem, created_at) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO NOTHING`,
    [signer.keyPem, signer.certificatePem, signer.at],
  );
  return (await getStoredEvidenceSigner(db))!;
}
