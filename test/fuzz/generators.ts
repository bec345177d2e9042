// Hostile edXML for the fuzz properties: mutations of a valid (usually signed) package, each labelled
// with what it does to the signed content, plus arbitrary bytes, strings and XML-ish trees for the
// codec. The labels are the oracle of the hub properties:
//   signed     changes what the signature covers (c14n of the document minus the Signature): the
//              package must be refused, whatever else happens;
//   forbidden  DOCTYPE, entities, processing instructions: must be refused;
//   harmless   leaves the signed content as it was (whitespace outside the root, comments, CDATA,
//              character references, quoting, unused namespace declarations, unsigned parts of the
//              Signature element): may be accepted, and then the hub must read exactly what was
//              signed;
//   unknown    byte flips, truncation, encodings: anything may happen; if accepted, the hub must
//              read exactly what was signed.
// Structural mutations work on the text of the national-axis layout of test/support/edxml-samples.ts
// (edXML: prefix, one element per line); byte mutations run last, on the bytes.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';

export type Effect = 'signed' | 'forbidden' | 'harmless' | 'unknown';

/** Whether every UTF-16 unit of `s` is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Control characters Node's HTTP parser refuses in a header value (all but TAB, and DEL). */
const isHeaderControl = (code: number) => (code < 0x20 && code !== 0x09) || code === 0x7f;

export function hasHeaderControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isHeaderControl(s.charCodeAt(i))) return true;
  return false;
}

export function withoutHeaderControls(s: string): string {
  return Array.from(s)
    .filter((c) => !isHeaderControl(c.charCodeAt(0)))
    .join('');
}

/** `arbitrary` with probability `p`, else undefined (fc.option's `freq` is the chance of nil). */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const scale = 1000;
  return fc.oneof(
    { weight: Math.round(p * scale), arbitrary },
    { weight: Math.round((1 - p) * scale), arbitrary: fc.constant(undefined) },
  );
}

export interface Mutation {
  /** Short, reproducible description (shown in counterexamples). */
  readonly name: string;
  readonly effect: Effect;
  readonly apply: (input: Buffer) => Buffer;
}

const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Elements with a text value in the sample package (first occurrence is the one mutated). */
export const VALUE_ELEMENTS = [
  'OrganId',
  'OrganName',
  'DocumentId',
  'CodeNumber',
  'CodeNotation',
  'PromulgationDate',
  'Subject',
  'Content',
  'Priority',
  'Type',
  'BussinessDocType',
  'Timestamp',
  'AttachmentName',
  'ContentType',
] as const;

/** Elements (with content) the structural mutations duplicate, remove or swap. */
export const STRUCTURE_ELEMENTS = [
  'From',
  'To',
  'DocumentId',
  'Code',
  'PromulgationInfo',
  'DocumentType',
  'Subject',
  'Content',
  'SignerInfo',
  'OtherInfo',
  'SteeringType',
  'TraceHeaderList',
  'TraceHeader',
  'Bussiness',
  'edXMLManifest',
  'Reference',
  'MessageHeader',
  'edXMLBody',
] as const;

/** A mutation that prints as its name in counterexamples (not as its code). */
export function mutation(name: string, effect: Effect, apply: (input: Buffer) => Buffer): Mutation {
  return { name, effect, apply, [fc.toStringMethod]: () => `${name} [${effect}]` } as Mutation;
}

const textMutation = (name: string, effect: Effect, edit: (xml: string) => string): Mutation =>
  mutation(name, effect, (input) => Buffer.from(edit(input.toString('utf8')), 'utf8'));

/**
 * The first `<edXML:name …>…</edXML:name>` (or self-closed) element, with its position; elements of
 * AttachmentEncoded have no prefix, so an unprefixed one is found too.
 */
function findElement(xml: string, name: string): { start: number; end: number; text: string } | null {
  const open = new RegExp(`<(edXML:)?${name}(?=[\\s/>])[^>]*?(/?)>`);
  const m = open.exec(xml);
  if (!m) return null;
  if (m[2] === '/') return { start: m.index, end: m.index + m[0].length, text: m[0] };
  const close = `</${m[1] ?? ''}${name}>`;
  const end = xml.indexOf(close, m.index + m[0].length);
  if (end < 0) return null;
  return { start: m.index, end: end + close.length, text: xml.slice(m.index, end + close.length) };
}

