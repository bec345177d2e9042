import { Buffer } from 'node:buffer';
import { Namespaces, NO_CHILDREN } from './xml-namespaces.ts';
import { decodeText, NameTable, scanName } from './xml-text.ts';
import {
  type XmlElement,
  type XmlIssue,
  type XmlReadOptions,
  type XmlReadResult,
  XmlRefusal,
} from './xml-tree.ts';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const MAX_ATTRIBUTES = 64;
const MAX_LEADING_GARBAGE = 1024;
const ascii = (s: string) => Buffer.from(s, 'latin1');
const COMMENT_OPEN = ascii('<!--');
const COMMENT_CLOSE = ascii('-->');
const CDATA_OPEN = ascii('<![CDATA[');
const CDATA_CLOSE = ascii(']]>');
const PI_CLOSE = ascii('?>');
const FORBIDDEN_DECLS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'].map(ascii);

/** A namespace-aware, well-formedness-checking reader for UTF-8 edXML, bounded by `options`. */
class Reader {
  readonly #bytes: Uint8Array;
  readonly #buf: Buffer;
  readonly #o: XmlReadOptions;
  readonly #stack: XmlElement[] = [];
  readonly #textBytes: number[] = [];
  readonly warnings: XmlIssue[] = [];
  readonly #warned = new Set<string>();
  readonly #names: NameTable;
  readonly #ns: Namespaces;
  #pos = 0;
  #nodes = 0;
  // Whether the last start tag was not self-closing (a field spares an allocation per tag).
  #opened = false;

  constructor(bytes: Uint8Array, options: XmlReadOptions) {
    this.#bytes = bytes;
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#o = options;
    this.#names = new NameTable(bytes, this.#buf, this.fail);
    this.#ns = new Namespaces(options, this.fail, (code, key, message) => this.#warn(code, key, message));
  }

  readonly fail: (message: string, code?: string) => never = (message, code = 'XML_MALFORMED') => {
    const path = this.#stack.map((e) => e.local).join('/');
    throw new XmlRefusal({ code, path, message: `${message} (at byte ${this.#pos})` });
  };

