import {
  createDirectorySnapshot,
  type DirectorySnapshot,
  type NodeKind,
  type SignaturePolicy,
} from '../routing/index.ts';
import type { Db } from './db.ts';
import { toOrganizationRecord } from './organization.repository.ts';
import { toSignerPin } from './signer-binding.repository.ts';
import { str } from './sql-values.ts';

/**
 * Reads the whole directory (organizations, nodes with their subtree roots, pinned signers) into an
 * immutable snapshot for routing. Three queries in one transaction, so the parts agree; callers
 * may cache the snapshot and reload it after a directory change.
 */
export async function loadDirectorySnapshot(db: Db): Promise<DirectorySnapshot> {
  return db.tx(async (tx) => {
    const organizations = await tx.query('SELECT * FROM organizations');
    const nodes = await tx.query(
      `SELECT n.id, n.name, n.kind, n.signature_policy,
         COALESCE((SELECT array_agg(s.root_organ_id ORDER BY s.root_organ_id) FROM node_subtrees s WHERE s.node_id = n.id), '{}') AS subtree_roots
       FROM nodes n`,
    );
    const pins = await tx.query('SELECT * FROM signer_bindings');
    return createDirectorySnapshot({
      organizations: organizations.rows.map((row) => {
        const { createdAt: _created, updatedAt: _updated, ...organization } = toOrganizationRecord(row);
        return organization;
      }),
      nodes: nodes.rows.map((row) => ({
        id: str(row, 'id'),
        name: str(row, 'name'),
        kind: str(row, 'kind') as NodeKind,
        signaturePolicy: str(row, 'signature_policy') as SignaturePolicy,
        subtreeRoots: row['subtree_roots'] as string[],
      })),
      signerPins: pins.rows.map(toSignerPin),
    });
  });
}