/** The text value of the first `<edXML:name>value</edXML:name>` (or unprefixed), with its position. */
function findValue(xml: string, name: string): { start: number; end: number; value: string } | null {
  const m = new RegExp(`<(edXML:)?${name}>([^<]*)</\\1?${name}>`).exec(xml);
  if (!m || m[2] === undefined) return null;
  const start = m.index + `<${m[1] ?? ''}${name}>`.length;
  return { start, end: start + m[2].length, value: m[2] };
}

const splice = (s: string, start: number, end: number, insert: string) =>
  s.slice(0, start) + insert + s.slice(end);

function editValue(xml: string, name: string, edit: (value: string) => string): string {
  const v = findValue(xml, name);
  return v ? splice(xml, v.start, v.end, edit(v.value)) : xml;
}

const ROOT_OPEN = `<edXML xmlns="${EDXML_NS}">`;
const SIGNATURE = /<ds:Signature[\s\S]*?<\/ds:Signature>/;

// ---------------------------------------------------------------- signed-content mutations

const elementName = fc.constantFrom(...STRUCTURE_ELEMENTS);
const valueName = fc.constantFrom(...VALUE_ELEMENTS);

const duplicateElement = elementName.map((name) =>
  textMutation(`duplicate <${name}>`, 'signed', (xml) => {
    const e = findElement(xml, name);
    return e ? splice(xml, e.end, e.end, e.text) : xml;
  }),
);

const removeElement = elementName.map((name) =>
  textMutation(`remove <${name}>`, 'signed', (xml) => {
    const e = findElement(xml, name);
    return e ? splice(xml, e.start, e.end, '') : xml;
  }),
);

const swapElements = fc
  .tuple(elementName, elementName)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) =>
    textMutation(`swap <${a}> and <${b}>`, 'signed', (xml) => {
      const x = findElement(xml, a);
      const y = findElement(xml, b);
      // Only disjoint elements can be swapped (not an element and its own child).
      if (!x || !y || (x.start < y.end && y.start < x.end)) return xml;
      const [first, second] = x.start < y.start ? [x, y] : [y, x];
      return (
        xml.slice(0, first.start) +
        second.text +
        xml.slice(first.end, second.start) +
        first.text +
        xml.slice(second.end)
      );
    }),
  );

/** New values an attacker would like the hub to read: another sender or recipient, priorities, ids. */
const tamperedValue = fc.oneof(
  fc.constantFrom('000.00.00.H29', '000.00.00.Z08', '000.00.00.G22', '000.00.00.H41', '000.00.00.X99'),
  fc.constantFrom('4', '0', '1', '3', '2026/12/31', 'Khẩn', ''),
  fc.string({ maxLength: 20 }).map((s) => s.replaceAll('<', '').replaceAll('&', '')),
);

const changeValue = fc
  .tuple(valueName, tamperedValue)
  .map(([name, value]) =>
    textMutation(`set <${name}> to ${JSON.stringify(value)}`, 'signed', (xml) =>
      editValue(xml, name, (old) => (old === value ? `${value}x` : value)),
    ),
  );

const padValue = fc
  .tuple(valueName, fc.constantFrom(' ', '\n', '\t', '\u00a0', '\r\n  '))
  .map(([name, pad]) =>
    textMutation(`pad <${name}> with ${JSON.stringify(pad)}`, 'signed', (xml) =>
      editValue(xml, name, (v) => `${pad}${v}${pad}`),
    ),
  );

