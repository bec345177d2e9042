import { randomUUID } from 'node:crypto';
import { LienthongError } from '../core/index.ts';
import { type DirectoryNode, isOrganId, type NodeKind, type SignaturePolicy } from '../routing/index.ts';
import type { Db } from './db.ts';
import { appendEvent, appendEvents } from './event.repository.ts';
import { type NumericSetting, numericAssignments, updateNodeSettings } from './node-settings.ts';
import { generateToken, hashToken } from './node-token.ts';
import { type Audit, ensureOrganizations } from './organization.repository.ts';
import { bindSignerCertificates, type SignerCertificateInput } from './signer-binding.repository.ts';
import { date, intOrNull, str, strOrNull } from './sql-values.ts';

/**
 * A node's own request limits (docs/security.md); null = the hub's default, 0 = no limit for this
 * node. Requests per second and burst; package uploads and bytes of uploads in flight at once.
 */
export interface NodeLimits {
  readonly rate: number | null;
  readonly burst: number | null;
  readonly uploads: number | null;
  readonly uploadBytes: number | null;
}

/** A node as stored, with what it serves and how it authenticates (never the secrets themselves). */
export interface NodeRecord extends DirectoryNode {
  readonly webhookUrl: string | null;
  readonly hasWebhookSecret: boolean;
  /** Organ ids it serves, sorted. */
  readonly organizations: readonly string[];
  /** Bearer tokens currently valid (0 = the node cannot authenticate by token). */
  readonly activeTokens: number;
  /** SHA-256 thumbprints of the mTLS client certificates it may present. */
  readonly clientCertificates: readonly string[];
  readonly limits: NodeLimits;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const NODE_SELECT = `
  SELECT n.*,
    COALESCE((SELECT array_agg(o.organ_id ORDER BY o.organ_id) FROM organizations o WHERE o.node_id = n.id), '{}') AS organizations,
    COALESCE((SELECT array_agg(s.root_organ_id ORDER BY s.root_organ_id) FROM node_subtrees s WHERE s.node_id = n.id), '{}') AS subtree_roots,
    (SELECT count(*) FROM node_credentials c WHERE c.node_id = n.id AND c.kind = 'token' AND c.revoked_at IS NULL)::int AS active_tokens,
    COALESCE((SELECT array_agg(c.sha256 ORDER BY c.sha256) FROM node_credentials c
              WHERE c.node_id = n.id AND c.kind = 'client_cert' AND c.revoked_at IS NULL), '{}') AS client_certificates
  FROM nodes n`;

export function toNodeRecord(row: Record<string, unknown>): NodeRecord {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    kind: str(row, 'kind') as NodeKind,
    signaturePolicy: str(row, 'signature_policy') as SignaturePolicy,
    subtreeRoots: row['subtree_roots'] as string[],
    webhookUrl: strOrNull(row, 'webhook_url'),
    hasWebhookSecret: row['webhook_secret'] !== null && row['webhook_secret'] !== undefined,
    organizations: row['organizations'] as string[],
    activeTokens: row['active_tokens'] as number,
    clientCertificates: row['client_certificates'] as string[],
    limits: limitsOf(row),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  };
}

/** The limit columns of a `nodes` row. */
export function limitsOf(row: Record<string, unknown>): NodeLimits {
  return {
    rate: intOrNull(row, 'rate_limit'),
    burst: intOrNull(row, 'burst_limit'),
    uploads: intOrNull(row, 'upload_limit'),
    uploadBytes: intOrNull(row, 'upload_bytes_limit'),
  };
}

function notFound(nodeId: string): LienthongError {
  return new LienthongError('STORE_NOT_FOUND', `No node ${nodeId}.`, {
    where: 'store/node',
    details: { nodeId },
  });
}

/** Throws STORE_NOT_FOUND unless the node exists. */
async function assertNodeExists(db: Db, nodeId: string): Promise<void> {
  if ((await db.query('SELECT 1 FROM nodes WHERE id = $1', [nodeId])).rowCount === 0) throw notFound(nodeId);
}

/** The node with this id, or null. */
export async function getNode(db: Db, nodeId: string): Promise<NodeRecord | null> {
  const { rows } = await db.query(`${NODE_SELECT} WHERE n.id = $1`, [nodeId]);
  return rows[0] ? toNodeRecord(rows[0]) : null;
}

/** Every node, ordered by id. */
export async function listNodes(db: Db): Promise<NodeRecord[]> {
  const { rows } = await db.query(`${NODE_SELECT} ORDER BY n.id`);
  return rows.map(toNodeRecord);
}

