import { type Db, directoryChangedAt, rerouteWaiting } from '../store/index.ts';
import { type AttemptDelivery, createDeliveryHandler } from './delivery-handler.ts';
import type { DeliveryOutcome, NextStep } from './delivery-outcome.ts';
import { NodeBreakers } from './node-breakers.ts';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.ts';
import {
  createDeliveryWorkStore,
  createReceiptWorkStore,
  defaultPushDefaults,
  NodeSettingsCache,
  type PushDefaults,
  type PushWork,
} from './push-work-store.ts';
import type { ReconcileResult } from './reconcile.ts';
import { createReconciler, type Reconciler } from './reconciler.ts';
import type { DeliveryHandler, DeliveryScheduler } from './scheduler.ts';

/** What one process of the delivery engine does. */
export interface DeliveryEngineOptions {
  readonly db: Db;
  readonly scheduler: DeliveryScheduler;
  /** This hub's id (a hand-over's last hop, a receipt's first). */
  readonly hubId?: string;
  /** Makes one push (the webhook sender in production). */
  readonly attempt: AttemptDelivery<PushWork>;
  /** Run the outbox relay in this process (API and worker processes both do by default). */
  readonly relay: boolean;
  /** Consume the scheduler and run the reconciler in this process (the worker role). */
  readonly worker: boolean;
  /** Pushes at the same time in this process (default 32). */
  readonly concurrency?: number;
  /** Pushes to one node at the same time in this process (default 4). */
  readonly perNodeConcurrency?: number;
  /** How long a push may hold a delivery before another worker may take it over, ms. */
  readonly leaseMs: number;
  readonly defaults?: PushDefaults;
  readonly relayIntervalMs?: number;
  readonly reconcileIntervalMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onError?: (error: unknown, where: 'relay' | 'reconciler' | 'worker') => void;
  readonly onAttempt?: (work: PushWork, outcome: DeliveryOutcome, next: NextStep) => void;
  readonly onRelayed?: (result: { readonly claimed: number; readonly published: number }) => void;
  readonly onReconciled?: (result: ReconcileResult) => void;
}

/** The delivery engine of one process: relay, reconciler and workers around one scheduler. */
export interface DeliveryEngine {
  readonly scheduler: DeliveryScheduler;
  /** This process's circuit breakers (per process: each worker learns about a sick node itself). */
  readonly breakers: NodeBreakers;
  readonly role: { readonly relay: boolean; readonly worker: boolean };
  /** Starts what the role says. */
  start(): Promise<void>;
  /** A message was committed: relay it now. */
  kick(): void;
  /** One relay pass now (tests, CLI). */
  relayNow(): Promise<number>;
  /** One reconciler pass now. */
  reconcileNow(): Promise<ReconcileResult>;
  /** Stops relay, reconciler and workers (waiting for pushes in flight) and closes the scheduler. */
  close(): Promise<void>;
}

/**
 * Wires the store-backed work stores, the handler (breaker, attempt, retry decision), the relay
 * and the reconciler to a scheduler. Postgres is the truth throughout: the scheduler only says
 * when to look at a delivery; the handler reads it from Postgres and writes the outcome there.
 */
export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  const { db, scheduler } = options;
  const defaults = options.defaults ?? defaultPushDefaults;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const cache = new NodeSettingsCache(defaults.breaker);
  const breakers = new NodeBreakers((nodeId) => cache.breakerConfig(nodeId));
  const storeOptions = {
    defaults,
    leaseMs: options.leaseMs,
    now,
    ...(options.hubId ? { hubId: options.hubId } : {}),
  };
  const common = {
    breakers,
    attempt: options.attempt,
    now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
  };
  const deliveries = createDeliveryHandler({
    ...common,
    store: createDeliveryWorkStore(db, cache, storeOptions),
  });
  const receipts = createDeliveryHandler({
    ...common,
    store: createReceiptWorkStore(db, cache, storeOptions),
  });
  const handler: DeliveryHandler = (item, attempt) =>
    item.kind === 'receipt' ? receipts(item, attempt) : deliveries(item, attempt);

  const relay: OutboxRelay | null = options.relay
    ? createOutboxRelay({
        db,
        scheduler,
        now,
        onError: (error) => onError(error, 'relay'),
        ...(options.relayIntervalMs === undefined ? {} : { intervalMs: options.relayIntervalMs }),
        ...(options.onRelayed ? { onRelayed: options.onRelayed } : {}),
      })
    : null;
  // Deliveries follow a directory change (an organization moved to another node or hub's subtree).
  let reroutedUntil = 0;
  const rerouteIfChanged = async () => {
    const changed = await directoryChangedAt(db);
    if (changed === null || changed.getTime() <= reroutedUntil) return;
    reroutedUntil = changed.getTime();
    await rerouteWaiting(db, { at: new Date(now()), actor: 'hub' });
  };
  const reconciler: Reconciler = createReconciler({
    db,
    scheduler,
    now,
    beforePass: rerouteIfChanged,
    onError: (error) => onError(error, 'reconciler'),
    ...(options.reconcileIntervalMs === undefined ? {} : { intervalMs: options.reconcileIntervalMs }),
    ...(options.onReconciled ? { onResult: options.onReconciled } : {}),
  });
  let closing: Promise<void> | null = null;

  return {
    scheduler,
    breakers,
    role: { relay: options.relay, worker: options.worker },
    async start() {
      if (options.worker) {
        await scheduler.start(handler, {
          concurrency: options.concurrency ?? 32,
          perNodeConcurrency: options.perNodeConcurrency ?? 4,
        });
        reconciler.start();
      }
      relay?.start();
    },
    kick() {
      relay?.kick();
    },
    relayNow: () => relay?.drain() ?? Promise.resolve(0),
    reconcileNow: () => reconciler.runOnce(),
    close() {
      closing ??= (async () => {
        await relay?.close();
        await reconciler.close();
        await scheduler.close();
      })();
      return closing;
    },
  };
}