const namespaceGame = fc.constantFrom(
  textMutation('root in urn:evil', 'signed', (xml) => xml.replace(ROOT_OPEN, '<edXML xmlns="urn:evil">')),
  textMutation('root namespace with a trailing slash', 'signed', (xml) =>
    xml.replace(ROOT_OPEN, `<edXML xmlns="${EDXML_NS}/">`),
  ),
  textMutation('envelope prefix bound to urn:evil', 'signed', (xml) =>
    xml.replace(`xmlns:edXML="${EDXML_NS}"`, 'xmlns:edXML="urn:evil"'),
  ),
  textMutation('MessageHeader rebinds edXML: to urn:evil', 'signed', (xml) =>
    xml.replace('<edXML:MessageHeader>', '<edXML:MessageHeader xmlns:edXML="urn:evil">'),
  ),
  textMutation('AttachmentEncoded in no namespace', 'signed', (xml) =>
    xml.replace('<AttachmentEncoded>', '<AttachmentEncoded xmlns="">'),
  ),
  textMutation('envelope prefix undeclared', 'signed', (xml) =>
    xml.replace(` xmlns:edXML="${EDXML_NS}"`, ''),
  ),
  textMutation('MessageHeader under another prefix', 'signed', (xml) =>
    xml
      .replace('<edXML:MessageHeader>', `<q:MessageHeader xmlns:q="${EDXML_NS}">`)
      .replace('</edXML:MessageHeader>', '</q:MessageHeader>'),
  ),
  textMutation('root with an edXML: prefix', 'signed', (xml) =>
    xml
      .replace(ROOT_OPEN, `<edXML:edXML xmlns:edXML="${EDXML_NS}">`)
      .replace(/<\/edXML>\s*$/, '</edXML:edXML>\n'),
  ),
);

const deepNesting = fc
  .integer({ min: 8, max: 6000 })
  .map((depth) =>
    textMutation(`${depth} nested elements in <Content>`, 'signed', (xml) =>
      editValue(xml, 'Content', (v) => `${'<x>'.repeat(depth)}${v}${'</x>'.repeat(depth)}`),
    ),
  );

const hugeAttribute = fc
  .integer({ min: 1, max: 400_000 })
  .map((size) =>
    textMutation(`attribute of ${size} bytes on MessageHeader`, 'signed', (xml) =>
      xml.replace('<edXML:MessageHeader>', `<edXML:MessageHeader a="${'A'.repeat(size)}">`),
    ),
  );

const manyAttributes = fc
  .integer({ min: 2, max: 20_000 })
  .map((n) =>
    textMutation(`${n} attributes on Subject`, 'signed', (xml) =>
      xml.replace(
        '<edXML:Subject>',
        `<edXML:Subject ${Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(' ')}>`,
      ),
    ),
  );

const duplicateAttribute = fc.constant(
  textMutation('duplicate attribute on edXMLManifest', 'signed', (xml) =>
    xml.replace('<edXML:edXMLManifest version="1.0">', '<edXML:edXMLManifest version="1.0" version="2.0">'),
  ),
);

const manyElements = fc
  .integer({ min: 10, max: 120_000 })
  .map((n) =>
    textMutation(`${n} empty elements in <Content>`, 'signed', (xml) =>
      editValue(xml, 'Content', (v) => `${v}${'<y/>'.repeat(n)}`),
    ),
  );

const bigText = fc
  .integer({ min: 1, max: 1_300_000 })
  .map((n) =>
    textMutation(`${n} characters of text in <Content>`, 'signed', (xml) =>
      editValue(xml, 'Content', (v) => `${v}${'ơ'.repeat(Math.ceil(n / 2))}`),
    ),
  );

const attachmentBody = fc.constantFrom(
  textMutation('line break inside the attachment base64', 'signed', (xml) =>
    editValue(xml, 'ContentTransferEncoded', (v) => `${v.slice(0, 4)}\n${v.slice(4)}`),
  ),
  textMutation('character reference inside the attachment base64', 'signed', (xml) =>
    editValue(
      xml,
      'ContentTransferEncoded',
      (v) => `&#x${(v.charCodeAt(0) || 65).toString(16)};${v.slice(1)}`,
    ),
  ),
  textMutation('attachment base64 changed', 'signed', (xml) =>
    editValue(xml, 'ContentTransferEncoded', (v) => `QUFB${v.slice(4)}`),
  ),
  textMutation('attachment base64 with markup', 'signed', (xml) =>
    editValue(xml, 'ContentTransferEncoded', (v) => `${v.slice(0, 4)}<b/>${v.slice(4)}`),
  ),
  textMutation('attachment base64 without padding', 'signed', (xml) =>
    editValue(xml, 'ContentTransferEncoded', (v) => v.replace(/=+$/, '')),
  ),
);

const piInside = fc.constantFrom(
  textMutation('processing instruction before the root', 'forbidden', (xml) =>
    xml.replace(ROOT_OPEN, `<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>\n${ROOT_OPEN}`),
  ),
  textMutation('processing instruction in MessageHeader', 'forbidden', (xml) =>
    xml.replace('<edXML:Subject>', '<?php echo 1; ?><edXML:Subject>'),
  ),
);

