import type { Buffer } from 'node:buffer';

/** How a run of bytes is read: element text, attribute value, or CDATA (no references). */
export type TextMode = 'text' | 'attribute' | 'cdata';

/** Reports a well-formedness problem and does not return. */
export type Fail = (message: string) => never;

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a code point is an XML 1.0 Char (§2.2). */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Resolves character and predefined entity references. Any other entity is an error: with DOCTYPE
 * forbidden, nothing can declare one.
 */
function resolveReferences(s: string, fail: Fail): string {
  let out = '';
  let last = 0;
  for (let i = s.indexOf('&'); i !== -1; i = s.indexOf('&', last)) {
    const semi = s.indexOf(';', i + 1);
    if (semi === -1 || semi - i > 16) fail('a "&" that does not start a reference');
    const name = s.slice(i + 1, semi);
    let replacement = PREDEFINED[name];
    if (replacement === undefined) {
      const hex = /^#x([0-9a-fA-F]{1,6})$/.exec(name);
      const dec = hex ? null : /^#([0-9]{1,7})$/.exec(name);
      const digits = hex?.[1] ?? dec?.[1];
      if (digits === undefined) fail(`reference to an undeclared entity "&${name.slice(0, 20)};"`);
      const code = Number.parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(code)) fail(`character reference "&${name};" is not an XML character`);
      replacement = String.fromCodePoint(code);
    }
    out += s.slice(last, i) + replacement;
    last = semi + 1;
  }
  return out + s.slice(last);
}

/**
 * Decodes bytes [start, end) of UTF-8 input as XML character data: checks characters, normalizes
 * line ends (and attribute whitespace), resolves references. One loop over the bytes decides
 * which of the (rarer) slow steps are needed.
 */
export function decodeText(
  bytes: Uint8Array,
  buffer: Buffer,
  start: number,
  end: number,
  mode: TextMode,
  fail: Fail,
): string {
  let ascii = true;
  let amp = false;
  let cr = false;
  let spaceToNormalize = false;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) ascii = false;
    else if (b < 0x20) {
      if (b === 0x0d) cr = true;
      else if (b === 0x09 || b === 0x0a) spaceToNormalize = true;
      else fail(`control character 0x${b.toString(16)} in character data`);
    } else if (b === 0x26) amp = true;
    else if (b === 0x3c && mode === 'attribute') fail('"<" in an attribute value');
    else if (
      b === 0x3e &&
      mode === 'text' &&
      i >= start + 2 &&
      bytes[i - 1] === 0x5d &&
      bytes[i - 2] === 0x5d
    ) {
      fail('"]]>" in character data');
    }
  }
  let s: string;
  if (ascii) s = buffer.toString('latin1', start, end);
  else {
    s = buffer.toString('utf8', start, end);
    // The fast decoder replaces bad sequences with U+FFFD; confirm with the strict one only then.
    if (s.includes('\uFFFD')) {
      try {
        fatalUtf8.decode(bytes.subarray(start, end));
      } catch {
        fail('invalid UTF-8');
      }
    }
  }
  if (cr) s = s.replace(/\r\n?/g, '\n');
  if (mode === 'attribute' && (cr || spaceToNormalize)) s = s.replace(/[\t\n]/g, ' ');
  if (amp && mode !== 'cdata') s = resolveReferences(s, fail);
  return s;
}

/** Byte classes for names: 1 = delimiter that ends a name, 2 = never allowed in a name. */
const NAME_END = new Uint8Array(256);
for (const c of ' \t\r\n/>=') NAME_END[c.charCodeAt(0)] = 1;
for (const c of '<&"\'!?;,()[]{}*+^|~`@#$%\\') NAME_END[c.charCodeAt(0)] = 2;
for (let c = 0; c < 0x20; c++) if (NAME_END[c] === 0) NAME_END[c] = 2;

/** Reads an XML name at `start`; returns its end offset (exclusive). */
export function scanName(bytes: Uint8Array, start: number, fail: Fail): number {
  let i = start;
  while (i < bytes.length) {
    const cls = NAME_END[bytes[i] as number] as number;
    if (cls === 1) break;
    if (cls === 2) fail(`character "${String.fromCharCode(bytes[i] as number)}" in a name`);
    i++;
  }
  if (i === start) fail('a name was expected');
  const first = bytes[start] as number;
  if ((first >= 0x30 && first <= 0x39) || first === 0x2d || first === 0x2e)
    fail('a name starts with a digit, "-" or "."');
  return i;
}

/**
 * Interns names: a package repeats a few dozen names thousands of times, and a native decode per
 * name costs more than the rest of a start tag. ASCII names are hashed from their bytes and looked
 * up; anything else is decoded.
 */
export class NameTable {
  readonly #names = new Map<number, string>();
  readonly bytes: Uint8Array;
  readonly buffer: Buffer;
  readonly fail: Fail;

  constructor(bytes: Uint8Array, buffer: Buffer, fail: Fail) {
    this.bytes = bytes;
    this.buffer = buffer;
    this.fail = fail;
  }

  // The last qualified name read: one object reused, so a start tag allocates nothing for it.
  readonly #qname = { prefix: '', local: '' };

  /** Reads the qualified name at [start, end) into prefix and local (interned); reused object. */
  qname(start: number, end: number): { readonly prefix: string; readonly local: string } {
    let colon = -1;
    for (let i = start; i < end; i++) {
      if (this.bytes[i] !== 0x3a) continue;
      if (colon !== -1 || i === start || i === end - 1) {
        this.fail(`"${this.text(start, end)}" is not a namespace-qualified name`);
      }
      colon = i;
    }
    this.#qname.prefix = colon === -1 ? '' : this.text(start, colon);
    this.#qname.local = this.text(colon === -1 ? start : colon + 1, end);
    return this.#qname;
  }

  /** Whether bytes [start, end) spell prefix:local (or local) as written, e.g. for an end tag. */
  spells(prefix: string, local: string, start: number, end: number): boolean {
    const length = prefix === '' ? local.length : prefix.length + 1 + local.length;
    if (end - start !== length) return false;
    if (prefix === '') return sameBytes(local, this.bytes, start);
    return (
      sameBytes(prefix, this.bytes, start) &&
      this.bytes[start + prefix.length] === 0x3a &&
      sameBytes(local, this.bytes, start + prefix.length + 1)
    );
  }

  text(start: number, end: number): string {
    const bytes = this.bytes;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) return decodeText(bytes, this.buffer, start, end, 'cdata', this.fail);
      hash = Math.imul(hash ^ b, 0x01000193);
    }
    hash = (hash ^ (end - start)) | 0;
    const known = this.#names.get(hash);
    if (known !== undefined && known.length === end - start && sameBytes(known, bytes, start)) return known;
    const name = this.buffer.toString('latin1', start, end);
    this.#names.set(hash, name);
    return name;
  }
}

/** Whether `text` (ASCII) equals the bytes at `start`. */
export function sameBytes(text: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
