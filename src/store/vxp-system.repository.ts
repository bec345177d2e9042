import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import { limitsOf, type NodeLimits } from './node.repository.ts';
import type { Audit } from './organization.repository.ts';
import { date, dateOrNull, str } from './sql-values.ts';

/** What a VXP system may do with registerAgency / deleteAgency. */
export type VxpAgencyPolicyValue = 'refuse' | 'pending-approval';

/** A node that connects with the national-axis SDK (XroadVnpt-* HMAC), as stored. */
export interface VxpSystemRecord {
  /** The node id, which is the systemId configured in the SDK. */
  readonly nodeId: string;
  /** The HMAC key as the SDK holds it (ASCII). Never log it, never put it in an event or an error. */
  readonly secret: string;
  /** Addresses or CIDR blocks the system may call from; empty = any. */
  readonly ipAllowList: readonly string[];
  readonly agencyPolicy: VxpAgencyPolicyValue;
  /** Set when an operator disabled the system (it can no longer authenticate). */
  readonly disabledAt: Date | null;
  /** SHA-256 of the node's active TLS client certificates (the same rule as the node API). */
  readonly clientCertificates: readonly string[];
  /** The node's own request limits (the same as on the node API). */
  readonly limits: NodeLimits;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

// The node's client certificates ride along: every VXP call authenticates with them.
const CLIENT_CERTIFICATES = `COALESCE((SELECT array_agg(c.sha256 ORDER BY c.sha256) FROM node_credentials c
  WHERE c.node_id = vxp_systems.node_id AND c.kind = 'client_cert' AND c.revoked_at IS NULL), '{}') AS client_certificates`;
// So are the node's own request limits (the same limits as on the node API).
const SELECT_SYSTEM = `SELECT vxp_systems.*, ${CLIENT_CERTIFICATES},
  n.rate_limit, n.burst_limit, n.upload_limit, n.upload_bytes_limit
  FROM vxp_systems JOIN nodes n ON n.id = vxp_systems.node_id`;

function toRecord(row: Record<string, unknown>): VxpSystemRecord {
  return {
    nodeId: str(row, 'node_id'),
    secret: str(row, 'secret'),
    ipAllowList: (row['ip_allow_list'] as string[] | null) ?? [],
    agencyPolicy: str(row, 'agency_policy') as VxpAgencyPolicyValue,
    disabledAt: dateOrNull(row, 'disabled_at'),
    clientCertificates: (row['client_certificates'] as string[] | null) ?? [],
    limits: limitsOf(row),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  };
}

/** A new VXP shared secret: 32 random bytes in base64url (ASCII, safe in a Java properties file). */
export function generateVxpSecret(): string {
  return randomBytes(32).toString('base64url');
}

function invalid(field: string, message: string): LienthongError {
  return new LienthongError('STORE_INVALID_INPUT', message, {
    where: 'store/vxp-system',
    details: { field },
  });
}

/** `10.1.2.3`, `10.1.2.0/24`, `2001:db8::/32`: refuses anything else (STORE_INVALID_INPUT). */
export function checkIpAllowList(entries: readonly string[]): string[] {
  return entries.map((raw) => {
    const entry = raw.trim();
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix);
    if (family === 0 || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > max) {
      throw invalid('ipAllowList', `"${entry}" is not an IP address or CIDR block.`);
    }
    return entry;
  });
}

