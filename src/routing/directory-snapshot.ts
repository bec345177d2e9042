import type { DirectoryNode, DirectoryOrganization, DirectorySnapshot, SignerPin } from './directory.ts';
import { subtreeSpecificity } from './organ-id.ts';

/** The parts a snapshot is built from (rows from the store, or literals in tests). */
export interface DirectorySnapshotInput {
  readonly organizations: Iterable<DirectoryOrganization>;
  readonly nodes: Iterable<DirectoryNode>;
  readonly signerPins?: Iterable<SignerPin>;
}

/** Builds the indexes route decisions need. Pure; the result is frozen. */
export function createDirectorySnapshot(input: DirectorySnapshotInput): DirectorySnapshot {
  const organizations = new Map<string, DirectoryOrganization>();
  const byNode = new Map<string, string[]>();
  for (const organization of input.organizations) {
    organizations.set(organization.organId, Object.freeze({ ...organization }));
    if (organization.nodeId !== null) {
      const list = byNode.get(organization.nodeId) ?? [];
      list.push(organization.organId);
      byNode.set(organization.nodeId, list);
    }
  }
  const nodes = new Map<string, DirectoryNode>();
  const childHubs: Array<{ nodeId: string; root: string }> = [];
  let parentHubId: string | null = null;
  for (const node of input.nodes) {
    nodes.set(node.id, Object.freeze({ ...node, subtreeRoots: Object.freeze([...node.subtreeRoots]) }));
    if (node.kind === 'parent_hub') parentHubId = node.id;
    if (node.kind === 'peer_hub')
      for (const root of node.subtreeRoots) childHubs.push({ nodeId: node.id, root });
  }
  childHubs.sort(
    (a, b) => subtreeSpecificity(b.root) - subtreeSpecificity(a.root) || a.root.localeCompare(b.root),
  );
  const pins = new Map<string, SignerPin[]>();
  for (const pin of input.signerPins ?? []) {
    const list = pins.get(pin.organId) ?? [];
    list.push(Object.freeze({ ...pin }));
    pins.set(pin.organId, list);
  }
  return Object.freeze({
    organizations,
    nodes,
    organizationsByNode: new Map([...byNode].map(([id, list]) => [id, Object.freeze(list.sort())] as const)),
    childHubs: Object.freeze(childHubs.map((hub) => Object.freeze(hub))),
    parentHubId,
    signerPins: new Map([...pins].map(([id, list]) => [id, Object.freeze(list)] as const)),
  });
}

/** Pinned signer certificates a node may use when sending as `organId` (lower-case hex SHA-256). */
export function pinnedSignerCertificates(
  snapshot: DirectorySnapshot,
  nodeId: string,
  organId: string,
): string[] {
  return (snapshot.signerPins.get(organId) ?? []).filter((p) => p.nodeId === nodeId).map((p) => p.certSha256);
}
