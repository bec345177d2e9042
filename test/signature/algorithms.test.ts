// Allow-listed algorithms xmlsec1 1.2.37 cannot produce (RSA-PSS) or that the other tests do not
// cover (RSA-SHA384), signed with xmldsigjs itself and placed in edXMLHeader.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import * as xmldsig from 'xmldsigjs';
import { verifyEdxmlSignature } from '../../src/signature/index.ts';
import { ensureXmlCrypto, nodeWebCrypto } from '../../src/signature/xml-setup.ts';
import { testPki } from '../support/pki.ts';
import { EDXML_NS, makePackage } from '../support/signature-docs.ts';

ensureXmlCrypto();

async function signWithXmldsigjs(name: string, hash: string, extra: Record<string, number>): Promise<string> {
  const pki = await testPki();
  const pkcs8 = await nodeWebCrypto.subtle.exportKey('pkcs8', pki.ids.rsa.issued.keys.privateKey);
  const key = await nodeWebCrypto.subtle.importKey('pkcs8', pkcs8, { name, hash }, true, ['sign']);
  const doc = new DOMParser().parseFromString(makePackage(), 'text/xml') as unknown as Document;
  const signed = new xmldsig.SignedXml();
  // Exclusive C14N for SignedInfo: it is canonicalized here, detached, and verified in edXMLHeader.
  signed.XmlSignature.SignedInfo.CanonicalizationMethod.Algorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  await signed.Sign({ name, hash, ...extra } as Algorithm, key, doc, {
    references: [{ uri: '', hash, transforms: ['enveloped', 'exc-c14n'] }],
    x509: [pki.ids.rsa.issued.cert.toString('base64')],
  });
  const header = doc.getElementsByTagNameNS(EDXML_NS, 'edXMLHeader')[0] as Element;
  header.appendChild(doc.importNode(signed.GetXml() as Element, true));
  return new XMLSerializer().serializeToString(doc as never);
}

describe('RSA-PSS and RSA-SHA384', () => {
  it.each([
    ['RSA-PSS', 'SHA-256', { saltLength: 32 }, 'http://www.w3.org/2007/05/xmldsig-more#rsa-pss'],
    ['RSA-PSS', 'SHA-512', { saltLength: 64 }, 'http://www.w3.org/2007/05/xmldsig-more#rsa-pss'],
    ['RSASSA-PKCS1-v1_5', 'SHA-384', {}, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384'],
  ])('%s with %s verifies, and fails when tampered', async (name, hash, extra, method) => {
    const pki = await testPki();
    const xml = await signWithXmldsigjs(name, hash, extra);
    const v = await verifyEdxmlSignature(new TextEncoder().encode(xml), pki.store, { at: pki.at });
    expect(v.code, JSON.stringify(v.findings)).toBe('OK');
    expect(v.algorithm).toBe(method);
    const tampered = xml.replace('000.00.00.H29', '000.00.00.H30');
    expect(
      (await verifyEdxmlSignature(new TextEncoder().encode(tampered), pki.store, { at: pki.at })).code,
    ).toBe('SIGNATURE_INVALID');
  });

  it('an RSA-PSS signature whose parameters name SHA-1 is refused', async () => {
    const pki = await testPki();
    const xml = (await signWithXmldsigjs('RSA-PSS', 'SHA-256', { saltLength: 32 })).replace(
      /(<ds:SignatureMethod[^>]*>[\s\S]*?<ds:DigestMethod Algorithm=")[^"]+"/,
      '$1http://www.w3.org/2000/09/xmldsig#sha1"',
    );
    expect(xml).toMatch(
      /<pss:RSAPSSParams[^>]*><ds:DigestMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#sha1"/,
    );
    expect((await verifyEdxmlSignature(new TextEncoder().encode(xml), pki.store, { at: pki.at })).code).toBe(
      'ALGORITHM_REJECTED',
    );
  });
});
