import { type Finding, isLienthongError } from '../core/index.ts';

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

/**
 * Codes the store and the queue throw for a caller's mistake or a passing condition, never for a
 * fault: an operation that throws one of these is refused, with its message, not failed.
 */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'STORE_NOT_FOUND',
  'STORE_ILLEGAL_TRANSITION',
  'STORE_INVALID_INPUT',
  'CLIENT_CERT_IN_USE',
  'NODE_EXISTS',
  'ORG_SERVED_BY_OTHER_NODE',
  'QUEUE_BACKEND_UNAVAILABLE',
]);

/**
 * Runs an operation over the store and returns its refusals as values: a coded refusal thrown deep
 * inside (a delivery that is not failed, a node that does not exist) becomes the hub's failure
 * shape; anything else is a fault and is thrown on.
 */
export async function attempt<T>(operation: () => Promise<T>): Promise<HubResult<T>> {
  try {
    return success(await operation());
  } catch (error) {
    if (isLienthongError(error) && REFUSAL_CODES.has(error.code)) {
      return refuse(error.code, error.message, error.findings, error.details);
    }
    throw error;
  }
}
