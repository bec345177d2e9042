// Attacks on signed packages, each with the verdict code it must get. Packages are signed by
// xmlsec1 (an independent implementation) and then tampered with as text.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SignatureVerdict, type TrustStore, verifyEdxmlSignature } from '../../src/signature/index.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { EDXML_NS, insertIntoHeader, makePackage, readSdkFixture } from '../support/signature-docs.ts';
import {
  ALG,
  xmlsecSign,
  xmlsecSignTemplate,
  xmlsecTemplate,
  xmlsecVerify,
} from '../support/signature-xmlsec.ts';

let pki: TestPki;
let signed: string;

beforeAll(async () => {
  pki = await testPki();
  signed = xmlsecSign(
    makePackage({ attachmentBytes: 6000, attachments: 2 }),
    pki.ids.rsa.keyPath,
    pki.ids.rsa.certPath,
  );
});

function verify(xml: string | Uint8Array, store?: TrustStore): Promise<SignatureVerdict> {
  const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
  return verifyEdxmlSignature(bytes, store ?? pki.store, { at: pki.at });
}

function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  expect(out).not.toBe(xml);
  return out;
}

async function expectCode(xml: string | Uint8Array, code: string): Promise<SignatureVerdict> {
  const v = await verify(xml);
  expect(v.code, JSON.stringify(v.findings)).toBe(code);
  expect(v.valid).toBe(code === 'OK');
  return v;
}

describe('the untampered package', () => {
  it('verifies, and names the signer', async () => {
    const v = await expectCode(signed, 'OK');
    expect(v.signer).toMatchObject({
      sha256Thumbprint: pki.ids.rsa.sha256,
      subjectAttributes: { OU: ['000.00.00.G22'] },
    });
    expect(v.signer?.serial).toBe(pki.ids.rsa.issued.cert.serialNumber.toLowerCase());
    expect(v.algorithm).toBe(ALG.rsaSha256);
  });
});

