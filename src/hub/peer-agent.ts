import { setMaxListeners } from 'node:events';
import {
  type Db,
  getNode,
  listPeerLinks,
  listServedOrganizations,
  type PeerLink,
  type ReportedOrganization,
  recordDirectoryReported,
  recordPeerContact,
} from '../store/index.ts';
import type { ForwardRecipient } from './forwarding.ts';
import type { HubService } from './hub-service.ts';
import type { NodeIdentity } from './hub-types.ts';
import { identityOf } from './node-identity.ts';
import type { PeerReceipt } from './peer-receipt.ts';
import type { DirectoryReportBody, PeerService } from './peer-service.ts';

/** A call to the parent: its answer, or why none came and whether trying again may help. */
export type UpstreamResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly retry: boolean; readonly message: string };

/** Where the parent is and the token this hub presents to it. */
export interface UpstreamAddress {
  readonly url: string;
  readonly token: string | null;
}

/** What the agent needs from a lienthong parent (the peer client implements it). */
export interface LienthongUpstream {
  reportDirectory(
    input: UpstreamAddress & { readonly report: DirectoryReportBody },
  ): Promise<UpstreamResult<{ readonly applied: boolean; readonly version: number }>>;
  pullInbox(
    input: UpstreamAddress & {
      readonly waitSeconds: number;
      readonly limit: number;
      readonly signal?: AbortSignal;
    },
  ): Promise<UpstreamResult<ReadonlyArray<{ readonly id: string }>>>;
  fetch(input: UpstreamAddress & { readonly id: string }): Promise<
    UpstreamResult<{
      readonly bytes: Uint8Array;
      readonly hops: readonly string[];
      readonly recipients: readonly ForwardRecipient[] | null;
    }>
  >;
  ack(
    input: UpstreamAddress & { readonly id: string; readonly hub: string; readonly acceptedAt: string },
  ): Promise<UpstreamResult<true>>;
  reportReceipts(
    input: UpstreamAddress & { readonly receipts: readonly PeerReceipt[] },
  ): Promise<UpstreamResult<true>>;
  pullReceipts(
    input: UpstreamAddress & { readonly waitSeconds: number; readonly signal?: AbortSignal },
  ): Promise<UpstreamResult<readonly PeerReceipt[]>>;
  ackReceipts(input: UpstreamAddress & { readonly ids: readonly string[] }): Promise<UpstreamResult<true>>;
}

/** What the agent needs from a VXP parent (the national axis; the VXP client implements it). */
export interface VxpUpstream {
  list(
    link: VxpLink,
    messageType: 'edoc' | 'status',
  ): Promise<UpstreamResult<ReadonlyArray<{ readonly docId: string }>>>;
  get(link: VxpLink, docId: string): Promise<UpstreamResult<Uint8Array>>;
  updateStatus(
    link: VxpLink,
    docId: string,
    status: 'done' | 'fail',
    reason?: string,
  ): Promise<UpstreamResult<true>>;
}

/** A VXP parent's endpoint and the credentials it issued. */
export interface VxpLink {
  readonly url: string;
  readonly systemId: string;
  readonly secret: string;
}

export interface PeerAgentDeps {
  readonly db: Db;
  readonly hub: HubService;
  readonly peers: PeerService;
  readonly hubId: string;
  readonly lienthong: LienthongUpstream;
  readonly vxp: VxpUpstream;
  readonly now: () => Date;
  /** How often the directory is compared with what the parent holds, ms (default 30 000). */
  readonly reportIntervalMs?: number;
  /** Long-poll of the parent's inbox and receipts, seconds (default 25). */
  readonly pullWaitSeconds?: number;
  /** Pause after a failed call to the parent, ms (default 5 000). */
  readonly backoffMs?: number;
  readonly onError?: (error: unknown, where: string) => void;
  /** Told what was taken from the parent (tests, logs). */
  readonly onPulled?: (event: {
    readonly from: string;
    readonly id: string;
    readonly outcome: string;
  }) => void;
}

/** The loops that keep this hub in touch with its parent. */
export interface PeerAgent {
  start(): void;
  /** One directory comparison and report now (tests, `hub set`). */
  reportNow(): Promise<void>;
  /** One VXP poll now (tests). */
  pollVxpNow(): Promise<void>;
  close(): Promise<void>;
}

/** The changes from what the parent holds to what this hub serves. */
export function directoryChanges(
  reported: readonly string[],
  served: readonly ReportedOrganization[],
): { readonly add: ReportedOrganization[]; readonly remove: string[] } {
  const before = new Set(reported);
  const now = new Set(served.map((o) => o.organId));
  return {
    add: served.filter((o) => !before.has(o.organId)),
    remove: [...before].filter((id) => !now.has(id)).sort(),
  };
}

