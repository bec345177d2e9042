/** Placeholders for a multi-row VALUES list: rows of `width` parameters, numbered from $1 + offset. */
export function valuesPlaceholders(
  rows: number,
  width: number,
  offset = 0,
  casts: readonly string[] = [],
): string {
  const list: string[] = [];
  for (let r = 0; r < rows; r += 1) {
    const cells: string[] = [];
    for (let c = 0; c < width; c += 1) cells.push(`$${offset + r * width + c + 1}${casts[c] ?? ''}`);
    list.push(`(${cells.join(', ')})`);
  }
  return list.join(', ');
}

/** Splits a list into chunks, keeping each statement well under Postgres's 65,535 parameters. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** JSON text for a jsonb parameter (see Db.query: never pass objects). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** A row value that must be a string. */
export function str(row: Record<string, unknown>, key: string): string {
  return row[key] as string;
}

/** A row value that may be null. */
export function strOrNull(row: Record<string, unknown>, key: string): string | null {
  const value = row[key];
  return value === null || value === undefined ? null : (value as string);
}

/** A timestamptz row value. */
export function date(row: Record<string, unknown>, key: string): Date {
  return row[key] as Date;
}

/** A nullable timestamptz row value. */
export function dateOrNull(row: Record<string, unknown>, key: string): Date | null {
  const value = row[key];
  return value === null || value === undefined ? null : (value as Date);
}

/** A nullable integer row value (int8 arrives as text from pg: read as a number, the limits fit). */
export function intOrNull(row: Record<string, unknown>, key: string): number | null {
  const value = row[key];
  return value === null || value === undefined ? null : Number(value);
}
