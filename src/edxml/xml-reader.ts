import { Buffer } from 'node:buffer';
import { decodeText, NameTable, sameBytes, scanName } from './xml-text.ts';
import {
  type XmlAttribute,
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
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const MAX_ATTRIBUTES = 64;
const MAX_LEADING_GARBAGE = 1024;
const ascii = (s: string) => Buffer.from(s, 'latin1');
const COMMENT_OPEN = ascii('<!--');
const COMMENT_CLOSE = ascii('-->');
const CDATA_OPEN = ascii('<![CDATA[');
const CDATA_CLOSE = ascii(']]>');
const PI_CLOSE = ascii('?>');
const FORBIDDEN_DECLS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'].map(ascii);

type Scope = ReadonlyMap<string, string> | null;
const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);
const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

/** A namespace-aware, well-formedness-checking reader for UTF-8 edXML, bounded by `options`. */
class Reader {
  readonly #bytes: Uint8Array;
  readonly #buf: Buffer;
  readonly #o: XmlReadOptions;
  readonly #stack: XmlElement[] = [];
  readonly #scopes: Scope[] = [];
  readonly #textBytes: number[] = [];
  readonly warnings: XmlIssue[] = [];
  readonly #warned = new Set<string>();
  readonly #names: NameTable;
  #pos = 0;
  #nodes = 0;
  // Results of #qname and #startTag, kept in fields to spare an allocation per tag.
  #prefix = '';
  #local = '';
  #opened = false;

  constructor(bytes: Uint8Array, options: XmlReadOptions) {
    this.#bytes = bytes;
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#o = options;
    this.#names = new NameTable(bytes, this.#buf, this.fail);
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
    if (!this.#isName(top, nameStart, nameEnd)) {
      const qname = this.#names.text(nameStart, nameEnd);
      this.fail(`end tag </${qname}> does not match <${top.prefix ? `${top.prefix}:` : ''}${top.local}>`);
    }
    const gt = this.#skipSpace(nameEnd);
    if (this.#bytes[gt] !== GT) this.fail('">" expected after the end tag name');
    this.#stack.pop();
    this.#scopes.pop();
    this.#pos = gt + 1;
  }

  /** Whether bytes [start, end) spell the element's qualified name as written. */
  #isName(element: XmlElement, start: number, end: number): boolean {
    const { prefix, local } = element;
    const length = prefix === '' ? local.length : prefix.length + 1 + local.length;
    if (end - start !== length) return false;
    if (prefix === '') return sameBytes(local, this.#bytes, start);
    return (
      sameBytes(prefix, this.#bytes, start) &&
      this.#bytes[start + prefix.length] === 0x3a &&
      sameBytes(local, this.#bytes, start + prefix.length + 1)
    );
  }

  /** A qualified name at [start, end) into #prefix and #local, interned. */
  #qname(start: number, end: number): void {
    let colon = -1;
    for (let i = start; i < end; i++) {
      if (this.#bytes[i] !== 0x3a) continue;
      if (colon !== -1 || i === start || i === end - 1)
        this.fail(`"${this.#names.text(start, end)}" is not a namespace-qualified name`);
      colon = i;
    }
    this.#prefix = colon === -1 ? '' : this.#names.text(start, colon);
    this.#local = this.#names.text(colon === -1 ? start : colon + 1, end);
  }

  /** Reads a start tag at #pos; sets #opened when it is not self-closing. */
  #startTag(): XmlElement {
    const b = this.#bytes;
    const nameEnd = scanName(b, this.#pos + 1, this.fail);
    this.#qname(this.#pos + 1, nameEnd);
    const prefix = this.#prefix;
    const local = this.#local;
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
      const value = decodeText(b, this.#buf, q + 1, close, 'attribute', this.fail);
      raw ??= [];
      if (raw.some(([n]) => n === name)) this.fail(`duplicate attribute ${name}`);
      if (raw.length >= MAX_ATTRIBUTES)
        this.fail(`more than ${MAX_ATTRIBUTES} attributes`, 'XML_TOO_MANY_NODES');
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (
          prefix === 'xmlns' ||
          (prefix === 'xml') !== (value === XML_NS) ||
          (prefix !== '' && value === '')
        ) {
          this.fail(`illegal namespace declaration ${name}="${value.slice(0, 60)}"`);
        }
        declared ??= new Map();
        declared.set(prefix, value);
      }
      raw.push([name, value]);
      i = close + 1;
    }
    this.#pos = i;
    this.#count(1 + (raw?.length ?? 0));
    if (open && this.#stack.length >= this.#o.maxDepth) {
      this.fail(`elements nested deeper than ${this.#o.maxDepth}`, 'XML_TOO_DEEP');
    }
    const element = this.#makeElement(prefix, local, raw, declared);
    this.#opened = open;
    if (open) {
      this.#textBytes[this.#stack.length] = 0;
      this.#stack.push(element);
      this.#scopes.push(declared);
    }
    return element;
  }

  #makeElement(
    prefix: string,
    local: string,
    raw: ReadonlyArray<[string, string]> | null,
    declared: Scope,
  ): XmlElement {
    const ns = this.#resolve(prefix, declared, true);
    if (raw === null)
      return {
        prefix,
        local,
        ns,
        attributes: NO_ATTRIBUTES,
        children: NO_CHILDREN,
        text: '',
        raw: this.#o.rawElement(ns, local) ? [] : null,
      };
    const attributes: XmlAttribute[] = [];
    for (let k = 0; k < raw.length; k++) {
      const [name, value] = raw[k] as [string, string];
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        attributes.push({ prefix: 'xmlns', local: name.slice(6), ns: XMLNS_NS, value });
        continue;
      }
      const [p, l] = this.#split(name);
      const attrNs = p === '' ? '' : this.#resolve(p, declared, false);
      if (p !== '' && attributes.some((a) => a.ns === attrNs && a.local === l))
        this.fail(`duplicate attribute ${l}`);
      attributes.push({ prefix: p, local: l, ns: attrNs, value });
    }
    const rawRanges = this.#o.rawElement(ns, local) ? [] : null;
    return { prefix, local, ns, attributes, children: NO_CHILDREN, text: '', raw: rawRanges };
  }

  #split(qname: string): [string, string] {
    const colon = qname.indexOf(':');
    if (colon === -1) return ['', qname];
    if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
      this.fail(`"${qname.slice(0, 60)}" is not a namespace-qualified name`);
    }
    return [qname.slice(0, colon), qname.slice(colon + 1)];
  }

  #resolve(prefix: string, own: Scope, forElement: boolean): string {
    if (prefix === 'xml') return XML_NS;
    const mine = own?.get(prefix);
    if (mine !== undefined) return mine;
    for (let s = this.#scopes.length - 1; s >= 0; s--) {
      const found = this.#scopes[s]?.get(prefix);
      if (found !== undefined) return found;
    }
    if (prefix === '') return '';
    const fallback = this.#o.fallbackPrefixes[prefix];
    if (forElement && fallback === undefined) this.fail(`element prefix "${prefix}" is not declared`);
    this.#warn(
      'XML_UNBOUND_PREFIX',
      `prefix:${prefix}:${forElement}`,
      forElement
        ? `prefix "${prefix}" is used without a declaration; read as ${fallback}`
        : `attribute prefix "${prefix}" is not declared; the attribute is ignored`,
    );
    return forElement ? (fallback as string) : '';
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
