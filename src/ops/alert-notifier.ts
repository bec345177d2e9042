import { randomUUID } from 'node:crypto';
import type { Alert } from './alerts.ts';

/** What the alert webhook receives (JSON): alerts that began and ended since the last notice. */
export interface AlertNotice {
  /** Also the Lienthong-Message-Id header: receivers deduplicate on it. */
  readonly id: string;
  readonly hub: string;
  readonly at: string;
  readonly raised: readonly Alert[];
  readonly resolved: ReadonlyArray<Pick<Alert, 'key' | 'kind' | 'subject'>>;
  /** Every alert that holds now. */
  readonly active: number;
}

/** Sends alerts to a webhook as they begin and end. */
export interface AlertNotifier {
  start(): void;
  /** One pass: compute, send what changed (kept for the next pass when sending fails). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export function createAlertNotifier(deps: {
  readonly hubId: string;
  readonly intervalMs: number;
  readonly alerts: () => Promise<readonly Alert[]>;
  /** True when the receiver took it (2xx). */
  readonly send: (notice: AlertNotice) => Promise<boolean>;
  readonly now: () => Date;
  readonly onError: (error: unknown) => void;
}): AlertNotifier {
  // What the receiver was last told holds, by key. Per process: each worker process tells it once.
  let told = new Map<string, Alert>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const pass = async () => {
    const current = new Map((await deps.alerts()).map((a) => [a.key, a]));
    const raised = [...current.values()].filter((a) => !told.has(a.key));
    const resolved = [...told.values()]
      .filter((a) => !current.has(a.key))
      .map(({ key, kind, subject }) => ({ key, kind, subject }));
    if (raised.length === 0 && resolved.length === 0) return;
    const notice: AlertNotice = {
      id: `alert-${randomUUID()}`,
      hub: deps.hubId,
      at: deps.now().toISOString(),
      raised,
      resolved,
      active: current.size,
    };
    if (await deps.send(notice)) told = current;
  };

  const tick = async () => {
    running ??= pass()
      .catch(deps.onError)
      .finally(() => {
        running = null;
      });
    await running;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), deps.intervalMs);
      timer.unref();
      void tick();
    },
    tick,
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
