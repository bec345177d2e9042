// The large-package fast path (src/signature/bulk-text.ts): long text runs are cut out before
// parsing and hashed from the original bytes. Differential tests against the ordinary path (parse
// everything, canonicalize everything) and against xmlsec1-signed packages.
import { createHash, randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BulkMismatchError,
  digestExpanded,
  extractBulkText,
  normalizeLineEnds,
} from '../../src/signature/bulk-text.ts';
import {
  ConformantC14NTransform,
  ConformantExcC14NTransform,
} from '../../src/signature/conformant-canonicalizer.ts';
import { FastC14NTransform, FastExcC14NTransform } from '../../src/signature/fast-c14n.ts';
import { verifyEdxmlSignature } from '../../src/signature/index.ts';
import { decodeUtf8, xml10LineEndings } from '../../src/signature/xml-guard.ts';
import { ensureXmlCrypto } from '../../src/signature/xml-setup.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { EDXML_NS, insertIntoHeader, makePackage } from '../support/signature-docs.ts';
import { genDocument, genPlainTextDocument } from '../support/signature-xmlgen.ts';
import { ALG, xmlsecSign, xmlsecSignTemplate, xmlsecTemplate } from '../support/signature-xmlsec.ts';

ensureXmlCrypto();

function parse(text: string): Document {
  return new DOMParser({ locator: false, normalizeLineEndings: xml10LineEndings }).parseFromString(
    text,
    'text/xml',
  ) as unknown as Document;
}

/** SHA-256 (hex) of the canonical form, the ordinary way. */
function fullDigest(bytes: Uint8Array, exclusive: boolean): string {
  const t = exclusive ? new ConformantExcC14NTransform() : new ConformantC14NTransform();
  t.LoadInnerXml(parse(decodeUtf8(bytes) ?? ''));
  return createHash('sha256').update(t.GetOutput(), 'utf8').digest('hex');
}

