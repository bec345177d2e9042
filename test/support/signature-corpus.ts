// The corpus of the direct verifier's differential tests (test/signature/direct/) and of its long
// run (bench/direct-verify.bench.ts): signed edXML packages made every way the project knows
// (lienthong's signer; xmlsec1 with each canonicalization, transform list, dsig prefix, digest and
// key type; good and bad signers), and seeded mutations of them — some keep the signature valid
// (whitespace in tags, quote style, character references, comments, CRLF, attribute order), most
// break it or leave the profile (a second Signature, text in the Signature, a DOCTYPE, a processing
// instruction in a comment, CDATA, a BOM, a changed digest…).
import { randomBytes } from 'node:crypto';
import { signEdxml } from '../../src/signature/index.ts';
import type { TestIdentity, TestPki } from './pki.ts';
import { prng } from './prng.ts';
import { makePackage } from './signature-docs.ts';
import { ALG, type TemplateOptions, xmlsecSign } from './signature-xmlsec.ts';

export interface CorpusCase {
  readonly name: string;
  readonly xml: string;
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** xmlsec1 templates: both canonicalizations of SignedInfo, each Reference transform list, three prefixes. */
const TEMPLATES: ReadonlyArray<readonly [string, TemplateOptions]> = [
  ['exc/exc ds', {}],
  ['c14n/c14n ds', { c14n: ALG.c14n, transformC14n: ALG.c14n }],
  ['exc/enveloped-only ds', { transformC14n: null }],
  ['c14n/exc default-ns', { c14n: ALG.c14n, prefix: '' }],
  ['exc/c14n sig-prefix', { transformC14n: ALG.c14n, prefix: 'sig' }],
  ['exc/exc sha512', { digestMethod: ALG.sha512 }],
  ['rsa-sha512', { signatureMethod: ALG.rsaSha512 }],
  ['exc#WithComments', { c14n: ALG.excC14nComments }],
  ['c14n#WithComments transform', { transformC14n: ALG.c14nComments }],
  ['rsa-sha1', { signatureMethod: ALG.rsaSha1, digestMethod: ALG.sha1 }],
];

/** Varied package text: prefixes, attachments, Vietnamese and markup characters, a unique id. */
function packageText(rng: () => number, i: number): string {
  const subjects = [
    'V/v kết nối, liên thông phần mềm quản lý văn bản &amp; điều hành',
    'Công văn số 12 &lt;khẩn&gt; &quot;A&quot; &#x110;ề nghị',
    'Tab\there and line\nbreak, 😀 emoji',
  ];
  const xml = makePackage({
    prefix: pick(rng, ['edXML', '', 'e']),
    attachments: pick(rng, [0, 0, 1, 2]),
    attachmentBytes: pick(rng, [64, 700, 3000]),
    wrapBase64: rng() < 0.5,
    subject: `${pick(rng, subjects)} #${i}-${randomBytes(3).toString('hex')}`,
  });
  return xml;
}

/**
 * Signed packages: `count` of them, cycling through signers and signing tools. Every identity of
 * the test PKI signs some (the revoked, expired and untrusted ones must never pass the direct path).
 */
export async function signedCorpus(pki: TestPki, count: number, seed = 1): Promise<CorpusCase[]> {
  const rng = prng(seed);
  const out: CorpusCase[] = [];
  const signers: ReadonlyArray<readonly [string, TestIdentity, string | undefined]> = [
    ['rsa', pki.ids.rsa, undefined],
    ['ecdsa', pki.ids.ecdsa, ALG.ecdsaSha256],
    ['ecdsa-p384', pki.ids.ecdsaP384, ALG.ecdsaSha384],
    ['rsa2', pki.ids.rsa2, undefined],
    ['revoked', pki.ids.revoked, undefined],
    ['expired', pki.ids.expired, undefined],
    ['untrusted', pki.ids.untrusted, undefined],
  ];
  for (let i = 0; i < count; i++) {
    const [signerName, id, ecMethod] = signers[i % signers.length] as (typeof signers)[number];
    const xml = packageText(rng, i);
    if (i % 3 === 0) {
      const alg = id.kind === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256';
      out.push({
        name: `${signerName} lienthong #${i}`,
        xml: await signEdxml(xml, { keyPem: id.keyPem, certPem: id.certPem, alg }),
      });
      continue;
    }
    const [templateName, template] = pick(rng, TEMPLATES);
    const options: TemplateOptions =
      id.kind === 'rsa' ? template : { ...template, signatureMethod: ecMethod ?? ALG.ecdsaSha256 };
    out.push({
      name: `${signerName} xmlsec1 ${templateName} #${i}`,
      xml: xmlsecSign(xml, id.keyPath, id.certPath, options),
    });
  }
  return out;
}

type Mutation = (xml: string, rng: () => number) => string | null;

/** Positions of start tags (`<name …>` or `<name …/>`), as [start, end) of the tag. */
function startTags(xml: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = /<([A-Za-z_][\w.-]*(?::[\w.-]+)?)((?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** Positions of character data between `>` and `<` that holds a letter. */
function textRuns(xml: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = />([^<]*[A-Za-z][^<]*)</g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push([m.index + 1, m.index + 1 + (m[1]?.length ?? 0)]);
  return out;
}

const at = (xml: string, i: number, insert: string, remove = 0) =>
  xml.slice(0, i) + insert + xml.slice(i + remove);

const SIG_OPEN = /<([\w.-]+:)?Signature[\s>]/;

/** Named mutations; each returns null when it does not apply to this document. */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  'flip a text character': (xml, rng) => {
    const runs = textRuns(xml);
    if (!runs.length) return null;
    const [s, e] = pick(rng, runs);
    const i = s + Math.floor(rng() * (e - s));
    const ch = xml[i] as string;
    if (ch === '&' || ch === ';') return null;
    return at(xml, i, ch === 'A' ? 'B' : 'A', 1);
  },
  'space before the end of a start tag': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml));
    const slash = xml[e - 2] === '/' ? 2 : 1;
    return at(xml, e - slash, ' \n\t');
  },
  'single quotes for an attribute': (xml, rng) => {
    const attrs = [...xml.matchAll(/ ([\w:.-]+)="([^"']*)"/g)];
    if (!attrs.length) return null;
    const m = pick(rng, attrs);
    return at(xml, m.index as number, ` ${m[1]}='${m[2]}'`, m[0].length);
  },
  'character reference for a letter': (xml, rng) => {
    const runs = textRuns(xml);
    const [s, e] = pick(rng, runs);
    for (let i = s; i < e; i++) {
      const c = xml.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
        return at(xml, i, rng() < 0.5 ? `&#x${c.toString(16)};` : `&#${c};`, 1);
      }
    }
    return null;
  },
  'comment between elements': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml));
    return at(xml, e, '<!-- ghi chú -->');
  },
  'comment inside text': (xml, rng) => {
    const runs = textRuns(xml);
    const [s, e] = pick(rng, runs);
    return at(xml, s + Math.floor((e - s) / 2), '<!--x-->');
  },
  'processing instruction inside a comment': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml));
    return at(xml, e, '<!-- <?php x ?> -->');
  },
  'processing instruction': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml));
    return at(xml, e, '<?pi data?>');
  },
  'byte-order mark': (xml) => `\uFEFF${xml}`,
  'CRLF line ends': (xml) => xml.replace(/\n/g, '\r\n'),
  'CR line ends': (xml) => xml.replace(/\n/g, '\r'),
  'a second Signature in the body': (xml) => {
    const s = xml.search(SIG_OPEN);
    const m = /<\/([\w.-]+:)?Signature>/.exec(xml);
    if (s < 0 || !m) return null;
    const sig = xml.slice(s, m.index + m[0].length);
    const body = /<\/([\w.-]+:)?edXMLBody>/.exec(xml);
    return body ? at(xml, body.index, sig) : null;
  },
  'the Signature moved into MessageHeader': (xml) => {
    const s = xml.search(SIG_OPEN);
    const m = /<\/([\w.-]+:)?Signature>/.exec(xml);
    const header = /<\/([\w.-]+:)?MessageHeader>/.exec(xml);
    if (s < 0 || !m || !header) return null;
    const sig = xml.slice(s, m.index + m[0].length);
    const without = xml.slice(0, s) + xml.slice(m.index + m[0].length);
    const h = /<\/([\w.-]+:)?MessageHeader>/.exec(without) as RegExpExecArray;
    return at(without, h.index, sig);
  },
  'a changed DigestValue': (xml) => {
    const m = /DigestValue>([A-Za-z0-9+/]{4})/.exec(xml);
    if (!m) return null;
    const i = (m.index as number) + 'DigestValue>'.length;
    return at(xml, i, m[1]?.[0] === 'A' ? 'B' : 'A', 1);
  },
  'a changed SignatureValue': (xml) => {
    const m = /SignatureValue>\s*([A-Za-z0-9+/]{8})/.exec(xml);
    if (!m) return null;
    const i = (m.index as number) + m[0].length - 4;
    return at(xml, i, xml[i] === 'A' ? 'B' : 'A', 1);
  },
  'an unused namespace declaration on the root': (xml) => xml.replace(/<edXML /, '<edXML xmlns:zz="urn:zz" '),
  'a default namespace rebound inside': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml).slice(1));
    const slash = xml[e - 2] === '/' ? 2 : 1;
    return at(xml, e - slash, ' xmlns="urn:other"');
  },
  'an attribute added to the root': (xml) => xml.replace(/<edXML /, '<edXML Id="x" '),
  // Unsigned under exclusive C14N, and a layout xmldsigjs canonicalizes SignedInfo wrongly in (review).
  'the dsig prefix bound to another URI on the root': (xml) =>
    xml.replace(/<edXML /, '<edXML xmlns:ds="urn:x" '),
  'a quote inside a namespace URI': (xml) => xml.replace(/<edXML /, `<edXML xmlns:m='urn:m" v="1' `),
  'two namespaced attributes on the root': (xml) =>
    xml.replace(/<edXML /, '<edXML xmlns:a="urn:x" xmlns:b="urn:xa" a:z="1" b:b="2" '),
  'xml:lang on the root': (xml) => xml.replace(/<edXML /, '<edXML xml:lang="vi" '),
  '&amp; written as &#38;': (xml) => (xml.includes('&amp;') ? xml.replace('&amp;', '&#38;') : null),
  'a DOCTYPE': (xml) => xml.replace(/\?>\n/, '?>\n<!DOCTYPE edXML [<!ENTITY x "y">]>\n'),
  'text as CDATA': (xml, rng) => {
    const runs = textRuns(xml).filter(([s, e]) => !/[&\]]/.test(xml.slice(s, e)));
    if (!runs.length) return null;
    const [s, e] = pick(rng, runs);
    return at(xml, s, `<![CDATA[${xml.slice(s, e)}]]>`, e - s);
  },
  truncated: (xml, rng) => xml.slice(0, Math.floor(rng() * xml.length)),
  'text between SignedInfo and SignatureValue': (xml) => {
    const m = /<\/([\w.-]+:)?SignedInfo>/.exec(xml);
    return m ? at(xml, m.index + m[0].length, 'unsigned') : null;
  },
  'an Object in the Signature': (xml) => {
    const m = /<\/(([\w.-]+:)?)Signature>/.exec(xml);
    return m ? at(xml, m.index, `<${m[1]}Object>x</${m[1]}Object>`) : null;
  },
  'X509Certificate removed': (xml) =>
    xml.replace(/<([\w.-]+:)?X509Certificate>[^<]*<\/([\w.-]+:)?X509Certificate>/, ''),
  'empty element self-closed': (xml) =>
    /<([\w.:-]+)([^<>]*)><\/\1>/.test(xml) ? xml.replace(/<([\w.:-]+)([^<>]*)><\/\1>/, '<$1$2/>') : null,
  'self-closed element expanded': (xml) =>
    /<([\w.:-]+)([^<>]*?)\/>/.test(xml) ? xml.replace(/<([\w.:-]+)([^<>]*?)\/>/, '<$1$2></$1>') : null,
  'space in an end tag': (xml, rng) => {
    const ends = [...xml.matchAll(/<\/([\w.:-]+)>/g)];
    const m = pick(rng, ends);
    return at(xml, (m.index as number) + m[0].length - 1, ' ');
  },
  'non-ASCII element name': (xml) => xml.replace(/<(\/?)([\w]+:)?Subject>/g, '<$1$2Tiêu>'),
  'a literal tab in an attribute value': (xml) => xml.replace(/version="1.0"/, 'version="1.0\t"'),
  'an undeclared prefix': (xml, rng) => {
    const [, e] = pick(rng, startTags(xml));
    return at(xml, e, '<u:x/>');
  },
  'a duplicate attribute': (xml) => xml.replace(/<edXML /, '<edXML a="1" a="2" '),
  'control character': (xml, rng) => {
    const [s] = pick(rng, textRuns(xml));
    return at(xml, s, '\u0001');
  },
};

/** `rounds` mutated copies of each case: one named mutation each, drawn by the seeded PRNG. */
export function mutatedCorpus(base: readonly CorpusCase[], rounds: number, seed = 7): CorpusCase[] {
  const rng = prng(seed);
  const names = Object.keys(MUTATIONS);
  const out: CorpusCase[] = [];
  for (const c of base) {
    for (let r = 0; r < rounds; r++) {
      const name = pick(rng, names);
      const xml = (MUTATIONS[name] as Mutation)(c.xml, rng);
      if (xml !== null && xml !== c.xml) out.push({ name: `${c.name} / ${name}`, xml });
    }
  }
  return out;
}
