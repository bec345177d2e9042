// A strict, small XML scanner for the direct verifier: one pass over the text, a light tree with
// exactly what canonicalization needs (qualified names, namespace declarations, attribute values
// after normalization, character data after reference expansion), comments dropped.
//
// It reads a deliberately narrow subset of XML 1.0 + namespaces and answers `null` for anything
// outside it — a DOCTYPE, CDATA, processing instructions after the declaration, non-ASCII names,
// xml:* attributes, namespace undeclarations, a byte-order mark, unusual declarations — so the caller
// falls back to the library path, which parses with the guarded DOM parser and gives the verdict.
// Being narrower than that parser is the point: whatever this scanner accepts, the library path
// reads the same way (differential-tested, test/signature/direct/).
import { isXmlChar } from '../../edxml/xml-text.ts';

/** An attribute that is not a namespace declaration. */
export interface ScanAttribute {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI ('' for an unprefixed attribute). */
  readonly ns: string;
  /** The value after attribute-value normalization and reference expansion. */
  readonly value: string;
}

export interface ScanElement {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI, '' when none. */
  readonly ns: string;
  readonly attributes: readonly ScanAttribute[];
  /** Every namespace binding in scope here, prefix ('' for the default) → URI; never `xml`. */
  readonly inScope: ReadonlyMap<string, string>;
  /** Child elements and character data (references expanded, line ends normalized), in order. */
  readonly children: Array<ScanElement | string>;
  readonly parent: ScanElement | null;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 50_000;

const DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[Uu][Tt][Ff]-8\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/y;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y;
const SPACE = /[ \t\r\n]*/y;
/**
 * What XML 1.0 forbids anywhere: C0 controls other than tab, LF and CR, and U+FFFE, U+FFFF (lone
 * surrogates cannot come out of a UTF-8 decode): one native scan of the text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the control characters XML forbids is the point.
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const BAD_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Thrown inside the scanner when the input leaves the subset; never escapes `scanXml`. */
class OutsideSubset extends Error {}

const outside = (): never => {
  throw new OutsideSubset();
};

/** Expands the five entities and character references; any other `&` leaves the subset. */
function expand(raw: string): string {
  if (!raw.includes('&')) return raw;
  if (BAD_AMPERSAND.test(raw)) outside();
  return raw.replace(
    REFERENCE,
    (_m, entity: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (entity !== undefined) return ENTITIES[entity] as string;
      const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex as string, 16);
      if (!isXmlChar(cp)) outside();
      return String.fromCodePoint(cp);
    },
  );
}

