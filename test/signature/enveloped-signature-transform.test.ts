// The measured trap and its fix: xmldsigjs 2.8.8's enveloped transform removes only a Signature
// that is a direct child of the referenced node, so every edXML package (signature two levels down,
// in edXMLHeader) signed by a conformant signer fails; the spec-conformant transform fixes it.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import * as xmldsig from 'xmldsigjs';
import { SpecEnvelopedSignatureTransform } from '../../src/signature/enveloped-signature-transform.ts';
import { ensureXmlCrypto, nodeWebCrypto } from '../../src/signature/xml-setup.ts';
import { installTransforms } from '../../src/signature/xmldsig-verify.ts';
import { testPki } from '../support/pki.ts';
import { DSIG_NS, makePackage } from '../support/signature-docs.ts';
import { xmlsecSign } from '../support/signature-xmlsec.ts';

ensureXmlCrypto();

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
}

async function rsaKey(certPem: string): Promise<CryptoKey> {
  const { X509Certificate } = await import('@peculiar/x509');
  const cert = new X509Certificate(certPem);
  return nodeWebCrypto.subtle.importKey(
    'spki',
    cert.publicKey.rawData,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['verify'],
  );
}

describe('enveloped-signature transform', () => {
  it('xmldsigjs as shipped rejects an xmlsec1-signed edXML package; with the fixed transform it verifies', async () => {
    const pki = await testPki();
    const signed = xmlsecSign(
      makePackage({ attachmentBytes: 2000 }),
      pki.ids.rsa.keyPath,
      pki.ids.rsa.certPath,
    );
    const doc = parse(signed);
    const sigEl = doc.getElementsByTagNameNS(DSIG_NS, 'Signature')[0] as Element;
    const key = await rsaKey(pki.ids.rsa.certPem);

    const stock = new xmldsig.SignedXml(doc);
    stock.LoadXml(sigEl);
    await expect(stock.Verify(key)).rejects.toThrow(/Invalid digest/);

    const fixed = new xmldsig.SignedXml(doc);
    fixed.LoadXml(sigEl);
    installTransforms(fixed, 'xmldsigjs');
    expect(await fixed.Verify(key)).toBe(true);
  });

  const xml = `<r xmlns:ds="${DSIG_NS}"><a><b>text</b><ds:Signature><ds:SignedInfo><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms></ds:Reference></ds:SignedInfo></ds:Signature></a><ds:Signature Id="other"/></r>`;

  function transformOf(doc: Document): SpecEnvelopedSignatureTransform {
    const t = new SpecEnvelopedSignatureTransform();
    t.LoadXml(doc.getElementsByTagNameNS(DSIG_NS, 'Transform')[0] as Element);
    return t;
  }

  it('removes the Signature that contains it, wherever it sits, and nothing else', () => {
    const doc = parse(xml);
    const t = transformOf(doc);
    t.LoadInnerXml(doc.documentElement.cloneNode(true) as Element);
    const out = new XMLSerializer().serializeToString(t.GetOutput() as never);
    expect(out).toBe(`<r xmlns:ds="${DSIG_NS}"><a><b>text</b></a><ds:Signature Id="other"/></r>`);
    // The original document is untouched: the transform works on the clone it was given.
    expect(doc.getElementsByTagNameNS(DSIG_NS, 'Signature').length).toBe(2);
  });

  it('finds the Signature by path suffix when the input is a clone of an inner element (#id reference)', () => {
    const doc = parse(xml);
    const t = transformOf(doc);
    const a = doc.getElementsByTagName('a')[0] as Element;
    t.LoadInnerXml(a.cloneNode(true) as Element);
    expect(new XMLSerializer().serializeToString(t.GetOutput() as never)).toBe('<a><b>text</b></a>');
  });

  it('leaves the input unchanged when the containing Signature is not in it', () => {
    const doc = parse(xml);
    const t = transformOf(doc);
    const b = doc.getElementsByTagName('b')[0] as Element;
    t.LoadInnerXml(b.cloneNode(true) as Element);
    expect(new XMLSerializer().serializeToString(t.GetOutput() as never)).toBe('<b>text</b>');
  });

  it('does not remove a different Signature that merely sits at the same path', () => {
    const doc = parse(xml);
    const t = transformOf(doc);
    const other = parse(
      xml.replace('<b>text</b>', '<b>changed</b>').replace('<ds:SignedInfo>', '<ds:SignedInfo Id="x">'),
    );
    t.LoadInnerXml(other.documentElement.cloneNode(true) as Element);
    expect(new XMLSerializer().serializeToString(t.GetOutput() as never)).toContain('<ds:SignedInfo Id="x">');
  });
});
