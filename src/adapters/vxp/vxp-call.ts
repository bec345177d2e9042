import { LienthongError } from '../../core/index.ts';
import type { VxpCode } from './codes.ts';
import { lookupParam, type SignedMember } from './signed-params.ts';
import type { VxpMessageKind, VxpPort, VxpPortFailure, VxpSystem } from './vxp-port.ts';

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
  readonly port: VxpPort;
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
 * Stops the handler with a refusal; the dispatcher turns it into the operation's FAIL envelope.
 * Throwing keeps the handlers linear; only coded LienthongErrors are shown to the caller.
 */
export function refuse(code: VxpCode | (string & {}), message: string): never {
  throw new LienthongError(code, message, { where: 'vxp' });
}

/** Refuses with the hub's own code and message. */
export function refuseFromPort(failure: VxpPortFailure): never {
  refuse(failure.code, failure.message);
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
