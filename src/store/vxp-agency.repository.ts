import { randomUUID } from 'node:crypto';
import { civilDateAt, type OrganizationLevel } from '../routing/index.ts';
import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import { assignOrganizations } from './node.repository.ts';
import type { Audit } from './organization.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/*
 * The directory as the VXP agency calls show it, and the registerAgency / deleteAgency requests of
 * systems whose policy allows them. A request changes nothing routable: it waits in
 * vxp_agency_requests until an operator approves it (then the organization is created and served
 * by the requesting node, or retired) or rejects it.
 */

/** An organization with what the VXP directory calls add to it. */
export interface VxpDirectoryEntry {
  readonly organId: string;
  readonly name: string;
  readonly level: OrganizationLevel;
  readonly parentId: string | null;
  readonly nodeId: string | null;
  readonly validTo: string | null;
  /** Organizations whose successor this one is (their identifiers before a merger), sorted. */
  readonly predecessorIds: readonly string[];
  readonly updatedAt: Date;
  /** How many directory changes this organization has seen (created, updated, assigned): at least 1. */
  readonly version: number;
  /** It ceased (validTo before `today`). */
  readonly ceased: boolean;
}

/** Every organization, by organ id; `today` (YYYY-MM-DD, Vietnam time) decides which have ceased. */
export async function listVxpDirectory(db: Db, today: string): Promise<VxpDirectoryEntry[]> {
  const { rows } = await db.query(
    `SELECT o.*,
       COALESCE((SELECT array_agg(p.organ_id ORDER BY p.organ_id) FROM organizations p
                 WHERE p.successor_id = o.organ_id), '{}') AS predecessors,
       (SELECT count(*) FROM events e WHERE e.organ_id = o.organ_id
          AND e.type IN ('organization.created', 'organization.updated', 'organization.assigned'))::int AS changes,
       (o.valid_to IS NOT NULL AND o.valid_to < $1::date) AS ceased
     FROM organizations o ORDER BY o.organ_id`,
    [today],
  );
  return rows.map((row) => ({
    organId: str(row, 'organ_id'),
    name: str(row, 'name'),
    level: str(row, 'level') as OrganizationLevel,
    parentId: strOrNull(row, 'parent_id'),
    nodeId: strOrNull(row, 'node_id'),
    validTo: strOrNull(row, 'valid_to'),
    predecessorIds: row['predecessors'] as string[],
    updatedAt: date(row, 'updated_at'),
    version: Math.max(1, row['changes'] as number),
    ceased: row['ceased'] === true,
  }));
}

/** A registerAgency or deleteAgency request as stored. */
export interface VxpAgencyRequestRecord {
  readonly id: string;
  readonly nodeId: string;
  readonly action: 'register' | 'delete';
  readonly organId: string;
  readonly parentId: string | null;
  readonly name: string | null;
  readonly mail: string | null;
  readonly mobile: string | null;
  readonly fax: string | null;
  readonly state: 'pending' | 'approved' | 'rejected' | 'superseded';
  readonly requestedAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
}

function toRequest(row: Record<string, unknown>): VxpAgencyRequestRecord {
  return {
    id: str(row, 'id'),
    nodeId: str(row, 'node_id'),
    action: str(row, 'action') as 'register' | 'delete',
    organId: str(row, 'organ_id'),
    parentId: strOrNull(row, 'parent_id'),
    name: strOrNull(row, 'name'),
    mail: strOrNull(row, 'mail'),
    mobile: strOrNull(row, 'mobile'),
    fax: strOrNull(row, 'fax'),
    state: str(row, 'state') as VxpAgencyRequestRecord['state'],
    requestedAt: date(row, 'requested_at'),
    decidedAt: dateOrNull(row, 'decided_at'),
    decidedBy: strOrNull(row, 'decided_by'),
  };
}

/** What a system asks for. */
export interface VxpAgencyRequestInput extends Audit {
  readonly nodeId: string;
  readonly action: 'register' | 'delete';
  readonly organId: string;
  readonly parentId?: string | undefined;
  readonly name?: string | undefined;
  readonly mail?: string | undefined;
  readonly mobile?: string | undefined;
  readonly fax?: string | undefined;
}

/** The outcome of a request: filed, a repeat of an open one, or refused because of who serves the organization. */
export type VxpAgencyRequestOutcome =
  | { readonly kind: 'filed'; readonly request: VxpAgencyRequestRecord }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'served-by-other'; readonly servedBy: string }
  | { readonly kind: 'not-served' };

const FIELDS = ['parentId', 'name', 'mail', 'mobile', 'fax'] as const;

/**
 * Files a request for operator approval. register: refused when another node serves the organization;
 * unchanged when this node serves it already under that name, or an identical request is open.
 * delete: only for an organization this node serves. A different open request for the same
 * (node, action, organization) is superseded by the new one.
 */
