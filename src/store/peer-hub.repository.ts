import { LienthongError } from '../core/index.ts';
import { isInOrganSubtree, isOrganId, isQd20OrganId, type OrganizationLevel } from '../routing/index.ts';
import type { Db } from './db.ts';
import { pushableSql } from './delivery-state.ts';
import { appendEvent, appendEvents } from './event.repository.ts';
import { type CreatedNode, createNode, getNode } from './node.repository.ts';
import type { Audit } from './organization.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/** A peer hub is this hub's child (it serves a subtree) or its parent (at most one). */
export type PeerRole = 'child' | 'parent';

/** How this hub talks to the peer: lienthong's node API, or the VXP protocol (the national axis). */
export type PeerProtocol = 'lienthong' | 'vxp';

/** A peer hub as stored (never its secrets). */
export interface PeerHubRecord {
  readonly id: string;
  readonly role: PeerRole;
  readonly protocol: PeerProtocol;
  /** Null: this hub cannot reach it (a child that pulls). */
  readonly url: string | null;
  readonly hasToken: boolean;
  readonly systemId: string | null;
  readonly hasSecret: boolean;
  readonly pollIntervalMs: number;
  /** Subtree roots it covers (a child). */
  readonly subtreeRoots: readonly string[];
  /** Organizations assigned to it (a child: what it reported, or what the operator gave it). */
  readonly organizations: number;
  readonly directoryVersion: number;
  readonly lastContactAt: Date | null;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  /** Deliveries to it not yet handed over (queued, retrying, sending). */
  readonly backlog: number;
  /** Receipts for it not yet handed over. */
  readonly receiptBacklog: number;
  /** The oldest of the backlog. */
  readonly oldestBacklogAt: Date | null;
}

/** What this hub needs to call a peer (the secrets included: for the delivery engine only). */
export interface PeerLink {
  readonly nodeId: string;
  readonly role: PeerRole;
  readonly protocol: PeerProtocol;
  readonly url: string | null;
  readonly token: string | null;
  readonly systemId: string | null;
  readonly secret: string | null;
  readonly pollIntervalMs: number;
  /** On a parent's row: the version and organ ids this hub last reported to it. */
  readonly directoryVersion: number;
  readonly directoryReported: readonly string[];
}

const PEER_SELECT = `
  SELECT n.id, n.kind, p.protocol, p.url, p.token IS NOT NULL AS has_token, p.system_id,
    p.secret IS NOT NULL AS has_secret, p.poll_interval_ms, p.directory_version, p.last_contact_at,
    p.last_error, p.last_error_at,
    COALESCE((SELECT array_agg(s.root_organ_id ORDER BY s.root_organ_id) FROM node_subtrees s WHERE s.node_id = n.id), '{}') AS subtree_roots,
    (SELECT count(*) FROM organizations o WHERE o.node_id = n.id)::int AS organizations,
    (SELECT count(*) FROM deliveries d WHERE d.node_id = n.id AND ${pushableSql('d')})::int AS backlog,
    (SELECT min(d.created_at) FROM deliveries d WHERE d.node_id = n.id AND ${pushableSql('d')}) AS oldest_backlog_at,
    (SELECT count(*) FROM receipts r WHERE r.node_id = n.id AND ${pushableSql('r')})::int AS receipt_backlog
  FROM nodes n JOIN peer_hubs p ON p.node_id = n.id`;

function toPeerHubRecord(row: Record<string, unknown>): PeerHubRecord {
  return {
    id: str(row, 'id'),
    role: row['kind'] === 'parent_hub' ? 'parent' : 'child',
    protocol: str(row, 'protocol') as PeerProtocol,
    url: strOrNull(row, 'url'),
    hasToken: row['has_token'] === true,
    systemId: strOrNull(row, 'system_id'),
    hasSecret: row['has_secret'] === true,
    pollIntervalMs: Number(row['poll_interval_ms']),
    subtreeRoots: row['subtree_roots'] as string[],
    organizations: Number(row['organizations']),
    directoryVersion: Number(row['directory_version']),
    lastContactAt: dateOrNull(row, 'last_contact_at'),
    lastError: strOrNull(row, 'last_error'),
    lastErrorAt: dateOrNull(row, 'last_error_at'),
    backlog: Number(row['backlog']),
    receiptBacklog: Number(row['receipt_backlog']),
    oldestBacklogAt: dateOrNull(row, 'oldest_backlog_at'),
  };
}

/** Every peer hub, parent first, then children by id. */
export async function listPeerHubs(db: Db): Promise<PeerHubRecord[]> {
  const { rows } = await db.query(`${PEER_SELECT} ORDER BY (n.kind = 'parent_hub') DESC, n.id`);
  return rows.map(toPeerHubRecord);
}

