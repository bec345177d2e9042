import type { HubFailure } from '../../hub/hub-failure.ts';
import { vxpErrorCode, vxpErrorDesc } from './error-code-map.ts';

/*
 * Response bodies of the VXP operations (spec vxp-api.md §4, §6, §10.4):
 *   - `status`, `ErrorCode`, `ErrorDesc` always present, always strings;
 *   - the operation's payload member always present, empty on failure (`DocId:""`, `data:""`,
 *     `data:[]`, `count:0`), because sendEdoc and SDK 2.0.0's getEdoc read it even on failure;
 *   - never a JSON null anywhere: one null item member makes the SDK drop the whole list;
 *   - ASCII only, non-ASCII escaped as \uXXXX: sendEdoc decodes the body as US-ASCII.
 */

/** A value an item member may hold on the wire. */
export type WireScalar = string | number | boolean;

/**
 * One `data[]` item before serialisation. `undefined` and `null` members are dropped (the SDK accepts a
 * missing member, never a null one), and so are non-finite numbers, which JSON would turn into null.
 */
export type WireItem = Readonly<Record<string, WireScalar | null | undefined>>;

/** A failure to report: the hub's failure (a stable code, a message safe to show the caller, findings). */
export type VxpFailure = Pick<HubFailure, 'code' | 'message'> &
  Partial<Pick<HubFailure, 'findings' | 'details'>> & {
    /** The code's Vietnamese title (the registry's `vi`): e-office systems show ErrorDesc to staff. */
    readonly title?: string;
  };

/**
 * The failure as one ErrorDesc sentence: the code's Vietnamese title when known, the hub's message, then the first error finding (where and
 * what) or, for unroutable recipients, why each one is. Findings carry element paths and organ ids,
 * never package bytes.
 */
export function describeFailure(failure: VxpFailure): string {
  const parts = failure.title ? [`${failure.title}.`, failure.message] : [failure.message];
  const finding = failure.findings?.find((f) => f.severity === 'error');
  if (finding) parts.push(`${finding.code} at ${finding.path}: ${finding.message}`);
  const recipients = failure.details?.['recipients'];
  if (Array.isArray(recipients)) {
    for (const r of recipients as Array<{ organId?: unknown; reason?: unknown }>) {
      if (typeof r.organId === 'string') parts.push(`${r.organId}: ${String(r.reason ?? 'unroutable')}`);
    }
  }
  return parts.join(' ');
}

/** The payload member an operation's envelope carries, which decides its empty value on failure. */
export type EnvelopeShape = 'docId' | 'list' | 'edoc' | 'count' | 'plain';

export const SUCCESS_DESC = 'Success';

/** JSON with every non-ASCII UTF-16 unit escaped as \uXXXX (surrogate pairs become two escapes). */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Drops members the SDK would choke on (null, undefined, NaN, Infinity). */
export function compactItem(item: WireItem): Record<string, WireScalar> {
  const out: Record<string, WireScalar> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    out[key] = value;
  }
  return out;
}

function ok(desc: string): { status: 'OK'; ErrorCode: '0'; ErrorDesc: string } {
  return { status: 'OK', ErrorCode: '0', ErrorDesc: desc };
}

function failHead(failure: VxpFailure): { status: 'FAIL'; ErrorCode: string; ErrorDesc: string } {
  return {
    status: 'FAIL',
    ErrorCode: vxpErrorCode(failure.code),
    ErrorDesc: vxpErrorDesc(failure.code, describeFailure(failure)),
  };
}

/** sendEdoc accepted (or a resend of an accepted package): the id receivers and the sender use later. */
export function sendEdocOk(docId: string, desc: string = SUCCESS_DESC): string {
  return toAsciiJson({ ...ok(desc), DocId: docId });
}

/** sendEdoc refused: `DocId` stays present and empty, or the SDK nulls every field of its result. */
export function sendEdocFail(failure: VxpFailure): string {
  return toAsciiJson({ ...failHead(failure), DocId: '' });
}

/** A list operation's answer: `data` is always an array, even empty. */
export function listOk(items: readonly WireItem[]): string {
  return toAsciiJson({ ...ok(SUCCESS_DESC), data: items.map(compactItem) });
}

export function listFail(failure: VxpFailure): string {
  return toAsciiJson({ ...failHead(failure), data: [] });
}

/** getEdoc: `data` is the standard base64 of the package bytes. */
export function edocOk(base64: string): string {
  return toAsciiJson({ ...ok(SUCCESS_DESC), data: base64 });
}

/** getEdoc refused: `data:""` because SDK 2.0.0 decodes `data` before it looks at `status`. */
export function edocFail(failure: VxpFailure): string {
  return toAsciiJson({ ...failHead(failure), data: '' });
}

export function countOk(count: number): string {
  return toAsciiJson({ ...ok(SUCCESS_DESC), count: Number.isSafeInteger(count) && count >= 0 ? count : 0 });
}

export function countFail(failure: VxpFailure): string {
  return toAsciiJson({ ...failHead(failure), count: 0 });
}

/** updateStatus, registerAgency, deleteAgency: the envelope alone. */
export function plainOk(desc: string = SUCCESS_DESC): string {
  return toAsciiJson(ok(desc));
}

export function plainFail(failure: VxpFailure): string {
  return toAsciiJson(failHead(failure));
}

/** The failure envelope of any shape (used where the operation is known but the failure is generic). */
export function failEnvelope(shape: EnvelopeShape, failure: VxpFailure): string {
  switch (shape) {
    case 'docId':
      return sendEdocFail(failure);
    case 'list':
      return listFail(failure);
    case 'edoc':
      return edocFail(failure);
    case 'count':
      return countFail(failure);
    case 'plain':
      return plainFail(failure);
  }
}
