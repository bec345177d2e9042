/**
 * The webhook kit's defaults, apart from the kit itself: the CLI shows them in `--help` without
 * loading the kit (and with it the webhook sender and the codec).
 */
export const WEBHOOK_CONFORMANCE_DEFAULTS = {
  timeoutMs: 30_000,
  largeBytes: 20 * 1024 * 1024,
  /** How old the replayed push's signature is: well past the five minutes receivers allow. */
  replayAgeMs: 15 * 60_000,
} as const;
