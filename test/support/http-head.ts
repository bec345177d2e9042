// The head of an HTTP/1.x answer read from raw socket bytes, for the test clients that write
// requests byte by byte (the SDK-like VXP client, the fuzzing's raw transport).

export interface ResponseHead {
  readonly status: number;
  /** Names lower-cased, repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  /** Where the body starts in the bytes read. */
  readonly bodyStart: number;
}

/** The head once complete (up to the blank line), else undefined. */
export function parseResponseHead(data: Buffer): ResponseHead | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status, headers, bodyStart: end + 4 };
}