/** One peer hub, or null. */
export async function getPeerHub(db: Db, nodeId: string): Promise<PeerHubRecord | null> {
  const { rows } = await db.query(`${PEER_SELECT} WHERE n.id = $1`, [nodeId]);
  return rows[0] ? toPeerHubRecord(rows[0]) : null;
}

/** How to reach every peer (secrets included). */
export async function listPeerLinks(db: Db): Promise<PeerLink[]> {
  const { rows } = await db.query(
    `SELECT n.id, n.kind, p.* FROM nodes n JOIN peer_hubs p ON p.node_id = n.id ORDER BY n.id`,
  );
  return rows.map((row) => ({
    nodeId: str(row, 'id'),
    role: row['kind'] === 'parent_hub' ? 'parent' : 'child',
    protocol: str(row, 'protocol') as PeerProtocol,
    url: strOrNull(row, 'url'),
    token: strOrNull(row, 'token'),
    systemId: strOrNull(row, 'system_id'),
    secret: strOrNull(row, 'secret'),
    pollIntervalMs: Number(row['poll_interval_ms']),
    directoryVersion: Number(row['directory_version']),
    directoryReported: row['directory_reported'] as string[],
  }));
}

/** A peer hub to register. */
export interface AddPeerHubInput extends Audit {
  readonly id: string;
  readonly role: PeerRole;
  readonly protocol?: PeerProtocol | undefined;
  readonly url?: string | null | undefined;
  readonly token?: string | null | undefined;
  readonly systemId?: string | null | undefined;
  readonly secret?: string | null | undefined;
  readonly pollIntervalMs?: number | undefined;
  /** A child's organ-id subtree roots (QĐ 20/2020-shaped). */
  readonly subtreeRoots?: readonly string[] | undefined;
}

function invalid(message: string, details: Record<string, unknown>): LienthongError {
  return new LienthongError('STORE_INVALID_INPUT', message, { where: 'store/peer-hub', details });
}

/** An absolute http(s) URL without credentials, or STORE_INVALID_INPUT. */
function checkPeerUrl(url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
    throw invalid('A peer hub URL is an absolute http(s) URL without credentials.', { field: 'url' });
  }
}

function checkPeerFields(input: {
  protocol?: PeerProtocol | undefined;
  url?: string | null | undefined;
  token?: string | null | undefined;
  systemId?: string | null | undefined;
  secret?: string | null | undefined;
  role?: PeerRole | undefined;
}): void {
  if (input.url) checkPeerUrl(input.url);
  if (input.token !== undefined && input.token !== null && !/^[\x21-\x7e]{8,512}$/.test(input.token)) {
    throw invalid('A peer token is 8-512 printable ASCII characters.', { field: 'token' });
  }
  if (input.protocol === 'vxp') {
    if (input.role === 'child')
      throw invalid('Only a parent hub speaks VXP to this hub.', { field: 'protocol' });
    if (!input.url || !input.systemId || !input.secret) {
      throw invalid('A VXP parent needs --url, --system-id and --secret.', { field: 'protocol' });
    }
  }
}

/**
 * Registers a peer hub: a node of kind peer_hub (child) or parent_hub (parent) with a new token —
 * the one the peer presents to this hub, shown once — and how this hub reaches it, in one
 * transaction. NODE_EXISTS, STORE_INVALID_INPUT (a second parent, a bad URL or subtree root).
 */
