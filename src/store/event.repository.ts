import type { Db } from './db.ts';
import { date, json, str, strOrNull, valuesPlaceholders } from './sql-values.ts';

/** One entry of the append-only event log (invariant 7: every change of state, with time and actor). */
export interface EventRecord {
  /** Increasing id (int8 as string): the order events were written in. */
  readonly id: string;
  readonly at: Date;
  /** e.g. message.accepted, delivery.delivered, node.token_rotated (docs/directory.md lists them). */
  readonly type: string;
  /** Who caused it: `node:<id>`, `hub`, `operator:<name>`, `cli`. */
  readonly actor: string;
  readonly messageId: string | null;
  readonly deliveryId: string | null;
  readonly nodeId: string | null;
  readonly organId: string | null;
  readonly documentId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An event to append. */
export interface EventInput {
  readonly type: string;
  readonly actor: string;
  readonly at: Date;
  readonly messageId?: string | null | undefined;
  readonly deliveryId?: string | null | undefined;
  readonly nodeId?: string | null | undefined;
  readonly organId?: string | null | undefined;
  readonly documentId?: string | null | undefined;
  /** Facts safe to show (ids, states, counts); never tokens, secrets or package bytes. */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

const COLUMNS = 'at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data';

function params(event: EventInput): unknown[] {
  return [
    event.at,
    event.type,
    event.actor,
    event.messageId ?? null,
    event.deliveryId ?? null,
    event.nodeId ?? null,
    event.organId ?? null,
    event.documentId ?? null,
    json(event.data ?? {}),
  ];
}

export function toEventRecord(row: Record<string, unknown>): EventRecord {
  return {
    id: str(row, 'id'),
    at: date(row, 'at'),
    type: str(row, 'type'),
    actor: str(row, 'actor'),
    messageId: strOrNull(row, 'message_id'),
    deliveryId: strOrNull(row, 'delivery_id'),
    nodeId: strOrNull(row, 'node_id'),
    organId: strOrNull(row, 'organ_id'),
    documentId: strOrNull(row, 'document_id'),
    data: (row['data'] ?? {}) as Record<string, unknown>,
  };
}

/** Appends one event and returns it with its id. */
export async function appendEvent(db: Db, event: EventInput): Promise<EventRecord> {
  const { rows } = await db.query(
    `INSERT INTO events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    params(event),
  );
  return toEventRecord(rows[0]!);
}

/** Appends several events in one statement, in the order given. */
export async function appendEvents(db: Db, events: readonly EventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO events (${COLUMNS}) VALUES ${valuesPlaceholders(events.length, 9)}`,
    events.flatMap(params),
  );
}

/** Which events to list; at least one of the ids should be given for anything but small logs. */
export interface EventFilter {
  readonly messageId?: string | undefined;
  readonly deliveryId?: string | undefined;
  readonly documentId?: string | undefined;
  readonly nodeId?: string | undefined;
  readonly type?: string | undefined;
  /** Only events written after this id (paging, tailing). */
  readonly afterId?: string | undefined;
  /** Default 1000. */
  readonly limit?: number | undefined;
}

/** Events matching every given filter, oldest first. */
export async function listEvents(db: Db, filter: EventFilter = {}): Promise<EventRecord[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, value: string | undefined, op = '=') => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} ${op} $${values.length}`);
  };
  add('message_id', filter.messageId);
  add('delivery_id', filter.deliveryId);
  add('document_id', filter.documentId);
  add('node_id', filter.nodeId);
  add('type', filter.type);
  add('id', filter.afterId, '>');
  values.push(filter.limit ?? 1000);
  const { rows } = await db.query(
    `SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.length}`,
    values,
  );
  return rows.map(toEventRecord);
}
