/** One row of the error-code registry: what the code means and what the reader should do. */
export interface CodeInfo {
  /** HTTP status the node API answers with when this code refuses a request. */
  readonly http: number;
  /** What happened, in one sentence. */
  readonly meaning: string;
  /** What the sender or operator should do about it. */
  readonly action: string;
  /**
   * The Vietnamese title: what happened, in one short sentence, for the staff of a sending or
   * receiving agency who read the hub's answer in their e-office system (problem+json `title` when
   * they ask in Vietnamese, the VXP `ErrorDesc`, the console).
   */
  readonly vi: string;
}

/** A registry section: code → info. Each area owns one (`src/<area>/codes.ts`). */
export type CodeTable = Readonly<Record<string, CodeInfo>>;

/** Declares an area's code table while keeping its literal keys for the `code` union. */
export function defineCodes<const T extends CodeTable>(table: T): T {
  return table;
}