// ---------------------------------------------------------------- DOCTYPE, entities, XXE

const doctype = fc
  .constantFrom(
    { name: 'internal entity', dtd: '<!DOCTYPE edXML [<!ENTITY e "Khẩn">]>', ref: '&e;' },
    {
      name: 'external entity (XXE)',
      dtd: '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      ref: '&xxe;',
    },
    {
      name: 'external entity over HTTP',
      dtd: '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/leak">]>',
      ref: '&xxe;',
    },
    {
      name: 'billion laughs',
      dtd: `<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa">${Array.from(
        { length: 9 },
        (_, i) =>
          `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`,
      ).join('')}]>`,
      ref: '&j;',
    },
    {
      name: 'parameter entity',
      dtd: '<!DOCTYPE edXML [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]>',
      ref: '',
    },
    { name: 'external DTD', dtd: '<!DOCTYPE edXML SYSTEM "http://127.0.0.1:1/edxml.dtd">', ref: '' },
    { name: 'empty DOCTYPE', dtd: '<!DOCTYPE edXML>', ref: '' },
    {
      name: 'DOCTYPE with attribute defaults',
      dtd: '<!DOCTYPE edXML [<!ATTLIST edXML a CDATA "x">]>',
      ref: '',
    },
  )
  .chain((d) =>
    fc.constantFrom('before root', 'inside root').map((where) =>
      textMutation(`DOCTYPE ${d.name} (${where})`, 'forbidden', (xml) => {
        const withDtd =
          where === 'before root'
            ? xml.replace(ROOT_OPEN, `${d.dtd}\n${ROOT_OPEN}`)
            : xml.replace('<edXML:edXMLEnvelope', `${d.dtd}<edXML:edXMLEnvelope`);
        return d.ref === '' ? withDtd : editValue(withDtd, 'Subject', (v) => `${v}${d.ref}`);
      }),
    ),
  );

// ---------------------------------------------------------------- harmless (signature still valid)

const commentBetween = elementName.map((name) =>
  textMutation(`comment before <${name}>`, 'harmless', (xml) => {
    const e = findElement(xml, name);
    return e ? splice(xml, e.start, e.start, '<!-- fuzz -->') : xml;
  }),
);

/** The comment-truncation attack: a comment inside a value; c14n drops it, a naive reader stops at it. */
const commentInValue = fc.tuple(valueName, fc.constantFrom('', ' x ', 'ệ')).map(([name, inner]) =>
  textMutation(`comment inside <${name}>`, 'harmless', (xml) =>
    editValue(xml, name, (v) => {
      const mid = Math.max(1, Math.floor(v.length / 2));
      return `${v.slice(0, mid)}<!--${inner}-->${v.slice(mid)}`;
    }),
  ),
);

const cdataValue = valueName.map((name) =>
  textMutation(`<${name}> as CDATA`, 'harmless', (xml) =>
    editValue(xml, name, (v) => (v.includes(']]>') ? v : `<![CDATA[${v}]]>`)),
  ),
);

const charRefValue = fc.tuple(valueName, fc.boolean()).map(([name, hex]) =>
  textMutation(`character reference in <${name}>`, 'harmless', (xml) =>
    editValue(xml, name, (v) => {
      const cp = v.codePointAt(0);
      if (cp === undefined) return v;
      const first = String.fromCodePoint(cp);
      return `${hex ? `&#x${cp.toString(16)};` : `&#${cp};`}${v.slice(first.length)}`;
    }),
  ),
);

