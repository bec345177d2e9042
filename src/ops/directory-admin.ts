import { attempt, type HubResult } from '../hub/index.ts';
import { type DirectoryFile, planRoutes, type RoutePlan } from '../routing/index.ts';
import {
  type Db,
  type DirectoryImportReport,
  importDirectory,
  listOrganizations,
  loadDirectorySnapshot,
  markDirectoryChanged,
  type OrganizationRecord,
} from '../store/index.ts';
import type { AdminAudit } from './node-admin.ts';

/** Operator functions on the directory (the CLI's `directory …` commands). */
export interface DirectoryAdmin {
  /** Applies a parsed directory file; idempotent; what changed. */
  import(file: DirectoryFile, audit: AdminAudit): Promise<HubResult<DirectoryImportReport>>;
  /** Organizations, all or those one node serves. */
  organizations(filter: { readonly nodeId?: string | undefined }): Promise<OrganizationRecord[]>;
  /** Where mail for these organ ids would go at `at`: the hub's own route plan, from today's directory. */
  routes(organIds: readonly string[], at: Date): Promise<RoutePlan>;
}

export function createDirectoryAdmin(db: Db): DirectoryAdmin {
  return {
    import: (file, audit) =>
      attempt(async () => {
        const report = await importDirectory(db, file, audit);
        // Deliveries waiting for a next hop follow the change (the reconciler moves them).
        if (report.changed) await markDirectoryChanged(db, audit.at);
        return report;
      }),
    organizations: (filter) => listOrganizations(db, filter.nodeId ? { nodeId: filter.nodeId } : {}),
    routes: async (organIds, at) => planRoutes(await loadDirectorySnapshot(db), organIds, { at }),
  };
}
