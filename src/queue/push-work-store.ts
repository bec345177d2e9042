import {
  type ClaimPushResult,
  type ClaimReceiptResult,
  claimDeliveryPushes,
  claimReceiptPushes,
  type Db,
  type DeliveryPushRecord,
  loadDeliveryPush,
  loadReceiptPush,
  type NodePushSettings,
  type PushAttemptInput,
  type PushNextState,
  type PushRecordInput,
  type ReceiptRecord,
  type ReceiptRecordInput,
  recordDeliveryPushes,
  recordReceiptPushes,
} from '../store/index.ts';
import { createBatcher } from './batcher.ts';
import { type BreakerConfig, defaultBreakerConfig } from './circuit-breaker.ts';
import type { QueueCode } from './codes.ts';
import type { ClaimResult, DeliveryWork, DeliveryWorkStore } from './delivery-handler.ts';
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
  /**
   * Claims and records of concurrent pushes go to the database together, up to this many per
   * statement (default 50; 1 = one statement per push).
   */
  readonly batchSize?: number;
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

/** Not claimed: held by a live lease of another worker (come back when it ends), or nothing to do. */
function notClaimed<W>(result: { state: string | null; leaseUntil: Date | null }, at: Date): ClaimResult<W> {
  if (
    result.state === 'sending' &&
    result.leaseUntil !== null &&
    result.leaseUntil.getTime() > at.getTime()
  ) {
    // + a little, for clocks that step.
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
 * The worker's {@link DeliveryWorkStore} for deliveries, over src/store. `claim` reads the
 * delivery, its bytes and its node's settings and claims it (`sending` with a send lease) in one
 * statement; a delivery whose node has no webhook (URL and secret) is not claimed — nothing for a
 * worker to do, the node reads it from its inbox, and its state is left as it is. `recordAttempt`
 * writes attempt, state, event and the sender's receipt in one statement. (`load` reads without
 * claiming, for callers that do not claim.)
 */
export function createDeliveryWorkStore(
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<DeliveryPushWork> {
  const defaults = options.defaults ?? defaultPushDefaults;
  const actor = options.actor ?? 'hub';
  const now = options.now ?? Date.now;
  const batch = { maxBatch: Math.max(1, options.batchSize ?? 50), maxInFlight: 4 };
  // One claim statement and one record statement for all the pushes that reach them together.
  const claims = createBatcher<string, { at: Date; result: ClaimPushResult }>(async (ids) => {
    const at = new Date(now());
    const results = await claimDeliveryPushes(db, {
      deliveryIds: [...new Set(ids)],
      at,
      leaseUntil: new Date(at.getTime() + options.leaseMs),
      actor,
      interruptedError: SEND_INTERRUPTED,
    });
    return ids.map((id) => ({
      at,
      result: results.get(id) ?? { claimed: false, state: null, leaseUntil: null },
    }));
  }, batch);
  const records = createBatcher<PushRecordInput, void>(async (items) => {
    await recordDeliveryPushes(db, { at: new Date(now()), actor, items });
    return items.map(() => undefined);
  }, batch);
  /** `attempts` of a claimed record counts the claimed attempt; of a loaded one, only those made. */
  const toWork = (record: DeliveryPushRecord, claimed: boolean): DeliveryPushWork => {
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
      attemptsSoFar: claimed ? record.attempts - 1 : record.attempts,
      firstAttemptAt: record.budgetStartedAt,
      // The budget restarts after an operator retry: earlier attempts do not count against it.
      policy: { ...policy, maxAttempts: policy.maxAttempts + record.retryBaseAttempts },
      messageId: record.messageId,
      body: record.body ?? new Uint8Array(),
      webhook: { url: webhookUrl ?? '', secret: webhookSecret ?? '' },
    };
  };
  return {
    async load(deliveryId) {
      const record = await loadDeliveryPush(db, deliveryId);
      return record === null ? null : toWork(record, false);
    },

    async claim(deliveryId) {
      const { at, result } = await claims.submit(deliveryId);
      return result.claimed
        ? { kind: 'claimed', work: toWork(result.delivery, true) }
        : notClaimed(result, at);
    },

    recordAttempt(work, attempt, outcome, next) {
      return records.submit({
        deliveryId: work.deliveryId,
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
  const batch = { maxBatch: Math.max(1, options.batchSize ?? 50), maxInFlight: 4 };
  const claims = createBatcher<string, { at: Date; result: ClaimReceiptResult }>(async (ids) => {
    const at = new Date(now());
    const results = await claimReceiptPushes(db, {
      receiptIds: [...new Set(ids)],
      at,
      leaseUntil: new Date(at.getTime() + options.leaseMs),
    });
    return ids.map((id) => ({
      at,
      result: results.get(id) ?? { claimed: false, state: null, leaseUntil: null },
    }));
  }, batch);
  const records = createBatcher<ReceiptRecordInput, void>(async (items) => {
    await recordReceiptPushes(db, { at: new Date(now()), actor, items });
    return items.map(() => undefined);
  }, batch);
  const toWork = (receipt: ReceiptRecord, node: NodePushSettings, claimed: boolean): ReceiptPushWork => {
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
      attemptsSoFar: claimed ? receipt.attempts - 1 : receipt.attempts,
      firstAttemptAt: receipt.firstAttemptAt,
      policy: retryPolicyOf(node, defaults.retry),
      receipt,
      webhook: { url: node.webhookUrl ?? '', secret: node.webhookSecret ?? '' },
    };
  };
  return {
    async load(receiptId) {
      const loaded = await loadReceiptPush(db, receiptId);
      return loaded === null ? null : toWork(loaded.receipt, loaded.node, false);
    },

    async claim(receiptId) {
      const { at, result } = await claims.submit(receiptId);
      return result.claimed
        ? { kind: 'claimed', work: toWork(result.receipt, result.node, true) }
        : notClaimed(result, at);
    },

    recordAttempt(work, attempt, outcome, next) {
      return records.submit({
        receiptId: work.deliveryId,
        attempt: toAttemptInput(attempt, outcome),
        next: toNextState(attempt, next),
      });
    },
  };
}
