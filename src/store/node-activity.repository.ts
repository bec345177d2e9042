import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import { dateOrNull, str, strOrNull } from './sql-values.ts';

/** What the console shows of one node: its backlog, its failures, when it last reached the hub. */
export interface NodeActivityRecord {
  readonly nodeId: string;
  readonly name: string | null;
  readonly kind: string;
  /** Pushed to (a webhook, or a peer hub this hub calls); false: it polls. */
  readonly push: boolean;
  readonly pausedAt: Date | null;
  /** Waiting (queued, retrying). */
  readonly waiting: number;
  /** Being pushed (sending). */
  readonly inFlight: number;
  readonly failed: number;
  /** When the oldest unfinished delivery to it was created. */
  readonly oldestWaitingAt: Date | null;
  /** Push attempts that did not succeed since `since`. */
  readonly failuresSince: number;
  /** The last time it called the hub (poll, send, ack) or took a push (within the last day). */
  readonly lastContactAt: Date | null;
}

/** Every node's activity; `since` bounds the failure count, `pushSince` the search for its last push. */
export async function listNodeActivity(
  db: Db,
  window: { readonly since: Date; readonly pushSince: Date },
): Promise<NodeActivityRecord[]> {
  const { rows } = await db.query(
    `WITH backlog AS (
       SELECT node_id,
              count(*) FILTER (WHERE state IN ('queued', 'retrying')) AS waiting,
              count(*) FILTER (WHERE state = 'sending') AS in_flight,
              count(*) FILTER (WHERE state = 'failed') AS failed,
              min(created_at) FILTER (WHERE state IN ('queued', 'retrying', 'sending')) AS oldest_at
       FROM deliveries WHERE state IN ('queued', 'retrying', 'sending', 'failed') GROUP BY node_id
     ), attempts AS (
       SELECT d.node_id,
              count(*) FILTER (WHERE a.outcome <> 'ok' AND a.started_at >= $1) AS failures,
              max(a.finished_at) FILTER (WHERE a.outcome = 'ok') AS last_push_at
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
       WHERE a.started_at >= LEAST($1::timestamptz, $2::timestamptz) GROUP BY d.node_id
     )
     SELECT n.id, n.name, n.kind, n.paused_at, n.last_seen_at,
            ((n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL) OR p.url IS NOT NULL) AS push,
            coalesce(b.waiting, 0) AS waiting, coalesce(b.in_flight, 0) AS in_flight,
            coalesce(b.failed, 0) AS failed, b.oldest_at,
            coalesce(a.failures, 0) AS failures, a.last_push_at, p.last_contact_at AS peer_contact_at
     FROM nodes n
     LEFT JOIN peer_hubs p ON p.node_id = n.id
     LEFT JOIN backlog b ON b.node_id = n.id
     LEFT JOIN attempts a ON a.node_id = n.id
     ORDER BY n.id`,
    [window.since, window.pushSince],
  );
  return rows.map((row) => {
    const contacts = [
      dateOrNull(row, 'last_seen_at'),
      dateOrNull(row, 'last_push_at'),
      dateOrNull(row, 'peer_contact_at'),
    ]
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime());
    return {
      nodeId: str(row, 'id'),
      name: strOrNull(row, 'name'),
      kind: str(row, 'kind'),
      push: row['push'] === true,
      pausedAt: dateOrNull(row, 'paused_at'),
      waiting: Number(row['waiting']),
      inFlight: Number(row['in_flight']),
      failed: Number(row['failed']),
      oldestWaitingAt: dateOrNull(row, 'oldest_at'),
      failuresSince: Number(row['failures']),
      lastContactAt: contacts[0] ?? null,
    };
  });
}

/**
 * Notes that a node called the hub. Written only when the stored time is older than `staleBefore`,
 * so that a node polling every second costs one write per half minute, not one per poll.
 */
export async function touchNodeSeen(
  db: Db,
  input: { readonly nodeId: string; readonly at: Date; readonly staleBefore: Date },
): Promise<void> {
  await db.query(
    'UPDATE nodes SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)',
    [input.nodeId, input.at, input.staleBefore],
  );
}

/**
 * Pauses or resumes pushes to a node (the inbox still serves it). Returns false when there is no
 * such node; a change that changes nothing is no event.
 */
export async function setNodePaused(
  db: Db,
  input: {
    readonly nodeId: string;
    readonly paused: boolean;
    readonly at: Date;
    readonly actor: string;
    readonly from?: string | null | undefined;
  },
): Promise<boolean> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query<{ paused_at: Date | null }>(
      'SELECT paused_at FROM nodes WHERE id = $1 FOR UPDATE',
      [input.nodeId],
    );
    if (!rows[0]) return false;
    if ((rows[0].paused_at !== null) === input.paused) return true;
    await tx.query('UPDATE nodes SET paused_at = $2, updated_at = $3 WHERE id = $1', [
      input.nodeId,
      input.paused ? input.at : null,
      input.at,
    ]);
    await appendEvent(tx, {
      type: input.paused ? 'node.paused' : 'node.resumed',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: input.from ? { from: input.from } : {},
    });
    return true;
  });
}
