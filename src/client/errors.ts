import type { Finding, Problem } from './types.ts';

/**
 * A refusal by the hub (or by something in front of it): the HTTP status and, from the hub's
 * application/problem+json body, its stable `code` (docs/errors.md), title, detail and findings.
 * An answer that is not problem+json (a proxy's 502 page) gets the code `HTTP_<status>`.
 */
export class LienthongApiError extends Error {
  override readonly name = 'LienthongApiError';
  /** The hub's stable code, e.g. `SIGNATURE_INVALID`, `RATE_LIMITED`, `NOT_FOUND`. */
  readonly code: string;
  /** The HTTP status. */
  readonly status: number;
  readonly title: string;
  /** The code's Vietnamese title, to show an agency's staff (undefined when the answer had none). */
  readonly titleVi: string | undefined;
  readonly detail: string;
  /** The problem's `type` (`urn:lienthong:error:<code>`). */
  readonly type: string | undefined;
  /** The hub's request id: quote it to the operator. */
  readonly requestId: string | undefined;
  /** The codec's or signature check's findings that refused the package. */
  readonly findings: readonly Finding[];
  /** More about the refusal, when the hub gives it. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** The answer's Retry-After, in seconds (429, 503), when it had one. */
  readonly retryAfterSeconds: number | undefined;
  /** How many requests were made before giving up (1 when not retried). */
  readonly attempts: number;

  constructor(input: {
    readonly status: number;
    readonly problem: Problem | null;
    readonly retryAfterSeconds?: number | undefined;
    readonly attempts?: number;
    readonly method: string;
    readonly path: string;
  }) {
    const p = input.problem ?? {};
    const code = typeof p.code === 'string' && p.code !== '' ? p.code : `HTTP_${input.status}`;
    const detail = typeof p.detail === 'string' ? p.detail : '';
    super(`${input.method} ${input.path}: ${input.status} ${code}${detail ? `: ${detail}` : ''}`);
    this.code = code;
    this.status = input.status;
    this.title = typeof p.title === 'string' ? p.title : code;
    this.titleVi = typeof p.titleVi === 'string' ? p.titleVi : undefined;
    this.detail = detail;
    this.type = typeof p.type === 'string' ? p.type : undefined;
    this.requestId = typeof p.requestId === 'string' ? p.requestId : undefined;
    this.findings = Array.isArray(p.findings) ? p.findings : [];
    this.details = p.details !== null && typeof p.details === 'object' ? p.details : undefined;
    this.retryAfterSeconds = input.retryAfterSeconds;
    this.attempts = input.attempts ?? 1;
  }
}

/** True for a LienthongApiError (also one from another copy of this module); with `code`, only that code. */
export function isLienthongApiError(error: unknown, code?: string): error is LienthongApiError {
  if (error instanceof LienthongApiError) return code === undefined || error.code === code;
  if (error === null || typeof error !== 'object') return false;
  const e = error as { name?: unknown; code?: unknown; status?: unknown };
  return (
    e.name === 'LienthongApiError' &&
    typeof e.code === 'string' &&
    typeof e.status === 'number' &&
    (code === undefined || e.code === code)
  );
}

/** The bytes the hub sent do not match the SHA-256 it stated for them (`fetch`): a broken transfer. */
export class LienthongIntegrityError extends Error {
  override readonly name = 'LienthongIntegrityError';
  readonly messageId: string;
  readonly expectedSha256: string;
  readonly actualSha256: string;

  constructor(messageId: string, expectedSha256: string, actualSha256: string) {
    super(
      `message ${messageId}: the bytes received hash to ${actualSha256}, the hub stated ${expectedSha256}`,
    );
    this.messageId = messageId;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }
}
