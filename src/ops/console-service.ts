import { isUuid } from '../core/index.ts';
import { type HubResult, refuse, success } from '../hub/index.ts';
import { civilDateAt } from '../routing/index.ts';
import { describeTrustDir, type TrustDirReport } from '../signature/index.ts';
import {
  appendEvent,
  type Db,
  type DeliveryState,
  type EventRecord,
  listAuditEvents,
  listNodeActivity,
  listNodes,
  listPeerHubs,
  listSignerExpiries,
  listStatisticsRows,
  listUndeliveredSince,
  type MessageSearch,
  type MessageSearchRecord,
  type MessageTraceRecord,
  type NodeActivityRecord,
  type NodeRecord,
  type SignerExpiryRecord,
  searchMessages,
  setNodePaused,
  type UndeliveredRecord,
} from '../store/index.ts';
import { type Alert, type AlertInputs, computeAlerts, type OverdueCount } from './alerts.ts';
import type { ConsoleSettings } from './console-settings.ts';
import type { OpsDelivery } from './delivery-view.ts';
import { createNodeAdmin } from './node-admin.ts';
import { createOperatorAccounts, type OperatorAccounts } from './operator-accounts.ts';
import type { OperatorService } from './operator-service.ts';
import { deliveryDeadline } from './overdue-rules.ts';
import { createPeerAdmin, type PeerView, toPeerView } from './peer-admin.ts';
import type { QueuesReport } from './queue-health.ts';

/** An undelivered delivery past its QĐ 28 deadline. */
export interface OverdueDelivery extends UndeliveredRecord {
  readonly deadline: Date;
}

/** One agency in one month (Vietnam time), as the national axis portal reports it. */
export interface AgencyMonth {
  /** 'YYYY-MM' */
  readonly month: string;
  readonly organId: string;
  readonly name: string | null;
  /** Document packages it sent. */
  readonly sent: number;
  /** Document packages addressed to it (one per delivery). */
  readonly received: number;
  /** Of those, delivered (or handed to the next hub) by their deadline. */
  readonly deliveredOnTime: number;
  /** Of those, delivered late, or not delivered and past their deadline. */
  readonly overdue: number;
}

/** The overview page: queues, nodes, peer hubs, alerts. */
export interface ConsoleOverview {
  /** Null when the queue backend does not answer (the page says so). */
  readonly queues: (QueuesReport & { readonly peers: readonly PeerView[] }) | null;
  readonly queueError: string | null;
  readonly nodes: readonly NodeActivityRecord[];
  readonly peers: readonly PeerView[];
  readonly alerts: readonly Alert[];
}

/** The nodes page: each node, its activity and certificates; the trust folder. */
export interface ConsoleNodes {
  readonly nodes: ReadonlyArray<{
    readonly node: NodeRecord;
    readonly activity: NodeActivityRecord | null;
    readonly signers: readonly SignerExpiryRecord[];
    readonly pausedAt: Date | null;
  }>;
  readonly peers: readonly PeerView[];
  readonly trust: TrustDirReport;
  readonly trustDir: string;
}

/** Who makes a change from the console, and from which address. */
export interface ConsoleAudit {
  readonly at: Date;
  readonly actor: string;
  readonly from: string | null;
}

/** What the console reads and does; every page and action goes through here. */
export interface ConsoleService {
  readonly accounts: OperatorAccounts;
  readonly settings: ConsoleSettings;
  overview(): Promise<ConsoleOverview>;
  searchDocuments(search: MessageSearch): Promise<MessageSearchRecord[]>;
  trace(messageId: string): Promise<MessageTraceRecord | null>;
  failed(filter: { readonly nodeId?: string | undefined; readonly limit: number }): Promise<OpsDelivery[]>;
  overdue(limit: number): Promise<OverdueDelivery[]>;
  nodes(): Promise<ConsoleNodes>;
  /** Months 'YYYY-MM' from `from` to `to`, both included (Vietnam time). */
  statistics(range: { readonly from: string; readonly to: string }): Promise<AgencyMonth[]>;
  /** The alerts, with what they were computed from (the metrics read both). */
  alertState(): Promise<{ readonly alerts: Alert[]; readonly inputs: AlertInputs }>;
  audit(limit: number): Promise<EventRecord[]>;
  retry(
    target: { readonly deliveryId: string } | { readonly nodeId: string } | { readonly allFailed: true },
    audit: ConsoleAudit,
  ): Promise<HubResult<{ readonly retried: string[] }>>;
  setPaused(
    nodeId: string,
    paused: boolean,
    audit: ConsoleAudit,
  ): Promise<HubResult<{ readonly nodeId: string }>>;
  /** Admins: a new token for a node (shown once); the earlier ones stop working. */
  rotateNodeToken(nodeId: string, audit: ConsoleAudit): Promise<HubResult<{ readonly token: string }>>;
  /** Admins: push to this webhook URL (a secret is issued, shown once), or null: the node polls. */
  setNodeWebhook(
    nodeId: string,
    url: string | null,
    audit: ConsoleAudit,
  ): Promise<HubResult<{ readonly webhookSecret: string | null }>>;
  /** Admins: how this hub reaches a peer hub (null: it does not; the peer pulls). */
  setPeerUrl(peerId: string, url: string | null, audit: ConsoleAudit): Promise<HubResult<PeerView>>;
}

