import { attempt, type HubResult } from '../hub/index.ts';
import {
  type AddPeerHubInput,
  addPeerHub,
  type Db,
  listPeerHubs,
  markDirectoryChanged,
  type PeerHubRecord,
  removePeerHub,
  type SetPeerHubInput,
  setPeerHub,
} from '../store/index.ts';
import type { AdminAudit } from './node-admin.ts';

/** A peer hub as operators see it. */
export interface PeerView {
  readonly id: string;
  readonly role: 'child' | 'parent';
  readonly protocol: 'lienthong' | 'vxp';
  /** Null: this hub cannot reach it; a child then pulls. */
  readonly url: string | null;
  readonly hasToken: boolean;
  readonly systemId: string | null;
  readonly subtreeRoots: readonly string[];
  /** Organizations it serves here (a child: what it reported or was given). */
  readonly organizations: number;
  readonly directoryVersion: number;
  readonly lastContactAt: string | null;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  /** Deliveries to it not yet handed over, and receipts for it. */
  readonly backlog: number;
  readonly receiptBacklog: number;
  readonly oldestBacklogAt: string | null;
  /**
   * `closed`: the last call to it succeeded; `open`: the last call failed (hand-overs wait, backing
   * off); `pull`: this hub does not call it (it pulls); `unknown`: not called yet.
   */
  readonly breaker: 'closed' | 'open' | 'pull' | 'unknown';
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The one mapping of a stored peer hub to what operators see. */
export function toPeerView(peer: PeerHubRecord): PeerView {
  const breaker =
    peer.url === null
      ? 'pull'
      : peer.lastErrorAt !== null && (peer.lastContactAt === null || peer.lastErrorAt > peer.lastContactAt)
        ? 'open'
        : peer.lastContactAt !== null
          ? 'closed'
          : 'unknown';
  return {
    id: peer.id,
    role: peer.role,
    protocol: peer.protocol,
    url: peer.url,
    hasToken: peer.hasToken,
    systemId: peer.systemId,
    subtreeRoots: peer.subtreeRoots,
    organizations: peer.organizations,
    directoryVersion: peer.directoryVersion,
    lastContactAt: iso(peer.lastContactAt),
    lastError: peer.lastError,
    lastErrorAt: iso(peer.lastErrorAt),
    backlog: peer.backlog,
    receiptBacklog: peer.receiptBacklog,
    oldestBacklogAt: iso(peer.oldestBacklogAt),
    breaker,
  };
}

/** Operator functions on peer hubs (the CLI's `hub …` commands). */
export interface PeerAdmin {
  /** Registers a peer hub; the token it presents to this hub, shown once. */
  add(
    input: Omit<AddPeerHubInput, 'at' | 'actor'>,
    audit: AdminAudit,
  ): Promise<HubResult<{ readonly id: string; readonly token: string }>>;
  set(input: Omit<SetPeerHubInput, 'at' | 'actor'>, audit: AdminAudit): Promise<HubResult<PeerView>>;
  list(): Promise<PeerView[]>;
  remove(id: string, audit: AdminAudit): Promise<HubResult<null>>;
}

export function createPeerAdmin(db: Db): PeerAdmin {
  // Every change of a peer changes where mail goes: deliveries waiting for a route follow it.
  const changed = (audit: AdminAudit) => markDirectoryChanged(db, audit.at);
  return {
    add: (input, audit) =>
      attempt(async () => {
        const created = await addPeerHub(db, { ...input, ...audit });
        await changed(audit);
        return { id: created.node.id, token: created.token };
      }),
    set: (input, audit) =>
      attempt(async () => {
        const peer = await setPeerHub(db, { ...input, ...audit });
        await changed(audit);
        return toPeerView(peer);
      }),
    list: async () => (await listPeerHubs(db)).map(toPeerView),
    remove: (id, audit) =>
      attempt(async () => {
        await removePeerHub(db, { id, ...audit });
        await changed(audit);
        return null;
      }),
  };
}
