import type { DirectoryOrganization, OrganizationEntry, OrganizationLevel } from '../routing/index.ts';
import type { Db } from './db.ts';
import { appendEvents, type EventInput } from './event.repository.ts';
import { chunk, date, str, strOrNull, valuesPlaceholders } from './sql-values.ts';

/** An organization as stored. */
export interface OrganizationRecord extends DirectoryOrganization {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What an upsert changed. */
export interface OrganizationUpsertResult {
  readonly created: string[];
  readonly updated: Array<{ readonly organId: string; readonly fields: string[] }>;
  readonly unchanged: number;
}

/** Who and when, for every write that is recorded as an event. */
export interface Audit {
  readonly at: Date;
  /** `operator:<name>`, `cli`, `hub`, `node:<id>`. */
  readonly actor: string;
}

export function toOrganizationRecord(row: Record<string, unknown>): OrganizationRecord {
  return {
    organId: str(row, 'organ_id'),
    name: str(row, 'name'),
    level: str(row, 'level') as OrganizationLevel,
    parentId: strOrNull(row, 'parent_id'),
    nodeId: strOrNull(row, 'node_id'),
    validFrom: strOrNull(row, 'valid_from'),
    validTo: strOrNull(row, 'valid_to'),
    successorId: strOrNull(row, 'successor_id'),
    synthetic: row['synthetic'] === true,
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  };
}

/** The organization with this organ id, or null. */
export async function getOrganization(db: Db, organId: string): Promise<OrganizationRecord | null> {
  const { rows } = await db.query('SELECT * FROM organizations WHERE organ_id = $1', [organId]);
  return rows[0] ? toOrganizationRecord(rows[0]) : null;
}

/** Organizations ordered by organ id; only those a node serves when `nodeId` is given. */
export async function listOrganizations(
  db: Db,
  filter: { nodeId?: string } = {},
): Promise<OrganizationRecord[]> {
  const { rows } =
    filter.nodeId === undefined
      ? await db.query('SELECT * FROM organizations ORDER BY organ_id')
      : await db.query('SELECT * FROM organizations WHERE node_id = $1 ORDER BY organ_id', [filter.nodeId]);
  return rows.map(toOrganizationRecord);
}

const FIELDS = ['name', 'level', 'parentId', 'validFrom', 'validTo', 'successorId', 'synthetic'] as const;

function entryParams(e: OrganizationEntry): unknown[] {
  return [e.organId, e.name, e.level, e.parentId, e.validFrom, e.validTo, e.successorId, e.synthetic];
}

/**
 * Creates or updates organizations as the entries state them (serving node untouched), in one
 * transaction, writing one event per created or changed organization. Idempotent: a second run
 * with the same entries changes nothing and writes no event.
 */
export async function upsertOrganizations(
  db: Db,
  entries: readonly OrganizationEntry[],
  audit: Audit,
): Promise<OrganizationUpsertResult> {
  return db.tx(async (tx) => {
    const existing = new Map<string, OrganizationRecord>();
    for (const ids of chunk(
      entries.map((e) => e.organId),
      1000,
    )) {
      const { rows } = await tx.query(
        'SELECT * FROM organizations WHERE organ_id = ANY($1::text[]) FOR UPDATE',
        [ids],
      );
      for (const row of rows) existing.set(str(row, 'organ_id'), toOrganizationRecord(row));
    }
    const created: OrganizationEntry[] = [];
    const updated: Array<{
      organId: string;
      fields: Array<(typeof FIELDS)[number]>;
      entry: OrganizationEntry;
    }> = [];
    let unchanged = 0;
    for (const entry of entries) {
      const current = existing.get(entry.organId);
      if (current === undefined) {
        created.push(entry);
        continue;
      }
      const fields = FIELDS.filter((f) => current[f] !== entry[f]);
      if (fields.length === 0) unchanged += 1;
      else updated.push({ organId: entry.organId, fields, entry });
    }
    for (const batch of chunk(created, 500)) {
      await tx.query(
        `INSERT INTO organizations (organ_id, name, level, parent_id, valid_from, valid_to, successor_id, synthetic, created_at, updated_at)
         VALUES ${valuesPlaceholders(batch.length, 10)}`,
        batch.flatMap((e) => [...entryParams(e), audit.at, audit.at]),
      );
    }
    for (const { entry } of updated) {
      await tx.query(
        `UPDATE organizations SET name = $2, level = $3, parent_id = $4, valid_from = $5, valid_to = $6,
           successor_id = $7, synthetic = $8, updated_at = $9 WHERE organ_id = $1`,
        [...entryParams(entry), audit.at],
      );
    }
    const events: EventInput[] = [
      ...created.map((e) => ({
        type: 'organization.created',
        ...audit,
        organId: e.organId,
        data: { name: e.name, level: e.level, successorId: e.successorId, validTo: e.validTo },
      })),
      ...updated.map((u) => ({
        type: 'organization.updated',
        ...audit,
        organId: u.organId,
        data: { fields: u.fields, ...Object.fromEntries(u.fields.map((f) => [f, u.entry[f]])) },
      })),
    ];
    for (const batch of chunk(events, 500)) await appendEvents(tx, batch);
    return {
      created: created.map((e) => e.organId),
      updated: updated.map(({ organId, fields }) => ({ organId, fields })),
      unchanged,
    };
  });
}

/**
 * Creates the organizations of `organIds` that do not exist yet, named by their id with level
 * `unit` (an operator attached a node to an organization the directory did not list). Returns
 * the ids created.
 */
export async function ensureOrganizations(
  db: Db,
  organIds: readonly string[],
  audit: Audit,
): Promise<string[]> {
  if (organIds.length === 0) return [];
  const { rows } = await db.query<{ organ_id: string }>(
    `INSERT INTO organizations (organ_id, name, level, created_at, updated_at)
     SELECT id, id, 'unit', $2, $2 FROM unnest($1::text[]) AS id
     ON CONFLICT (organ_id) DO NOTHING RETURNING organ_id`,
    [[...new Set(organIds)], audit.at],
  );
  const created = rows.map((r) => r.organ_id).sort();
  await appendEvents(
    db,
    created.map((organId) => ({
      type: 'organization.created',
      ...audit,
      organId,
      data: { name: organId, level: 'unit', placeholder: true },
    })),
  );
  return created;
}
