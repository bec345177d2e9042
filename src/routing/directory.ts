import type { CivilDate } from './civil-date.ts';

/** Administrative level of an organization (2025 reform: no district any more, kept for history). */
export const ORGANIZATION_LEVELS = ['central', 'province', 'district', 'commune', 'unit'] as const;
export type OrganizationLevel = (typeof ORGANIZATION_LEVELS)[number];

/** system: an e-office installation or test client; peer_hub: a child hub; parent_hub: the hub above. */
export const NODE_KINDS = ['system', 'peer_hub', 'parent_hub'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/**
 * require: the signature must verify, chain to the trust store and be bound to the sender.
 * legacy-unsigned: the SDK's placeholder signatures pass; such messages are never reported as verified.
 */
export const SIGNATURE_POLICIES = ['require', 'legacy-unsigned'] as const;
export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];

/** One organization of the directory. */
export interface DirectoryOrganization {
  /** Organ id (see isOrganId): usually a QĐ 20/2020 identifier such as `000.00.00.G22`, but not always (`vxp.saas.03`). */
  readonly organId: string;
  readonly name: string;
  readonly level: OrganizationLevel;
  readonly parentId: string | null;
  /** The node that serves it on this hub, or null. */
  readonly nodeId: string | null;
  /** First day it exists (inclusive), Vietnam time; null = always. */
  readonly validFrom: CivilDate | null;
  /** Last day it exists (inclusive), Vietnam time; null = open-ended. */
  readonly validTo: CivilDate | null;
  /** Where its mail goes once it has ceased to exist (merged into another). */
  readonly successorId: string | null;
  /** The organ id was derived by a documented rule, not taken from an official list. */
  readonly synthetic: boolean;
}

/** One node (connected system or peer hub). */
export interface DirectoryNode {
  readonly id: string;
  readonly name: string;
  readonly kind: NodeKind;
  readonly signaturePolicy: SignaturePolicy;
  /** For a child hub: roots of the organ-id subtrees it serves (see isInOrganSubtree). */
  readonly subtreeRoots: readonly string[];
}

/** A signer certificate pinned for an organization a node sends as. */
export interface SignerPin {
  readonly nodeId: string;
  readonly organId: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  readonly certSha256: string;
  readonly subject: string | null;
  readonly notAfter: Date | null;
}

/** An immutable view of the directory at one moment: the input of every route decision. */
export interface DirectorySnapshot {
  readonly organizations: ReadonlyMap<string, DirectoryOrganization>;
  readonly nodes: ReadonlyMap<string, DirectoryNode>;
  /** Organ ids each node serves (from DirectoryOrganization.nodeId), sorted. */
  readonly organizationsByNode: ReadonlyMap<string, readonly string[]>;
  /** Child hubs with subtree roots, most specific root first. */
  readonly childHubs: ReadonlyArray<{ readonly nodeId: string; readonly root: string }>;
  /** The parent hub node, if this hub has one. */
  readonly parentHubId: string | null;
  /** Pinned signer certificates per organ id. */
  readonly signerPins: ReadonlyMap<string, readonly SignerPin[]>;
}
