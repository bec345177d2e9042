// Differential tests of canonicalization.
//  - The fast path (src/signature/fast-c14n.ts) must produce exactly the bytes of the canonicalizer it
//    speeds up, on every input.
//  - The namespace-declaration fix (src/signature/conformant-canonicalizer.ts) must change nothing on
//    documents without `xmlns=""`, and must make the bytes equal to xmlsec1's.
//  - Packages signed by xmlsec1 verify with both canonicalizers.
import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Convert, XmlNodeType } from 'xml-core';
import {
  CryptoConfig,
  SHA256_NAMESPACE,
  Sha256,
  XmlCanonicalizer,
  XmlDsigC14NTransform,
  XmlDsigExcC14NTransform,
} from 'xmldsigjs';
import {
  ConformantC14NTransform,
  ConformantExcC14NTransform,
} from '../../src/signature/conformant-canonicalizer.ts';
import { SpecEnvelopedSignatureTransform } from '../../src/signature/enveloped-signature-transform.ts';
import {
  FastC14NTransform,
  FastExcC14NTransform,
  FastXmlCanonicalizer,
} from '../../src/signature/fast-c14n.ts';
import { verifyEdxmlSignature } from '../../src/signature/index.ts';
import { ensureXmlCrypto } from '../../src/signature/xml-setup.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { DSIG_NS, insertIntoHeader, makePackage } from '../support/signature-docs.ts';
import { genDocument, genElement, serialize } from '../support/signature-xmlgen.ts';
import { ALG, xmlsecPreDigest, xmlsecSignTemplate, xmlsecTemplate } from '../support/signature-xmlsec.ts';

ensureXmlCrypto();

class StockProbe extends XmlCanonicalizer {
  normalize(input: string | null, type: XmlNodeType): string {
    return this.NormalizeString(input, type);
  }
}
class FastProbe extends FastXmlCanonicalizer {
  normalize(input: string | null, type: XmlNodeType): string {
    return this.NormalizeString(input, type);
  }
}

type AnyTransform = new () => { LoadInnerXml(node: Node): void; GetOutput(): unknown };
const TYPES = [
  XmlNodeType.Text,
  XmlNodeType.CDATA,
  XmlNodeType.Attribute,
  XmlNodeType.Comment,
  XmlNodeType.ProcessingInstruction,
  XmlNodeType.Whitespace,
  XmlNodeType.SignificantWhitespace,
  XmlNodeType.Element,
];
const interesting = fc.constantFrom(
  '<',
  '>',
  '&',
  '"',
  "'",
  '\t',
  '\n',
  '\r',
  ' ',
  'a',
  'ế',
  '😀',
  '\u2028',
  '\u0000',
  ']]>',
);
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.array(interesting).map((a) => a.join('')),
);
const KINDS = [
  {
    name: 'C14N',
    uri: ALG.c14n,
    stock: XmlDsigC14NTransform,
    conformant: ConformantC14NTransform,
    fast: FastC14NTransform,
  },
  {
    name: 'exc-C14N',
    uri: ALG.excC14n,
    stock: XmlDsigExcC14NTransform,
    conformant: ConformantExcC14NTransform,
    fast: FastExcC14NTransform,
  },
] as const;

function parse(xml: string): Document | null {
  let failed = false;
  try {
    const doc = new DOMParser({
      onError: (level: string) => {
        if (level !== 'warning') failed = true;
      },
    }).parseFromString(xml, 'text/xml');
    return failed ? null : (doc as unknown as Document);
  } catch {
    return null;
  }
}

function bytesOf(T: AnyTransform, node: Node): Buffer {
  const t = new T();
  t.LoadInnerXml(node);
  const out = t.GetOutput();
  return typeof out === 'string'
    ? Buffer.from(Convert.FromString(out, 'utf8'))
    : Buffer.from(out as Uint8Array);
}

