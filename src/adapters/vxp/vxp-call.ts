import { type HubFailure, refusal } from '../../hub/hub-failure.ts';
import type { VxpMessageKind, VxpService, VxpSystem } from '../../hub/vxp/vxp-service.ts';
import type { VxpCode } from './codes.ts';
import { lookupParam, type SignedMember } from './signed-params.ts';

/** Limits and policies of the endpoint, fixed when the plugin is built. */
export interface VxpSettings {
  /** Most items one list call returns (also the ceiling of a caller's `pageSize`). */
  readonly listLimit: number;
  /** `fail` reports after which the hub stops offering a message (passed to `reportFailure`). */
  readonly maxFailReports: number;
  /** Largest body of the calls other than sendEdoc (registerAgency JSON), in bytes. */
  readonly maxSmallBodyBytes: number;
}

/** One authenticated VXP call, as an operation handler sees it. */
export interface VxpCall {
  readonly port: VxpService;
  /** The system the HMAC was verified for. */
  readonly system: VxpSystem;
  /** The signed members: the only place parameters are read from. */
  readonly members: readonly SignedMember[];
  /** The raw request body (empty for GET). */
  readonly body: Buffer;
  /** When the call arrived (the one clock reading of the request). */
  readonly at: Date;
  readonly remoteAddress: string;
  readonly settings: VxpSettings;
}

/** What a handler answers: a JSON envelope text, or raw bytes (downloadEdoc). */
export type VxpAnswer =
  | { readonly kind: 'json'; readonly body: string }
  | { readonly kind: 'bytes'; readonly body: Buffer };

export type VxpHandler = (call: VxpCall) => Promise<VxpAnswer>;

export function json(body: string): VxpAnswer {
  return { kind: 'json', body };
}

/**
 * A refusal on its way from an operation handler to the dispatcher, which answers it as the
 * operation's FAIL envelope. Throwing keeps the handlers linear; only this class is shown to the
 * caller — any other error is a fault, logged and answered VXP_INTERNAL without its text.
 */
export class VxpRefusal extends Error {
  override readonly name = 'VxpRefusal';
  constructor(readonly failure: HubFailure) {
    super(failure.message);
  }
}

/** Stops the handler with a refusal of the endpoint's own (a parameter, the hash-file). */
export function refuse(code: VxpCode, message: string): never {
  throw new VxpRefusal(refusal(code, message));
}

/** Stops the handler with the hub's refusal, as the service returned it. */
export function refuseWith(failure: HubFailure): never {
  throw new VxpRefusal(failure);
}

/** A signed parameter, trimmed; undefined when absent or empty. Refuses two spellings with different values. */
export function param(call: VxpCall, name: string): string | undefined {
  const found = lookupParam(call.members, name);
  if (found.kind === 'ambiguous') {
    refuse(
      'VXP_AMBIGUOUS_PARAMETER',
      `parameter ${name} is signed as ${found.spellings.join(' and ')} with different values`,
    );
  }
  if (found.kind === 'absent') return undefined;
  const value = found.value.trim();
  return value === '' ? undefined : value;
}

export function requireParam(call: VxpCall, name: string): string {
  const value = param(call, name);
  if (value === undefined) refuse('VXP_MISSING_PARAMETER', `parameter ${name} is required`);
  return value;
}

/** The `messagetype` parameter: `edoc` or `status` (any letter case); `fallback` when absent. */
export function messageKindParam<T extends VxpMessageKind | undefined>(
  call: VxpCall,
  fallback: T,
): VxpMessageKind | T {
  const value = param(call, 'messagetype');
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'edoc' || lower === 'status') return lower;
  return refuse('VXP_BAD_PARAMETER', 'messagetype must be edoc or status');
}

/** The caller's `pageSize`, bounded by the endpoint's list limit; the limit when absent or unreadable. */
export function limitParam(call: VxpCall): number {
  const value = param(call, 'pageSize');
  const size = value === undefined ? Number.NaN : Number(value);
  if (!Number.isInteger(size) || size < 1) return call.settings.listLimit;
  return Math.min(size, call.settings.listLimit);
}
