import type { Finding } from '../core/index.ts';

/** Warnings that stay warnings in strict mode: the organization directory, not the shape, decides. */
const ADVISORY: ReadonlySet<string> = new Set(['EDXML_ORGAN_ID_SHAPE']);

/** Findings kept per code: a package with 100 000 unknown elements must not cost 100 000 findings. */
export const MAX_FINDINGS_PER_CODE = 50;

/** Collects findings in order; in strict mode every warning except the advisory ones is an error. */
export class FindingSink {
  readonly findings: Finding[] = [];
  readonly strict: boolean;
  readonly #perCode = new Map<string, number>();

  constructor(strict: boolean) {
    this.strict = strict;
  }

  error(code: string, path: string, message: string): void {
    this.#push({ code, severity: 'error', path, message });
  }

  warning(code: string, path: string, message: string): void {
    const severity = this.strict && !ADVISORY.has(code) ? 'error' : 'warning';
    this.#push({ code, severity, path, message });
  }

  has(code: string): boolean {
    return this.#perCode.has(code);
  }

  /** False once `code` is at its cap: callers may skip formatting a warning that would be dropped. */
  wants(code: string): boolean {
    return (this.#perCode.get(code) ?? 0) < MAX_FINDINGS_PER_CODE;
  }

  #push(finding: Finding): void {
    const n = (this.#perCode.get(finding.code) ?? 0) + 1;
    this.#perCode.set(finding.code, n);
    if (n <= MAX_FINDINGS_PER_CODE) this.findings.push(finding);
    // Past the cap an error is still kept when none of its code is, so a cap never hides a refusal.
    else if (
      finding.severity === 'error' &&
      !this.findings.some((f) => f.code === finding.code && f.severity === 'error')
    ) {
      this.findings.push(finding);
    }
  }

  /** Missing-element findings below a path already reported missing add nothing: drop them. */
  deduplicated(): Finding[] {
    const missing = this.findings.filter((f) => f.code === 'EDXML_MISSING_ELEMENT').map((f) => `${f.path}/`);
    return this.findings.filter(
      (f) => f.code !== 'EDXML_MISSING_ELEMENT' || !missing.some((m) => f.path.startsWith(m)),
    );
  }
}
