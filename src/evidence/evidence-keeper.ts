import type { EvidenceService, HeadSummary } from './evidence-service.ts';

export interface EvidenceKeeperOptions {
  readonly service: EvidenceService;
  readonly chainIntervalMs: number;
  readonly headIntervalMs: number;
  readonly onError: (error: unknown, what: 'chain' | 'sign') => void;
  /** Each head signed (e.g. to warn when the timestamping authority gave no timestamp). */
  readonly onSigned?: (head: HeadSummary) => void;
}

/**
 * Keeps the evidence log current in a hub process that runs workers: chains new events every
 * `chainIntervalMs` and signs the head every `headIntervalMs` when it moved. Several processes may
 * run one each: the chain's lock lets one writer at a time extend it, and an already signed head is
 * not signed again.
 */
export function startEvidenceKeeper(options: EvidenceKeeperOptions): { close(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let lastSigned = Date.now();
  let timer: NodeJS.Timeout | null = null;

  const tick = async () => {
    try {
      await options.service.chainPending();
    } catch (error) {
      options.onError(error, 'chain');
    }
    if (Date.now() - lastSigned >= options.headIntervalMs) {
      lastSigned = Date.now();
      try {
        const head = await options.service.signHead();
        if (head) options.onSigned?.(head);
      } catch (error) {
        options.onError(error, 'sign');
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.chainIntervalMs);
    timer.unref();
  };
  schedule();
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
