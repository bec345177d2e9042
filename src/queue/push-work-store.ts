import {
  type BeginPushResult,
  beginDeliveryPush,
  beginReceiptPush,
  type Db,
  loadDeliveryPush,
  loadReceiptPush,
  type NodePushSettings,
  type PushAttemptInput,
  type PushNextState,
  type ReceiptRecord,
  recordDeliveryPush,
  recordReceiptPush,
} from '../store/index.ts';
import { type BreakerConfig, defaultBreakerConfig } from './circuit-breaker.ts';
import type { QueueCode } from './codes.ts';
import type { BeginResult, DeliveryWork, DeliveryWorkStore } from './delivery-handler.ts';
import {
  type AttemptRecord,
  type DeliveryOutcome,
  defaultRetryPolicy,
  failureCode,
  type NextStep,
  type RetryPolicy,
} from './delivery-outcome.ts';

/** Recorded on a push attempt whose worker died before it could record the answer. */
const SEND_INTERRUPTED: QueueCode = 'QUEUE_SEND_INTERRUPTED';

/** Where a push goes: the node's webhook. */
export interface PushTarget {
  readonly url: string;
  readonly secret: string;
}

/** A delivery of a package or status, ready to push: the exact bytes under the message's id. */
export interface DeliveryPushWork extends DeliveryWork {
  readonly target: 'delivery';
  readonly kind: 'package' | 'status';
  /** Lienthong-Message-Id: the hub's id of the message (receivers deduplicate on it). */
  readonly messageId: string;
  readonly body: Uint8Array;
  readonly webhook: PushTarget;
}

/** A receipt event for a sender node; the JSON bytes are built from these fixed facts. */
export interface ReceiptPushWork extends DeliveryWork {
  readonly target: 'receipt';
  readonly kind: 'receipt';
  readonly receipt: ReceiptRecord;
  readonly webhook: PushTarget;
}

export type PushWork = DeliveryPushWork | ReceiptPushWork;

/** Hub-wide defaults, overridden per node by the node's own settings. */
export interface PushDefaults {
  readonly retry: RetryPolicy;
  readonly breaker: BreakerConfig;
}

export const defaultPushDefaults: PushDefaults = Object.freeze({
  retry: defaultRetryPolicy,
  breaker: defaultBreakerConfig,
});

/** Options of the store-backed work stores. */
export interface PushWorkStoreOptions {
  readonly defaults?: PushDefaults;
  /** How long a worker holds a delivery it is pushing (longer than the longest push), ms. */
  readonly leaseMs: number;
  /** Actor written on the events (default `hub`). */
  readonly actor?: string;
  /** Clock for the write timestamps, epoch ms. */
  readonly now?: () => number;
}

/** The node's retry policy: its own settings where set, the hub's defaults elsewhere. */
export function retryPolicyOf(node: NodePushSettings, defaults: RetryPolicy): RetryPolicy {
  const maxDelayMs = node.retryMaxDelayMs ?? defaults.maxDelayMs;
  return {
    maxAttempts: node.retryMaxAttempts ?? defaults.maxAttempts,
    maxAgeMs: node.retryMaxAgeSeconds === null ? defaults.maxAgeMs : node.retryMaxAgeSeconds * 1000,
    baseDelayMs: Math.min(maxDelayMs, node.retryBaseDelayMs ?? defaults.baseDelayMs),
    maxDelayMs,
    jitter: defaults.jitter,
  };
}

/** The node's breaker settings: its own where set, the hub's defaults elsewhere. */
export function breakerConfigOf(node: NodePushSettings, defaults: BreakerConfig): BreakerConfig {
  return {
    ...defaults,
    failureThreshold: node.breakerFailureThreshold ?? defaults.failureThreshold,
    openMs: node.breakerOpenMs ?? defaults.openMs,
    maxOpenMs: Math.max(defaults.maxOpenMs, node.breakerOpenMs ?? 0),
  };
}

/**
 * Breaker settings by node id, learnt from the node rows the work stores load. NodeBreakers asks
 * synchronously; a node not seen yet gets the defaults until its first delivery is loaded.
 */
export class NodeSettingsCache {
  readonly #breakers = new Map<string, BreakerConfig>();
  readonly #defaults: BreakerConfig;

  constructor(defaults: BreakerConfig) {
    this.#defaults = defaults;
  }

  remember(nodeId: string, node: NodePushSettings): void {
    this.#breakers.set(nodeId, breakerConfigOf(node, this.#defaults));
  }

  breakerConfig(nodeId: string): BreakerConfig {
    return this.#breakers.get(nodeId) ?? this.#defaults;
  }
}

/** A live lease of another worker: come back when it ends (+ a little, for clock steps). */
function toBeginResult(result: BeginPushResult, at: Date): BeginResult {
  if (result.began) return { kind: 'begun' };
  if (
    result.state === 'sending' &&
    result.leaseUntil !== null &&
    result.leaseUntil.getTime() > at.getTime()
  ) {
    return { kind: 'held', retryInMs: result.leaseUntil.getTime() - at.getTime() + 50 };
  }
  return { kind: 'gone' };
}