/**
 * Keeps this hub in touch with its parent: reports the organizations it serves (on start, then
 * whenever they change, as changes against the version the parent holds, or whole when the parent
 * lost track); pulls what the parent holds for it when the parent cannot reach it (long-polling
 * the parent's inbox and receipts, as any node does); polls a VXP parent (the national axis) and
 * hands what it receives into this hub's own pipeline, then reports `done` or `fail`.
 */
export function createPeerAgent(deps: PeerAgentDeps): PeerAgent {
  const reportIntervalMs = deps.reportIntervalMs ?? 30_000;
  const wait = deps.pullWaitSeconds ?? 25;
  const backoffMs = deps.backoffMs ?? 5_000;
  const onError = deps.onError ?? (() => {});
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const loops: Promise<void>[] = [];
  const abort = new AbortController();
  // Every long-poll listens on it (AbortSignal.any in the client): many over the agent's life.
  setMaxListeners(0, abort.signal);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      abort.signal.addEventListener('abort', done, { once: true });
    });

  const parentLink = async (): Promise<PeerLink | null> =>
    (await listPeerLinks(deps.db)).find((l) => l.role === 'parent' && l.url !== null) ?? null;

  async function identity(nodeId: string): Promise<NodeIdentity | null> {
    const node = await getNode(deps.db, nodeId);
    return node === null ? null : identityOf(node);
  }

  async function contact(link: PeerLink, error: string | null) {
    await recordPeerContact(deps.db, { nodeId: link.nodeId, at: deps.now(), error }).catch(() => {});
  }

  async function reportNow(): Promise<void> {
    const link = await parentLink();
    if (link === null || link.protocol !== 'lienthong') return;
    const served = await listServedOrganizations(deps.db);
    const changes = directoryChanges(link.directoryReported, served);
    const unchanged = changes.add.length === 0 && changes.remove.length === 0 && link.directoryVersion > 0;
    if (unchanged) return;
    const address = { url: link.url ?? '', token: link.token };
    const version = link.directoryVersion + 1;
    const incremental = link.directoryVersion > 0;
    let sent = await deps.lienthong.reportDirectory({
      ...address,
      report: incremental
        ? { baseVersion: link.directoryVersion, version, ...changes }
        : { baseVersion: null, version, add: served, remove: [] },
    });
    if (!sent.ok && sent.code === 'HUB_DIRECTORY_VERSION') {
      // The parent lost track (restored from a backup, or the child's record was): the whole set.
      sent = await deps.lienthong.reportDirectory({
        ...address,
        report: { baseVersion: null, version, add: served, remove: [] },
      });
    }
    if (!sent.ok) {
      await contact(link, sent.code);
      throw new Error(`directory report to ${link.nodeId}: ${sent.code} ${sent.message}`);
    }
    await recordDirectoryReported(deps.db, {
      parentId: link.nodeId,
      version,
      organIds: served.map((o) => o.organId),
      at: deps.now(),
    });
  }

  /** Takes one message the parent holds for this hub: into this hub's pipeline, then acknowledged there. */
  async function takeFromParent(link: PeerLink, parent: NodeIdentity, id: string) {
    const address = { url: link.url ?? '', token: link.token };
    const fetched = await deps.lienthong.fetch({ ...address, id });
    if (!fetched.ok) throw new Error(`fetch ${id} from ${link.nodeId}: ${fetched.code}`);
    const { bytes, hops, recipients } = fetched.value;
    const accepted = await deps.hub.submit(parent, bytes, { forward: { messageId: id, hops, recipients } });
    if (accepted.ok) {
      const acked = await deps.lienthong.ack({
        ...address,
        id,
        hub: deps.hubId,
        acceptedAt: accepted.value.receivedAt ?? deps.now().toISOString(),
      });
      if (!acked.ok) throw new Error(`ack ${id} at ${link.nodeId}: ${acked.code}`);
      deps.onPulled?.({
        from: link.nodeId,
        id,
        outcome: accepted.value.duplicate ? 'duplicate' : 'accepted',
      });
      return;
    }
    // Refused here: the parent's deliveries fail with this hub's code, as a refused hand-over would.
    const at = deps.now().toISOString();
    const failed = await deps.lienthong.reportReceipts({
      ...address,
      receipts: (recipients ?? []).map((r) => ({
        id,
        messageId: id,
        organId: r.recipient,
        event: 'failed' as const,
        occurredAt: at,
        error: { code: accepted.error.code, httpStatus: null },
        hops: [{ hub: deps.hubId, acceptedAt: null, deliveredAt: null }],
      })),
    });
    if (!failed.ok) throw new Error(`refusal of ${id} to ${link.nodeId}: ${failed.code}`);
    deps.onPulled?.({ from: link.nodeId, id, outcome: accepted.error.code });
  }

  async function pullInboxLoop() {
    while (!closed) {
      try {
        const link = await parentLink();
        const parent = link && link.protocol === 'lienthong' ? await identity(link.nodeId) : null;
        if (link === null || parent === null) {
          await sleep(reportIntervalMs);
          continue;
        }
        const address = { url: link.url ?? '', token: link.token };
        const items = await deps.lienthong.pullInbox({
          ...address,
          waitSeconds: wait,
          limit: 50,
          signal: abort.signal,
        });
        if (closed) break;
        if (!items.ok) {
          await contact(link, items.code);
          await sleep(backoffMs);
          continue;
        }
        await contact(link, null);
        for (const item of items.value) {
          if (closed) break;
          await takeFromParent(link, parent, item.id);
        }
      } catch (error) {
        onError(error, 'peer pull');
        await sleep(backoffMs);
      }
    }
  }

  async function pullReceiptsLoop() {
    while (!closed) {
      try {
        const link = await parentLink();
        const parent = link && link.protocol === 'lienthong' ? await identity(link.nodeId) : null;
        if (link === null || parent === null) {
          await sleep(reportIntervalMs);
          continue;
        }
        const address = { url: link.url ?? '', token: link.token };
        const receipts = await deps.lienthong.pullReceipts({
          ...address,
          waitSeconds: wait,
          signal: abort.signal,
        });
        if (closed) break;
        if (!receipts.ok) {
          await sleep(backoffMs);
          continue;
        }
        if (receipts.value.length === 0) continue;
        const applied = await deps.peers.applyReceipts(parent, receipts.value);
        if (!applied.ok) throw new Error(`receipts from ${link.nodeId}: ${applied.error.code}`);
        await deps.lienthong.ackReceipts({ ...address, ids: receipts.value.map((r) => r.id) });
      } catch (error) {
        onError(error, 'peer receipts');
        await sleep(backoffMs);
      }
    }
  }

  async function reportLoop() {
    while (!closed) {
      await reportNow().catch((error: unknown) => onError(error, 'directory report'));
      await sleep(reportIntervalMs);
    }
  }

  async function pollVxpNow(): Promise<void> {
    const link = (await listPeerLinks(deps.db)).find((l) => l.role === 'parent' && l.protocol === 'vxp');
    if (!link || link.url === null || link.systemId === null || link.secret === null) return;
    const parent = await identity(link.nodeId);
    if (parent === null) return;
    const vxp: VxpLink = { url: link.url, systemId: link.systemId, secret: link.secret };
    for (const type of ['edoc', 'status'] as const) {
      const listed = await deps.vxp.list(vxp, type);
      if (!listed.ok) {
        await contact(link, listed.code);
        return;
      }
      await contact(link, null);
      for (const item of listed.value) {
        if (closed) return;
        const got = await deps.vxp.get(vxp, item.docId);
        if (!got.ok) {
          if (got.retry) return;
          continue;
        }
        const accepted = await deps.hub.submit(parent, got.value, {
          declaredKind: type === 'edoc' ? 'package' : 'status',
        });
        const status = accepted.ok ? 'done' : 'fail';
        const reason = accepted.ok
          ? undefined
          : `${accepted.error.code}: ${accepted.error.message}`.slice(0, 500);
        await deps.vxp.updateStatus(vxp, item.docId, status, reason);
        deps.onPulled?.({
          from: link.nodeId,
          id: item.docId,
          outcome: accepted.ok ? 'accepted' : accepted.error.code,
        });
      }
    }
  }

  async function vxpLoop() {
    while (!closed) {
      let interval = reportIntervalMs;
      try {
        const link = (await listPeerLinks(deps.db)).find((l) => l.role === 'parent' && l.protocol === 'vxp');
        if (link) interval = link.pollIntervalMs;
        await pollVxpNow();
      } catch (error) {
        onError(error, 'vxp poll');
      }
      await sleep(interval);
    }
  }

  return {
    start() {
      loops.push(reportLoop(), pullInboxLoop(), pullReceiptsLoop(), vxpLoop());
    },
    reportNow,
    pollVxpNow,
    async close() {
      closed = true;
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      // Long-polls in flight are aborted; a hand-in in progress finishes (bounded by its own timeouts).
      await Promise.all(loops);
    },
  };
}
