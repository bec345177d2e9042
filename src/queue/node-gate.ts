/**
 * Per-node concurrency for a scheduler whose queue cannot hold items back per node (BullMQ without
 * Pro groups). When a node already has `perNodeConcurrency` items running in this process, the
 * item is not waited for in a worker slot (that would let one slow node eat every slot); it is put
 * back with a delay. The delay paces a node's surplus at the node's observed speed and keeps the
 * priority order: an item waits behind the deferred items of the same node with the same or a
 * better rank, not behind the whole backlog. `now` (epoch ms) is always passed in.
 */

export interface NodeGateOptions {
  /** Items one node may have running at once in this process (>= 1). */
  readonly perNodeConcurrency: number;
  /** Shortest deferral, ms: keeps a hot loop from re-fetching the same item at once. */
  readonly minDeferMs: number;
  /** Longest deferral, ms: bounds how late a node's backlog notices that the node got faster. */
  readonly maxDeferMs: number;
  /** Assumed handling time before a node has been measured, ms. */
  readonly initialServiceMs: number;
}

export const defaultNodeGateOptions: Omit<NodeGateOptions, 'perNodeConcurrency'> = Object.freeze({
  minDeferMs: 50,
  maxDeferMs: 10_000,
  initialServiceMs: 200,
});

/** Either run now (and call `release` when done) or come back after `delayMs`. */
export type GateDecision =
  | { readonly kind: 'run'; readonly release: (now: number) => void }
  | { readonly kind: 'defer'; readonly delayMs: number };

interface Deferred {
  readonly rank: number;
  readonly dueAt: number;
}

/** Smoothing of the per-node handling time (exponentially weighted moving average). */
const EWMA_WEIGHT = 0.2;
/** A deferral this far past due no longer counts: the item went to another process or finished. */
const STALE_AFTER_MS = 60_000;

export class NodeGate {
  readonly #options: NodeGateOptions;
  readonly #running = new Map<string, number>();
  readonly #serviceMs = new Map<string, number>();
  readonly #deferred = new Map<string, Map<string, Deferred>>();

  constructor(options: NodeGateOptions) {
    if (!(options.perNodeConcurrency >= 1)) throw new RangeError('perNodeConcurrency must be >= 1');
    this.#options = options;
  }

  /** Decides for one item fetched by a worker slot. */
  enter(
    item: { readonly deliveryId: string; readonly nodeId: string },
    rank: number,
    now: number,
  ): GateDecision {
    const { nodeId, deliveryId } = item;
    const deferred = this.#deferred.get(nodeId);
    deferred?.delete(deliveryId);
    const running = this.#running.get(nodeId) ?? 0;
    if (running < this.#options.perNodeConcurrency) {
      this.#running.set(nodeId, running + 1);
      let released = false;
      return {
        kind: 'run',
        release: (doneAt: number) => {
          if (released) return;
          released = true;
          this.#finish(nodeId, doneAt - now);
        },
      };
    }
    const ahead = deferred === undefined ? 0 : this.#countAhead(deferred, rank, now);
    const slotMs =
      (this.#serviceMs.get(nodeId) ?? this.#options.initialServiceMs) / this.#options.perNodeConcurrency;
    const delayMs = Math.round(
      Math.min(this.#options.maxDeferMs, Math.max(this.#options.minDeferMs, (ahead + 1) * slotMs)),
    );
    const list = deferred ?? new Map<string, Deferred>();
    list.set(deliveryId, { rank, dueAt: now + delayMs });
    this.#deferred.set(nodeId, list);
    return { kind: 'defer', delayMs };
  }

  /** Items running for `nodeId` in this process. */
  running(nodeId: string): number {
    return this.#running.get(nodeId) ?? 0;
  }

  #countAhead(deferred: Map<string, Deferred>, rank: number, now: number): number {
    let ahead = 0;
    for (const [id, entry] of deferred) {
      if (entry.dueAt < now - STALE_AFTER_MS) deferred.delete(id);
      else if (entry.rank <= rank) ahead += 1;
    }
    return ahead;
  }

  #finish(nodeId: string, tookMs: number): void {
    const running = (this.#running.get(nodeId) ?? 1) - 1;
    if (running <= 0) this.#running.delete(nodeId);
    else this.#running.set(nodeId, running);
    const sample = Math.max(1, tookMs);
    const previous = this.#serviceMs.get(nodeId);
    this.#serviceMs.set(
      nodeId,
      previous === undefined ? sample : previous + EWMA_WEIGHT * (sample - previous),
    );
  }
}
