import { CsvError, type InfoRecord, parse } from 'csv-parse/sync';

/** One parsed CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** The field separators read: RFC 4180's comma, and the semicolon Excel writes on a Vietnamese locale. */
export type CsvDelimiter = ',' | ';';

/** Text that is not CSV; `line` is the 1-based line the broken record starts on. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

const BOM = '\uFEFF';

/**
 * The delimiter the header (the first non-blank record) uses: `;` when it has more semicolons than
 * commas outside double quotes, `,` otherwise.
 */
export function detectCsvDelimiter(text: string): CsvDelimiter {
  const input = text.startsWith(BOM) ? text.slice(1) : text;
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  let started = false;
  for (const ch of input) {
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '\n' || ch === '\r') {
      if (started) break;
      continue;
    } else if (ch === ',') commas += 1;
    else if (ch === ';') semicolons += 1;
    started = true;
  }
  return semicolons > commas ? ';' : ',';
}

/** Line breaks csv-parse counts twice: it counts \r and \n apart inside quoted fields. */
function crlfCount(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) count += field.split('\r\n').length - 1;
  return count;
}

/**
 * RFC 4180 CSV (csv-parse): fields optionally in double quotes ("" inside quotes is one quote, line
 * breaks allowed), \r\n, \n or \r line ends, a leading BOM ignored, blank lines skipped, records of
 * any length. The delimiter is `,` or `;`, detected from the header ({@link detectCsvDelimiter})
 * unless given. Throws {@link CsvSyntaxError} (an unterminated quote, say) with the line.
 */
export function parseCsv(text: string, options: { delimiter?: CsvDelimiter } = {}): CsvRecord[] {
  const delimiter = options.delimiter ?? detectCsvDelimiter(text);
  const records: CsvRecord[] = [];
  // csv-parse's info.lines is the line a record ends on, counting a \r\n inside quotes as two;
  // `excess` takes those back so that records carry the line they start on.
  let excess = 0;
  let lastEnd = 0;
  let lastEmpty = 0;
  try {
    parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (fields: string[], info: InfoRecord) => {
        const crlf = crlfCount(fields);
        const end = info.lines - excess - crlf;
        const breaks = fields.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
        records.push({ line: end - breaks, fields });
        excess += crlf;
        lastEnd = end;
        lastEmpty = info.empty_lines;
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const emptyLines = (error as CsvError & { empty_lines?: number }).empty_lines ?? lastEmpty;
    const line = lastEnd + 1 + Math.max(0, emptyLines - lastEmpty);
    const message =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? `unterminated quoted field starting on line ${line}`
        : `${error.message.replace(/ (at|on) line \d+/, '')} (record starting on line ${line})`;
    throw new CsvSyntaxError(message, line);
  }
  return records;
}

/**
 * RFC 4180 CSV text of `rows` (\r\n line ends), the inverse of {@link parseCsv}: a field with a comma,
 * a semicolon, a quote or a line break is quoted, quotes doubled (quoting `;` keeps the text readable
 * by a `;` locale, and the delimiter detection on the header unambiguous).
 */
export function formatCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const field = (value: string | number) => {
    const text = String(value);
    return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => `${row.map(field).join(',')}\r\n`).join('');
}
