/**
 * One pass over base64 text that says whether it decodes and how many bytes it holds, without
 * decoding. Node's own decoder silently skips bad characters, so this is what decides validity.
 */
export interface Base64Scan {
  /** Alphabet characters (A–Z a–z 0–9 + /), padding excluded. */
  readonly dataChars: number;
  /** Trailing '=' characters. */
  readonly padding: number;
  /** Whitespace characters (space, tab, CR, LF), which MIME-style producers insert. */
  readonly whitespace: number;
  /** Why it does not decode, or null when it does. */
  readonly problem: 'bad-character' | 'bad-padding' | 'bad-length' | null;
  /** Decodes, but without its '=' padding. */
  readonly unpadded: boolean;
}

const DATA = 0;
const SPACE = 1;
const PAD = 2;
const BAD = 3;

const CLASS = new Uint8Array(256).fill(BAD);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  CLASS[c.charCodeAt(0)] = DATA;
for (const c of ' \t\r\n') CLASS[c.charCodeAt(0)] = SPACE;
CLASS['='.charCodeAt(0)] = PAD;

interface Counter {
  data: number;
  pad: number;
  space: number;
  /** A data character after padding, or a bad character. */
  broken: 'bad-character' | 'bad-padding' | null;
}

function count(counter: Counter, cls: number): void {
  if (cls === DATA) {
    if (counter.pad > 0) counter.broken ??= 'bad-padding';
    counter.data++;
  } else if (cls === SPACE) counter.space++;
  else if (cls === PAD) counter.pad++;
  else counter.broken = 'bad-character';
}

function finish(c: Counter): Base64Scan {
  let problem: Base64Scan['problem'] = c.broken;
  let unpadded = false;
  if (problem === null) {
    if (c.pad > 2) problem = 'bad-padding';
    else if (c.pad > 0 && (c.data + c.pad) % 4 !== 0) problem = 'bad-padding';
    else if (c.data % 4 === 1) problem = 'bad-length';
    else if (c.pad === 0 && c.data % 4 !== 0) unpadded = true;
  }
  return { dataChars: c.data, padding: c.pad, whitespace: c.space, problem, unpadded };
}

/** Scans byte ranges [start, end) of `bytes` (flat pairs), as they sit in the package. */
export function scanBase64Bytes(bytes: Uint8Array, ranges: readonly number[]): Base64Scan {
  const counter: Counter = { data: 0, pad: 0, space: 0, broken: null };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const end = ranges[r + 1] as number;
    // The hot loop for multi-megabyte bodies: data characters are counted without a call.
    let data = 0;
    for (let i = ranges[r] as number; i < end; i++) {
      const cls = CLASS[bytes[i] as number] as number;
      if (cls === DATA && counter.pad === 0) data++;
      else {
        counter.data += data;
        data = 0;
        count(counter, cls);
        if (counter.broken === 'bad-character') return finish(counter);
      }
    }
    counter.data += data;
  }
  return finish(counter);
}

/** Scans base64 held as a string (models built in memory). */
export function scanBase64Text(text: string): Base64Scan {
  const counter: Counter = { data: 0, pad: 0, space: 0, broken: null };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    count(counter, code < 256 ? (CLASS[code] as number) : BAD);
    if (counter.broken === 'bad-character') break;
  }
  return finish(counter);
}

/** Bytes the base64 text decodes to (valid or unpadded text). */
export function decodedSize(scan: Base64Scan): number {
  return Math.floor((scan.dataChars * 3) / 4);
}