const harmlessSyntax = fc.constantFrom(
  textMutation('CRLF line ends', 'harmless', (xml) => xml.replaceAll('\n', '\r\n')),
  textMutation('CR line ends', 'harmless', (xml) => xml.replaceAll('\n', '\r')),
  textMutation('single-quoted attributes', 'harmless', (xml) =>
    xml.replace('version="1.0">', "version='1.0'>").replace(/Algorithm="([^"]*)"/g, "Algorithm='$1'"),
  ),
  textMutation('spaces around =', 'harmless', (xml) => xml.replace('version="1.0"', 'version = "1.0"')),
  textMutation('space before > and />', 'harmless', (xml) =>
    xml.replace('<edXML:Subject>', '<edXML:Subject >').replace('</edXML:Subject>', '</edXML:Subject >'),
  ),
  textMutation('empty elements written open/close', 'harmless', (xml) =>
    xml.replace(
      /<(ds:(?:CanonicalizationMethod|SignatureMethod|Transform|DigestMethod))([^>]*?)\/>/g,
      '<$1$2></$1>',
    ),
  ),
  textMutation('unused namespace declaration', 'harmless', (xml) =>
    xml.replace('<edXML:MessageHeader>', '<edXML:MessageHeader xmlns:zz="urn:zz">'),
  ),
  textMutation('redundant namespace declaration', 'harmless', (xml) =>
    xml.replace('<edXML:MessageHeader>', `<edXML:MessageHeader xmlns:edXML="${EDXML_NS}">`),
  ),
  textMutation('no XML declaration', 'harmless', (xml) => xml.replace(/^<\?xml[^>]*\?>\s*/, '')),
  textMutation('standalone="yes"', 'harmless', (xml) =>
    xml.replace('encoding="UTF-8"?>', 'encoding="UTF-8" standalone="yes"?>'),
  ),
  textMutation('lower-case utf-8 in the declaration', 'harmless', (xml) =>
    xml.replace('encoding="UTF-8"', 'encoding="utf-8"'),
  ),
  textMutation('whitespace after the root', 'harmless', (xml) => `${xml}\n\n \t\n`),
  textMutation('comment after the root', 'harmless', (xml) => `${xml}<!-- trailer -->`),
  textMutation('comment before the root', 'harmless', (xml) =>
    xml.replace(ROOT_OPEN, `<!-- hi -->${ROOT_OPEN}`),
  ),
);

/** Unsigned parts of the Signature element: KeyInfo, and Object holding an edXML look-alike. */
const signatureRegion = fc.constantFrom(
  textMutation('ds:Object holding an evil MessageHeader (wrapping)', 'harmless', (xml) =>
    xml.replace(
      '</ds:Signature>',
      `<ds:Object><edXML:MessageHeader><edXML:From><edXML:OrganId>000.00.00.H29</edXML:OrganId></edXML:From><edXML:To><edXML:OrganId>000.00.00.H29</edXML:OrganId></edXML:To><edXML:DocumentId>evil</edXML:DocumentId><edXML:Subject>evil</edXML:Subject></edXML:MessageHeader></ds:Object></ds:Signature>`,
    ),
  ),
  textMutation('ds:Object holding a whole evil edXMLEnvelope', 'harmless', (xml) => {
    const envelope = /<edXML:edXMLEnvelope[\s\S]*<\/edXML:edXMLEnvelope>/.exec(xml)?.[0] ?? '';
    const evil = envelope
      .replace(SIGNATURE, '')
      .replaceAll('000.00.00.G22', '000.00.00.H29')
      .replaceAll('000.00.00.H41', '000.00.00.Z08');
    return xml.replace('</ds:Signature>', `<ds:Object>${evil}</ds:Object></ds:Signature>`);
  }),
  textMutation('KeyName in KeyInfo', 'harmless', (xml) =>
    xml.replace('<ds:KeyInfo>', '<ds:KeyInfo><ds:KeyName>000.00.00.H29</ds:KeyName>'),
  ),
  textMutation('garbage second X509Certificate', 'harmless', (xml) =>
    xml.replace('</ds:X509Data>', '<ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data>'),
  ),
  textMutation('X509Certificate repeated', 'harmless', (xml) => {
    const cert = /<ds:X509Certificate>[^<]*<\/ds:X509Certificate>/.exec(xml)?.[0] ?? '';
    return xml.replace('</ds:X509Data>', `${cert}</ds:X509Data>`);
  }),
  textMutation('RetrievalMethod pointing at a file', 'harmless', (xml) =>
    xml.replace('<ds:KeyInfo>', '<ds:KeyInfo><ds:RetrievalMethod URI="file:///etc/passwd"/>'),
  ),
  textMutation('line breaks in the SignatureValue base64', 'harmless', (xml) =>
    xml.replace(/<ds:SignatureValue>([^<]{20})/, '<ds:SignatureValue>$1\n'),
  ),
);

