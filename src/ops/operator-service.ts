import { isUuid } from '../core/index.ts';
import { attempt, type HubResult, refuse } from '../hub/index.ts';
import type { DeliveryScheduler, NodeBreakers } from '../queue/index.ts';
import {
  countPendingOutbox,
  type Db,
  type DeliveryState,
  listDeliveries,
  listDeliveryAttempts,
  listPeerHubs,
  type MessageTraceRecord,
  type RetryTarget,
  retryFailedDeliveries,
  traceMessage,
} from '../store/index.ts';
import type { Alert, AlertInputs } from './alerts.ts';
import { type OpsAttempt, type OpsDelivery, toOpsAttempt, toOpsDelivery } from './delivery-view.ts';
import type { HubMetrics } from './hub-metrics.ts';
import { type PeerView, toPeerView } from './peer-admin.ts';
import { type QueuesReport, queuesReport } from './queue-health.ts';

/** Which deliveries to list. */
export interface DeliveryFilter {
  readonly state?: DeliveryState | undefined;
  readonly nodeId?: string | undefined;
  readonly messageId?: string | undefined;
  /** Deliveries of messages with this DocumentId. */
  readonly documentId?: string | undefined;
  /** At most this many, most recently changed first. */
  readonly limit: number;
}

/** What operators do, whichever edge they use (operator HTTP API, CLI). */
export interface OperatorService {
  /** Queue health, with the peer hubs; QUEUE_BACKEND_UNAVAILABLE when the queue backend does not answer. */
  queues(): Promise<HubResult<QueuesReport & { readonly peers: readonly PeerView[] }>>;
  /** Prometheus text: the hub's registry plus the queue backend's export. */
  metrics(): Promise<string>;
  listDeliveries(filter: DeliveryFilter): Promise<OpsDelivery[]>;
  /** Every attempt of one delivery, oldest first. */
  deliveryAttempts(deliveryId: string): Promise<OpsAttempt[]>;
  /** A message's whole trace (every delivery, attempt, status, event), or null. */
  trace(messageId: string): Promise<MessageTraceRecord | null>;
  /** Queues failed deliveries again with a fresh retry budget; the ids retried. */
  retryDeliveries(target: RetryTarget, actor: string): Promise<HubResult<{ readonly retried: string[] }>>;
}

/** What the operator service is built from. Without a scheduler (the CLI), only the store parts work. */
export interface OperatorServiceDeps {
  readonly db: Db;
  readonly now: () => Date;
  /** The console's alerts and their inputs, exported with the metrics (absent: not exported). */
  readonly alertState?: () => Promise<{ readonly alerts: readonly Alert[]; readonly inputs: AlertInputs }>;
  readonly engine?: {
    readonly scheduler: DeliveryScheduler;
    readonly queueName: string;
    /** This process's circuit breakers. */
    readonly breakers: NodeBreakers;
    /** Whether this process runs workers (an API process pauses no node: it reports none). */
    readonly workers: boolean;
    readonly role: string;
    readonly metrics: HubMetrics;
    /** Wakes the outbox relay after deliveries were queued again. */
    kick(): void;
    /** A note for the log when the queue's export fails. */
    onMetricsError(error: unknown): void;
  };
}

export function createOperatorService(deps: OperatorServiceDeps): OperatorService {
  const { db, engine } = deps;
  const needEngine = () => {
    if (!engine) throw new Error('operator service: this process has no delivery engine');
    return engine;
  };
  return {
    queues() {
      const e = needEngine();
      return attempt(async () => {
        const report = await queuesReport({
          db,
          scheduler: e.scheduler,
          queueName: e.queueName,
          breakers: e.workers ? e.breakers : null,
          role: e.role,
          now: deps.now(),
        });
        return { ...report, peers: (await listPeerHubs(db)).map(toPeerView) };
      });
    },
    async metrics() {
      const e = needEngine();
      e.metrics.gauge('outbox_pending', await countPendingOutbox(db));
      e.metrics.gauge('nodes_paused', e.breakers.snapshot().filter((b) => b.state.kind !== 'closed').length);
      const at = deps.now().getTime();
      e.metrics.peers(
        (await listPeerHubs(db)).map(toPeerView).map((p) => ({
          id: p.id,
          role: p.role,
          backlog: p.backlog,
          receiptBacklog: p.receiptBacklog,
          lastContactAgeSeconds:
            p.lastContactAt === null ? null : Math.max(0, (at - Date.parse(p.lastContactAt)) / 1000),
          reachable: p.breaker === 'closed' ? 1 : p.breaker === 'open' ? 0 : null,
        })),
      );
      if (deps.alertState) {
        const state = await deps.alertState().catch((error: unknown) => {
          e.onMetricsError(error);
          return null;
        });
        if (state) e.metrics.alerts(state.alerts, state.inputs);
      }
      const queue = await e.scheduler.prometheusMetrics({ role: e.role }).catch((error: unknown) => {
        e.onMetricsError(error);
        return '';
      });
      return e.metrics.render(queue);
    },
    async listDeliveries(filter) {
      // A message id that is no UUID names no message (and must not reach Postgres as one).
      if (filter.messageId !== undefined && !isUuid(filter.messageId)) return [];
      return (await listDeliveries(db, filter)).map(toOpsDelivery);
    },
    async trace(messageId) {
      return isUuid(messageId) ? traceMessage(db, messageId) : null;
    },
    async deliveryAttempts(deliveryId) {
      return (await listDeliveryAttempts(db, deliveryId)).map(toOpsAttempt);
    },
    async retryDeliveries(target, actor) {
      if ('deliveryId' in target && !isUuid(target.deliveryId)) {
        return refuse('STORE_NOT_FOUND', `No delivery ${target.deliveryId}.`);
      }
      return attempt(async () => {
        const retried = await retryFailedDeliveries(db, target, { at: deps.now(), actor });
        engine?.kick();
        return { retried: retried.map((d) => d.id) };
      });
    },
  };
}
