import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { EDXML_NAMESPACE, XMLDSIG_NAMESPACE } from '../../src/edxml/index.ts';
import { HELLO_B64, samplePackage, sampleStatus } from './sample-xml.ts';
import { sdkPath } from './sdk-fixtures.ts';

/**
 * A seeded generator of edXML inputs for the differential test: valid bases with one to three
 * mutations each, aimed at the places where two XML parsers can read the same bytes differently
 * (comments, CDATA and references inside values, processing instructions, namespace scoping,
 * duplicates, whitespace, encodings, markup inside values and attachment bodies). The name of a
 * mutant says how it was made, so a failure can be reproduced from the seed.
 */
export interface Mutant {
  readonly name: string;
  readonly input: string | Uint8Array;
}

/** mulberry32: small, fast and reproducible. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const EVIL = 'urn:evil';

/** Bases: small hand-written packages, SDK samples with their bodies shrunk to 12 bytes. */
export function bases(): ReadonlyArray<{ name: string; xml: string }> {
  const sdk = (file: string) =>
    readFileSync(sdkPath(file), 'utf8').replace(
      /(<(?:edXML:)?ContentTransferEncoded[^>]*>)[^<]*(<\/)/g,
      `$1${HELLO_B64}$2`,
    );
  return [
    { name: 'package/edXML:', xml: samplePackage() },
    { name: 'package/default', xml: samplePackage('') },
    { name: 'package/q:', xml: samplePackage('q') },
    { name: 'status/edXML:', xml: sampleStatus() },
    { name: 'status/default', xml: sampleStatus('') },
    { name: 'sdk/edoc_replacement', xml: sdk('edoc_replacement.edxml') },
    { name: 'sdk/edoc_update', xml: sdk('edoc_update.edxml') },
    { name: 'sdk/received-9e27', xml: sdk('received-9e272474-0603-48a2-b525-9cd1af689612.edxml') },
    { name: 'sdk/status_finish_06', xml: sdk('status_finish_06.edxml') },
  ];
}

/** A leaf element as written: `<p:Local attrs>text</p:Local>`. */
export interface Leaf {
  readonly start: number;
  readonly end: number;
  readonly prefix: string;
  readonly local: string;
  readonly attrs: string;
  readonly text: string;
  /** Offset of the text. */
  readonly textAt: number;
}

const LEAF = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s[^<>]*)?)>([^<]*)<\/\1\2\s*>/g;
const OPEN_TAG = /<([A-Za-z_][\w.:-]*)(\s[^<>]*?)?(\/?)>/g;
// The values the hub acts on are picked more often than the descriptive ones.
const HOT = [
  'OrganId',
  'DocumentId',
  'StatusCode',
  'ContentId',
  'ContentTransferEncoded',
  'Priority',
  'Code',
];

/** Every leaf element (text only, no markup inside) of `xml`, in document order. */
export function leaves(xml: string): Leaf[] {
  const out: Leaf[] = [];
  for (const m of xml.matchAll(LEAF)) {
    const [whole, p = '', local = '', attrs = '', text = ''] = m;
    const textAt = m.index + whole.indexOf('>') + 1;
    out.push({ start: m.index, end: m.index + whole.length, prefix: p, local, attrs, text, textAt });
  }
  return out;
}

function pickLeaf(xml: string, rng: Rng): Leaf | undefined {
  const all = leaves(xml);
  const hot = all.filter((l) => HOT.includes(l.local));
  return rng.next() < 0.7 && hot.length > 0 ? rng.pick(hot) : all.length > 0 ? rng.pick(all) : undefined;
}

function splice(s: string, at: number, remove: number, insert: string): string {
  return s.slice(0, at) + insert + s.slice(at + remove);
}

/** Rewrites the text of a leaf. */
function inText(xml: string, rng: Rng, edit: (text: string, rng: Rng) => string): string | null {
  const leaf = pickLeaf(xml, rng);
  if (!leaf) return null;
  return splice(xml, leaf.textAt, leaf.text.length, edit(leaf.text, rng));
}

/** Inserts `piece` somewhere inside a leaf's text. */
function insertInText(xml: string, rng: Rng, piece: (rng: Rng) => string): string | null {
  return inText(xml, rng, (t, r) => splice(t, r.int(t.length + 1), 0, piece(r)));
}