export async function addPeerHub(db: Db, input: AddPeerHubInput): Promise<CreatedNode> {
  const protocol = input.protocol ?? 'lienthong';
  checkPeerFields({ ...input, protocol });
  const roots = [...new Set(input.subtreeRoots ?? [])];
  const badRoot = roots.find((r) => !isQd20OrganId(r));
  if (badRoot !== undefined) {
    throw invalid(`"${badRoot.slice(0, 80)}" is not a QĐ 20/2020 organ-id subtree root.`, {
      field: 'subtree',
    });
  }
  if (input.role === 'parent' && roots.length > 0) {
    throw invalid('A parent hub has no subtree: everything this hub cannot route goes to it.', {
      field: 'subtree',
    });
  }
  return db.tx(async (tx) => {
    if (input.role === 'parent') {
      const { rowCount } = await tx.query("SELECT 1 FROM nodes WHERE kind = 'parent_hub'");
      if (rowCount > 0)
        throw invalid('This hub already has a parent hub (hub remove it first).', { field: 'role' });
    }
    const created = await createNode(tx, {
      id: input.id,
      kind: input.role === 'parent' ? 'parent_hub' : 'peer_hub',
      organizations: [],
      at: input.at,
      actor: input.actor,
    });
    await tx.query(
      `INSERT INTO peer_hubs (node_id, protocol, url, token, system_id, secret, poll_interval_ms, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [
        input.id,
        protocol,
        input.url ?? null,
        input.token ?? null,
        input.systemId ?? null,
        input.secret ?? null,
        input.pollIntervalMs ?? 30_000,
        input.at,
      ],
    );
    for (const root of roots) {
      await tx.query('INSERT INTO node_subtrees (node_id, root_organ_id, created_at) VALUES ($1, $2, $3)', [
        input.id,
        root,
        input.at,
      ]);
    }
    await appendEvent(tx, {
      type: 'hub.added',
      at: input.at,
      actor: input.actor,
      nodeId: input.id,
      data: { role: input.role, protocol, url: input.url ?? null, subtreeRoots: roots },
    });
    const node = await getNode(tx, input.id);
    return { ...created, node: node ?? created.node };
  });
}

/** What `hub set` may change; absent fields stay, null clears. */
export interface SetPeerHubInput extends Audit {
  readonly id: string;
  readonly url?: string | null | undefined;
  readonly token?: string | null | undefined;
  readonly systemId?: string | null | undefined;
  readonly secret?: string | null | undefined;
  readonly pollIntervalMs?: number | undefined;
  /** Subtree roots to add (a child). */
  readonly addSubtreeRoots?: readonly string[] | undefined;
}

/** Changes how this hub reaches a peer. STORE_NOT_FOUND when there is no such peer hub. */
export async function setPeerHub(db: Db, input: SetPeerHubInput): Promise<PeerHubRecord> {
  return db.tx(async (tx) => {
    const current = await getPeerHub(tx, input.id);
    if (current === null) {
      throw new LienthongError('STORE_NOT_FOUND', `No peer hub ${input.id}.`, {
        where: 'store/peer-hub',
        details: { nodeId: input.id },
      });
    }
    const { rows } = await tx.query('SELECT * FROM peer_hubs WHERE node_id = $1', [input.id]);
    const row = rows[0]!;
    const next = {
      url: input.url === undefined ? strOrNull(row, 'url') : input.url,
      token: input.token === undefined ? strOrNull(row, 'token') : input.token,
      systemId: input.systemId === undefined ? strOrNull(row, 'system_id') : input.systemId,
      secret: input.secret === undefined ? strOrNull(row, 'secret') : input.secret,
    };
    checkPeerFields({ ...next, protocol: current.protocol, role: current.role });
    await tx.query(
      `UPDATE peer_hubs SET url = $2, token = $3, system_id = $4, secret = $5,
         poll_interval_ms = COALESCE($6, poll_interval_ms), updated_at = $7 WHERE node_id = $1`,
      [input.id, next.url, next.token, next.systemId, next.secret, input.pollIntervalMs ?? null, input.at],
    );
    for (const root of input.addSubtreeRoots ?? []) {
      if (!isQd20OrganId(root)) {
        throw invalid(`"${root.slice(0, 80)}" is not a QĐ 20/2020 organ-id subtree root.`, {
          field: 'subtree',
        });
      }
      await tx.query(
        `INSERT INTO node_subtrees (node_id, root_organ_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [input.id, root, input.at],
      );
    }
    await appendEvent(tx, {
      type: 'hub.changed',
      at: input.at,
      actor: input.actor,
      nodeId: input.id,
      data: {
        url: next.url,
        token: input.token === undefined ? 'unchanged' : input.token === null ? 'cleared' : 'replaced',
        ...(input.addSubtreeRoots?.length ? { addedSubtreeRoots: [...input.addSubtreeRoots] } : {}),
      },
    });
    return (await getPeerHub(tx, input.id))!;
  });
}

/**
 * Forgets a peer hub: its credentials are revoked, its organizations and subtrees unassigned, and it
 * stays only as a record (kind system, serving nothing) so that its past deliveries keep their node.
 * Deliveries still waiting for it are routed again by the reconciler. STORE_NOT_FOUND.
 */
