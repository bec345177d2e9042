/** Options of {@link createBatcher}. */
export interface BatcherOptions {
  /** Most inputs in one batch (>= 1). */
  readonly maxBatch: number;
  /** Batches running at once (>= 1); inputs wait while all are busy, and then go together. */
  readonly maxInFlight: number;
}

/** Coalesces single calls into batch calls; each caller gets its own result or the batch's error. */
export interface Batcher<I, O> {
  submit(input: I): Promise<O>;
}

interface Pending<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the delivery engine's statements. Calls that arrive while the batches in flight
 * are busy are held and sent together as soon as one finishes; when none is busy, a call waits only
 * for the current turn of the event loop (so the calls of that turn go together). Under light load
 * every call is a batch of one with no added wait; under heavy load the batches grow, and with them
 * the work done per database round trip. `run` returns one output per input, in the same order.
 */
export function createBatcher<I, O>(
  run: (inputs: readonly I[]) => Promise<readonly O[]>,
  options: BatcherOptions,
): Batcher<I, O> {
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void run(batch.map((p) => p.input))
        .then(
          (outputs) => {
            for (const [i, p] of batch.entries()) p.resolve(outputs[i] as O);
          },
          (error: unknown) => {
            for (const p of batch) p.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          if (queue.length > 0) schedule();
        });
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    submit(input) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (inFlight < options.maxInFlight) schedule();
      });
    },
  };
}