export async function requestVxpAgency(
  db: Db,
  input: VxpAgencyRequestInput,
): Promise<VxpAgencyRequestOutcome> {
  return db.tx(async (tx) => {
    const org = await tx.query<{ node_id: string | null; name: string }>(
      'SELECT node_id, name FROM organizations WHERE organ_id = $1 FOR UPDATE',
      [input.organId],
    );
    const current = org.rows[0];
    if (input.action === 'register') {
      if (current?.node_id && current.node_id !== input.nodeId) {
        return { kind: 'served-by-other', servedBy: current.node_id };
      }
      if (current?.node_id === input.nodeId && current.name === input.name) return { kind: 'unchanged' };
    } else if (current?.node_id !== input.nodeId) {
      return { kind: 'not-served' };
    }
    const open = await tx.query(
      `SELECT * FROM vxp_agency_requests WHERE node_id = $1 AND action = $2 AND organ_id = $3 AND state = 'pending' FOR UPDATE`,
      [input.nodeId, input.action, input.organId],
    );
    const previous = open.rows[0] ? toRequest(open.rows[0]) : undefined;
    if (previous && FIELDS.every((f) => (previous[f] ?? undefined) === (input[f] ?? undefined))) {
      return { kind: 'unchanged' };
    }
    if (previous) {
      await tx.query(
        `UPDATE vxp_agency_requests SET state = 'superseded', decided_at = $2, decided_by = $3 WHERE id = $1`,
        [previous.id, input.at, input.actor],
      );
    }
    const { rows } = await tx.query(
      `INSERT INTO vxp_agency_requests (id, node_id, action, organ_id, parent_id, name, mail, mobile, fax, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [
        randomUUID(),
        input.nodeId,
        input.action,
        input.organId,
        input.parentId ?? null,
        input.name ?? null,
        input.mail ?? null,
        input.mobile ?? null,
        input.fax ?? null,
        input.at,
      ],
    );
    const request = toRequest(rows[0]!);
    await appendEvent(tx, {
      type: 'vxp.agency_requested',
      at: input.at,
      actor: input.actor,
      nodeId: input.nodeId,
      organId: input.organId,
      data: {
        requestId: request.id,
        action: input.action,
        name: input.name ?? null,
        supersedes: previous?.id ?? null,
      },
    });
    return { kind: 'filed', request };
  });
}

/** Requests, oldest first; only those in `state` when given. */
export async function listVxpAgencyRequests(
  db: Db,
  filter: { readonly state?: VxpAgencyRequestRecord['state'] } = {},
): Promise<VxpAgencyRequestRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM vxp_agency_requests WHERE ($1::text IS NULL OR state = $1::text) ORDER BY requested_at, id`,
    [filter.state ?? null],
  );
  return rows.map(toRequest);
}

/**
 * An operator decides a pending request. Approving a register creates the organization if needed
 * (level `unit`; a directory file can refine it) and makes the requesting node serve it (refused with
 * ORG_SERVED_BY_OTHER_NODE if another node took it meanwhile); approving a delete ends its validity
 * the day before approval, so it has ceased on the day it is approved. Returns null when there is no pending request with this id.
 */
export async function decideVxpAgencyRequest(
  db: Db,
  input: Audit & { readonly requestId: string; readonly approve: boolean },
): Promise<VxpAgencyRequestRecord | null> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `SELECT * FROM vxp_agency_requests WHERE id::text = $1 AND state = 'pending' FOR UPDATE`,
      [input.requestId],
    );
    if (!rows[0]) return null;
    const request = toRequest(rows[0]);
    if (input.approve && request.action === 'register') {
      const created = await tx.query(
        `INSERT INTO organizations (organ_id, name, level, parent_id, created_at, updated_at)
         VALUES ($1, $2, 'unit', $3, $4, $4) ON CONFLICT (organ_id) DO NOTHING`,
        [request.organId, request.name ?? request.organId, request.parentId, input.at],
      );
      if (created.rowCount > 0) {
        await appendEvent(tx, {
          type: 'organization.created',
          ...audit(input),
          organId: request.organId,
          data: { name: request.name ?? request.organId, level: 'unit', vxpRequestId: request.id },
        });
      }
      await assignOrganizations(tx, request.nodeId, [request.organId], { ...audit(input), move: false });
    } else if (input.approve) {
      // The day before approval: it has ceased from today (a later valid_from keeps the row consistent).
      const { rows: ended } = await tx.query<{ valid_to: string }>(
        `UPDATE organizations SET valid_to = GREATEST($2::date, COALESCE(valid_from, $2::date)), updated_at = $3
         WHERE organ_id = $1 RETURNING valid_to`,
        [request.organId, civilDateAt(new Date(input.at.getTime() - 86_400_000)), input.at],
      );
      const validTo = ended[0]?.valid_to ?? null;
      await appendEvent(tx, {
        type: 'organization.updated',
        ...audit(input),
        organId: request.organId,
        data: { fields: ['validTo'], validTo, vxpRequestId: request.id },
      });
    }
    const decided = await tx.query(
      `UPDATE vxp_agency_requests SET state = $2, decided_at = $3, decided_by = $4 WHERE id = $1 RETURNING *`,
      [request.id, input.approve ? 'approved' : 'rejected', input.at, input.actor],
    );
    await appendEvent(tx, {
      type: 'vxp.agency_request_decided',
      ...audit(input),
      nodeId: request.nodeId,
      organId: request.organId,
      data: { requestId: request.id, action: request.action, approved: input.approve },
    });
    return toRequest(decided.rows[0]!);
  });
}

function audit(input: Audit): Audit {
  return { at: input.at, actor: input.actor };
}