function toAttemptInput(attempt: AttemptRecord, outcome: DeliveryOutcome): PushAttemptInput {
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    outcome: outcome.kind === 'delivered' ? 'ok' : outcome.kind === 'retry' ? 'retryable' : 'permanent',
    httpStatus: attempt.httpStatus,
    errorCode: attempt.errorCode,
    errorDetail: attempt.errorDetail,
  };
}

function toNextState(attempt: AttemptRecord, next: NextStep): PushNextState {
  switch (next.next) {
    case 'delivered':
      return { to: 'delivered' };
    case 'retry':
      return {
        to: 'retrying',
        nextAttemptAt: new Date(next.retryAt),
        error: attempt.errorCode ?? 'WEBHOOK_NETWORK',
      };
    case 'failed':
      return { to: 'failed', error: failureCode(next.reason, attempt), reason: next.reason };
  }
}

/**
 * The worker's {@link DeliveryWorkStore} for deliveries, over src/store. `load` reads the delivery,
 * its bytes and its node's settings in one query; a delivery whose node has no webhook (URL and
 * secret) is reported
 * `finished` (nothing for a worker to do: the node reads it from its inbox, and its state is left
 * as it is). `begin` claims it (`sending` with a lease); `recordAttempt` writes attempt, state,
 * event and the sender's receipt in one statement.
 */
export function createDeliveryWorkStore(
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<DeliveryPushWork> {
  const defaults = options.defaults ?? defaultPushDefaults;
  const actor = options.actor ?? 'hub';
  const now = options.now ?? Date.now;
  return {
    async load(deliveryId) {
      const record = await loadDeliveryPush(db, deliveryId);
      if (record === null) return null;
      cache.remember(record.nodeId, record.node);
      const policy = retryPolicyOf(record.node, defaults.retry);
      const { webhookUrl, webhookSecret } = record.node;
      const pushable =
        (record.state === 'queued' || record.state === 'retrying' || record.state === 'sending') &&
        webhookUrl !== null &&
        webhookSecret !== null &&
        record.body !== null;
      return {
        target: 'delivery',
        kind: record.messageKind,
        deliveryId: record.id,
        nodeId: record.nodeId,
        finished: !pushable,
        attemptsSoFar: record.attempts,
        firstAttemptAt: record.budgetStartedAt,
        // The budget restarts after an operator retry: earlier attempts do not count against it.
        policy: { ...policy, maxAttempts: policy.maxAttempts + record.retryBaseAttempts },
        messageId: record.messageId,
        body: record.body ?? new Uint8Array(),
        webhook: { url: webhookUrl ?? '', secret: webhookSecret ?? '' },
      };
    },

    async begin(work, attempt, at) {
      const result = await beginDeliveryPush(db, {
        deliveryId: work.deliveryId,
        attempt,
        at,
        leaseUntil: new Date(at.getTime() + options.leaseMs),
        actor,
        interruptedError: SEND_INTERRUPTED,
      });
      return toBeginResult(result, at);
    },

    async recordAttempt(work, attempt, outcome, next) {
      await recordDeliveryPush(db, {
        deliveryId: work.deliveryId,
        at: new Date(now()),
        actor,
        attempt: toAttemptInput(attempt, outcome),
        next: toNextState(attempt, next),
      });
    },
  };
}

/** The same for receipt events (pushed to the sender node's webhook). */
export function createReceiptWorkStore(
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<ReceiptPushWork> {
  const defaults = options.defaults ?? defaultPushDefaults;
  const actor = options.actor ?? 'hub';
  const now = options.now ?? Date.now;
  return {
    async load(receiptId) {
      const loaded = await loadReceiptPush(db, receiptId);
      if (loaded === null) return null;
      const { receipt, node } = loaded;
      cache.remember(receipt.nodeId, node);
      const pushable =
        (receipt.state === 'queued' || receipt.state === 'retrying' || receipt.state === 'sending') &&
        node.webhookUrl !== null &&
        node.webhookSecret !== null;
      return {
        target: 'receipt',
        kind: 'receipt',
        deliveryId: receipt.id,
        nodeId: receipt.nodeId,
        finished: !pushable,
        attemptsSoFar: receipt.attempts,
        firstAttemptAt: receipt.firstAttemptAt,
        policy: retryPolicyOf(node, defaults.retry),
        receipt,
        webhook: { url: node.webhookUrl ?? '', secret: node.webhookSecret ?? '' },
      };
    },

    async begin(work, attempt, at) {
      const result = await beginReceiptPush(db, {
        receiptId: work.deliveryId,
        attempt,
        at,
        leaseUntil: new Date(at.getTime() + options.leaseMs),
      });
      return toBeginResult(result, at);
    },

    async recordAttempt(work, attempt, outcome, next) {
      await recordReceiptPush(db, {
        receiptId: work.deliveryId,
        at: new Date(now()),
        actor,
        attempt: toAttemptInput(attempt, outcome),
        next: toNextState(attempt, next),
      });
    },
  };
}
