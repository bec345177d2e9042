import type { Finding } from '../core/index.ts';

/** Warnings that stay warnings in strict mode: the organization directory, not the shape, decides. */
const ADVISORY: ReadonlySet<string> = new Set(['EDXML_ORGAN_ID_SHAPE']);

/** Collects findings in order; in strict mode every warning except the advisory ones is an error. */
export class FindingSink {
  readonly findings: Finding[] = [];
  readonly strict: boolean;

  constructor(strict: boolean) {
    this.strict = strict;
  }

  error(code: string, path: string, message: string): void {
    this.findings.push({ code, severity: 'error', path, message });
  }

  warning(code: string, path: string, message: string): void {
    const severity = this.strict && !ADVISORY.has(code) ? 'error' : 'warning';
    this.findings.push({ code, severity, path, message });
  }

  /** Missing-element findings below a path already reported missing add nothing: drop them. */
  deduplicated(): Finding[] {
    const missing = this.findings.filter((f) => f.code === 'EDXML_MISSING_ELEMENT').map((f) => `${f.path}/`);
    return this.findings.filter(
      (f) => f.code !== 'EDXML_MISSING_ELEMENT' || !missing.some((m) => f.path.startsWith(m)),
    );
  }
}