export async function removePeerHub(db: Db, input: Audit & { readonly id: string }): Promise<void> {
  await db.tx(async (tx) => {
    const { rowCount } = await tx.query('DELETE FROM peer_hubs WHERE node_id = $1', [input.id]);
    if (rowCount === 0) {
      throw new LienthongError('STORE_NOT_FOUND', `No peer hub ${input.id}.`, {
        where: 'store/peer-hub',
        details: { nodeId: input.id },
      });
    }
    await tx.query('DELETE FROM node_subtrees WHERE node_id = $1', [input.id]);
    await tx.query(
      'UPDATE organizations SET node_id = NULL, reported_by = NULL, updated_at = $2 WHERE node_id = $1',
      [input.id, input.at],
    );
    await tx.query(`UPDATE node_credentials SET revoked_at = $2 WHERE node_id = $1 AND revoked_at IS NULL`, [
      input.id,
      input.at,
    ]);
    await tx.query(`UPDATE nodes SET kind = 'system', updated_at = $2 WHERE id = $1`, [input.id, input.at]);
    await appendEvent(tx, {
      type: 'hub.removed',
      at: input.at,
      actor: input.actor,
      nodeId: input.id,
      data: {},
    });
  });
}

/** Notes that a peer answered (error null) or did not (the error code), for `hub list` and the console. */
export async function recordPeerContact(
  db: Db,
  input: { readonly nodeId: string; readonly at: Date; readonly error: string | null },
): Promise<void> {
  await db.query(
    input.error === null
      ? 'UPDATE peer_hubs SET last_contact_at = $2 WHERE node_id = $1'
      : 'UPDATE peer_hubs SET last_error = $3, last_error_at = $2 WHERE node_id = $1',
    input.error === null ? [input.nodeId, input.at] : [input.nodeId, input.at, input.error],
  );
}

/** One organization a child hub reports serving. */
export interface ReportedOrganization {
  readonly organId: string;
  readonly name?: string | undefined;
  readonly level?: OrganizationLevel | undefined;
  readonly parentId?: string | null | undefined;
}

/** A child's report: the whole set (`baseVersion` null) or the changes since `baseVersion`. */
export interface DirectoryReport {
  readonly baseVersion: number | null;
  readonly version: number;
  readonly add: readonly ReportedOrganization[];
  readonly remove: readonly string[];
}

/** What applying a report did. */
export type DirectoryReportResult =
  | {
      readonly applied: true;
      readonly version: number;
      readonly assigned: number;
      readonly unassigned: number;
      /** Organizations served by a node of this hub, which a report never takes over. */
      readonly keptLocal: readonly string[];
    }
  /** The report is a change against a version this hub does not have: send the whole set. */
  | { readonly applied: false; readonly version: number };

/**
 * Applies a child hub's directory report (versioned and incremental, like the national axis's agency
 * synchronisation): its organizations are assigned to it — created when unknown — unless a node of
 * this hub serves them (this hub's own nodes come first in routing); a whole report (baseVersion
 * null) unassigns what it no longer lists; a change report must be based on the version this hub
 * holds, or nothing is applied and the holder's version is returned.
 */
export async function applyDirectoryReport(
  db: Db,
  input: Audit & { readonly childId: string; readonly report: DirectoryReport },
): Promise<DirectoryReportResult> {
  const { report } = input;
  const bad = [...report.add.map((o) => o.organId), ...report.remove].find((id) => !isOrganId(id));
  if (bad !== undefined) throw invalid(`"${bad.slice(0, 80)}" is not an organ id.`, { field: 'organId' });
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `SELECT p.directory_version FROM peer_hubs p JOIN nodes n ON n.id = p.node_id
       WHERE p.node_id = $1 AND n.kind = 'peer_hub' FOR UPDATE OF p`,
      [input.childId],
    );
    if (rows.length === 0) {
      throw new LienthongError('STORE_NOT_FOUND', `No child hub ${input.childId}.`, {
        where: 'store/peer-hub',
        details: { nodeId: input.childId },
      });
    }
    const held = Number(rows[0]!['directory_version']);
    if (report.baseVersion !== null && report.baseVersion !== held) return { applied: false, version: held };
    const addIds = [...new Set(report.add.map((o) => o.organId))];
    // Unknown organizations are created as the child describes them (name, level, parent).
    await tx.query(
      `INSERT INTO organizations (organ_id, name, level, parent_id, created_at, updated_at)
       SELECT x.id, x.name, x.level, x.parent, $4, $4
       FROM unnest($1::text[], $2::text[], $3::text[], $5::text[]) AS x(id, name, level, parent)
       ON CONFLICT (organ_id) DO NOTHING`,
      [
        report.add.map((o) => o.organId),
        report.add.map((o) => o.name || o.organId),
        report.add.map((o) => o.level ?? 'unit'),
        input.at,
        report.add.map((o) => o.parentId ?? null),
      ],
    );
    const local = await tx.query<{ organ_id: string }>(
      `SELECT o.organ_id FROM organizations o JOIN nodes n ON n.id = o.node_id
       WHERE o.organ_id = ANY($1::text[]) AND n.kind = 'system'`,
      [addIds],
    );
    const keptLocal = local.rows.map((r) => r.organ_id).sort();
    const assigned = await tx.query(
      `UPDATE organizations SET node_id = $1, reported_by = $1, updated_at = $3
       WHERE organ_id = ANY($2::text[]) AND (node_id IS NULL OR node_id <> $1)
         AND NOT (organ_id = ANY($4::text[]))`,
      [input.childId, addIds, input.at, keptLocal],
    );
    const unassigned =
      report.baseVersion === null
        ? await tx.query(
            `UPDATE organizations SET node_id = NULL, reported_by = NULL, updated_at = $3
             WHERE reported_by = $1 AND node_id = $1 AND NOT (organ_id = ANY($2::text[]))`,
            [input.childId, addIds, input.at],
          )
        : await tx.query(
            `UPDATE organizations SET node_id = NULL, reported_by = NULL, updated_at = $3
             WHERE reported_by = $1 AND node_id = $1 AND organ_id = ANY($2::text[])`,
            [input.childId, [...new Set(report.remove)], input.at],
          );
    await tx.query(
      'UPDATE peer_hubs SET directory_version = $2, last_contact_at = $3, updated_at = $3 WHERE node_id = $1',
      [input.childId, report.version, input.at],
    );
    if (assigned.rowCount + unassigned.rowCount > 0) {
      await appendEvents(tx, [
        {
          type: 'hub.directory_reported',
          at: input.at,
          actor: input.actor,
          nodeId: input.childId,
          data: {
            version: report.version,
            whole: report.baseVersion === null,
            assigned: assigned.rowCount,
            unassigned: unassigned.rowCount,
            keptLocal: keptLocal.length,
          },
        },
      ]);
      await markDirectoryChanged(tx, input.at);
    }
    return {
      applied: true,
      version: report.version,
      assigned: assigned.rowCount,
      unassigned: unassigned.rowCount,
      keptLocal,
    };
  });
}