/** The node a presented bearer token belongs to (hash lookup), or null for an unknown or revoked token. */
export async function findNodeByToken(db: Db, token: string): Promise<NodeRecord | null> {
  const { rows } = await db.query(
    `${NODE_SELECT} WHERE n.id = (SELECT node_id FROM node_credentials
       WHERE kind = 'token' AND sha256 = $1 AND revoked_at IS NULL)`,
    [hashToken(token)],
  );
  return rows[0] ? toNodeRecord(rows[0]) : null;
}

/** The node an mTLS client certificate (SHA-256 of its DER, hex) belongs to, or null. */
export async function findNodeByClientCertificate(db: Db, certSha256: string): Promise<NodeRecord | null> {
  const { rows } = await db.query(
    `${NODE_SELECT} WHERE n.id = (SELECT node_id FROM node_credentials
       WHERE kind = 'client_cert' AND sha256 = $1 AND revoked_at IS NULL)`,
    [certSha256.toLowerCase()],
  );
  return rows[0] ? toNodeRecord(rows[0]) : null;
}

/** What {@link createNode} needs. */
export interface CreateNodeInput extends Audit {
  readonly id: string;
  /** Default: the id. */
  readonly name?: string | undefined;
  readonly kind?: NodeKind | undefined;
  readonly signaturePolicy?: SignaturePolicy | undefined;
  readonly webhookUrl?: string | null | undefined;
  /** Organizations it serves; unknown ones are created (named by their id, level unit). */
  readonly organizations: readonly string[];
  /** Signer certificates pinned for every organization listed. */
  readonly signerCertificates?: readonly SignerCertificateInput[] | undefined;
}

/** A created node and its token, which is shown once and never stored in clear. */
export interface CreatedNode {
  readonly node: NodeRecord;
  readonly token: string;
  /** Organizations the directory did not know and that were created for this node. */
  readonly createdOrganizations: readonly string[];
}

/**
 * Creates a node serving `organizations`, with a new bearer token, in one transaction.
 * Throws NODE_EXISTS, ORG_SERVED_BY_OTHER_NODE, or STORE_INVALID_INPUT for a malformed id.
 */