export interface ConsoleServiceDeps {
  readonly db: Db;
  readonly operator: OperatorService;
  readonly settings: ConsoleSettings;
  readonly trustDir: string;
  readonly now: () => Date;
  /** Wakes the delivery engine (a resumed node's deliveries go out without waiting for the reconciler). */
  readonly kick?: () => void;
}

const TRUST_CACHE_MS = 60_000;
/** The overdue lists read at most this many undelivered deliveries, oldest first. */
const OVERDUE_SCAN = 5_000;

/** 'YYYY-MM' → its first instant in Vietnam time. */
const monthStart = (month: string) => new Date(Date.parse(`${month}-01T00:00:00+07:00`));
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

export function createConsoleService(deps: ConsoleServiceDeps): ConsoleService {
  const { db, settings } = deps;
  const nodeAdmin = createNodeAdmin(db);
  const peerAdmin = createPeerAdmin(db);
  /** The change's own events carry the actor; this one adds from where, and what was asked. */
  const audited = async <T>(
    type: string,
    audit: ConsoleAudit,
    target: { readonly nodeId: string },
    result: HubResult<T>,
  ): Promise<HubResult<T>> => {
    await appendEvent(db, {
      type,
      at: audit.at,
      actor: audit.actor,
      nodeId: result.ok ? target.nodeId : null,
      data: { from: audit.from, target: target.nodeId, ...(result.ok ? {} : { refused: result.error.code }) },
    });
    return result;
  };
  const accounts = createOperatorAccounts(db, settings);
  let trustCache: { at: number; report: TrustDirReport } | null = null;
  const trust = () => {
    const at = Date.now();
    if (trustCache === null || at - trustCache.at > TRUST_CACHE_MS) {
      trustCache = { at, report: describeTrustDir(deps.trustDir) };
    }
    return trustCache.report;
  };
  const activity = (now: Date) =>
    listNodeActivity(db, {
      since: new Date(now.getTime() - 3_600_000),
      pushSince: new Date(now.getTime() - 86_400_000),
    });
  const overdue = async (limit: number, now: Date): Promise<OverdueDelivery[]> => {
    const candidates = await listUndeliveredSince(db, { receivedBefore: now, limit: OVERDUE_SCAN });
    const late: OverdueDelivery[] = [];
    for (const c of candidates) {
      const deadline = deliveryDeadline(c.priority, c.receivedAt, settings.overdue);
      if (deadline < now) late.push({ ...c, deadline });
    }
    // Most urgent first (hỏa tốc on top), then the oldest deadline.
    return late
      .sort((a, b) => b.priority - a.priority || a.deadline.getTime() - b.deadline.getTime())
      .slice(0, limit);
  };
  const peers = async () => (await listPeerHubs(db)).map(toPeerView);
  const alertState = async () => {
    const now = deps.now();
    const late = await overdue(OVERDUE_SCAN, now);
    const byPriority = new Map<number, OverdueCount>();
    for (const d of late) {
      const seen = byPriority.get(d.priority);
      byPriority.set(d.priority, {
        priority: d.priority,
        count: (seen?.count ?? 0) + 1,
        oldestDeadline: seen && seen.oldestDeadline < d.deadline ? seen.oldestDeadline : d.deadline,
      });
    }
    const inputs: AlertInputs = {
      now,
      rules: settings.alerts,
      overdue: [...byPriority.values()].sort((a, b) => b.priority - a.priority),
      nodes: await activity(now),
      signers: await listSignerExpiries(db),
      trust: trust(),
      peers: await peers(),
    };
    return { alerts: computeAlerts(inputs), inputs };
  };

  return {
    accounts,
    settings,
    async overview() {
      const [queues, state] = await Promise.all([deps.operator.queues(), alertState()]);
      return {
        queues: queues.ok ? queues.value : null,
        queueError: queues.ok ? null : queues.error.message,
        nodes: state.inputs.nodes,
        peers: state.inputs.peers,
        alerts: state.alerts,
      };
    },
    searchDocuments: (search) => searchMessages(db, search),
    trace: (messageId) => deps.operator.trace(messageId),
    failed: (filter) =>
      deps.operator.listDeliveries({
        state: 'failed' as DeliveryState,
        nodeId: filter.nodeId,
        limit: filter.limit,
      }),
    overdue: (limit) => overdue(limit, deps.now()),
    async nodes() {
      const now = deps.now();
      const [nodes, act, signers, peerViews] = await Promise.all([
        listNodes(db),
        activity(now),
        listSignerExpiries(db),
        peers(),
      ]);
      const byNode = new Map(act.map((a) => [a.nodeId, a]));
      return {
        nodes: nodes.map((node) => ({
          node,
          activity: byNode.get(node.id) ?? null,
          signers: signers.filter((s) => s.nodeId === node.id),
          pausedAt: byNode.get(node.id)?.pausedAt ?? null,
        })),
        peers: peerViews,
        trust: trust(),
        trustDir: deps.trustDir,
      };
    },
    async statistics(range) {
      const rows = await listStatisticsRows(db, {
        from: monthStart(range.from),
        to: monthStart(nextMonth(range.to)),
      });
      const now = deps.now();
      const table = new Map<string, { -readonly [K in keyof AgencyMonth]: AgencyMonth[K] }>();
      const cell = (month: string, organId: string) => {
        const key = `${month}\u0000${organId}`;
        let row = table.get(key);
        if (!row) {
          row = {
            month,
            organId,
            name: rows.names.get(organId) ?? null,
            sent: 0,
            received: 0,
            deliveredOnTime: 0,
            overdue: 0,
          };
          table.set(key, row);
        }
        return row;
      };
      const monthOf = (at: Date) => civilDateAt(at).slice(0, 7);
      for (const s of rows.sent) cell(monthOf(s.receivedAt), s.organId).sent += 1;
      for (const d of rows.deliveries) {
        const row = cell(monthOf(d.receivedAt), d.recipientOrganId);
        row.received += 1;
        const deadline = deliveryDeadline(d.priority, d.receivedAt, settings.overdue);
        if (d.doneAt !== null && d.doneAt <= deadline) row.deliveredOnTime += 1;
        else if (d.doneAt !== null || (deadline < now && d.state !== 'revoked')) row.overdue += 1;
      }
      return [...table.values()].sort(
        (a, b) => a.month.localeCompare(b.month) || a.organId.localeCompare(b.organId),
      );
    },
    alertState,
    audit: (limit) => listAuditEvents(db, limit),
    async retry(target, audit) {
      const result = await deps.operator.retryDeliveries(target, audit.actor);
      // The retried deliveries' own events carry the actor; this one says from where, and what was asked.
      await appendEvent(db, {
        type: 'console.retry_requested',
        at: audit.at,
        actor: audit.actor,
        nodeId: 'nodeId' in target ? target.nodeId : null,
        deliveryId: 'deliveryId' in target && isUuid(target.deliveryId) ? target.deliveryId : null,
        data: {
          from: audit.from,
          target: 'allFailed' in target ? 'all' : 'nodeId' in target ? 'node' : 'delivery',
          ...(result.ok ? { retried: result.value.retried.length } : { refused: result.error.code }),
        },
      });
      return result;
    },
    async rotateNodeToken(nodeId, audit) {
      const result = await nodeAdmin.rotateToken(nodeId, audit);
      return audited('console.node_token_rotated', audit, { nodeId }, result);
    },
    async setNodeWebhook(nodeId, url, audit) {
      const result = await nodeAdmin.changeDelivery(nodeId, { webhook: url ?? false, settings: {} }, audit);
      return audited(
        'console.node_webhook_set',
        audit,
        { nodeId },
        result.ok ? success({ webhookSecret: result.value.webhookSecret ?? null }) : result,
      );
    },
    async setPeerUrl(peerId, url, audit) {
      const result = await peerAdmin.set({ id: peerId, url }, audit);
      return audited('console.peer_url_set', audit, { nodeId: peerId }, result);
    },
    async setPaused(nodeId, paused, audit) {
      const found = await setNodePaused(db, {
        nodeId,
        paused,
        at: audit.at,
        actor: audit.actor,
        from: audit.from,
      });
      if (!found) return refuse('STORE_NOT_FOUND', `No node ${nodeId}.`);
      if (!paused) deps.kick?.();
      return success({ nodeId });
    },
  };
}
