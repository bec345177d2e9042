// The large-package fast path: attachments are megabytes of base64 text whose canonical form is the
// text itself (line ends normalized), yet decoding them into a JavaScript string, parsing,
// canonicalizing and re-encoding them costs 10× the SHA-256 over the same bytes. Here each long text
// run is cut out of the bytes before parsing and replaced by a unique token; the small remaining
// document is parsed, checked and canonicalized as usual; and the digest hashes the canonical string
// with every token replaced by the original bytes of its run.
//
// Why that is the same digest: a run is a byte range that starts right after a '>' and ends right
// before the next '<', at least MIN_RUN long, holding no '&' and no '>'. In a well-formed document
// such a range is character data of one text node, CDATA section or comment (a '<' cannot occur in
// an attribute value, and a tag's own '>' would be inside the range). Character data without '&',
// '<' and '>' canonicalizes (C14N and exclusive C14N, text or CDATA) to itself after XML line-end
// normalization, which is applied here to the run's bytes; UTF-8 passes through unchanged. A comment
// is dropped by canonicalization, so its token goes missing; that, a token inside the Signature, or
// any token not found exactly once and in order, makes the caller verify the whole document the
// ordinary way instead. The token is a random nonce checked to occur nowhere in the input.
import { createHash, randomBytes } from 'node:crypto';

/** Runs shorter than this stay in the document (small packages never take this path). */
export const MIN_RUN = 64 * 1024;

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const CR = 0x0d;
const LF = 0x0a;

interface Run {
  start: number;
  end: number;
  token: string;
}

/** A document with its long text runs replaced by tokens, and what is needed to put them back. */
export interface BulkExtraction {
  /** The document bytes with each run replaced by its token. */
  skeleton: Uint8Array;
  /** The prefix every token starts with (random per extraction). */
  marker: string;
  runs: readonly Run[];
  source: Uint8Array;
}

/** Cuts long text runs out of `bytes`; null when there is none (the caller parses `bytes` as is). */
export function extractBulkText(bytes: Uint8Array, minRun = MIN_RUN): BulkExtraction | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Array<{ start: number; end: number }> = [];
  let pos = 0;
  while (pos < buf.length) {
    const gt = buf.indexOf(GT, pos);
    if (gt === -1) break;
    const start = gt + 1;
    const lt = buf.indexOf(LT, start);
    if (lt === -1) break;
    if (lt - start >= minRun) {
      const run = buf.subarray(start, lt);
      const gtInside = run.indexOf(GT);
      if (gtInside !== -1) {
        // The '>' that opened this range was not a tag's end (an attribute value or a comment);
        // resume from the next one.
        pos = start + gtInside;
        continue;
      }
      if (run.indexOf(AMP) === -1) found.push({ start, end: lt });
    }
    pos = lt;
  }
  if (found.length === 0) return null;
  let nonce = '';
  do nonce = randomBytes(16).toString('hex');
  while (buf.indexOf(nonce) !== -1);
  const marker = `LTBULK${nonce}R`;
  const runs = found.map((r, i) => ({ ...r, token: `${marker}${i}X` }));
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const r of runs) {
    parts.push(buf.subarray(last, r.start), Buffer.from(r.token, 'latin1'));
    last = r.end;
  }
  parts.push(buf.subarray(last));
  return { skeleton: Buffer.concat(parts), marker, runs, source: bytes };
}

/** Raised when a canonical form does not hold every token exactly once, in document order. */
export class BulkMismatchError extends Error {
  override readonly name = 'BulkMismatchError';
}

// Extractions whose tokens may appear in a canonical string being digested, by marker. Entries live
// for one verification (registered and removed by the caller).
const active = new Map<string, BulkExtraction>();

export function registerExtraction(extraction: BulkExtraction): () => void {
  active.set(extraction.marker, extraction);
  return () => active.delete(extraction.marker);
}

/** The extraction whose tokens occur in `canonical`, if any. */
export function extractionIn(canonical: string): BulkExtraction | null {
  if (active.size === 0) return null;
  const at = canonical.indexOf('LTBULK');
  if (at === -1) return null;
  for (const [marker, extraction] of active) if (canonical.startsWith(marker, at)) return extraction;
  return null;
}

/** Digest of `canonical` with every token replaced by the line-end-normalized bytes of its run. */
export function digestExpanded(algorithm: string, canonical: string, extraction: BulkExtraction): Uint8Array {
  const hash = createHash(algorithm);
  const source = Buffer.from(
    extraction.source.buffer,
    extraction.source.byteOffset,
    extraction.source.byteLength,
  );
  let pos = 0;
  for (const run of extraction.runs) {
    const at = canonical.indexOf(run.token, pos);
    if (at === -1 || canonical.indexOf(extraction.marker, pos) !== at)
      throw new BulkMismatchError('token missing or out of order');
    hash.update(canonical.slice(pos, at), 'utf8');
    hash.update(normalizeLineEnds(source.subarray(run.start, run.end)));
    pos = at + run.token.length;
  }
  if (canonical.indexOf(extraction.marker, pos) !== -1) throw new BulkMismatchError('token repeated');
  hash.update(canonical.slice(pos), 'utf8');
  return new Uint8Array(hash.digest());
}

/** XML 1.0 §2.11 on bytes: CRLF and lone CR become LF. Returns the input when it holds no CR. */
export function normalizeLineEnds(run: Buffer): Buffer {
  let cr = run.indexOf(CR);
  if (cr === -1) return run;
  const out = Buffer.allocUnsafe(run.length);
  let o = 0;
  let from = 0;
  while (cr !== -1) {
    o += run.copy(out, o, from, cr);
    out[o++] = LF;
    from = run[cr + 1] === LF ? cr + 2 : cr + 1;
    cr = run.indexOf(CR, from);
  }
  o += run.copy(out, o, from);
  return out.subarray(0, o);
}