/** Moves or repeats the Signature element: the profile decides. */
const signaturePlacement = fc.constantFrom(
  textMutation('Signature repeated', 'unknown', (xml) => {
    const sig = SIGNATURE.exec(xml)?.[0] ?? '';
    return xml.replace(sig, `${sig}${sig}`);
  }),
  textMutation('Signature moved to the end of the root', 'unknown', (xml) => {
    const sig = SIGNATURE.exec(xml)?.[0] ?? '';
    return xml.replace(sig, '').replace(/<\/edXML>\s*$/, `${sig}</edXML>\n`);
  }),
  textMutation('Signature moved into MessageHeader', 'unknown', (xml) => {
    const sig = SIGNATURE.exec(xml)?.[0] ?? '';
    return xml.replace(sig, '').replace('</edXML:MessageHeader>', `${sig}</edXML:MessageHeader>`);
  }),
  textMutation('Signature removed', 'unknown', (xml) => xml.replace(SIGNATURE, '')),
  textMutation('Signature in the edXML namespace (SDK placeholder)', 'unknown', (xml) =>
    xml.replaceAll('ds:', 'edXML:').replace(`xmlns:edXML="${DSIG_NS}"`, ''),
  ),
  textMutation('SignedInfo reference URI changed', 'signed', (xml) =>
    xml.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">'),
  ),
  textMutation('SignedInfo digest algorithm changed', 'signed', (xml) =>
    xml.replace('xmlenc#sha256', 'xmldsig#sha1'),
  ),
);

const declarationGame = fc
  .constantFrom('ISO-8859-1', 'UTF-16', 'windows-1258', 'US-ASCII', 'utf8', 'UTF-32', '', 'EBCDIC')
  .map((enc) =>
    textMutation(`declared encoding ${JSON.stringify(enc)}`, 'unknown', (xml) =>
      xml.replace('encoding="UTF-8"', `encoding="${enc}"`),
    ),
  );

const versionGame = fc
  .constantFrom('1.1', '2.0', '', '1.0 ')
  .map((v) =>
    textMutation(`XML version ${JSON.stringify(v)}`, 'unknown', (xml) =>
      xml.replace('version="1.0" encoding', `version="${v}" encoding`),
    ),
  );

const leadingGame = fc
  .constantFrom('junk', ' ', '\n', '\u0000', '<!-- c -->', '\uFEFF\uFEFF', '<?xml version="1.0"?>')
  .map((lead) => textMutation(`leading ${JSON.stringify(lead)}`, 'unknown', (xml) => `${lead}${xml}`));

const trailingGame = fc
  .constantFrom('junk', '<edXML/>', '<?pi?>', '&amp;', ']]>', '\u0000')
  .map((tail) => textMutation(`trailing ${JSON.stringify(tail)}`, 'unknown', (xml) => `${xml}${tail}`));

// ---------------------------------------------------------------- byte mutations (applied last)

const flip = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 }))
  .map(([at, xor]) =>
    mutation(`flip byte at ${at.toFixed(4)} with 0x${xor.toString(16)}`, 'unknown', (input) => {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      const i = Math.min(out.length - 1, Math.floor(at * out.length));
      out[i] = (out[i] ?? 0) ^ xor;
      return out;
    }),
  );

const truncate = fc
  .double({ min: 0, max: 1, noNaN: true })
  .map((at) =>
    mutation(`truncate at ${at.toFixed(4)}`, 'unknown', (input) =>
      input.subarray(0, Math.floor(at * input.length)),
    ),
  );

/** Byte sequences that are not UTF-8, or UTF-8 of code points XML forbids. */
export const BAD_UTF8: readonly (readonly number[])[] = [
  [0x00],
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80],
  [0xc3],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xef, 0xbf, 0xbe],
  [0xef, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x1b],
  [0x0b],
  [0xc2, 0x85],
];

const insertBytes = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...BAD_UTF8))
  .map(([at, bytes]) =>
    mutation(
      `insert ${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')} at ${at.toFixed(4)}`,
      'unknown',
      (input) => {
        const i = Math.floor(at * input.length);
        return Buffer.concat([input.subarray(0, i), Buffer.from(bytes), input.subarray(i)]);
      },
    ),
  );