function charRef(c: string, rng: Rng): string {
  const code = c.codePointAt(0) ?? 0x30;
  return rng.pick([
    `&#${code};`,
    `&#x${code.toString(16)};`,
    `&#x${code.toString(16).toUpperCase()};`,
    `&#000${code};`,
    `&#x00${code.toString(16)};`,
    `&#X${code.toString(16)};`,
    `&#${code}`,
  ]);
}

const SPACES = [
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u0085',
  '&#xD;',
  '&#13;',
  '&#x20;',
  '&#160;',
  '&#xA;',
  '&#9;',
];
const COMMENTS = [
  '<!--x-->',
  '<!---->',
  '<!-- - -->',
  '<!-- -- -->',
  '<!--->-->',
  '<!--<edXML:OrganId>EVIL</edXML:OrganId>-->',
  '<!--]]>-->',
];
const PIS = ['<?pi x?>', '<?x?>', '<?xml version="1.0"?>', '<?pi <edXML:b>EVIL</edXML:b>?>'];
const ENTITIES = [
  '&lt;',
  '&gt;',
  '&amp;',
  '&quot;',
  '&apos;',
  '&nbsp;',
  '&amp',
  '&#;',
  '&#x;',
  '&#0;',
  '&#x1;',
  '&#xFFFE;',
  '&#x110000;',
  '&#xD800;',
  '&lt',
  '&AMP;',
  '&#x10FFFF;',
];
const MARKUP_IN_VALUE = [
  (p: string) => `<${p}b>EVIL</${p}b>`,
  () => `<x:b xmlns:x="${EVIL}">EVIL</x:b>`,
  () => '<b xmlns="">EVIL</b>',
  (p: string) => `<${p}b/>`,
  (p: string) => `<${p}OrganId>EVIL</${p}OrganId>`,
  (p: string) => `<${p}ContentTransferEncoded>EVIL</${p}ContentTransferEncoded>`,
];
const ATTRIBUTES = [
  ` xmlns:edXML="${EDXML_NAMESPACE}"`,
  ` xmlns:edXML="${EVIL}"`,
  ` xmlns="${EVIL}"`,
  ` xmlns="${EDXML_NAMESPACE}"`,
  ' xmlns=""',
  ' xmlns:edXML=""',
  ` xmlns:a="${EVIL}" a:x="1"`,
  ' edXML:x="1"',
  ' u:x="1"',
  ' xml:lang="vi"',
  ' xmlns:xml="http://www.w3.org/XML/1998/namespace"',
  ` xmlns:xml="${EVIL}"`,
  ` xmlns:xmlns="${EVIL}"`,
  ' b="<"',
  ' b=">"',
  ` b='"'`,
  ' b="&amp;&#60;"',
  ' xmlns:="x"',
  ' :a="1"',
  ' a="1"a="2"',
  ' a = "1"',
  ' a="1" a="1"',
  ` xmlns:a="${EVIL}" xmlns:b="${EVIL}" a:x="1" b:x="2"`,
  ' version="9.9"',
  ' u:version="9.9"',
  ` xmlns:u="${EVIL}" u:version="9.9"`,
  ' a="\t\r\n"',
];
const TOKENS = [
  '<',
  '>',
  '&',
  ']]>',
  '<!--',
  '-->',
  '<![CDATA[',
  '"',
  "'",
  '/',
  '\r',
  '=',
  ':',
  '<?',
  '?>',
  '</',
  '/>',
  '&#',
  ';',
  '\u0000',
  '\u00e9',
  '\ufeff',
];

type Mutation = (xml: string, rng: Rng) => string | null;

const CONTAINERS = [
  'From',
  'To',
  'ResponseFor',
  'Code',
  'OtherInfo',
  'TraceHeaderList',
  'TraceHeader',
  'Bussiness',
  'MessageHeader',
  'edXMLHeader',
  'edXMLEnvelope',
  'edXMLBody',
  'edXMLManifest',
  'Reference',
  'AttachmentEncoded',
  'Attachment',
  'StaffInfo',
  'ReplacementInfo',
  'ReplacementInfoList',
  'PromulgationInfo',
];
const ALT_SPELLING: Readonly<Record<string, string>> = { Bussiness: 'Business', MessageHeader: 'Status' };
// The edXML namespace spelled with character references: the same URI once resolved.
const NS_BY_REFERENCES = EDXML_NAMESPACE.replace(':', '&#58;').replace('_', '&#x5F;');

