import type { DeliveryWork, DeliveryWorkStore } from '../../src/queue/delivery-handler.ts';
import type { AttemptRecord, DeliveryOutcome, NextStep, RetryPolicy } from '../../src/queue/index.ts';

export interface MemoryDelivery {
  nodeId: string;
  state: 'queued' | 'retrying' | 'delivered' | 'failed' | 'forwarded';
  attempts: AttemptRecord[];
  firstAttemptAt: Date | null;
  lastNext: NextStep | null;
}

/** A DeliveryWorkStore in memory, standing in for Postgres in tests of the worker logic. */
export class MemoryWorkStore implements DeliveryWorkStore {
  readonly deliveries = new Map<string, MemoryDelivery>();
  readonly #policyFor: (nodeId: string) => RetryPolicy;

  constructor(policyFor: (nodeId: string) => RetryPolicy) {
    this.#policyFor = policyFor;
  }

  add(deliveryId: string, nodeId: string): void {
    this.deliveries.set(deliveryId, {
      nodeId,
      state: 'queued',
      attempts: [],
      firstAttemptAt: null,
      lastNext: null,
    });
  }

  async load(deliveryId: string): Promise<DeliveryWork | null> {
    const d = this.deliveries.get(deliveryId);
    if (d === undefined) return null;
    return {
      deliveryId,
      nodeId: d.nodeId,
      finished: d.state === 'delivered' || d.state === 'failed',
      attemptsSoFar: d.attempts.length,
      firstAttemptAt: d.firstAttemptAt,
      policy: this.#policyFor(d.nodeId),
    };
  }

  async recordAttempt(work: DeliveryWork, attempt: AttemptRecord, _outcome: DeliveryOutcome, next: NextStep) {
    const d = this.deliveries.get(work.deliveryId);
    if (d === undefined) throw new Error('unknown delivery');
    d.attempts.push(attempt);
    d.firstAttemptAt ??= attempt.startedAt;
    d.lastNext = next;
    d.state = next.next === 'retry' ? 'retrying' : next.next;
  }
}