/** Character data: line ends normalized (XML 1.0 §2.11), then references expanded. */
function textValue(raw: string): string {
  if (raw.includes(']]>')) outside();
  return expand(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
}

/** Attribute values: each literal whitespace character becomes a space (§3.3.3; CRLF is one). */
function attributeValue(raw: string): string {
  if (raw.includes('<')) outside();
  return expand(/[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw);
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

const isAscii = (s: string) => !/[^\x20-\x7e]/.test(s);
const NO_NAMESPACES: ReadonlyMap<string, string> = new Map();
const NO_ATTRIBUTES: readonly ScanAttribute[] = [];

/** Reads the text of a document into a light tree, or null when it is outside the subset. */
export function scanXml(text: string): ScanElement | null {
  if (NOT_XML_CHARS.test(text)) return null;
  try {
    return new Scanner(text).document();
  } catch (error) {
    if (error instanceof OutsideSubset) return null;
    throw error;
  }
}

interface RawAttribute {
  readonly qname: string;
  readonly raw: string;
}

class Scanner {
  readonly #s: string;
  #pos = 0;
  #elements = 0;

  constructor(text: string) {
    this.#s = text;
  }

  document(): ScanElement {
    const s = this.#s;
    if (s.startsWith('<?xml')) {
      DECLARATION.lastIndex = 0;
      if (!DECLARATION.test(s)) outside();
      this.#pos = DECLARATION.lastIndex;
    }
    this.#misc();
    if (s[this.#pos] !== '<') outside();
    const root = this.#element(null);
    this.#misc();
    if (this.#pos !== s.length) outside();
    return root;
  }

  /** Whitespace and comments (prolog and epilog); anything else ends it. */
  #misc(): void {
    const s = this.#s;
    for (;;) {
      this.#space();
      if (s.startsWith('<!--', this.#pos)) this.#comment();
      else if (s.startsWith('<?', this.#pos) || s.startsWith('<!', this.#pos)) outside();
      else return;
    }
  }

  #space(): number {
    SPACE.lastIndex = this.#pos;
    SPACE.test(this.#s);
    const skipped = SPACE.lastIndex - this.#pos;
    this.#pos = SPACE.lastIndex;
    return skipped;
  }

  #comment(): void {
    const s = this.#s;
    const end = s.indexOf('-->', this.#pos + 4);
    if (end < 0) outside();
    const body = s.slice(this.#pos + 4, end);
    if (body.includes('--') || body.endsWith('-')) outside();
    this.#pos = end + 3;
  }

  #name(): string {
    NAME.lastIndex = this.#pos;
    const m = NAME.exec(this.#s);
    if (!m) return outside();
    this.#pos = NAME.lastIndex;
    return m[0];
  }

  /** Reads one element and everything inside it, iteratively (no recursion on depth). */
  #element(parent: ScanElement | null): ScanElement {
    const s = this.#s;
    const root = this.#startTag(parent);
    if (root.selfClosing) return root.element;
    const stack: ScanElement[] = [root.element];
    while (stack.length > 0) {
      const current = stack[stack.length - 1] as ScanElement;
      const lt = s.indexOf('<', this.#pos);
      if (lt < 0) outside();
      if (lt > this.#pos) {
        const value = textValue(s.slice(this.#pos, lt));
        const last = current.children.length - 1;
        // Text split by a comment is one text node in the DOM: join the pieces.
        if (last >= 0 && typeof current.children[last] === 'string') current.children[last] += value;
        else current.children.push(value);
      }
      this.#pos = lt;
      if (s.startsWith('</', lt)) {
        this.#pos = lt + 2;
        if (this.#name() !== current.qname) outside();
        this.#space();
        if (s[this.#pos] !== '>') outside();
        this.#pos++;
        stack.pop();
      } else if (s.startsWith('<!--', lt)) {
        this.#comment();
      } else if (s[lt + 1] === '!' || s[lt + 1] === '?') {
        outside();
      } else {
        if (stack.length >= MAX_DEPTH) outside();
        const child = this.#startTag(current);
        current.children.push(child.element);
        if (!child.selfClosing) stack.push(child.element);
      }
    }
    return root.element;
  }

  #startTag(parent: ScanElement | null): { element: ScanElement; selfClosing: boolean } {
    const s = this.#s;
    if (++this.#elements > MAX_ELEMENTS) outside();
    this.#pos++; // '<'
    const qname = this.#name();
    const raws: RawAttribute[] = [];
    let selfClosing = false;
    for (;;) {
      const spaced = this.#space() > 0;
      const ch = s[this.#pos];
      if (ch === '>') {
        this.#pos++;
        break;
      }
      if (ch === '/' && s[this.#pos + 1] === '>') {
        this.#pos += 2;
        selfClosing = true;
        break;
      }
      if (!spaced) outside();
      const name = this.#name();
      this.#space();
      if (s[this.#pos] !== '=') outside();
      this.#pos++;
      this.#space();
      const quote = s[this.#pos] === "'" ? "'" : s[this.#pos] === '"' ? '"' : outside();
      const end = s.indexOf(quote, this.#pos + 1);
      if (end < 0) outside();
      raws.push({ qname: name, raw: s.slice(this.#pos + 1, end) });
      this.#pos = end + 1;
    }
    return { element: this.#resolve(qname, raws, parent), selfClosing };
  }

  /** Namespace processing: declarations, then the element's and attributes' namespaces. */
  #resolve(qname: string, raws: readonly RawAttribute[], parent: ScanElement | null): ScanElement {
    let inScope: Map<string, string> | null = null;
    const plain: Array<{ qname: string; value: string }> = [];
    for (let i = 0; i < raws.length; i++) {
      const { qname: name, raw } = raws[i] as RawAttribute;
      // Attributes are few: a pairwise check costs less than a set.
      for (let j = 0; j < i; j++) if ((raws[j] as RawAttribute).qname === name) outside();
      const value = attributeValue(raw);
      const [prefix, local] = splitName(name);
      const declared = name === 'xmlns' ? '' : prefix === 'xmlns' ? local : null;
      if (declared === null) {
        plain.push({ qname: name, value });
        continue;
      }
      // Undeclarations, the reserved prefixes and their URIs, and non-ASCII URIs (whose sort order
      // implementations disagree on) are left to the library path.
      if (value === '' || declared === 'xml' || declared === 'xmlns') outside();
      if (value === XML_NS || value === XMLNS_NS || !isAscii(value) || /["&<>]/.test(value)) outside();
      inScope ??= new Map(parent?.inScope ?? []);
      inScope.set(declared, value);
    }
    const scope: ReadonlyMap<string, string> = inScope ?? parent?.inScope ?? NO_NAMESPACES;
    const [prefix, local] = splitName(qname);
    // An element named xmlns (or in the xmlns prefix) is not namespace-well-formed; xmldom refuses it.
    if (qname === 'xmlns' || prefix === 'xmlns') outside();
    const ns = scope.get(prefix) ?? (prefix === '' ? '' : outside());
    const attributes: readonly ScanAttribute[] =
      plain.length === 0
        ? NO_ATTRIBUTES
        : plain.map(({ qname: name, value }) => {
            const [p, l] = splitName(name);
            // xml:* attributes are inherited into canonicalized subsets: left to the library path.
            const attrNs = p === '' ? '' : p === 'xml' ? outside() : (scope.get(p) ?? outside());
            return { qname: name, prefix: p, local: l, ns: attrNs, value };
          });
    // The same expanded name twice (two prefixes bound to one URI) is not namespace-well-formed.
    for (let i = 1; i < attributes.length; i++) {
      const a = attributes[i] as ScanAttribute;
      for (let j = 0; j < i; j++) {
        const b = attributes[j] as ScanAttribute;
        if (a.local === b.local && a.ns === b.ns) outside();
      }
    }
    return { qname, prefix, local, ns, attributes, inScope: scope, children: [], parent };
  }
}