/** The same through the fast path with runs of at least `minRun` bytes cut out; null when it falls back. */
function bulkDigest(bytes: Uint8Array, exclusive: boolean, minRun: number): string | null {
  const extraction = extractBulkText(bytes, minRun);
  if (!extraction) return 'no-run';
  const t = exclusive ? new FastExcC14NTransform() : new FastC14NTransform();
  t.LoadInnerXml(parse(decodeUtf8(extraction.skeleton) ?? ''));
  try {
    return Buffer.from(digestExpanded('sha256', t.GetOutput(), extraction)).toString('hex');
  } catch (error) {
    if (error instanceof BulkMismatchError) return null;
    throw error;
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('extractBulkText', () => {
  it('cuts only runs between a tag end and the next tag holding no & and no >', () => {
    const long = 'A'.repeat(100);
    const doc = `<r a="x>${long}"><b>${long}</b><c>${long}&amp;</c><d>${long}></d><!--${long}--><![CDATA[${long}]]></r>`;
    const e = extractBulkText(utf8(doc), 50);
    const cut = e?.runs.map((r) => doc.slice(r.start, r.end)) ?? [];
    // b's text; the comment and CDATA contents start after '--' / '[' not '>', so they stay.
    expect(cut).toEqual([long]);
    expect(decodeUtf8(e?.skeleton ?? new Uint8Array())).toBe(
      doc.replace(`<b>${long}</b>`, `<b>${e?.runs[0]?.token}</b>`),
    );
    expect(extractBulkText(utf8(doc), 500)).toBeNull();
  });

  it('normalizes line ends of a run like an XML 1.0 parser', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', '\r', '\n', '\r\n', 'ế', ' ')).map((a) => a.join('')),
        (text) => {
          expect(normalizeLineEnds(Buffer.from(text)).toString('utf8')).toBe(xml10LineEndings(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fast path digest = ordinary digest', () => {
  // The minimum only guards against a vacuous run: any-text documents rarely hold an eligible run
  // (about 140 comparisons of 4 000 on average, down to 100 seen once in CI), plain-text ones often.
  it.each([
    ['plain-text', 1500],
    ['any-text', 40],
  ] as const)(
    'on 2,000 generated %s documents with every eligible run of 4+ bytes cut out (both canonicalizations)',
    (kind, minimum) => {
      let compared = 0;
      let fallbacks = 0;
      fc.assert(
        fc.property(kind === 'plain-text' ? genPlainTextDocument : genDocument, (xml) => {
          const bytes = utf8(xml);
          let reference: string;
          try {
            reference = fullDigest(bytes, false);
          } catch {
            return; // not well-formed: the ordinary path refuses it before any digest
          }
          for (const exclusive of [false, true]) {
            const fast = bulkDigest(bytes, exclusive, 4);
            if (fast === 'no-run') continue;
            if (fast === null) {
              fallbacks++;
              continue;
            }
            expect(fast).toBe(exclusive ? fullDigest(bytes, true) : reference);
            compared++;
          }
        }),
        { numRuns: 2000 },
      );
      expect(compared).toBeGreaterThan(minimum);
      expect(fallbacks).toBeLessThan(compared);
    },
  );

  it('falls back (never a wrong digest) for a run in a comment; CRLF, lone CR and UTF-8 runs hash like the parser reads them', () => {
    const run = `${'QUJD'.repeat(30)}\r\n${'ếĐ '.repeat(20)}\r${'x'.repeat(50)}\r`;
    for (const doc of [
      `<r><a>${run}</a></r>`,
      `<r><![CDATA[x]]><a> ${run}</a></r>`,
      `<r>${run}<b/>${run}</r>`,
    ]) {
      expect(bulkDigest(utf8(doc), true, 64), doc.slice(0, 30)).toBe(fullDigest(utf8(doc), true));
    }
    expect(bulkDigest(utf8(`<r><!-- a>${run}<b --></r>`), true, 64)).toBeNull();
  });
});

describe('packages with large attachments', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  it('signed by xmlsec1 (CRLF-wrapped base64, several attachments, all four C14N URIs) verify on both paths; a flipped byte fails on both', async () => {
    for (const c14n of [ALG.c14n, ALG.c14nComments, ALG.excC14n, ALG.excC14nComments]) {
      const xml = makePackage({ attachmentBytes: 300_000, attachments: 3, wrapBase64: true });
      // xmlsec1 writes LF line ends; CRLF in the base64 (as Windows producers send it) is put back
      // afterwards, which leaves the canonical form, and so the signature, unchanged.
      const signed = xmlsecSign(xml, pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
        c14n,
        transformC14n: c14n,
      }).replace(/\n(?=[A-Za-z0-9+/])/g, '\r\n');
      expect(signed).toMatch(/[A-Za-z0-9+/]\r\n[A-Za-z0-9+/]/);
      const bytes = utf8(signed);
      expect(extractBulkText(bytes)?.runs.length).toBe(3);
      for (const canonicalizer of ['fast', 'xmldsigjs'] as const) {
        expect((await verifyEdxmlSignature(bytes, pki.store, { at: pki.at, canonicalizer })).code).toBe('OK');
      }
      const i = signed.indexOf('<ContentTransferEncoded>') + 200_000;
      const flipped = utf8(signed.slice(0, i) + (signed[i] === 'A' ? 'B' : 'A') + signed.slice(i + 1));
      for (const canonicalizer of ['fast', 'xmldsigjs'] as const) {
        expect((await verifyEdxmlSignature(flipped, pki.store, { at: pki.at, canonicalizer })).code).toBe(
          'SIGNATURE_INVALID',
        );
      }
    }
  }, 120_000);

  it('a long run in a comment, or inside the Signature, is verified the ordinary way with the right verdict', async () => {
    const long = randomBytes(100_000).toString('base64');
    const commented = makePackage({ attachmentBytes: 100_000 }).replace(
      '<AttachmentEncoded>',
      `<!-- >${long}< --><AttachmentEncoded>`,
    );
    const signed = xmlsecSign(commented, pki.ids.ecdsa.keyPath, pki.ids.ecdsa.certPath, {
      signatureMethod: ALG.ecdsaSha256,
    });
    expect(extractBulkText(utf8(signed))?.runs.length).toBe(2);
    expect((await verifyEdxmlSignature(utf8(signed), pki.store, { at: pki.at })).code).toBe('OK');
    // A long X509Certificate: read as a certificate, not as a token.
    const inSignature = xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath).replace(
      /<ds:X509Certificate>[^<]+</,
      `<ds:X509Certificate>${long}<`,
    );
    const v = await verifyEdxmlSignature(utf8(inSignature), pki.store, { at: pki.at });
    expect(v.findings.map((f) => f.code)).toEqual(['CERT_MALFORMED']);
  });

  it('Vietnamese text as a long run is cut out and verifies; a CDATA section never is (it ends with "]]>")', async () => {
    const text = 'Văn bản số 123 của Văn phòng Chính phủ. '.repeat(5_000);
    for (const [content, runs] of [
      [text, 1],
      [`<![CDATA[${text}]]>`, 0],
    ] as const) {
      const xml = makePackage().replace(
        '<AttachmentEncoded>',
        `<AttachmentEncoded><Attachment><ContentTransferEncoded>${content}</ContentTransferEncoded></Attachment>`,
      );
      const signed = xmlsecSignTemplate(
        insertIntoHeader(xml, xmlsecTemplate()),
        pki.ids.rsa.keyPath,
        pki.ids.rsa.certPath,
      );
      expect(extractBulkText(utf8(signed))?.runs.length ?? 0).toBe(runs);
      expect((await verifyEdxmlSignature(utf8(signed), pki.store, { at: pki.at })).code).toBe('OK');
      expect(signed).toContain(EDXML_NS);
    }
  });
});