/** Records what this hub last reported to its parent. */
export async function recordDirectoryReported(
  db: Db,
  input: {
    readonly parentId: string;
    readonly version: number;
    readonly organIds: readonly string[];
    readonly at: Date;
  },
): Promise<void> {
  await db.query(
    `UPDATE peer_hubs SET directory_version = $2, directory_reported = $3, last_contact_at = $4, updated_at = $4
     WHERE node_id = $1`,
    [input.parentId, input.version, JSON.stringify([...input.organIds]), input.at],
  );
}

/**
 * The organizations this hub serves below itself — through its own nodes or its child hubs — as it
 * reports them to its parent, sorted by organ id.
 */
export async function listServedOrganizations(db: Db): Promise<ReportedOrganization[]> {
  const { rows } = await db.query(
    `SELECT o.organ_id, o.name, o.level, o.parent_id FROM organizations o JOIN nodes n ON n.id = o.node_id
     WHERE n.kind IN ('system', 'peer_hub') AND (o.valid_to IS NULL OR o.valid_to >= CURRENT_DATE)
       AND o.successor_id IS NULL
     ORDER BY o.organ_id`,
  );
  return rows.map((row) => ({
    organId: str(row, 'organ_id'),
    name: str(row, 'name'),
    level: str(row, 'level') as OrganizationLevel,
    parentId: strOrNull(row, 'parent_id'),
  }));
}

/** True when `organId` is in one of the roots (a child's subtree). */
export function inSubtrees(organId: string, roots: readonly string[]): boolean {
  return roots.some((root) => isInOrganSubtree(organId, root));
}

/** This hub's id, kept in the database when no LIENTHONG_HUB_ID names it (stable across restarts). */
export async function hubIdOf(db: Db, generate: () => string, at: Date): Promise<string> {
  await db.query(
    `INSERT INTO hub_settings (key, value, updated_at) VALUES ('hub_id', $1, $2) ON CONFLICT (key) DO NOTHING`,
    [generate(), at],
  );
  const { rows } = await db.query<{ value: string }>("SELECT value FROM hub_settings WHERE key = 'hub_id'");
  return rows[0]!.value;
}

/** Marks that the directory changed, so deliveries waiting for a route are routed again. */
export async function markDirectoryChanged(db: Db, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO hub_settings (key, value, updated_at) VALUES ('directory_changed_at', $1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [at.toISOString(), at],
  );
}

/** When the directory last changed (null: never marked). */
export async function directoryChangedAt(db: Db): Promise<Date | null> {
  const { rows } = await db.query("SELECT updated_at FROM hub_settings WHERE key = 'directory_changed_at'");
  return rows[0] ? date(rows[0], 'updated_at') : null;
}
