/** Severity of a finding: an `error` refuses the input, a `warning` is reported and accepted. */
export type Severity = 'error' | 'warning';

/** One observation about an input, with a stable code a program can branch on. */
export interface Finding {
  /** Stable, greppable code from the registry (e.g. `EDXML_MISSING_ELEMENT`). */
  readonly code: string;
  readonly severity: Severity;
  /** Where in the input: a slash path of local names, e.g. `edXMLEnvelope/edXMLHeader/MessageHeader/From`. */
  readonly path: string;
  /** Human explanation, never containing secrets or package bodies. */
  readonly message: string;
}

/** True when at least one finding is an error. */
export function hasError(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
