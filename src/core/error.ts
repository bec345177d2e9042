import type { Finding } from './finding.ts';

/** Options every coded error may carry. */
export interface LienthongErrorOptions {
  /** Where it happened: a module, a path inside a package, or an id. */
  readonly where?: string;
  /** Extra facts safe to show (ids, counts); never keys, tokens or package bytes. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Findings that led to this error, when there are any. */
  readonly findings?: readonly Finding[];
  readonly cause?: unknown;
}

/**
 * The one base class for errors that cross module boundaries. `code` is stable and listed in the
 * registry (`src/errors.ts`); callers branch on `code`, never on the message.
 */
export class LienthongError extends Error {
  override readonly name = 'LienthongError';
  readonly code: string;
  readonly where: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  readonly findings: readonly Finding[];

  constructor(code: string, message: string, options: LienthongErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
    this.details = options.details ?? {};
    this.findings = options.findings ?? [];
  }
}

/** Matches by `code` as well as class, since errors cross worker and queue boundaries as plain objects. */
export function isLienthongError(value: unknown, code?: string): value is LienthongError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; name?: unknown };
  if (typeof candidate.code !== 'string') return false;
  if (!(value instanceof LienthongError) && candidate.name !== 'LienthongError') return false;
  return code === undefined || candidate.code === code;
}