/** A whole element with children, `<p:Name …>…</p:Name>` (the first one closed, no same-name nesting). */
function pickBlock(
  xml: string,
  rng: Rng,
): { start: number; end: number; prefix: string; local: string } | null {
  const found: Array<{ start: number; end: number; prefix: string; local: string }> = [];
  for (const local of CONTAINERS) {
    const re = new RegExp(`<([A-Za-z_][\\w.-]*:)?${local}(\\s[^<>]*)?>[\\s\\S]*?</\\1${local}>`, 'g');
    for (const m of xml.matchAll(re)) {
      found.push({ start: m.index, end: m.index + m[0].length, prefix: m[1] ?? '', local });
    }
  }
  return found.length > 0 ? rng.pick(found) : null;
}

/** A copy of a block whose first value is changed, so that "which one wins" shows. */
function evilCopy(block: string): string {
  return block.replace(/>([^<>]+)</, '>EVIL$1<');
}

/** Each mutation returns the mutated text, or null when it does not apply to this input. */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  comment: (x, r) => insertInText(x, r, (rr) => rr.pick(COMMENTS)),
  cdata: (x, r) =>
    inText(x, r, (t, rr) => {
      const i = rr.int(t.length + 1);
      const j = i + rr.int(t.length - i + 1);
      return `${t.slice(0, i)}<![CDATA[${t.slice(i, j)}]]>${t.slice(j)}`;
    }),
  cdataMarkup: (x, r) =>
    insertInText(x, r, (rr) =>
      rr.pick(['<![CDATA[<x>]]>', '<![CDATA[]]]]>', '<![CDATA[&#48;]]>', '<![CDATA[]]>']),
    ),
  charRef: (x, r) =>
    inText(x, r, (t, rr) => {
      if (t === '') return charRef('0', rr);
      const i = rr.int(t.length);
      return splice(t, i, 1, charRef(t.charAt(i), rr));
    }),
  entity: (x, r) => insertInText(x, r, (rr) => rr.pick(ENTITIES)),
  ampInId: (x, r) => inText(x, r, (t) => t.replace('.', '&amp;')),
  pi: (x, r) => insertInText(x, r, (rr) => rr.pick(PIS)),
  space: (x, r) =>
    inText(x, r, (t, rr) => {
      const pad = () => Array.from({ length: 1 + rr.int(3) }, () => rr.pick(SPACES)).join('');
      const where = rr.int(3);
      if (where === 0) return pad() + t;
      if (where === 1) return t + pad();
      return splice(t, rr.int(t.length + 1), 0, pad());
    }),
  unicode: (x, r) => insertInText(x, r, (rr) => rr.pick(['é', 'e\u0301', '😀', '\u200b', '\u202e', 'Ω'])),
  long: (x, r) =>
    inText(x, r, (t, rr) => {
      const unit = t.slice(0, 40) || 'x';
      return unit.repeat(Math.ceil(rr.pick([1000, 20_000, 70_000]) / unit.length));
    }),
  tooLong: (x, r) => inText(x, r, () => 'A'.repeat(1024 * 1024 + 4)),
  markupInValue: (x, r) => {
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const piece = r.pick(MARKUP_IN_VALUE)(leaf.prefix);
    return splice(x, leaf.textAt + r.int(leaf.text.length + 1), 0, piece);
  },
  selfClose: (x, r) => {
    const leaf = pickLeaf(x, r);
    return leaf
      ? splice(x, leaf.start, leaf.end - leaf.start, `<${leaf.prefix}${leaf.local}${leaf.attrs}/>`)
      : null;
  },
  duplicate: (x, r) => {
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const copy = `<${leaf.prefix}${leaf.local}${leaf.attrs}>DUP${r.int(9)}</${leaf.prefix}${leaf.local}>`;
    return splice(x, r.next() < 0.5 ? leaf.start : leaf.end, 0, copy);
  },
  foreignTwin: (x, r) => {
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const twin = r.pick([
      `<x:${leaf.local} xmlns:x="${EVIL}">EVIL</x:${leaf.local}>`,
      `<${leaf.local} xmlns="${EVIL}">EVIL</${leaf.local}>`,
      `<${leaf.local} xmlns="">EVIL</${leaf.local}>`,
      `<edXML:${leaf.local} xmlns:edXML="${EVIL}">EVIL</edXML:${leaf.local}>`,
      `<ds:${leaf.local} xmlns:ds="${XMLDSIG_NAMESPACE}">EVIL</ds:${leaf.local}>`,
      `<y:${leaf.local} xmlns:y="${EDXML_NAMESPACE}">EVIL</y:${leaf.local}>`,
    ]);
    return splice(x, r.next() < 0.7 ? leaf.start : leaf.end, 0, twin);
  },
  rebind: (x, r) => {
    // The element itself moves to another namespace, or keeps it under another spelling.
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const choice = r.int(4);
    const [open, close] =
      choice === 0
        ? [
            `<${leaf.prefix}${leaf.local} xmlns${leaf.prefix ? `:${leaf.prefix.slice(0, -1)}` : ''}="${EVIL}">`,
            `</${leaf.prefix}${leaf.local}>`,
          ]
        : choice === 1
          ? [`<z:${leaf.local} xmlns:z="${EDXML_NAMESPACE}">`, `</z:${leaf.local}>`]
          : choice === 2
            ? [`<${leaf.local} xmlns="${EDXML_NAMESPACE}">`, `</${leaf.local}>`]
            : [`<${leaf.local} xmlns="">`, `</${leaf.local}>`];
    return splice(x, leaf.start, leaf.end - leaf.start, `${open}${leaf.text}${close}`);
  },
  wrap: (x, r) => {
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const [a, b] = r.pick([
      [`<w:wrap xmlns:w="${EVIL}">`, '</w:wrap>'],
      ['<!--', '-->'],
      ['<![CDATA[', ']]>'],
      [`<${leaf.prefix}Signature>`, `</${leaf.prefix}Signature>`],
    ]);
    return splice(splice(x, leaf.end, 0, b), leaf.start, 0, a);
  },
  attribute: (x, r) => {
    const tags = [...x.matchAll(OPEN_TAG)];
    const leaf = r.next() < 0.5 ? pickLeaf(x, r) : undefined;
    const at = leaf
      ? leaf.textAt - 1
      : (() => {
          const m = r.pick(tags);
          return m.index + m[0].length - 1 - (m[3] === '/' ? 1 : 0);
        })();
    return splice(x, at, 0, r.pick(ATTRIBUTES));
  },
  closeTag: (x, r) => {
    const leaf = pickLeaf(x, r);
    if (!leaf) return null;
    const close = `</${leaf.prefix}${leaf.local}>`;
    const variant = r.pick([
      `</${leaf.prefix}${leaf.local} >`,
      `</${leaf.prefix}${leaf.local}\n>`,
      `</${leaf.local}>`,
      `</z:${leaf.local}>`,
    ]);
    return splice(x, leaf.end - close.length, close.length, variant);
  },
  signatureBlock: (x, r) => {
    const anchor = r.pick([
      '</edXML:edXMLHeader>',
      '</edXMLHeader>',
      '</edXML:edXMLEnvelope>',
      '</edXMLEnvelope>',
    ]);
    const at = x.indexOf(anchor);
    if (at === -1) return null;
    const block = r.pick([
      `<Signature xmlns="${XMLDSIG_NAMESPACE}"><SignedInfo/></Signature>`,
      `<ds:Signature xmlns:ds="${XMLDSIG_NAMESPACE}"><ds:Object><From xmlns="${EDXML_NAMESPACE}"><OrganId>EVIL</OrganId></From></ds:Object></ds:Signature>`,
    ]);
    return splice(x, at, 0, block);
  },
  duplicateBlock: (x, r) => {
    const b = pickBlock(x, r);
    if (!b) return null;
    const copy = evilCopy(x.slice(b.start, b.end));
    return splice(x, r.next() < 0.5 ? b.start : b.end, 0, copy);
  },
  twinBlock: (x, r) => {
    // The same block again under another spelling the codec also reads, or in another namespace.
    const b = pickBlock(x, r);
    if (!b) return null;
    const block = evilCopy(x.slice(b.start, b.end));
    const alt = ALT_SPELLING[b.local];
    const renamed =
      alt && r.next() < 0.5
        ? block
            .replaceAll(`<${b.prefix}${b.local}`, `<${b.prefix}${alt}`)
            .replaceAll(`</${b.prefix}${b.local}>`, `</${b.prefix}${alt}>`)
        : block.replace(
            `<${b.prefix}${b.local}`,
            `<${b.prefix}${b.local} ${r.pick([`xmlns="${EVIL}"`, b.prefix ? `xmlns:${b.prefix.slice(0, -1)}="${EVIL}"` : 'xmlns=""'])}`,
          );
    return splice(x, r.next() < 0.7 ? b.start : b.end, 0, renamed);
  },
  emptyBlock: (x, r) => {
    const b = pickBlock(x, r);
    return b
      ? splice(
          x,
          b.start,
          0,
          r.pick([`<${b.prefix}${b.local}/>`, `<${b.prefix}${b.local}></${b.prefix}${b.local}>`]),
        )
      : null;
  },
  hideBlock: (x, r) => {
    const b = pickBlock(x, r);
    if (!b) return null;
    const [a, z] = r.pick([
      ['<!--', '-->'],
      [`<ds:Signature xmlns:ds="${XMLDSIG_NAMESPACE}"><ds:Object>`, '</ds:Object></ds:Signature>'],
      [`<${b.prefix}Signature>`, `</${b.prefix}Signature>`],
      [`<w:wrap xmlns:w="${EVIL}">`, '</w:wrap>'],
    ]);
    return splice(splice(x, b.end, 0, z), b.start, 0, a);
  },
  namespaceByReference: (x, r) => {
    const b = pickBlock(x, r);
    if (!b) return null;
    const block = x.slice(b.start, b.end);
    const inner = block.slice(block.indexOf('>') + 1, block.length - `</${b.prefix}${b.local}>`.length);
    const renamed = inner.replace(new RegExp(`<(/?)${b.prefix.replace('.', '\\.')}`, 'g'), '<$1z:');
    return splice(
      x,
      b.start,
      b.end - b.start,
      `<z:${b.local} xmlns:z="${NS_BY_REFERENCES}">${b.prefix ? renamed : inner}</z:${b.local}>`,
    );
  },
  bom: (x) => `\ufeff${x}`,
  declaration: (x, r) => {
    const decl = r.pick([
      '',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      "<?xml version='1.0' encoding='utf-8'?>",
      '<?xml version="1.0" encoding="utf8"?>',
      '<?xml version="1.1"?>',
      '<?xml version="1.0" standalone="yes"?>',
      ' <?xml version="1.0"?>',
      '<?xml version="1.0"?><?xml version="1.0"?>',
      '1212<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0" encoding="UTF-16"?>',
    ]);
    return x.replace(/^\s*<\?xml[^?]*\?>/, decl);
  },
  lineEnds: (x, r) => x.replaceAll('\n', r.pick(['\r\n', '\r', '\n\r', '\t'])),
  epilog: (x, r) => x + r.pick(['<!--end-->', '  \n', '<?pi?>', 'text', '<edXML/>', '\u0000']),
  token: (x, r) => splice(x, r.int(x.length + 1), 0, r.pick(TOKENS)),
  deleteRun: (x, r) => {
    const at = r.int(x.length);
    return splice(x, at, 1 + r.int(8), '');
  },
};

const NAMES = Object.keys(MUTATIONS);

/** Mutants made of the bases with 1–3 mutations each; byte-level damage on a few of them. */
export function* mutants(seed: number, count: number): Generator<Mutant> {
  const rng = new Rng(seed);
  const all = bases();
  for (let i = 0; i < count; i++) {
    const base = rng.pick(all);
    let xml = base.xml;
    const applied: string[] = [];
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) {
      const name = rng.pick(NAMES);
      const next = (MUTATIONS[name] as Mutation)(xml, rng);
      if (next === null) continue;
      xml = next;
      applied.push(name);
    }
    const name = `#${i} ${base.name} ${applied.join('+')}`;
    if (rng.next() < 0.03) {
      // Invalid UTF-8 in the middle (a lone continuation byte, an overlong form, a surrogate).
      const bytes = Buffer.from(xml, 'utf8');
      const at = rng.int(bytes.length);
      const bad = Buffer.from(rng.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]));
      yield {
        name: `${name}+badUtf8`,
        input: Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]),
      };
    } else yield { name, input: xml };
  }
}