export async function createNode(db: Db, input: CreateNodeInput): Promise<CreatedNode> {
  if (!NODE_ID.test(input.id)) {
    throw new LienthongError(
      'STORE_INVALID_INPUT',
      'A node id is 1-128 of A-Z a-z 0-9 . _ : - (first a letter or digit).',
      {
        where: 'store/node',
        details: { field: 'id' },
      },
    );
  }
  const badOrgan = input.organizations.find((o) => !isOrganId(o));
  if (badOrgan !== undefined) {
    // Any identifier the hub can route is accepted (the directory decides which ids exist); only
    // non-identifiers (spaces, slashes, control characters, over 64 characters) are refused.
    throw new LienthongError(
      'STORE_INVALID_INPUT',
      `"${badOrgan.slice(0, 80)}" is not an organ id (1-64 of 0-9 A-Z a-z . _ -, first a letter or digit).`,
      {
        where: 'store/node',
        details: { field: 'organizations', organId: badOrgan },
      },
    );
  }
  const audit: Audit = { at: input.at, actor: input.actor };
  return db.tx(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO nodes (id, name, kind, signature_policy, webhook_url, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING`,
      [
        input.id,
        input.name ?? input.id,
        input.kind ?? 'system',
        input.signaturePolicy ?? 'require',
        input.webhookUrl ?? null,
        input.at,
      ],
    );
    if (inserted.rowCount === 0) {
      throw new LienthongError('NODE_EXISTS', `A node ${input.id} already exists.`, {
        where: 'store/node',
        details: { nodeId: input.id },
      });
    }
    const createdOrganizations = await ensureOrganizations(tx, input.organizations, audit);
    await assignOrganizations(tx, input.id, input.organizations, { ...audit, move: false });
    const token = generateToken();
    await insertToken(tx, input.id, token, input.at);
    await bindSignerCertificates(tx, input.id, input.organizations, input.signerCertificates ?? [], audit);
    await appendEvent(tx, {
      type: 'node.created',
      ...audit,
      nodeId: input.id,
      data: {
        kind: input.kind ?? 'system',
        signaturePolicy: input.signaturePolicy ?? 'require',
        organizations: [...input.organizations],
        signerCertificates: (input.signerCertificates ?? []).map((c) => c.sha256),
      },
    });
    const node = await getNode(tx, input.id);
    return { node: node!, token, createdOrganizations };
  });
}

async function insertToken(db: Db, nodeId: string, token: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO node_credentials (id, node_id, kind, sha256, created_at) VALUES ($1, $2, 'token', $3, $4)`,
    [randomUUID(), nodeId, hashToken(token), at],
  );
}

/**
 * Makes `organIds` served by `nodeId`. With `move: false` an organization served by another node
 * is refused (ORG_SERVED_BY_OTHER_NODE); with `move: true` it moves. Returns the moves made.
 */
export async function assignOrganizations(
  db: Db,
  nodeId: string,
  organIds: readonly string[],
  options: Audit & { readonly move: boolean },
): Promise<Array<{ organId: string; from: string | null; to: string }>> {
  if (organIds.length === 0) return [];
  return db.tx(async (tx) => {
    const { rows } = await tx.query<{ organ_id: string; node_id: string | null }>(
      `SELECT organ_id, node_id FROM organizations WHERE organ_id = ANY($1::text[]) ORDER BY organ_id FOR UPDATE`,
      [[...organIds]],
    );
    const taken = rows.filter((r) => r.node_id !== null && r.node_id !== nodeId);
    if (!options.move && taken.length > 0) {
      const [first] = taken as [(typeof taken)[number], ...typeof taken];
      const servedBy = (r: (typeof taken)[number]) => `${r.organ_id} is served by node ${r.node_id}`;
      const others = taken.length > 1 ? ` (also ${taken.slice(1).map(servedBy).join(', ')})` : '';
      throw new LienthongError(
        'ORG_SERVED_BY_OTHER_NODE',
        `Organization ${servedBy(first).replace(' is ', ' is already ')}${others}; node ${nodeId} cannot serve it too.`,
        {
          where: 'store/node',
          details: {
            nodeId,
            organId: first.organ_id,
            servedBy: first.node_id,
            organizations: taken.map((r) => ({ organId: r.organ_id, servedBy: r.node_id })),
          },
        },
      );
    }
    const moves = rows
      .filter((r) => r.node_id !== nodeId)
      .map((r) => ({ organId: r.organ_id, from: r.node_id, to: nodeId }));
    if (moves.length === 0) return [];
    await tx.query(
      `UPDATE organizations SET node_id = $1, updated_at = $2 WHERE organ_id = ANY($3::text[])`,
      [nodeId, options.at, moves.map((m) => m.organId)],
    );
    await appendEvents(
      tx,
      moves.map((m) => ({
        type: 'organization.assigned',
        at: options.at,
        actor: options.actor,
        organId: m.organId,
        nodeId,
        data: { from: m.from, to: m.to },
      })),
    );
    return moves;
  });
}

/** Revokes every token of the node and issues a new one (shown once). Throws STORE_NOT_FOUND. */
export async function rotateNodeToken(
  db: Db,
  input: Audit & { readonly nodeId: string },
): Promise<{ token: string }> {
  return db.tx(async (tx) => {
    const node = await tx.query('SELECT id FROM nodes WHERE id = $1 FOR UPDATE', [input.nodeId]);
    if (node.rowCount === 0) throw notFound(input.nodeId);
    const revoked = await tx.query(
      `UPDATE node_credentials SET revoked_at = $2 WHERE node_id = $1 AND kind = 'token' AND revoked_at IS NULL`,
      [input.nodeId, input.at],
    );
    const token = generateToken();
    await insertToken(tx, input.nodeId, token, input.at);
    await appendEvent(tx, {
      type: 'node.token_rotated',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { revoked: revoked.rowCount },
    });
    return { token };
  });
}

/**
 * Issues a token to every node that has none (first start: the directory file creates nodes
 * without tokens). Returns the new tokens, to be shown once.
 */
export async function issueMissingTokens(
  db: Db,
  audit: Audit,
): Promise<Array<{ nodeId: string; token: string }>> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM nodes n WHERE NOT EXISTS (SELECT 1 FROM node_credentials c
         WHERE c.node_id = n.id AND c.kind = 'token' AND c.revoked_at IS NULL) ORDER BY id FOR UPDATE`,
    );
    const issued: Array<{ nodeId: string; token: string }> = [];
    for (const { id } of rows) {
      const token = generateToken();
      await insertToken(tx, id, token, audit.at);
      issued.push({ nodeId: id, token });
    }
    await appendEvents(
      tx,
      issued.map(({ nodeId }) => ({ type: 'node.token_issued', ...audit, nodeId, data: {} })),
    );
    return issued;
  });
}

/**
 * Lets the node authenticate with an mTLS client certificate (SHA-256 of the DER, hex). Idempotent
 * for the same node; CLIENT_CERT_IN_USE when another node has it.
 */
export async function addClientCertificate(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly certSha256: string },
): Promise<void> {
  await db.tx(async (tx) => {
    await assertNodeExists(tx, input.nodeId);
    const sha256 = input.certSha256.toLowerCase();
    // A client certificate identifies one node (the credentials index is unique across nodes).
    const registered = await tx.query<{ node_id: string }>(
      `SELECT node_id FROM node_credentials WHERE kind = 'client_cert' AND sha256 = $1 AND revoked_at IS NULL`,
      [sha256],
    );
    const owner = registered.rows[0]?.node_id;
    if (owner === input.nodeId) return;
    if (owner !== undefined) {
      throw new LienthongError(
        'CLIENT_CERT_IN_USE',
        `This client certificate is already registered for node ${owner}; one certificate identifies one node.`,
        { where: 'store/node', details: { nodeId: input.nodeId, otherNodeId: owner, sha256 } },
      );
    }
    await tx.query(
      `INSERT INTO node_credentials (id, node_id, kind, sha256, created_at) VALUES ($1, $2, 'client_cert', $3, $4)`,
      [randomUUID(), input.nodeId, sha256, input.at],
    );
    await appendEvent(tx, {
      type: 'node.client_certificate_added',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { sha256 },
    });
  });
}

/** Stops a client certificate (SHA-256 of the DER, hex) from authenticating the node; false if it was not registered. */
export async function revokeClientCertificate(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly certSha256: string },
): Promise<boolean> {
  return db.tx(async (tx) => {
    await assertNodeExists(tx, input.nodeId);
    const sha256 = input.certSha256.toLowerCase();
    const { rowCount } = await tx.query(
      `UPDATE node_credentials SET revoked_at = $3
       WHERE node_id = $1 AND kind = 'client_cert' AND sha256 = $2 AND revoked_at IS NULL`,
      [input.nodeId, sha256, input.at],
    );
    if (rowCount === 0) return false;
    await appendEvent(tx, {
      type: 'node.client_certificate_revoked',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { sha256 },
    });
    return true;
  });
}

/** Sets (or clears, with nulls) the push endpoint and its HMAC secret. Throws STORE_NOT_FOUND. */
export async function setNodeWebhook(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly url: string | null; readonly secret: string | null },
): Promise<void> {
  await db.tx(async (tx) => {
    const { rowCount } = await tx.query(
      'UPDATE nodes SET webhook_url = $2, webhook_secret = $3, updated_at = $4 WHERE id = $1',
      [input.nodeId, input.url, input.secret, input.at],
    );
    if (rowCount === 0) throw notFound(input.nodeId);
    await appendEvent(tx, {
      type: 'node.webhook_set',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { url: input.url, secretSet: input.secret !== null },
    });
  });
}

/** The push endpoint and secret of a node (for the delivery engine only; never shown). */
export async function getNodeWebhook(
  db: Db,
  nodeId: string,
): Promise<{ url: string | null; secret: string | null } | null> {
  const { rows } = await db.query('SELECT webhook_url, webhook_secret FROM nodes WHERE id = $1', [nodeId]);
  const row = rows[0];
  return row ? { url: strOrNull(row, 'webhook_url'), secret: strOrNull(row, 'webhook_secret') } : null;
}

/** Changes the node's signature policy. Throws STORE_NOT_FOUND. */
export async function setSignaturePolicy(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly policy: SignaturePolicy },
): Promise<void> {
  await db.tx(async (tx) => {
    const { rows } = await tx.query<{ signature_policy: string }>(
      'SELECT signature_policy FROM nodes WHERE id = $1 FOR UPDATE',
      [input.nodeId],
    );
    if (!rows[0]) throw notFound(input.nodeId);
    if (rows[0].signature_policy === input.policy) return;
    await tx.query('UPDATE nodes SET signature_policy = $2, updated_at = $3 WHERE id = $1', [
      input.nodeId,
      input.policy,
      input.at,
    ]);
    await appendEvent(tx, {
      type: 'node.signature_policy_set',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { from: rows[0].signature_policy, to: input.policy },
    });
  });
}

const LIMIT_COLUMNS: readonly NumericSetting<keyof NodeLimits>[] = [
  { key: 'rate', column: 'rate_limit', min: 0, max: 1_000_000 },
  { key: 'burst', column: 'burst_limit', min: 0, max: 1_000_000 },
  { key: 'uploads', column: 'upload_limit', min: 0, max: 10_000 },
  { key: 'uploadBytes', column: 'upload_bytes_limit', min: 0, max: Number.MAX_SAFE_INTEGER },
];

/**
 * Sets the node's own request limits (only the keys given; null = the hub's default, 0 = none) and
 * writes one `node.limits_set` event. Throws STORE_NOT_FOUND or STORE_INVALID_INPUT.
 */
export async function setNodeLimits(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly limits: Partial<NodeLimits> },
): Promise<NodeLimits> {
  const assignments = numericAssignments(LIMIT_COLUMNS, input.limits, 'store/node');
  return db.tx(async (tx) => {
    await updateNodeSettings(tx, { ...input, event: 'node.limits_set', assignments });
    const node = await getNode(tx, input.nodeId);
    if (node === null) throw notFound(input.nodeId);
    return node.limits;
  });
}