describe('content tampering → SIGNATURE_INVALID', () => {
  it('tampered Subject', async () => {
    const v = await expectCode(replaceOnce(signed, 'V/v kết nối', 'V/v hủy kết nối'), 'SIGNATURE_INVALID');
    expect(v.findings.map((f) => f.code)).toContain('DIGEST_MISMATCH');
  });
  it('tampered To', async () => {
    await expectCode(
      replaceOnce(signed, '<edXML:OrganId>000.00.00.H29<', '<edXML:OrganId>000.00.00.H30<'),
      'SIGNATURE_INVALID',
    );
  });
  it('one flipped base64 character in an attachment', async () => {
    const i = signed.indexOf('<ContentTransferEncoded>') + '<ContentTransferEncoded>'.length + 100;
    const ch = signed[i] === 'A' ? 'B' : 'A';
    await expectCode(signed.slice(0, i) + ch + signed.slice(i + 1), 'SIGNATURE_INVALID');
  });
  it('flipped signature value', async () => {
    const i = signed.indexOf('<ds:SignatureValue>') + '<ds:SignatureValue>'.length + 10;
    const ch = signed[i] === 'A' ? 'B' : 'A';
    const v = await expectCode(signed.slice(0, i) + ch + signed.slice(i + 1), 'SIGNATURE_INVALID');
    expect(v.findings.map((f) => f.code)).toContain('SIGNATURE_INVALID');
  });
  it('certificate swapped for another trusted certificate', async () => {
    const other = pki.ids.rsa2.issued.cert.toString('base64');
    const v = await expectCode(
      replaceOnce(signed, /<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${other}<`),
      'SIGNATURE_INVALID',
    );
    expect(v.signer?.sha256Thumbprint).toBe(pki.ids.rsa2.sha256);
  });
  it('an added element (signed content grows)', async () => {
    await expectCode(
      replaceOnce(
        signed,
        '</edXML:To>',
        '</edXML:To><edXML:To><edXML:OrganId>000.00.00.A01</edXML:OrganId></edXML:To>',
      ),
      'SIGNATURE_INVALID',
    );
  });
});

describe('certificate problems', () => {
  const cases = [
    ['untrusted', 'CERT_UNTRUSTED'],
    ['expired', 'CERT_EXPIRED'],
    ['notYetValid', 'CERT_NOT_YET_VALID'],
    ['wrongUsage', 'CERT_USAGE'],
    ['revoked', 'CERT_REVOKED'],
  ] as const;
  for (const [id, code] of cases) {
    it(`${id} → ${code}`, async () => {
      const xml = xmlsecSign(makePackage(), pki.ids[id].keyPath, pki.ids[id].certPath);
      const v = await expectCode(xml, code);
      expect(v.signer?.sha256Thumbprint).toBe(pki.ids[id].sha256);
    });
  }
  it('a signature re-made by an attacker with a look-alike certificate → CERT_UNTRUSTED', async () => {
    const forged = replaceOnce(signed, 'V/v kết nối', 'V/v hủy kết nối').replace(
      /<ds:Signature[\s\S]*<\/ds:Signature>/,
      '',
    );
    await expectCode(
      xmlsecSign(forged, pki.ids.untrusted.keyPath, pki.ids.untrusted.certPath),
      'CERT_UNTRUSTED',
    );
  });
  it('a key in KeyValue only (no certificate) is never trusted → CERT_UNTRUSTED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-kv-'));
    const tmpl = xmlsecTemplate({ x509Data: false })
      .replace('</ds:SignatureValue>', '</ds:SignatureValue><ds:KeyInfo><ds:KeyValue/></ds:KeyInfo>')
      .replace('<ds:SignatureValue/>', '<ds:SignatureValue/><ds:KeyInfo><ds:KeyValue/></ds:KeyInfo>');
    writeFileSync(join(dir, 'k.pem'), pki.ids.rsa.keyPem);
    const xml = xmlsecSignTemplate(
      insertIntoHeader(makePackage(), tmpl),
      join(dir, 'k.pem'),
      pki.ids.rsa.certPath,
    );
    expect(xml).toContain('RSAKeyValue');
    const v = await expectCode(xml, 'CERT_UNTRUSTED');
    expect(v.findings.map((f) => f.code)).toEqual(['CERT_MISSING']);
  });
});

describe('missing and placeholder signatures → SIGNATURE_MISSING', () => {
  it('no signature', async () => {
    const v = await expectCode(makePackage(), 'SIGNATURE_MISSING');
    expect(v.signer).toBeNull();
  });
  it('the placeholder Signature block of the SDK samples (edXML namespace)', async () => {
    for (const file of [
      'edoc_replacement.edxml',
      'edoc_revocation.edxml',
      'edoc_update.edxml',
      'received-852e179c-8eca-4502-ac38-0b97321f29c3.edxml',
    ]) {
      const v = await expectCode(readSdkFixture(file), 'SIGNATURE_MISSING');
      expect(v.findings.map((f) => f.code)).toEqual(['SIGNATURE_PLACEHOLDER', 'SIGNATURE_MISSING']);
    }
  });
  it('edoc_new.edxml: stray characters before the XML declaration → XML_MALFORMED; without them, a placeholder', async () => {
    const raw = readSdkFixture('edoc_new.edxml');
    await expectCode(raw, 'XML_MALFORMED');
    await expectCode(raw.slice(raw.indexOf('<?xml')), 'SIGNATURE_MISSING');
  });
});

describe('signature scope (anti-wrapping) → SIGNATURE_SCOPE', () => {
  it('a reference to one element only', async () => {
    const xml = makePackage().replace('<edXML:MessageHeader>', '<edXML:MessageHeader Id="hdr">');
    const out = xmlsecSignTemplate(
      insertIntoHeader(xml, xmlsecTemplate({ uri: '#hdr' })),
      pki.ids.rsa.keyPath,
      pki.ids.rsa.certPath,
      ['--id-attr:Id', `${EDXML_NS}:MessageHeader`],
    );
    await expectCode(out, 'SIGNATURE_SCOPE');
  });
  it('two signatures (a second one added after signing)', async () => {
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? '';
    await expectCode(
      replaceOnce(signed, '</edXML:edXMLHeader>', `${sig}</edXML:edXMLHeader>`),
      'SIGNATURE_SCOPE',
    );
  });
  it('a signature outside edXMLHeader (directly under the document element)', async () => {
    const xml = replaceOnce(makePackage(), '<AttachmentEncoded>', `${xmlsecTemplate()}<AttachmentEncoded>`);
    await expectCode(xmlsecSignTemplate(xml, pki.ids.rsa.keyPath, pki.ids.rsa.certPath), 'SIGNATURE_SCOPE');
  });
  it('a signature inside an attachment: as the only signature, and next to a valid one', async () => {
    const xml = replaceOnce(
      makePackage({ attachmentBytes: 100 }),
      '</Attachment>',
      `${xmlsecTemplate()}</Attachment>`,
    );
    const only = xmlsecSignTemplate(xml, pki.ids.rsa.keyPath, pki.ids.rsa.certPath);
    await expectCode(only, 'SIGNATURE_SCOPE');
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? '';
    await expectCode(replaceOnce(signed, '</Attachment>', `${sig}</Attachment>`), 'SIGNATURE_SCOPE');
  });
  it('the signed document wrapped under an attacker document', async () => {
    const body = signed.replace(/^<\?xml[^>]*>\s*/, '');
    const wrapped = `<edXML xmlns="${EDXML_NS}"><edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>000.00.00.G22</OrganId></From></MessageHeader></edXMLHeader></edXMLEnvelope><Wrapper>${body}</Wrapper></edXML>`;
    await expectCode(wrapped, 'SIGNATURE_SCOPE');
  });
  it('signed content moved into a ds:Object inside the Signature', async () => {
    const moved = replaceOnce(
      signed,
      '</ds:KeyInfo>',
      `</ds:KeyInfo><ds:Object><edXML:MessageHeader xmlns:edXML="${EDXML_NS}"/></ds:Object>`,
    );
    await expectCode(moved, 'SIGNATURE_SCOPE');
  });
  it('foreign elements inside the Signature', async () => {
    await expectCode(
      replaceOnce(signed, '</ds:KeyInfo>', '</ds:KeyInfo><edXML:Subject>x</edXML:Subject>'),
      'SIGNATURE_SCOPE',
    );
  });
  it('unsigned dsig-namespace content: a ds:To, a KeyName, a RetrievalMethod in KeyInfo; a ds:To in a Transform', async () => {
    // Elements of the signature namespace the profile does not know pass no signature check of
    // their own (KeyInfo is not signed) and would reach recipients: refused as out of profile.
    for (const extra of [
      '<ds:To><ds:OrganId>000.00.00.H41</ds:OrganId></ds:To>',
      '<ds:KeyName>000.00.00.G22</ds:KeyName>',
      '<ds:RetrievalMethod URI="http://example.org/key"/>',
    ]) {
      await expectCode(replaceOnce(signed, '</ds:KeyInfo>', `${extra}</ds:KeyInfo>`), 'SIGNATURE_SCOPE');
      await expectCode(replaceOnce(signed, '<ds:KeyInfo>', `<ds:KeyInfo>${extra}`), 'SIGNATURE_SCOPE');
    }
    await expectCode(
      replaceOnce(signed, '</ds:X509Data>', '<ds:To>000.00.00.H41</ds:To></ds:X509Data>'),
      'SIGNATURE_SCOPE',
    );
    await expectCode(
      replaceOnce(
        signed,
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ds:To>x</ds:To></ds:Transform>',
      ),
      'SIGNATURE_SCOPE',
    );
  });
  it('a second Reference, an external URI, a missing URI, an XPath transform, a duplicate Id', async () => {
    const ref = /<ds:Reference[\s\S]*<\/ds:Reference>/.exec(signed)?.[0] ?? '';
    await expectCode(replaceOnce(signed, '</ds:SignedInfo>', `${ref}</ds:SignedInfo>`), 'SIGNATURE_SCOPE');
    await expectCode(
      replaceOnce(signed, '<ds:Reference URI="">', '<ds:Reference URI="http://example.org/x">'),
      'SIGNATURE_SCOPE',
    );
    await expectCode(replaceOnce(signed, '<ds:Reference URI="">', '<ds:Reference>'), 'SIGNATURE_SCOPE');
    await expectCode(
      replaceOnce(
        signed,
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
        '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>//*</ds:XPath></ds:Transform>',
      ),
      'SIGNATURE_SCOPE',
    );
    const dup = makePackage()
      .replace(`<edXML xmlns="${EDXML_NS}">`, `<edXML xmlns="${EDXML_NS}" Id="pkg">`)
      .replace('<edXML:From>', '<edXML:From Id="pkg">');
    const out = xmlsecSignTemplate(
      insertIntoHeader(dup, xmlsecTemplate({ uri: '#pkg' })),
      pki.ids.rsa.keyPath,
      pki.ids.rsa.certPath,
      ['--id-attr:Id', `${EDXML_NS}:edXML`],
    );
    await expectCode(out, 'SIGNATURE_SCOPE');
  });
  it('no enveloped-signature transform', async () => {
    await expectCode(
      replaceOnce(signed, `<ds:Transform Algorithm="${ALG.enveloped}"/>`, ''),
      'SIGNATURE_SCOPE',
    );
  });
});

describe('algorithms → ALGORITHM_REJECTED', () => {
  it('HMAC, signed with an HMAC key by xmlsec1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-hmac-'));
    writeFileSync(join(dir, 'hmac.bin'), 'secret shared with the attacker');
    writeFileSync(
      join(dir, 'in.xml'),
      insertIntoHeader(makePackage(), xmlsecTemplate({ signatureMethod: ALG.hmacSha256, x509Data: false })),
    );
    execFileSync(
      'xmlsec1',
      ['--sign', '--hmackey', join(dir, 'hmac.bin'), '--output', join(dir, 'out.xml'), join(dir, 'in.xml')],
      { stdio: 'pipe' },
    );
    const v = await expectCode(readFileSync(join(dir, 'out.xml'), 'utf8'), 'ALGORITHM_REJECTED');
    expect(v.algorithm).toBe(ALG.hmacSha256);
    // Even with the legacy policy.
    const legacy = await verifyEdxmlSignature(readFileSync(join(dir, 'out.xml')), pki.store, {
      at: pki.at,
      allowSha1: true,
    });
    expect(legacy.code).toBe('ALGORITHM_REJECTED');
  });
  it('a SHA-1 digest without the legacy policy; an unknown transform; C14N 1.1', async () => {
    await expectCode(
      xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, { digestMethod: ALG.sha1 }),
      'ALGORITHM_REJECTED',
    );
    await expectCode(
      replaceOnce(
        signed,
        'Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
        'Transform Algorithm="urn:example:rot13"',
      ),
      'ALGORITHM_REJECTED',
    );
    await expectCode(
      replaceOnce(
        signed,
        'CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
        'CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"',
      ),
      'ALGORITHM_REJECTED',
    );
  });
});

describe('dangerous XML', () => {
  it('DOCTYPE with an external entity (XXE) → XML_FORBIDDEN', async () => {
    const xxe = replaceOnce(
      signed,
      /^<\?xml[^>]*>/,
      '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ).replace('V/v kết nối', '&xxe;');
    const v = await expectCode(xxe, 'XML_FORBIDDEN');
    expect(v.findings.map((f) => f.code)).toEqual(['XML_DOCTYPE']);
  });
  it('entity expansion and lowercase doctype → XML_FORBIDDEN', async () => {
    await expectCode('<!doctype edXML><edXML/>', 'XML_FORBIDDEN');
    await expectCode(
      `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><edXML xmlns="${EDXML_NS}">&lol2;</edXML>`,
      'XML_FORBIDDEN',
    );
  });
  it('processing instructions, also inside signed text → XML_FORBIDDEN', async () => {
    await expectCode(
      replaceOnce(signed, '<edXML:OrganId>000.00.00.H29<', '<edXML:OrganId><?p 000.00.00.?>H29<'),
      'XML_FORBIDDEN',
    );
    await expectCode(
      replaceOnce(signed, /^<\?xml[^>]*>/, '<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?>'),
      'XML_FORBIDDEN',
    );
  });
  it('not UTF-8, another declared encoding, not well-formed, an undeclared entity → XML_MALFORMED', async () => {
    await expectCode(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), 'XML_MALFORMED');
    await expectCode(replaceOnce(signed, 'encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'XML_MALFORMED');
    await expectCode(signed.slice(0, signed.length - 20), 'XML_MALFORMED');
    await expectCode(replaceOnce(signed, 'V/v kết nối', '&nbsp;'), 'XML_MALFORMED');
    await expectCode(readSdkFixture('edoc.edxml'), 'XML_MALFORMED');
  });
});

describe('a comment splitting a signed organ id', () => {
  // Decision: accepted. Exclusive C14N without comments drops comments from the signed content, so
  // the digest is unchanged and the signature is valid; the document still means the same organ id
  // as long as readers take the text whole (DOM textContent, fast-xml-parser do). Refusing would
  // need a rule no XMLDSig verifier implements, and comments are legal in signed edXML. A reference
  // URI="" never covers comments, even with a WithComments canonicalization (XMLDSig §4.3.3.3).
  it('exclusive C14N without comments: OK, and the OrganId read whole is the signed id', async () => {
    const tampered = replaceOnce(
      signed,
      '<edXML:OrganId>000.00.00.G22</edXML:OrganId>\n          <edXML:OrganName>',
      '<edXML:OrganId>000.00<!-- -->.00.G22</edXML:OrganId>\n          <edXML:OrganName>',
    );
    await expectCode(tampered, 'OK');
    const doc = new DOMParser().parseFromString(tampered, 'text/xml');
    const from = doc.getElementsByTagNameNS(EDXML_NS, 'From')[0];
    const organId = from?.getElementsByTagNameNS(EDXML_NS, 'OrganId')[0];
    expect(organId?.childNodes.length).toBe(3);
    expect(organId?.textContent).toBe('000.00.00.G22');
  });
  it('a WithComments canonicalization does not change this: URI="" never signs comments (XMLDSig §4.3.3.3), xmlsec1 agrees', async () => {
    const withComments = xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
      c14n: ALG.excC14nComments,
      transformC14n: ALG.excC14nComments,
    });
    const tampered = replaceOnce(
      withComments,
      '<edXML:OrganId>000.00.00.G22<',
      '<edXML:OrganId>000.00<!-- -->.00.G22<',
    );
    await expectCode(tampered, 'OK');
    expect(xmlsecVerify(tampered, [pki.rootPath], [pki.caPath]).ok).toBe(true);
    // Text, unlike a comment, is signed content.
    await expectCode(
      replaceOnce(withComments, '<edXML:OrganId>000.00.00.G22<', '<edXML:OrganId>000.00.00.G23<'),
      'SIGNATURE_INVALID',
    );
  });
});
