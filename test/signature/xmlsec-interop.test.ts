// Interop with xmlsec1 (the reference implementation most Vietnamese e-office vendors' signers
// agree with): packages signed by xmlsec1 verify here, with every algorithm, canonicalization and
// namespace-prefix arrangement the profile allows.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyEdxmlSignature } from '../../src/signature/index.ts';
import { testPki } from '../support/pki.ts';
import {
  EDXML_NS,
  insertIntoHeader,
  makePackage,
  readSdkFixture,
  sharedFixtures,
} from '../support/signature-docs.ts';
import {
  ALG,
  type TemplateOptions,
  xmlsecSign,
  xmlsecSignTemplate,
  xmlsecTemplate,
} from '../support/signature-xmlsec.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('packages signed by xmlsec1 verify in lienthong', () => {
  const cases: Array<[string, 'rsa' | 'ecdsa' | 'ecdsaP384', TemplateOptions]> = [
    ['RSA-SHA256, exclusive C14N, ds: prefix', 'rsa', {}],
    [
      'RSA-SHA512 + SHA-512, inclusive C14N',
      'rsa',
      { signatureMethod: ALG.rsaSha512, digestMethod: ALG.sha512, c14n: ALG.c14n, transformC14n: ALG.c14n },
    ],
    ['RSA-SHA256, C14N with comments', 'rsa', { c14n: ALG.c14nComments, transformC14n: ALG.c14nComments }],
    [
      'RSA-SHA256, exclusive C14N with comments',
      'rsa',
      { c14n: ALG.excC14nComments, transformC14n: ALG.excC14nComments },
    ],
    ['RSA-SHA256, enveloped transform only (default C14N)', 'rsa', { transformC14n: null, c14n: ALG.c14n }],
    ['RSA-SHA256, signature in the default namespace', 'rsa', { prefix: '' }],
    [
      'RSA-SHA256, inclusive C14N, signature in the default namespace',
      'rsa',
      { prefix: '', c14n: ALG.c14n, transformC14n: ALG.c14n },
    ],
    ['RSA-SHA256, odd prefix', 'rsa', { prefix: 'sig' }],
    ['ECDSA-SHA256 (P-256), exclusive C14N', 'ecdsa', { signatureMethod: ALG.ecdsaSha256 }],
    [
      'ECDSA-SHA256 (P-256), inclusive C14N',
      'ecdsa',
      { signatureMethod: ALG.ecdsaSha256, c14n: ALG.c14n, transformC14n: ALG.c14n },
    ],
    ['ECDSA-SHA384 (P-384)', 'ecdsaP384', { signatureMethod: ALG.ecdsaSha384 }],
  ];
  for (const [name, id, template] of cases) {
    it(name, async () => {
      const pki = await testPki();
      const signer = pki.ids[id];
      const signed = xmlsecSign(
        makePackage({ attachmentBytes: 3000 }),
        signer.keyPath,
        signer.certPath,
        template,
      );
      for (const canonicalizer of ['fast', 'xmldsigjs'] as const) {
        const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at, canonicalizer });
        expect(v.code, `${canonicalizer}: ${JSON.stringify(v.findings)}`).toBe('OK');
        expect(v.signer?.sha256Thumbprint).toBe(signer.sha256);
        expect(v.algorithm).toBe(template.signatureMethod ?? ALG.rsaSha256);
      }
    });
  }

  it('the dsig prefix declared on the document element (inclusive C14N)', async () => {
    const pki = await testPki();
    const xml = makePackage({ attachmentBytes: 500 }).replace(
      `<edXML xmlns="${EDXML_NS}">`,
      `<edXML xmlns="${EDXML_NS}" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">`,
    );
    for (const c14n of [ALG.c14n, ALG.excC14n]) {
      const template = xmlsecTemplate({ prefix: 'dsig', declareNamespace: false, c14n, transformC14n: c14n });
      const signed = xmlsecSignTemplate(
        insertIntoHeader(xml, template),
        pki.ids.rsa.keyPath,
        pki.ids.rsa.certPath,
      );
      const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
      expect(v.code, JSON.stringify(v.findings)).toBe('OK');
    }
  });

  it('an edXML document without prefixes, and one with another prefix, multi-line base64', async () => {
    const pki = await testPki();
    for (const prefix of ['', 'e']) {
      const xml = makePackage({ prefix, attachmentBytes: 4000, attachments: 2, wrapBase64: true });
      const signed = xmlsecSign(xml, pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
        c14n: ALG.c14n,
        transformC14n: ALG.c14n,
      });
      const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
      expect(v.code, JSON.stringify(v.findings)).toBe('OK');
    }
  });

  it('Reference URI="#Id" of the document element', async () => {
    const pki = await testPki();
    const xml = makePackage().replace(
      `<edXML xmlns="${EDXML_NS}">`,
      `<edXML xmlns="${EDXML_NS}" Id="pkg-1">`,
    );
    const signed = xmlsecSignTemplate(
      insertIntoHeader(xml, xmlsecTemplate({ uri: '#pkg-1' })),
      pki.ids.rsa.keyPath,
      pki.ids.rsa.certPath,
      ['--id-attr:Id', `${EDXML_NS}:edXML`],
    );
    const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
    expect(v.code, JSON.stringify(v.findings)).toBe('OK');
  });

  it('every SDK sample, signed by xmlsec1, verifies', async () => {
    const pki = await testPki();
    // edoc.edxml (already signed, and not namespace-well-formed) and edoc_new.edxml (stray
    // characters before the XML declaration) are not well-formed: see the attack tests.
    const files = readdirSync(resolve(sharedFixtures, 'vxp-sdk')).filter(
      (f) => f.endsWith('.edxml') && f !== 'edoc.edxml' && f !== 'edoc_new.edxml',
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const signed = xmlsecSign(readSdkFixture(file), pki.ids.ecdsa.keyPath, pki.ids.ecdsa.certPath, {
        signatureMethod: ALG.ecdsaSha256,
      });
      const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
      expect(v.code, `${file}: ${JSON.stringify(v.findings)}`).toBe('OK');
    }
  });

  it('text with U+0085, U+2028, U+2029 and CRLF is read with XML 1.0 line-end rules, as libxml2 does', async () => {
    const pki = await testPki();
    const subject = 'Dòng một\u2028dòng hai\u0085dòng ba\u2029hết';
    const signed = xmlsecSign(makePackage({ subject }), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
      c14n: ALG.c14n,
      transformC14n: ALG.c14n,
    });
    expect(signed).toContain(subject);
    expect((await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at })).code).toBe('OK');
    // CRLF added after signing is normalized away by both parsers: still valid.
    const crlf = signed.replace(/\n/g, '\r\n');
    expect((await verifyEdxmlSignature(bytes(crlf), pki.store, { at: pki.at })).code).toBe('OK');
  });

  it('RSA-SHA1 verifies only when the policy allows legacy SHA-1', async () => {
    const pki = await testPki();
    const signed = xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
      signatureMethod: ALG.rsaSha1,
      digestMethod: ALG.sha1,
    });
    expect((await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at })).code).toBe(
      'ALGORITHM_REJECTED',
    );
    expect((await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at, allowSha1: true })).code).toBe(
      'OK',
    );
  });
});
