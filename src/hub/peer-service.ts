import {
  applyDirectoryReport,
  applyPeerReceipts,
  type Db,
  listPullableReceipts,
  markReceiptsPulled,
  type ReportedOrganization,
  recordPeerContact,
} from '../store/index.ts';
import { attempt, type HubResult, refuse, success } from './hub-failure.ts';
import type { NodeIdentity } from './hub-types.ts';
import type { InboxNotifier } from './inbox-notifier.ts';
import type { PeerReceipt } from './peer-receipt.ts';

/** A child hub's report of the organizations it serves (PUT /v1/hub/directory). */
export interface DirectoryReportBody {
  /** The version the change is based on; null: the whole set (what is not listed is no longer served). */
  readonly baseVersion: number | null;
  /** The version this report makes current. */
  readonly version: number;
  readonly add: readonly ReportedOrganization[];
  readonly remove: readonly string[];
}

/** What peer hubs call on this hub, besides handing over messages (which is HubService.submit). */
export interface PeerService {
  /** A child reports what it serves; HUB_DIRECTORY_VERSION when its base is not what this hub holds. */
  reportDirectory(
    node: NodeIdentity,
    body: DirectoryReportBody,
  ): Promise<HubResult<{ readonly version: number; readonly assigned: number; readonly unassigned: number }>>;
  /** The next hub tells what became of deliveries handed to it. */
  applyReceipts(
    node: NodeIdentity,
    receipts: readonly PeerReceipt[],
  ): Promise<HubResult<{ readonly applied: number; readonly unchanged: number; readonly unknown: number }>>;
  /**
   * Receipts waiting for a peer this hub cannot reach (a child that pulls), oldest first; long-polls
   * up to `waitMs` when there are none.
   */
  pendingReceipts(node: NodeIdentity, waitMs: number): Promise<HubResult<PeerReceipt[]>>;
  /** The peer holds these receipts: they are handed over. */
  ackReceipts(
    node: NodeIdentity,
    ids: readonly string[],
  ): Promise<HubResult<{ readonly acknowledged: number }>>;
}

export interface PeerServiceDeps {
  readonly db: Db;
  readonly hubId: string;
  readonly now: () => Date;
  /** Wakes long-polls (a receipt for a pulling child is written by another request's commit). */
  readonly notifier: InboxNotifier;
}

const notPeer = () => refuse('HUB_NOT_A_CHILD', 'Only a peer hub of this hub calls the hub-to-hub API.');

export function createPeerService(deps: PeerServiceDeps): PeerService {
  const { db } = deps;
  return {
    async reportDirectory(node, body) {
      if (node.kind !== 'peer_hub') {
        return refuse('HUB_NOT_A_CHILD', 'Only a child hub reports the organizations it serves.');
      }
      const result = await attempt(() =>
        applyDirectoryReport(db, {
          childId: node.id,
          report: body,
          at: deps.now(),
          actor: `hub:${node.id}`,
        }),
      );
      if (!result.ok) return result;
      const report = result.value;
      if (!report.applied) {
        return refuse(
          'HUB_DIRECTORY_VERSION',
          `This hub holds version ${report.version} of your directory; send the whole set.`,
          [],
          { version: report.version },
        );
      }
      return success({ version: report.version, assigned: report.assigned, unassigned: report.unassigned });
    },

    async applyReceipts(node, receipts) {
      if (node.kind === 'system') return notPeer();
      const counts = await applyPeerReceipts(db, {
        nodeId: node.id,
        receipts: receipts.map((r) => ({
          messageId: r.messageId,
          organId: r.organId,
          event: r.event,
          error: r.error?.code,
          hops: r.hops,
        })),
        at: deps.now(),
        actor: `hub:${node.id}`,
      });
      return success(counts);
    },

    async pendingReceipts(node, waitMs) {
      if (node.kind === 'system') return notPeer();
      // A child that pulls shows up only by these calls: they are its contact for `hub list`.
      await recordPeerContact(db, { nodeId: node.id, at: deps.now(), error: null });
      const deadline = Date.now() + waitMs;
      for (;;) {
        const receipts = await listPullableReceipts(db, { nodeId: node.id, hubId: deps.hubId, limit: 500 });
        const remaining = deadline - Date.now();
        if (receipts.length > 0 || remaining <= 0) return success(receipts);
        await deps.notifier.waitOnce(node.id, remaining);
      }
    },

    async ackReceipts(node, ids) {
      if (node.kind === 'system') return notPeer();
      const acknowledged = await markReceiptsPulled(db, { nodeId: node.id, ids, at: deps.now() });
      return success({ acknowledged });
    },
  };
}