/** The VXP system of a node, or null (also when the node is not a VXP system). */
export async function getVxpSystem(db: Db, nodeId: string): Promise<VxpSystemRecord | null> {
  const { rows } = await db.query(`${SELECT_SYSTEM} WHERE node_id = $1`, [nodeId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Every VXP system, by node id. */
export async function listVxpSystems(db: Db): Promise<VxpSystemRecord[]> {
  const { rows } = await db.query(`${SELECT_SYSTEM} ORDER BY node_id`);
  return rows.map(toRecord);
}

/** What {@link enableVxpSystem} needs. */
export interface EnableVxpInput extends Audit {
  readonly nodeId: string;
  readonly ipAllowList?: readonly string[] | undefined;
  readonly agencyPolicy?: VxpAgencyPolicyValue | undefined;
}

/**
 * Makes an existing node a VXP system with a new secret, returned once (the caller shows it to the
 * operator; it is not retrievable afterwards through any command). Throws STORE_NOT_FOUND for an
 * unknown node, NODE_EXISTS when it is a VXP system already (rotate instead), STORE_INVALID_INPUT.
 */
export async function enableVxpSystem(db: Db, input: EnableVxpInput): Promise<{ secret: string }> {
  const ipAllowList = checkIpAllowList(input.ipAllowList ?? []);
  const agencyPolicy = input.agencyPolicy ?? 'refuse';
  if (agencyPolicy !== 'refuse' && agencyPolicy !== 'pending-approval') {
    throw invalid('agencyPolicy', 'The agency policy is refuse or pending-approval.');
  }
  const secret = generateVxpSecret();
  return db.tx(async (tx) => {
    if ((await tx.query('SELECT 1 FROM nodes WHERE id = $1', [input.nodeId])).rowCount === 0) {
      throw new LienthongError('STORE_NOT_FOUND', `No node ${input.nodeId}.`, {
        where: 'store/vxp-system',
        details: { nodeId: input.nodeId },
      });
    }
    const inserted = await tx.query(
      `INSERT INTO vxp_systems (node_id, secret, ip_allow_list, agency_policy, created_at, updated_at)
       VALUES ($1, $2, $3::text[], $4, $5, $5) ON CONFLICT (node_id) DO NOTHING`,
      [input.nodeId, secret, ipAllowList, agencyPolicy, input.at],
    );
    if (inserted.rowCount === 0) {
      throw new LienthongError('NODE_EXISTS', `Node ${input.nodeId} is a VXP system already.`, {
        where: 'store/vxp-system',
        details: { nodeId: input.nodeId },
      });
    }
    // The event says that a secret was issued, never what it is.
    await appendEvent(tx, {
      type: 'node.vxp_enabled',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      data: { ipAllowList, agencyPolicy },
    });
    return { secret };
  });
}

/** Issues a new secret (shown once); the old one stops working at once. Throws STORE_NOT_FOUND. */
export async function rotateVxpSecret(
  db: Db,
  input: Audit & { readonly nodeId: string },
): Promise<{ secret: string }> {
  const secret = generateVxpSecret();
  return db.tx(async (tx) => {
    const { rowCount } = await tx.query(
      'UPDATE vxp_systems SET secret = $2, updated_at = $3 WHERE node_id = $1',
      [input.nodeId, secret, input.at],
    );
    if (rowCount === 0) throw notVxp(input.nodeId);
    await appendEvent(tx, { type: 'node.vxp_secret_rotated', ...auditOf(input), nodeId: input.nodeId });
    return { secret };
  });
}

/** Changes what a VXP system may do: allow-list, agency policy, disabled. Throws STORE_NOT_FOUND. */
export async function updateVxpSystem(
  db: Db,
  input: Audit & {
    readonly nodeId: string;
    readonly ipAllowList?: readonly string[] | undefined;
    readonly agencyPolicy?: VxpAgencyPolicyValue | undefined;
    readonly disabled?: boolean | undefined;
  },
): Promise<VxpSystemRecord> {
  const ipAllowList = input.ipAllowList === undefined ? null : checkIpAllowList(input.ipAllowList);
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `UPDATE vxp_systems SET
         ip_allow_list = COALESCE($2::text[], ip_allow_list),
         agency_policy = COALESCE($3::text, agency_policy),
         disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at
                            WHEN $4::boolean THEN COALESCE(disabled_at, $5) ELSE NULL END,
         updated_at = $5
       WHERE node_id = $1 RETURNING *, ${CLIENT_CERTIFICATES}`,
      [input.nodeId, ipAllowList, input.agencyPolicy ?? null, input.disabled ?? null, input.at],
    );
    if (!rows[0]) throw notVxp(input.nodeId);
    // Read back through the join, so the record carries the node's limits too.
    const record = (await getVxpSystem(tx, input.nodeId)) ?? toRecord(rows[0]);
    await appendEvent(tx, {
      type: 'node.vxp_updated',
      ...auditOf(input),
      nodeId: input.nodeId,
      data: {
        ipAllowList: record.ipAllowList,
        agencyPolicy: record.agencyPolicy,
        disabled: record.disabledAt !== null,
      },
    });
    return record;
  });
}

function auditOf(input: Audit): Audit {
  return { at: input.at, actor: input.actor };
}

function notVxp(nodeId: string): LienthongError {
  return new LienthongError('STORE_NOT_FOUND', `Node ${nodeId} is not a VXP system.`, {
    where: 'store/vxp-system',
    details: { nodeId },
  });
}
