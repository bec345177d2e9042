import { planRoutes } from '../routing/index.ts';
import type { Db } from './db.ts';
import { claimableSql } from './delivery-state.ts';
import { loadDirectorySnapshot } from './directory-snapshot.repository.ts';

/**
 * Routes again every delivery still waiting to be handed over (queued or retrying) with today's
 * directory, and moves those whose next hop changed — an organization moved to another node or
 * another hub's subtree (the 2025 mergers re-parented communes) — with an event and an outbox row
 * each, so they go to their new next hop. Never back to the node the message came from. Returns how
 * many moved. A delivery being handed over (`sending`) is left to finish.
 */
export async function rerouteWaiting(
  db: Db,
  input: { readonly at: Date; readonly actor: string },
): Promise<number> {
  const snapshot = await loadDirectorySnapshot(db);
  const { rows } = await db.query<{
    id: string;
    recipient_organ_id: string;
    node_id: string;
    sender_node_id: string;
    sender_kind: string;
  }>(
    `SELECT d.id, d.recipient_organ_id, d.node_id, m.sender_node_id, n.kind AS sender_kind
     FROM deliveries d JOIN messages m ON m.id = d.message_id JOIN nodes n ON n.id = m.sender_node_id
     WHERE d.state IN ('queued', 'retrying') AND ${claimableSql('d', '$1')}`,
    [input.at],
  );
  const moves = rows.flatMap((row) => {
    const cameFrom = row.sender_kind === 'system' ? undefined : row.sender_node_id;
    const [decision] = planRoutes(snapshot, [row.recipient_organ_id], { at: input.at, cameFrom }).decisions;
    if (!decision || decision.kind === 'unroutable' || decision.nodeId === row.node_id) return [];
    return [{ id: row.id, nodeId: decision.nodeId, route: decision.kind, from: row.node_id }];
  });
  if (moves.length === 0) return 0;
  const { rows: moved } = await db.query(
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS x(id, node, route, was)
     ), upd AS (
       UPDATE deliveries d SET node_id = x.node, route = x.route, updated_at = $5, next_attempt_at = NULL
       FROM x WHERE d.id = x.id AND d.node_id = x.was AND d.state IN ('queued', 'retrying')
       RETURNING d.id, d.message_id, d.recipient_organ_id, d.priority, x.node, x.route, x.was
     ), o AS (
       INSERT INTO outbox (delivery_id, priority, available_at, created_at)
       SELECT upd.id, upd.priority, $5, $5 FROM upd
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, organ_id, document_id, data)
       SELECT $5, 'delivery.rerouted', $6, upd.message_id, upd.id, upd.node, upd.recipient_organ_id, m.document_id,
              jsonb_build_object('from', upd.was, 'to', upd.node, 'route', upd.route,
                'reason', 'the directory changed: another next hop serves the recipient')
       FROM upd JOIN messages m ON m.id = upd.message_id
     )
     SELECT id FROM upd`,
    [
      moves.map((m) => m.id),
      moves.map((m) => m.nodeId),
      moves.map((m) => m.route),
      moves.map((m) => m.from),
      input.at,
      input.actor,
    ],
  );
  return moved.length;
}
