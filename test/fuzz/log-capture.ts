// The hub's log, kept in memory: "no 5xx without a logged cause" needs to look for the cause. The
// hub logs JSON lines through pino; this destination parses each line and keeps the ones at error
// level or above (with their request id), and counts the rest.
import { type Logger, pino } from 'pino';

/** One parsed log line at error level or above. */
export interface ErrorLine {
  readonly level: number;
  readonly msg: string;
  /** Fastify's request id (the `requestId` of a problem answer), when the line belongs to a request. */
  readonly reqId: string | undefined;
  /** Whether the line carries an error object (`err`): the cause. */
  readonly hasCause: boolean;
  readonly text: string;
}

const ERROR_LEVEL = 50;
const KEEP = 2000;

export class LogCapture {
  readonly logger: Logger;
  #errors: ErrorLine[] = [];
  /** Every error line ever seen (the kept list is bounded). */
  #errorCount = 0;
  #lines = 0;

  constructor() {
    this.logger = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          this.#lines++;
          this.#take(line);
        },
      },
    );
  }

  #take(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const entry = parsed as Record<string, unknown>;
    const level = typeof entry['level'] === 'number' ? entry['level'] : 0;
    if (level < ERROR_LEVEL) return;
    this.#errorCount++;
    this.#errors.push({
      level,
      msg: String(entry['msg'] ?? ''),
      reqId: typeof entry['reqId'] === 'string' ? entry['reqId'] : undefined,
      hasCause: typeof entry['err'] === 'object' && entry['err'] !== null,
      text: line.length > 2000 ? `${line.slice(0, 2000)}…` : line,
    });
    if (this.#errors.length > KEEP) this.#errors.splice(0, this.#errors.length - KEEP);
  }

  /** A mark to pass to `errorsSince`: requests are sent one at a time, so lines since the mark are its. */
  mark(): number {
    return this.#errorCount;
  }

  /** Error lines logged since `mark` (as far as the bounded list still holds them). */
  errorsSince(mark: number): ErrorLine[] {
    const n = this.#errorCount - mark;
    return n <= 0 ? [] : this.#errors.slice(-Math.min(n, this.#errors.length));
  }

  /** The error lines of one request id, with a cause, among those kept. */
  causesOf(reqId: string): ErrorLine[] {
    return this.#errors.filter((e) => e.reqId === reqId && e.hasCause);
  }

  get lineCount(): number {
    return this.#lines;
  }

  get errorCount(): number {
    return this.#errorCount;
  }
}