  #warn(code: string, key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.warnings.push({ code, path: this.#stack.map((e) => e.local).join('/'), message });
  }

  #at(offset: number, needle: Uint8Array): boolean {
    if (offset + needle.length > this.#bytes.length) return false;
    for (let i = 0; i < needle.length; i++) if (this.#bytes[offset + i] !== needle[i]) return false;
    return true;
  }

  #isSpace(b: number | undefined): boolean {
    return b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
  }

  #skipSpace(i: number): number {
    while (this.#isSpace(this.#bytes[i])) i++;
    return i;
  }

  /** Next '<' at or after `from`; the run before it is bounded so padding costs one memchr. */
  #nextMarkup(from: number): number {
    const lt = this.#findLt(from);
    const runEnd = lt === -1 ? this.#bytes.length : lt;
    if (runEnd - from > this.#o.maxTextBytes) {
      this.#pos = from;
      this.fail(
        `a run of ${runEnd - from} bytes of text exceeds ${this.#o.maxTextBytes}`,
        'XML_TEXT_TOO_LARGE',
      );
    }
    return lt;
  }

  /** Next '<': a JS loop for the short runs between tags, memchr (native) for long ones. */
  #findLt(from: number): number {
    const b = this.#bytes;
    const stop = Math.min(b.length, from + 128);
    for (let i = from; i < stop; i++) if (b[i] === LT) return i;
    return stop === b.length ? -1 : this.#buf.indexOf(LT, stop);
  }

  #count(n = 1): void {
    this.#nodes += n;
    if (this.#nodes > this.#o.maxNodes)
      this.fail(`more than ${this.#o.maxNodes} nodes`, 'XML_TOO_MANY_NODES');
  }

  document(): XmlElement {
    const b = this.#bytes;
    if ((b[0] === 0xfe && b[1] === 0xff) || (b[0] === 0xff && b[1] === 0xfe)) {
      this.fail('UTF-16 input; edXML is UTF-8', 'XML_UNSUPPORTED_ENCODING');
    }
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.#pos = 3;
    this.#leading();
    if (this.#at(this.#pos, ascii('<?xml')) && this.#isSpace(b[this.#pos + 5])) this.#declaration();
    this.#misc();
    if (this.#pos >= b.length) this.fail('no root element');
    const root = this.#startTag();
    if (this.#opened) this.#content();
    this.#misc();
    if (this.#pos < b.length) this.fail('content after the root element');
    return root;
  }

  /** Text before the first '<' (seen in SDK samples as "1212<?xml …"): tolerated, reported. */
  #leading(): void {
    const start = this.#pos;
    const lt = this.#nextMarkup(start);
    if (lt === -1) this.fail('no root element');
    if (lt === start) return;
    let garbage = false;
    for (let i = start; i < lt; i++) if (!this.#isSpace(this.#bytes[i])) garbage = true;
    if (!garbage && !this.#at(lt, ascii('<?xml'))) return;
    if (lt - start > MAX_LEADING_GARBAGE) this.fail('text before the root element');
    this.#warn('XML_LEADING_GARBAGE', 'leading', `${lt - start} bytes of text before the XML declaration`);
    this.#pos = lt;
  }

  #declaration(): void {
    const end = this.#buf.indexOf(PI_CLOSE, this.#pos);
    if (end === -1 || end - this.#pos > 200) this.fail('unterminated XML declaration');
    const decl = this.#buf.toString('latin1', this.#pos, end);
    const encoding = /\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(decl)?.[1];
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      this.fail(`declared encoding ${encoding}; edXML is UTF-8`, 'XML_UNSUPPORTED_ENCODING');
    }
    this.#pos = end + 2;
  }

  /** Whitespace, comments; refuses DOCTYPE and processing instructions. Stops at anything else. */
  #misc(): void {
    const b = this.#bytes;
    for (;;) {
      const lt = this.#nextMarkup(this.#pos);
      for (let i = this.#pos; i < (lt === -1 ? b.length : lt); i++) {
        if (!this.#isSpace(b[i])) {
          this.#pos = i;
          this.fail('text outside the root element');
        }
      }
      if (lt === -1) {
        this.#pos = b.length;
        return;
      }
      this.#pos = lt;
      if (this.#at(lt, COMMENT_OPEN)) this.#comment();
      else if (b[lt + 1] === BANG || b[lt + 1] === QUESTION) this.#forbidden();
      else return;
    }
  }

  #forbidden(): never {
    if (this.#bytes[this.#pos + 1] === QUESTION) {
      const xmlDecl = this.#at(this.#pos, ascii('<?xml')) && this.#isSpace(this.#bytes[this.#pos + 5]);
      if (xmlDecl) this.fail('an XML declaration that is not at the start');
      this.fail('processing instruction', 'XML_FORBIDDEN');
    }
    if (FORBIDDEN_DECLS.some((d) => this.#at(this.#pos, d)))
      this.fail('DOCTYPE or markup declaration', 'XML_FORBIDDEN');
    this.fail('unknown markup after "<!"');
  }

  #comment(): void {
    const close = this.#buf.indexOf(COMMENT_CLOSE, this.#pos + 4);
    if (close === -1) this.fail('unterminated comment');
    this.#count();
    this.#pos = close + 3;
  }

  #content(): void {
    const b = this.#bytes;
    while (this.#stack.length > 0) {
      const top = this.#stack[this.#stack.length - 1] as XmlElement;
      const lt = top.raw ? this.#findLt(this.#pos) : this.#nextMarkup(this.#pos);
      if (lt === -1) {
        this.#pos = b.length;
        this.fail('unexpected end of input: unclosed element (truncated?)');
      }
      if (lt > this.#pos) this.#text(top, this.#pos, lt, 'text');
      this.#pos = lt;
      const next = b[lt + 1];
      if (next === SLASH) this.#endTag(top);
      else if (this.#at(lt, COMMENT_OPEN)) this.#comment();
      else if (this.#at(lt, CDATA_OPEN)) {
        const close = this.#buf.indexOf(CDATA_CLOSE, lt + 9);
        if (close === -1) this.fail('unterminated CDATA section');
        this.#count();
        this.#text(top, lt + 9, close, 'cdata');
        this.#pos = close + 3;
      } else if (next === BANG || next === QUESTION) this.#forbidden();
      else {
        const child = this.#startTag();
        // Most elements are leaves: their children array is allocated only when needed.
        if (top.children === NO_CHILDREN) top.children = [child];
        else (top.children as XmlElement[]).push(child);
      }
    }
  }

  #text(element: XmlElement, start: number, end: number, mode: 'text' | 'cdata'): void {
    if (element.raw) {
      element.raw.push(start, end);
      return;
    }
    const depth = this.#stack.length - 1;
    const total = (this.#textBytes[depth] ?? 0) + (end - start);
    if (total > this.#o.maxTextBytes)
      this.fail(`element text exceeds ${this.#o.maxTextBytes} bytes`, 'XML_TEXT_TOO_LARGE');
    this.#textBytes[depth] = total;
    // Whitespace before any text is trimmed from every value anyway (indentation between tags).
    if (element.text === '' && mode === 'text') {
      let i = start;
      while (i < end && this.#isSpace(this.#bytes[i])) i++;
      if (i === end) return;
    }
    element.text += decodeText(this.#bytes, this.#buf, start, end, mode, this.fail);
  }

  #endTag(top: XmlElement): void {
    const nameStart = this.#pos + 2;
    const nameEnd = scanName(this.#bytes, nameStart, this.fail);
    if (!this.#names.spells(top.prefix, top.local, nameStart, nameEnd)) {
      const qname = this.#names.text(nameStart, nameEnd);
      this.fail(`end tag </${qname}> does not match <${top.prefix ? `${top.prefix}:` : ''}${top.local}>`);
    }
    const gt = this.#skipSpace(nameEnd);
    if (this.#bytes[gt] !== GT) this.fail('">" expected after the end tag name');
    this.#stack.pop();
    this.#ns.pop();
    this.#pos = gt + 1;
  }

  /** Reads a start tag at #pos; sets #opened when it is not self-closing. */
  #startTag(): XmlElement {
    const b = this.#bytes;
    const nameEnd = scanName(b, this.#pos + 1, this.fail);
    const { prefix, local } = this.#names.qname(this.#pos + 1, nameEnd);
    let raw: Array<[string, string]> | null = null;
    let declared: Map<string, string> | null = null;
    let i = nameEnd;
    let open = true;
    for (;;) {
      const j = this.#skipSpace(i);
      const c = b[j];
      if (c === GT) {
        i = j + 1;
        break;
      }
      if (c === SLASH && b[j + 1] === GT) {
        i = j + 2;
        open = false;
        break;
      }
      this.#pos = j;
      if (c === undefined) this.fail('unexpected end of input inside a tag (truncated?)');
      if (j === i) this.fail('whitespace expected between attributes');
      const attrEnd = scanName(b, j, this.fail);
      const name = this.#names.text(j, attrEnd);
      const eq = this.#skipSpace(attrEnd);
      if (b[eq] !== 0x3d) this.fail(`"=" expected after attribute ${name}`);
      const q = this.#skipSpace(eq + 1);
      const quote = b[q];
      if (quote !== 0x22 && quote !== 0x27) this.fail('attribute value must be quoted');
      const close = this.#buf.indexOf(quote, q + 1);
      if (close === -1) this.fail('unterminated attribute value');
      if (close - q > this.#o.maxTextBytes) this.fail('attribute value too large', 'XML_TEXT_TOO_LARGE');
      const value = decodeText(b, this.#buf, q + 1, close, 'attribute', this.fail);
      raw ??= [];
      if (raw.some(([n]) => n === name)) this.fail(`duplicate attribute ${name}`);
      if (raw.length >= MAX_ATTRIBUTES)
        this.fail(`more than ${MAX_ATTRIBUTES} attributes`, 'XML_TOO_MANY_NODES');
      if (name === 'xmlns' || name.startsWith('xmlns:')) declared = this.#ns.declare(declared, name, value);
      raw.push([name, value]);
      i = close + 1;
    }
    this.#pos = i;
    this.#count(1 + (raw?.length ?? 0));
    if (open && this.#stack.length >= this.#o.maxDepth) {
      this.fail(`elements nested deeper than ${this.#o.maxDepth}`, 'XML_TOO_DEEP');
    }
    const element = this.#ns.element(prefix, local, raw, declared);
    this.#opened = open;
    if (open) {
      this.#textBytes[this.#stack.length] = 0;
      this.#stack.push(element);
      this.#ns.push(declared);
    }
    return element;
  }
}

/** Reads UTF-8 bytes into a light namespace-resolved tree, or refuses with the first problem. */
export function readXml(bytes: Uint8Array, options: XmlReadOptions): XmlReadResult {
  const reader = new Reader(bytes, options);
  try {
    const root = reader.document();
    return { ok: true, root, warnings: reader.warnings };
  } catch (error) {
    if (error instanceof XmlRefusal) return { ok: false, issue: error.issue, warnings: reader.warnings };
    throw error;
  }
}
