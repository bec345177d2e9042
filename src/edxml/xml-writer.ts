import { Buffer } from 'node:buffer';
import { LienthongError } from '../core/index.ts';

/**
 * Whether XML 1.0 can carry `text` at all (even escaped): no C0 controls but tab/LF/CR, no lone
 * surrogates, no U+FFFE/U+FFFF.
 */
function representable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return false;
  }
  return true;
}

// U+0085/U+2028/U+2029 are written as references: raw, XML 1.1-style parsers (xmldom with its
// default options among them) read them as line feeds, while XML 1.0 parsers, this reader and the
// signature module keep them; a reference reads the same everywhere.
const SPECIAL = /[&<>\r\u0085\u2028\u2029]/;
const SPECIAL_ATTRIBUTE = /[&<>"\r\n\t\u0085\u2028\u2029]/;
const SEPARATORS: Readonly<Record<string, string>> = {
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
  '\u2029': '&#x2029;',
};

function check(text: string, where: string): void {
  if (!representable(text)) {
    throw new LienthongError('EDXML_BAD_MODEL', `${where} holds a character XML cannot carry`, {
      where: 'edxml.build',
    });
  }
}

/**
 * Escapes character data. `>` is escaped too (so "]]>" cannot appear); CR as &#13; so it survives
 * reading; U+0085/U+2028/U+2029 as references (see SPECIAL).
 */
export function escapeText(text: string, where: string): string {
  check(text, where);
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[&<>\r\u0085\u2028\u2029]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '\r'
            ? '&#13;'
            : (SEPARATORS[c] as string),
  );
}

export function escapeAttribute(text: string, where: string): string {
  check(text, where);
  if (!SPECIAL_ATTRIBUTE.test(text)) return text;
  const map: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    '\r': '&#13;',
    '\n': '&#10;',
    '\t': '&#9;',
    ...SEPARATORS,
  };
  return text.replace(/[&<>"\r\n\t\u0085\u2028\u2029]/g, (c) => map[c] as string);
}

/** An attachment body as the writer sees it: base64 it can copy without escaping. */
export interface Base64Body {
  /** Characters of base64 written (no line breaks). */
  readonly base64Length: number;
  base64(): string;
  /** Writes the base64 as ASCII bytes at `offset`; returns the count written. */
  writeBase64(target: Buffer, offset: number): number;
}

/** Writes indented XML into a list of parts; bodies stay out of strings until the end. */
export class XmlWriter {
  readonly #parts: Array<string | Base64Body> = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  #depth = 0;
  #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** Switches the prefix written on the following elements ('' for the default namespace). */
  usePrefix(prefix: string): void {
    this.#prefix = prefix;
  }

  #name(local: string): string {
    return this.#prefix === '' ? local : `${this.#prefix}:${local}`;
  }

  open(local: string, attributes = ''): void {
    this.#parts.push(`${'  '.repeat(this.#depth)}<${this.#name(local)}${attributes}>\n`);
    this.#depth++;
  }

  close(local: string): void {
    this.#depth--;
    this.#parts.push(`${'  '.repeat(this.#depth)}</${this.#name(local)}>\n`);
  }

  /** A text element; nothing when `value` is undefined. */
  leaf(local: string, value: string | number | undefined, attributes = ''): void {
    if (value === undefined) return;
    const name = this.#name(local);
    const text = escapeText(String(value), local);
    this.#parts.push(`${'  '.repeat(this.#depth)}<${name}${attributes}>${text}</${name}>\n`);
  }

  /** An element holding valid base64 (nothing to escape), copied only when the output is made. */
  bodyLeaf(local: string, body: Base64Body, attributes = ''): void {
    const name = this.#name(local);
    this.#parts.push(`${'  '.repeat(this.#depth)}<${name}${attributes}>`, body, `</${name}>\n`);
  }

  /** A container written only when `value` is defined; `body` writes its children. */
  group<T>(local: string, value: T | undefined, body: (value: T) => void): void {
    if (value === undefined) return;
    this.open(local);
    body(value);
    this.close(local);
  }

  /** The document as a string (concatenated, so a large body is not copied until the string is used). */
  toString(): string {
    let text = '';
    for (const part of this.#parts) text += typeof part === 'string' ? part : part.base64();
    return text;
  }

  /** The document as UTF-8 bytes in one buffer: bodies are written straight in, never widened to UTF-16. */
  toBytes(): Uint8Array {
    const chunks: Array<{ text: Buffer } | { body: Base64Body }> = [];
    let run = '';
    for (const part of this.#parts) {
      if (typeof part === 'string') run += part;
      else {
        chunks.push({ text: Buffer.from(run, 'utf8') }, { body: part });
        run = '';
      }
    }
    chunks.push({ text: Buffer.from(run, 'utf8') });
    let size = 0;
    for (const c of chunks) size += 'text' in c ? c.text.byteLength : c.body.base64Length;
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const c of chunks)
      offset += 'text' in c ? c.text.copy(out, offset) : c.body.writeBase64(out, offset);
    return new Uint8Array(out.buffer, out.byteOffset, offset);
  }
}
