import type { Finding } from '../core/index.ts';

/**
 * Why the hub refused a request: the one failure shape every hub service returns and every edge
 * (node API, VXP API, operator API, CLI) maps — once, in its own wire format.
 */
export interface HubFailure {
  /** A stable code of the registry (docs/errors.md). */
  readonly code: string;
  /** A sentence for the caller: no secrets, no package bytes, no other node's data. */
  readonly message: string;
  readonly findings: readonly Finding[];
  /** Safe extra facts (ids, per-recipient reasons); never bytes or secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A verdict value: the hub's operations never throw for a refusal, only for a fault. */
export type HubResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: HubFailure };

/** A refusal as a value. */
export function refusal(
  code: string,
  message: string,
  findings: readonly Finding[] = [],
  details?: Readonly<Record<string, unknown>>,
): HubFailure {
  return { code, message, findings, ...(details ? { details } : {}) };
}

/** A refusal as a result. */
export function refuse(
  code: string,
  message: string,
  findings: readonly Finding[] = [],
  details?: Readonly<Record<string, unknown>>,
): { readonly ok: false; readonly error: HubFailure } {
  return { ok: false, error: refusal(code, message, findings, details) };
}

/** A success as a result. */
export function success<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}