/** UTF-16 text, with or without a byte-order mark and with the declaration saying so or not. */
const utf16 = fc
  .record({ le: fc.boolean(), bom: fc.boolean(), declare: fc.boolean() })
  .map(({ le, bom, declare }) =>
    mutation(
      `UTF-16${le ? 'LE' : 'BE'}${bom ? ' with BOM' : ''}${declare ? ', declared' : ''}`,
      'unknown',
      (input) => {
        let text = input.toString('utf8');
        if (declare) text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"');
        const body = Buffer.from(text, 'utf16le');
        if (!le) body.swap16();
        const mark = bom ? Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0);
        return Buffer.concat([mark, body]);
      },
    ),
  );

const utf8Bom: fc.Arbitrary<Mutation> = fc.constant(
  mutation('UTF-8 byte-order mark', 'harmless', (input) =>
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]),
  ),
);

/** Latin-1 re-encoding: every non-ASCII character of the Vietnamese text changes bytes. */
const latin1: fc.Arbitrary<Mutation> = fc.constant(
  mutation('text re-encoded as latin1 (lossy)', 'unknown', (input) =>
    Buffer.from(input.toString('utf8'), 'latin1'),
  ),
);

// ---------------------------------------------------------------- the mutation arbitraries

/** One structural mutation of the package text. */
export const structuralMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: changeValue },
  { weight: 2, arbitrary: duplicateElement },
  { weight: 1, arbitrary: removeElement },
  { weight: 1, arbitrary: swapElements },
  { weight: 1, arbitrary: padValue },
  { weight: 2, arbitrary: namespaceGame },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeAttribute },
  { weight: 1, arbitrary: manyAttributes },
  { weight: 1, arbitrary: duplicateAttribute },
  { weight: 1, arbitrary: manyElements },
  { weight: 1, arbitrary: bigText },
  { weight: 1, arbitrary: attachmentBody },
  { weight: 2, arbitrary: doctype },
  { weight: 1, arbitrary: piInside },
  { weight: 2, arbitrary: commentBetween },
  { weight: 3, arbitrary: commentInValue },
  { weight: 2, arbitrary: cdataValue },
  { weight: 2, arbitrary: charRefValue },
  { weight: 4, arbitrary: harmlessSyntax },
  { weight: 3, arbitrary: signatureRegion },
  { weight: 2, arbitrary: signaturePlacement },
  { weight: 1, arbitrary: declarationGame },
  { weight: 1, arbitrary: versionGame },
  { weight: 1, arbitrary: leadingGame },
  { weight: 1, arbitrary: trailingGame },
);

/** One byte-level mutation (applied after the structural ones). */
export const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: flip },
  { weight: 2, arbitrary: truncate },
  { weight: 2, arbitrary: insertBytes },
  { weight: 2, arbitrary: utf16 },
  { weight: 2, arbitrary: utf8Bom },
  { weight: 1, arbitrary: latin1 },
);

/** A plan: one to three structural mutations, then maybe one byte mutation. */
export interface MutationPlan {
  readonly mutations: readonly Mutation[];
}

export const mutationPlan: fc.Arbitrary<MutationPlan> = fc
  .tuple(fc.array(structuralMutation, { minLength: 0, maxLength: 3 }), sometimes(byteMutation, 0.25))
  .filter(([s, b]) => s.length > 0 || b !== undefined)
  .map(([s, b]) => ({ mutations: b === undefined ? s : [...s, b] }));

export function describePlan(plan: MutationPlan): string {
  return plan.mutations.map((m) => `${m.name} [${m.effect}]`).join(' → ');
}

export function applyPlan(plan: MutationPlan, input: Buffer): Buffer {
  return plan.mutations.reduce((bytes, m) => m.apply(bytes), input);
}

/**
 * Applies a plan and keeps only the mutations that changed something (a mutation aimed at an
 * element the package lacks is a no-op, and its label must not count).
 */
export function applyPlanTracked(
  plan: MutationPlan,
  input: Buffer,
): { bytes: Buffer; effective: MutationPlan } {
  let bytes = input;
  const effective: Mutation[] = [];
  for (const m of plan.mutations) {
    const next = m.apply(bytes);
    if (!next.equals(bytes)) effective.push(m);
    bytes = next;
  }
  return { bytes, effective: { mutations: effective } };
}

/** What the plan's labels promise: must the result be refused (when it differs from the input)? */
export function mustBeRefused(plan: MutationPlan): boolean {
  return plan.mutations.some((m) => m.effect === 'signed' || m.effect === 'forbidden');
}

