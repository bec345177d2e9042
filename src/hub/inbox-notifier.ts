import { EventEmitter } from 'node:events';

/**
 * Wakes long-polling inbox reads in this process when a message for their node is committed.
 * Other processes (a second API instance) are not notified; their waiters re-check the store on
 * a short interval, so a long-poll answers within `pollMs` at worst.
 */
export class InboxNotifier {
  readonly #events = new EventEmitter();
  readonly #pollMs: number;
  readonly #onNotify: (() => void) | undefined;

  /** `onNotify` runs on every commit too (the composition root wakes the outbox relay with it). */
  constructor(pollMs = 1000, onNotify?: () => void) {
    this.#pollMs = pollMs;
    this.#onNotify = onNotify;
    this.#events.setMaxListeners(0);
  }

  /** Signals that messages for these nodes were committed. */
  notify(nodeIds: Iterable<string>): void {
    for (const id of new Set(nodeIds)) this.#events.emit(id);
    this.#onNotify?.();
  }

  /** Resolves when the node is notified or after min(remaining, pollMs) ms, whichever comes first. */
  waitOnce(nodeId: string, remainingMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#events.off(nodeId, done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(remainingMs, this.#pollMs)));
      timer.unref();
      this.#events.on(nodeId, done);
    });
  }
}
