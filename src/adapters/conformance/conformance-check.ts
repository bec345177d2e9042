/** The verdict of one conformance check. */
export type ConformanceOutcome = 'pass' | 'fail';

/** One check of a conformance run: what was sent, what a correct system does, what happened. */
export interface ConformanceCheck {
  /** Stable id (`valid`, `bad-signature`, …): scripts key on it. */
  readonly id: string;
  /** What the kit did, in a few words. */
  readonly title: string;
  /** What a correct system answers. */
  readonly expectation: string;
  readonly outcome: ConformanceOutcome;
  /** What the system did (status, time, message id), and what the kit cannot see. */
  readonly detail: string;
}

/** A check's result: its id, title and expectation with the outcome of `pass` and what happened. */
export function checkResult(
  head: Pick<ConformanceCheck, 'id' | 'title' | 'expectation'>,
  pass: boolean,
  detail: string,
): ConformanceCheck {
  return { ...head, outcome: pass ? 'pass' : 'fail', detail };
}

/** Whether every check passed (an empty run passes nothing). */
export function allPassed(checks: readonly ConformanceCheck[]): boolean {
  return checks.length > 0 && checks.every((check) => check.outcome === 'pass');
}