/** Only harmless mutations: the signature still holds, so a refusal is the hub's choice. */
export function onlyHarmless(plan: MutationPlan): boolean {
  return plan.mutations.every((m) => m.effect === 'harmless');
}

// ---------------------------------------------------------------- inputs for the codec

/** Strings with the characters that break XML readers: markup, references, controls, surrogates. */
export const hostileString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '&',
        '"',
        "'",
        ']]>',
        '<!--',
        '-->',
        '<![CDATA[',
        '<?',
        '?>',
        '<!DOCTYPE',
        '&#0;',
        '&#x110000;',
        '&#xD800;',
        '&amp;',
        '&lt',
        '\u0000',
        '\u0001',
        '\uFFFE',
        '\uFFFF',
        '\uD800',
        '\uDC00',
        '\u0085',
        '\u2028',
        '\uFEFF',
        '\r',
        '\r\n',
        'ệ',
        '😀',
        `xmlns="${EDXML_NS}"`,
        'xmlns:edXML=',
        '<edXML',
        '</edXML>',
        'edXML:',
      ),
      fc.string({ maxLength: 8, unit: 'binary' }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

interface XmlTree {
  readonly name: string;
  readonly prefix: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly children: ReadonlyArray<XmlTree | string>;
}

const ELEMENT_NAMES = [
  'edXML',
  'edXMLEnvelope',
  'edXMLHeader',
  'MessageHeader',
  'From',
  'To',
  'OrganId',
  'DocumentId',
  'Subject',
  'StatusCode',
  'ResponseFor',
  'TraceHeaderList',
  'Bussiness',
  'BussinessDocType',
  'edXMLBody',
  'edXMLManifest',
  'Reference',
  'ContentId',
  'AttachmentEncoded',
  'Attachment',
  'ContentTransferEncoded',
  'Signature',
  'a',
] as const;

const xmlTree: fc.Arbitrary<XmlTree> = fc.letrec<{ tree: XmlTree }>((tie) => ({
  tree: fc.record({
    name: fc.constantFrom(...ELEMENT_NAMES),
    prefix: fc.constantFrom('', 'edXML:', 'ds:', 'q:'),
    attrs: fc.array(
      fc.tuple(
        fc.constantFrom('xmlns', 'xmlns:edXML', 'xmlns:q', 'version', 'a', 'xml:lang', 'xmlns:ds'),
        fc.oneof(fc.constantFrom(EDXML_NS, DSIG_NS, 'urn:x', ''), hostileString),
      ),
      { maxLength: 3 },
    ),
    // The first choice ends the recursion once the depth bound is reached.
    children: fc.array(
      fc.oneof(
        { maxDepth: 5, depthIdentifier: 'xml-tree' },
        fc.oneof(hostileString, fc.constantFrom('000.00.00.G22', '2026/11/20', '0', '03')),
        tie('tree'),
      ),
      { maxLength: 4, depthIdentifier: 'xml-tree' },
    ),
  }),
})).tree;

const escapeAttr = (v: string) =>
  v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

function render(tree: XmlTree | string, raw: boolean): string {
  if (typeof tree === 'string') return raw ? tree : tree.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const attrs = tree.attrs.map(([n, v]) => ` ${n}="${raw ? v : escapeAttr(v)}"`).join('');
  const q = `${tree.prefix}${tree.name}`;
  return `<${q}${attrs}>${tree.children.map((c) => render(c, raw)).join('')}</${q}>`;
}

/** Generated XML-ish documents with edXML names: escaped (mostly well-formed) or raw (anything). */
export const xmlDocument: fc.Arbitrary<string> = fc
  .tuple(xmlTree, fc.boolean(), fc.boolean())
  .map(
    ([tree, raw, declare]) =>
      `${declare ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}${render(
        { ...tree, name: 'edXML', prefix: '', attrs: [['xmlns', EDXML_NS], ...tree.attrs] },
        raw,
      )}`,
  );

/** Anything the codec might be handed: bytes, strings, XML-ish trees. */
export const arbitraryInput: fc.Arbitrary<Uint8Array | string> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.string({ maxLength: 512, unit: 'binary' }),
  hostileString,
  xmlDocument,
  xmlDocument.map((s) => Buffer.from(s, 'utf8')),
);
