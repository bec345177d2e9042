import type { Finding } from '../core/index.ts';
import type { DirectoryFile, NodeEntry } from '../routing/index.ts';
import type { Db } from './db.ts';
import { appendEvent, appendEvents } from './event.repository.ts';
import { assignOrganizations } from './node.repository.ts';
import {
  type Audit,
  ensureOrganizations,
  type OrganizationUpsertResult,
  upsertOrganizations,
} from './organization.repository.ts';
import { bindSignerCertificates } from './signer-binding.repository.ts';
import { str } from './sql-values.ts';

/** What an import changed. Importing the same file twice gives `changed: false` the second time. */
export interface DirectoryImportReport {
  readonly changed: boolean;
  readonly organizations: OrganizationUpsertResult;
  readonly nodes: {
    readonly created: string[];
    readonly updated: Array<{ readonly nodeId: string; readonly fields: string[] }>;
    readonly unchanged: number;
  };
  /** Organizations that moved to (or were first given) a serving node. */
  readonly assignments: Array<{
    readonly organId: string;
    readonly from: string | null;
    readonly to: string;
  }>;
  /** Organizations a node listed that neither the file nor the directory had: created, named by their id. */
  readonly placeholders: string[];
  readonly signerBindingsAdded: number;
  readonly subtreeRootsAdded: number;
  /** Dangling parent/successor references and placeholders (warnings; nothing refused). */
  readonly warnings: Finding[];
}

type NodeField = 'name' | 'kind' | 'signaturePolicy' | 'webhookUrl';
const NODE_COLUMNS: Record<NodeField, string> = {
  name: 'name',
  kind: 'kind',
  signaturePolicy: 'signature_policy',
  webhookUrl: 'webhook_url',
};

/**
 * Applies a parsed directory file in one transaction. Organizations are created or updated as the
 * file states them; nodes are created (defaults: kind system, policy require, no token — tokens
 * are issued by `issueMissingTokens` or `lienthong node token`) or updated in the fields the file
 * gives; each organization a node lists moves to that node. Nothing is ever deleted or unassigned.
 */
export async function importDirectory(
  db: Db,
  file: DirectoryFile,
  audit: Audit,
): Promise<DirectoryImportReport> {
  return db.tx(async (tx) => {
    const warnings: Finding[] = [];
    const organizations = await upsertOrganizations(tx, file.organizations, audit);
    const nodes = await upsertNodes(tx, file.nodes, audit);

    const listed = file.nodes.flatMap((n) => n.organizations);
    const placeholders = await ensureOrganizations(tx, listed, audit);
    for (const organId of placeholders) {
      warnings.push({
        code: 'DIRECTORY_DANGLING_REFERENCE',
        severity: 'warning',
        path: `nodes/${file.nodes.findIndex((n) => n.organizations.includes(organId))}/organizations`,
        message: `${organId} is not in the file or the directory; created with its id as name and level unit`,
      });
    }
    const assignments: DirectoryImportReport['assignments'] = [];
    let signerBindingsAdded = 0;
    let subtreeRootsAdded = 0;
    for (const node of file.nodes) {
      assignments.push(
        ...(await assignOrganizations(tx, node.id, node.organizations, { ...audit, move: true })),
      );
      for (const certificate of node.signerCertificates) {
        signerBindingsAdded += await bindSignerCertificates(
          tx,
          node.id,
          certificate.organIds ?? node.organizations,
          [{ sha256: certificate.sha256, subject: certificate.subject }],
          audit,
        );
      }
      if (node.subtreeRoots.length > 0) {
        const { rowCount } = await tx.query(
          `INSERT INTO node_subtrees (node_id, root_organ_id, created_at)
           SELECT $1, root, $3 FROM unnest($2::text[]) AS root ON CONFLICT DO NOTHING`,
          [node.id, [...node.subtreeRoots], audit.at],
        );
        subtreeRootsAdded += rowCount;
      }
    }
    warnings.push(...(await danglingReferences(tx, file)));

    const changed =
      organizations.created.length + organizations.updated.length > 0 ||
      nodes.created.length + nodes.updated.length > 0 ||
      assignments.length + placeholders.length + signerBindingsAdded + subtreeRootsAdded > 0;
    if (changed) {
      await appendEvent(tx, {
        type: 'directory.imported',
        ...audit,
        data: {
          organizationsCreated: organizations.created.length,
          organizationsUpdated: organizations.updated.length,
          nodesCreated: nodes.created,
          nodesUpdated: nodes.updated.map((n) => n.nodeId),
          assignments: assignments.length,
          signerBindingsAdded,
          subtreeRootsAdded,
        },
      });
    }
    return {
      changed,
      organizations,
      nodes,
      assignments,
      placeholders,
      signerBindingsAdded,
      subtreeRootsAdded,
      warnings,
    };
  });
}

async function upsertNodes(
  db: Db,
  entries: readonly NodeEntry[],
  audit: Audit,
): Promise<DirectoryImportReport['nodes']> {
  const created: string[] = [];
  const updated: Array<{ nodeId: string; fields: string[] }> = [];
  let unchanged = 0;
  for (const entry of entries) {
    const { rows } = await db.query('SELECT * FROM nodes WHERE id = $1 FOR UPDATE', [entry.id]);
    const row = rows[0];
    if (!row) {
      await db.query(
        `INSERT INTO nodes (id, name, kind, signature_policy, webhook_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [
          entry.id,
          entry.name ?? entry.id,
          entry.kind ?? 'system',
          entry.signaturePolicy ?? 'require',
          entry.webhookUrl ?? null,
          audit.at,
        ],
      );
      created.push(entry.id);
      continue;
    }
    const fields = (Object.keys(NODE_COLUMNS) as NodeField[]).filter(
      (f) => entry[f] !== undefined && entry[f] !== row[NODE_COLUMNS[f]],
    );
    if (fields.length === 0) {
      unchanged += 1;
      continue;
    }
    const sets = fields.map((f, i) => `${NODE_COLUMNS[f]} = $${i + 3}`);
    await db.query(`UPDATE nodes SET ${sets.join(', ')}, updated_at = $2 WHERE id = $1`, [
      entry.id,
      audit.at,
      ...fields.map((f) => entry[f]),
    ]);
    updated.push({ nodeId: entry.id, fields });
  }
  await appendEvents(db, [
    ...created.map((nodeId) => ({ type: 'node.created', ...audit, nodeId, data: { source: 'directory' } })),
    ...updated.map((u) => ({ type: 'node.updated', ...audit, nodeId: u.nodeId, data: { fields: u.fields } })),
  ]);
  return { created, updated, unchanged };
}

async function danglingReferences(db: Db, file: DirectoryFile): Promise<Finding[]> {
  const referenced = new Map<string, string>();
  file.organizations.forEach((o, i) => {
    if (o.parentId !== null) referenced.set(o.parentId, `organizations/${i}/parentId`);
    if (o.successorId !== null) referenced.set(o.successorId, `organizations/${i}/successorId`);
  });
  if (referenced.size === 0) return [];
  const { rows } = await db.query('SELECT organ_id FROM organizations WHERE organ_id = ANY($1::text[])', [
    [...referenced.keys()],
  ]);
  const known = new Set(rows.map((r) => str(r, 'organ_id')));
  return [...referenced]
    .filter(([organId]) => !known.has(organId))
    .map(([organId, path]) => ({
      code: 'DIRECTORY_DANGLING_REFERENCE',
      severity: 'warning' as const,
      path,
      message: `${organId} is neither in the file nor in the directory; routing treats it as unknown`,
    }));
}
