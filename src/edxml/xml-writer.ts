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

const SPECIAL = /[&<>\r]/;
const SPECIAL_ATTRIBUTE = /[&<>"\r\n\t]/;

function check(text: string, where: string): void {
  if (!representable(text)) {
    throw new LienthongError('EDXML_BAD_MODEL', `${where} holds a character XML cannot carry`, {
      where: 'edxml.build',
    });
  }
}

/** Escapes character data. `>` is escaped too (so "]]>" cannot appear); CR as &#13; so it survives reading. */
export function escapeText(text: string, where: string): string {
  check(text, where);
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
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
  };
  return text.replace(/[&<>"\r\n\t]/g, (c) => map[c] as string);
}

/** Writes indented XML into an array of parts (joined once at the end). */
export class XmlWriter {
  readonly #parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
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

  /** A text element whose text needs no escaping (valid base64). */
  trustedLeaf(local: string, text: string, attributes = ''): void {
    const name = this.#name(local);
    this.#parts.push(`${'  '.repeat(this.#depth)}<${name}${attributes}>`, text, `</${name}>\n`);
  }

  /** A container written only when `value` is defined; `body` writes its children. */
  group<T>(local: string, value: T | undefined, body: (value: T) => void): void {
    if (value === undefined) return;
    this.open(local);
    body(value);
    this.close(local);
  }

  toString(): string {
    return this.#parts.join('');
  }
}