describe('fast path = the canonicalizer it speeds up', () => {
  it('NormalizeString: the same string for every node type and any text', () => {
    const stock = new StockProbe(false, false);
    const fast = new FastProbe(false, false);
    fc.assert(
      fc.property(anyText, fc.constantFrom(...TYPES), (text, type) => {
        expect(fast.normalize(text, type)).toBe(stock.normalize(text, type));
      }),
      { numRuns: 5000 },
    );
    expect(fast.normalize(null, XmlNodeType.Text)).toBe(stock.normalize(null, XmlNodeType.Text));
  });

  it('digest: node:crypto over the canonical string = the library digest (WebCrypto over its UTF-8 conversion)', async () => {
    const nodeSha256 = CryptoConfig.CreateHashAlgorithm(SHA256_NAMESPACE);
    const library = new Sha256();
    expect(nodeSha256).not.toBeInstanceOf(Sha256);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), async (text) => {
        expect(
          Buffer.from(await nodeSha256.Digest(text)).equals(Buffer.from(await library.Digest(text))),
        ).toBe(true);
      }),
      { numRuns: 1000 },
    );
    await expect(library.Digest('a\uD800b')).rejects.toThrow(URIError);
    await expect(nodeSha256.Digest('a\uD800b')).rejects.toThrow(URIError);
  });

  it('identical canonical bytes on 2,000 generated documents (both canonicalizations, document and element input)', () => {
    let compared = 0;
    fc.assert(
      fc.property(genDocument, (xml) => {
        const doc = parse(xml);
        if (!doc) return;
        compared++;
        for (const k of KINDS) {
          expect(bytesOf(k.fast, doc).equals(bytesOf(k.conformant, doc))).toBe(true);
          const clone = doc.documentElement.cloneNode(true);
          expect(bytesOf(k.fast, clone).equals(bytesOf(k.conformant, clone))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(compared).toBeGreaterThan(1900);
  });

  it('identical canonical bytes on a 5 MB package', () => {
    const doc = parse(makePackage({ attachmentBytes: 4 * 1024 * 1024, wrapBase64: true })) as Document;
    for (const k of KINDS)
      expect(bytesOf(k.fast, doc.documentElement).equals(bytesOf(k.stock, doc.documentElement))).toBe(true);
  });
});

describe('the namespace-declaration fix', () => {
  it('changes nothing on 2,000 generated documents without xmlns=""', () => {
    let compared = 0;
    fc.assert(
      fc.property(genDocument, (xml) => {
        if (xml.includes('xmlns=""')) return;
        const doc = parse(xml);
        if (!doc) return;
        compared++;
        for (const k of KINDS) expect(bytesOf(k.conformant, doc).equals(bytesOf(k.stock, doc))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(compared).toBeGreaterThan(800);
  });

  it.each([
    [
      'exc-C14N',
      'prefixed element does not utilize the default',
      '<r xmlns="urn:x"><p:a xmlns:p="urn:p" xmlns=""><b/></p:a></r>',
      '<r xmlns="urn:x"><p:a xmlns:p="urn:p"><b xmlns=""></b></p:a></r>',
    ],
    ['C14N', 'superfluous undeclaration', '<r xmlns=""><a xmlns=""/></r>', '<r><a></a></r>'],
    [
      'C14N',
      'needed undeclaration',
      '<r xmlns="urn:x"><a xmlns=""/></r>',
      '<r xmlns="urn:x"><a xmlns=""></a></r>',
    ],
    [
      'exc-C14N',
      'needed undeclaration',
      '<r xmlns="urn:x"><a xmlns=""/></r>',
      '<r xmlns="urn:x"><a xmlns=""></a></r>',
    ],
  ])('%s, %s: %s', (kind, _what, xml, expected) => {
    const k = KINDS.find((x) => x.name === kind);
    if (!k) throw new Error(kind);
    const doc = parse(xml) as Document;
    expect(bytesOf(k.conformant, doc).toString('utf8')).toBe(expected);
    expect(bytesOf(k.fast, doc).toString('utf8')).toBe(expected);
  });
});

describe('xmlsec1 agrees', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  it('canonical bytes equal xmlsec1 pre-digest data on 200 generated documents (4 canonicalization URIs)', () => {
    const samples = fc.sample(
      fc.tuple(genElement, fc.constantFrom(ALG.c14n, ALG.c14nComments, ALG.excC14n, ALG.excC14nComments)),
      {
        numRuns: 200,
        seed: 1125,
      },
    );
    let compared = 0;
    for (const [element, c14n] of samples) {
      const xml = serialize(element).replace(
        /<\/([^<>]+)>$/,
        `${xmlsecTemplate({ c14n, transformC14n: c14n, prefix: 'ds' })}</$1>`,
      );
      const doc = parse(xml);
      if (!doc) continue;
      const expected = xmlsecPreDigest(xml, pki.ids.rsa.keyPath);
      const transform = new SpecEnvelopedSignatureTransform();
      transform.LoadXml(doc.getElementsByTagNameNS(DSIG_NS, 'Transform')[0] as Element);
      transform.LoadInnerXml(doc.documentElement.cloneNode(true));
      const input = transform.GetOutput();
      const k = c14n === ALG.c14n || c14n === ALG.c14nComments ? KINDS[0] : KINDS[1];
      expect(bytesOf(k.fast, input).toString('utf8')).toBe(expected.toString('utf8'));
      expect(bytesOf(k.fast, input).equals(expected)).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(190);
  }, 300_000);

  it('100 generated documents signed by xmlsec1 in edXML packages verify with both canonicalizers', async () => {
    const docs = fc.sample(
      fc.tuple(
        genElement,
        fc.constantFrom(ALG.c14n, ALG.c14nComments, ALG.excC14n, ALG.excC14nComments),
        fc.constantFrom('ds', '', 'sig'),
      ),
      {
        numRuns: 100,
        seed: 20261125,
      },
    );
    for (const [element, c14n, prefix] of docs) {
      const xml = makePackage().replace(
        '</edXML:MessageHeader>',
        `<edXML:OtherInfo>${serialize(element)}</edXML:OtherInfo></edXML:MessageHeader>`,
      );
      const signed = xmlsecSignTemplate(
        insertIntoHeader(xml, xmlsecTemplate({ c14n, transformC14n: c14n, prefix })),
        pki.ids.rsa.keyPath,
        pki.ids.rsa.certPath,
      );
      const bytes = new TextEncoder().encode(signed);
      const fast = await verifyEdxmlSignature(bytes, pki.store, { at: pki.at, canonicalizer: 'fast' });
      const conformant = await verifyEdxmlSignature(bytes, pki.store, {
        at: pki.at,
        canonicalizer: 'xmldsigjs',
      });
      expect(fast.code, `${c14n} ${serialize(element)}`).toBe('OK');
      expect(conformant).toEqual(fast);
    }
  }, 300_000);
});
