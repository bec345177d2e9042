import type { OrganizationLevel } from '../../routing/index.ts';
import type { VxpDirectoryEntry } from '../../store/index.ts';
import type { VxpAgency } from './vxp-service.ts';

/** QĐ 20/2020 administrative levels as numbers (getAgenciesListQD20 `level`): 1 central … 5 below a commune. */
export const LEVEL_NUMBER: Readonly<Record<OrganizationLevel, number>> = {
  central: 1,
  province: 2,
  district: 3,
  commune: 4,
  unit: 5,
};

/**
 * A directory organization as the VXP agency calls show it. `oldCode` (and QD20's `code102`) carry
 * the identifiers it had before a merger: the organizations whose successor it is, comma-separated
 * when there were several (a province formed from two). A ceased organization is `deleted`: it no
 * longer receives under its own id (mail to it goes to its successor).
 */
export function agencyOf(entry: VxpDirectoryEntry): VxpAgency {
  return {
    id: entry.organId,
    ...(entry.parentId === null ? {} : { parentId: entry.parentId }),
    code: entry.organId,
    name: entry.name,
    ...(entry.predecessorIds.length === 0 ? {} : { oldCode: entry.predecessorIds.join(',') }),
    level: LEVEL_NUMBER[entry.level],
    ...(entry.nodeId === null ? {} : { centerCode: entry.nodeId }),
    modifiedAt: entry.updatedAt,
    version: entry.version,
    deleted: entry.ceased,
    isAgency: true,
  };
}
