import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import type { Audit } from './organization.repository.ts';

/** A whole-number setting kept in a column of `nodes` (null there = the hub's default). */
export interface NumericSetting<K extends string> {
  readonly key: K;
  readonly column: string;
  readonly min: number;
  readonly max: number;
}

/** One column to set, and the key it is reported under. */
export interface Assignment {
  readonly key: string;
  readonly column: string;
  readonly value: unknown;
}

/** The assignments of the keys given (undefined: unchanged), each checked. Throws STORE_INVALID_INPUT. */
export function numericAssignments<K extends string>(
  settings: readonly NumericSetting<K>[],
  given: Partial<Record<K, number | null | undefined>>,
  where: string,
): Assignment[] {
  const assignments: Assignment[] = [];
  for (const { key, column, min, max } of settings) {
    const value = given[key];
    if (value === undefined) continue;
    if (value !== null && (!Number.isInteger(value) || value < min || value > max)) {
      throw new LienthongError('STORE_INVALID_INPUT', `${key} must be a whole number in ${min}..${max}.`, {
        where,
        details: { field: key, min, max },
      });
    }
    assignments.push({ key, column, value });
  }
  return assignments;
}

/**
 * Sets the columns of a node and writes one event with what changed, in the handle given (a
 * transaction, so the caller can read the result back in it). Nothing to set: nothing written.
 * Throws STORE_NOT_FOUND.
 */
export async function updateNodeSettings(
  tx: Db,
  input: Audit & {
    readonly nodeId: string;
    readonly event: string;
    readonly assignments: readonly Assignment[];
  },
): Promise<void> {
  if (input.assignments.length === 0) return;
  const values: unknown[] = [input.nodeId, input.at, ...input.assignments.map((a) => a.value)];
  const sets = input.assignments.map((a, i) => `${a.column} = $${i + 3}`);
  const { rowCount } = await tx.query(
    `UPDATE nodes SET ${sets.join(', ')}, updated_at = $2 WHERE id = $1`,
    values,
  );
  if (rowCount === 0) {
    throw new LienthongError('STORE_NOT_FOUND', `No node ${input.nodeId}.`, {
      where: 'store/node',
      details: { nodeId: input.nodeId },
    });
  }
  await appendEvent(tx, {
    type: input.event,
    at: input.at,
    actor: input.actor,
    nodeId: input.nodeId,
    data: Object.fromEntries(input.assignments.map((a) => [a.key, a.value])),
  });
}
