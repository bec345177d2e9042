import {
  admit,
  type BreakerAdmission,
  type BreakerConfig,
  type BreakerState,
  closedBreaker,
  defaultBreakerConfig,
  recordFailure,
  recordSuccess,
  releaseProbe,
} from './circuit-breaker.ts';

/** One node's breaker as operators see it. */
export interface NodeBreakerView {
  readonly nodeId: string;
  readonly state: BreakerState;
}

/**
 * The breakers of all nodes this process delivers to. In-memory on purpose: each worker process
 * learns about a sick node on its own within `failureThreshold` failures, and a restart starts
 * closed, which at worst costs a few failed attempts. `now` is passed in like in the state machine.
 */
export class NodeBreakers {
  readonly #states = new Map<string, BreakerState>();
  readonly #configFor: (nodeId: string) => BreakerConfig;

  constructor(configFor: (nodeId: string) => BreakerConfig = () => defaultBreakerConfig) {
    this.#configFor = configFor;
  }

  /** May a request to `nodeId` go out now? Updates the stored state (probes count as in flight). */
  admit(nodeId: string, now: number): BreakerAdmission {
    const result = admit(this.state(nodeId), this.#configFor(nodeId), now);
    this.#store(nodeId, result.state);
    return result;
  }

  /** A probe admitted at `admittedAt` made no request (nothing to push after all). */
  release(nodeId: string, admittedAt: number): void {
    this.#store(nodeId, releaseProbe(this.state(nodeId), admittedAt));
  }

  /** The node answered in a way that shows it is healthy. */
  success(nodeId: string, now: number): BreakerState {
    const next = recordSuccess(this.state(nodeId), this.#configFor(nodeId), now);
    this.#store(nodeId, next);
    return next;
  }

  /** The node timed out, refused the connection or answered 5xx/408/429. */
  failure(nodeId: string, now: number): BreakerState {
    const next = recordFailure(this.state(nodeId), this.#configFor(nodeId), now);
    this.#store(nodeId, next);
    return next;
  }

  state(nodeId: string): BreakerState {
    return this.#states.get(nodeId) ?? closedBreaker;
  }

  /** Nodes whose breaker is not closed or has recent failures. */
  snapshot(): NodeBreakerView[] {
    return [...this.#states].map(([nodeId, state]) => ({ nodeId, state }));
  }

  #store(nodeId: string, state: BreakerState): void {
    // Closed-and-clean breakers are the default; dropping them keeps the map small.
    if (state.kind === 'closed' && state.failures === 0) this.#states.delete(nodeId);
    else this.#states.set(nodeId, state);
  }
}
