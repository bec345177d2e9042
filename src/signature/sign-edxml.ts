// Signs an edXML document the way the profile verifies it: one enveloped signature as the last child
// of edXMLHeader, Reference URI="", enveloped + exclusive C14N transforms, SHA-256 digest, RSA-SHA256
// or ECDSA-SHA256, the certificate (and optional chain) in KeyInfo/X509Data. Like xmlsec1, it works on
// a template: the Signature element is spliced into the original text (so every other byte stays as
// the sender wrote it), the digest and SignedInfo are computed on that document, and the values are
// filled in. The result is verified again before it is returned.
import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import * as xmldsig from 'xmldsigjs';
import { LienthongError } from '../core/index.ts';
import { ECDSA_SHA256, EXC_C14N, RSA_SHA256, SHA256 } from './algorithms.ts';
import { type CertInfo, keyFacts, parseCertificate, sha256Hex } from './certificate.ts';
import {
  ENVELOPED_SIGNATURE_URI,
  SpecEnvelopedSignatureTransform,
  XMLDSIG_NS,
} from './enveloped-signature-transform.ts';
import { FastExcC14NTransform } from './fast-c14n.ts';
import { EDXML_NS } from './signature-profile.ts';
import { decodeUtf8, findForbiddenMarkup, parseText } from './xml-guard.ts';
import { ensureXmlCrypto, nodeWebCrypto } from './xml-setup.ts';
import { verifyXmlSignature } from './xmldsig-verify.ts';

export interface SignOptions {
  /** Private key, PEM (PKCS#8 preferred; PKCS#1 RSA and SEC1 EC keys are accepted). */
  keyPem: string;
  /** The signer certificate, PEM. */
  certPem: string;
  /** Further certificates (issuing CAs) to include in KeyInfo, PEM. */
  chainPem?: string;
  /** Default: from the key type. */
  alg?: 'rsa-sha256' | 'ecdsa-sha256';
}

/** Returns the signed document as text. Throws LienthongError SIGN_INPUT_INVALID / SIGN_KEY_INVALID. */
export async function signEdxml(xml: string | Uint8Array, options: SignOptions): Promise<string> {
  ensureXmlCrypto();
  const signer = await prepareSigner(options);
  const text = unsignedText(xml);
  const withTemplate = spliceIntoHeader(text, signatureTemplate(signer, ''));
  const digest = referenceDigest(withTemplate.text);
  const withDigest = spliceIntoHeader(text, signatureTemplate(signer, digest));
  const canonicalSignedInfo = signedInfoCanonical(withDigest.text);
  const signature = await nodeWebCrypto.subtle.sign(
    signer.signParams,
    signer.key,
    new TextEncoder().encode(canonicalSignedInfo),
  );
  const final = spliceIntoHeader(
    text,
    signatureTemplate(signer, digest, Buffer.from(signature).toString('base64')),
  ).text;
  await selfCheck(final, signer);
  return final;
}

interface Signer {
  key: CryptoKey;
  signParams: AlgorithmIdentifier | EcdsaParams;
  method: string;
  certificates: CertInfo[];
  curve: string | undefined;
}

async function prepareSigner(options: SignOptions): Promise<Signer> {
  let keyObject: KeyObject;
  let certificates: CertInfo[];
  try {
    keyObject = createPrivateKey(options.keyPem);
    certificates = [parseCertificate(options.certPem), ...pemCertificates(options.chainPem ?? '')];
  } catch (cause) {
    throw new LienthongError('SIGN_KEY_INVALID', 'The key or certificate PEM cannot be read.', { cause });
  }
  const leaf = certificates[0] as CertInfo;
  const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  if (sha256Hex(spki) !== sha256Hex(leaf.cert.publicKey.rawData)) {
    throw new LienthongError('SIGN_KEY_INVALID', 'The certificate does not belong to the private key.');
  }
  const facts = keyFacts(leaf.cert);
  const alg = options.alg ?? (facts.family === 'EC' ? 'ecdsa-sha256' : 'rsa-sha256');
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (alg === 'rsa-sha256' && facts.family === 'RSA') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await nodeWebCrypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
    return { key, signParams: params, method: RSA_SHA256, certificates, curve: undefined };
  }
  if (
    alg === 'ecdsa-sha256' &&
    facts.family === 'EC' &&
    (facts.curve === 'P-256' || facts.curve === 'P-384')
  ) {
    const key = await nodeWebCrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: facts.curve },
      false,
      ['sign'],
    );
    return {
      key,
      signParams: { name: 'ECDSA', hash: 'SHA-256' },
      method: ECDSA_SHA256,
      certificates,
      curve: facts.curve,
    };
  }
  throw new LienthongError(
    'SIGN_KEY_INVALID',
    `A ${facts.family} ${facts.curve ?? ''} key cannot sign with ${alg}.`,
  );
}

function pemCertificates(pem: string): CertInfo[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) =>
    parseCertificate(m[0]),
  );
}

/** The document to sign, as text; an SDK placeholder Signature (edXML namespace) is removed first. */
function unsignedText(xml: string | Uint8Array): string {
  const text = typeof xml === 'string' ? xml : decodeUtf8(xml);
  if (text === null) throw invalid('The document is not UTF-8.');
  const forbidden = findForbiddenMarkup(text);
  if (forbidden) throw invalid(forbidden.message);
  const parsed = parseText(text);
  if (!parsed.ok) throw invalid(parsed.findings[0]?.message ?? 'The document is not well-formed XML.');
  const header = edxmlHeader(parsed.doc);
  if (parsed.doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature').length > 0)
    throw invalid('The document is already signed.');
  const placeholders = Array.from(header.childNodes as ArrayLike<Node>).filter(
    (n) =>
      n.nodeType === 1 &&
      (n as Element).localName === 'Signature' &&
      (n as Element).namespaceURI === EDXML_NS,
  );
  if (placeholders.length === 0) return text;
  for (const p of placeholders) header.removeChild(p);
  // Removing an element cannot be done by splicing text safely, so the document is re-serialized;
  // what is signed (and returned) is that serialization.
  return new XMLSerializer().serializeToString(
    parsed.doc as unknown as Parameters<XMLSerializer['serializeToString']>[0],
  );
}

function edxmlHeader(doc: Document): Element {
  const root = doc.documentElement;
  if (root.localName !== 'edXML' || root.namespaceURI !== EDXML_NS)
    throw invalid('The document element is not edXML.');
  const envelope = childElement(root, 'edXMLEnvelope');
  const header = envelope ? childElement(envelope, 'edXMLHeader') : null;
  if (!header) throw invalid('The document has no edXMLEnvelope/edXMLHeader.');
  return header;
}

function childElement(parent: Element, localName: string): Element | null {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (
      n.nodeType === 1 &&
      (n as Element).localName === localName &&
      (n as Element).namespaceURI === EDXML_NS
    )
      return n as Element;
  }
  return null;
}

/** Inserts `fragment` as the last child of edXMLHeader, keeping the closing tag on its own line. */
function spliceIntoHeader(text: string, fragment: string): { text: string } {
  const parsed = parseText(text);
  if (!parsed.ok) throw invalid('The document is not well-formed XML.');
  const name = edxmlHeader(parsed.doc).nodeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const closes = [...text.matchAll(new RegExp(`</${name}\\s*>`, 'g'))];
  if (closes.length !== 1)
    throw invalid('The end tag of edXMLHeader cannot be located unambiguously (is it in a comment?).');
  const at = (closes[0] as RegExpMatchArray).index ?? 0;
  const indent = /[ \t]*$/.exec(text.slice(0, at))?.[0] ?? '';
  const newline = /\r?\n[ \t]*$/.test(text.slice(0, at)) ? `\n${indent}` : '';
  return { text: `${text.slice(0, at)}${fragment}${newline}${text.slice(at)}` };
}

function signatureTemplate(signer: Signer, digest: string, value = ''): string {
  const certs = signer.certificates
    .map((c) => `<ds:X509Certificate>${Buffer.from(c.der).toString('base64')}</ds:X509Certificate>`)
    .join('');
  return (
    `<ds:Signature xmlns:ds="${XMLDSIG_NS}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${signer.method}"/>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE_URI}"/><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data>${certs}</ds:X509Data></ds:KeyInfo></ds:Signature>`
  );
}

function signatureElement(text: string): { doc: Document; signature: Element } {
  const parsed = parseText(text);
  if (!parsed.ok) throw invalid('The signed document does not parse.');
  const signature = parsed.doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature')[0];
  if (!signature) throw invalid('The signature template was not found after insertion.');
  return { doc: parsed.doc, signature };
}

/** SHA-256 (base64) of the document with the Signature removed, in exclusive canonical form. */
function referenceDigest(text: string): string {
  const { doc, signature } = signatureElement(text);
  const transforms = signature.getElementsByTagNameNS(XMLDSIG_NS, 'Transform');
  const enveloped = new SpecEnvelopedSignatureTransform();
  enveloped.LoadXml(transforms[0] as Element);
  enveloped.LoadInnerXml(doc.documentElement.cloneNode(true) as Element);
  const c14n = new FastExcC14NTransform();
  c14n.LoadXml(transforms[1] as Element);
  c14n.LoadInnerXml(enveloped.GetOutput());
  return createHash('sha256').update(c14n.GetOutput(), 'utf8').digest('base64');
}

// SignedInfo is canonicalized exactly as the verifier (xmldsigjs SignedXml) will do it.
class SigningXml extends xmldsig.SignedXml {
  canonicalSignedInfo(doc: Document): string {
    return this.TransformSignedInfo(doc);
  }
}

function signedInfoCanonical(text: string): string {
  const { doc, signature } = signatureElement(text);
  const signing = new SigningXml(doc);
  signing.LoadXml(signature);
  return signing.canonicalSignedInfo(doc);
}

async function selfCheck(text: string, signer: Signer): Promise<void> {
  const { doc, signature } = signatureElement(text);
  const leaf = signer.certificates[0] as CertInfo;
  const key = { spki: leaf.cert.publicKey.rawData, curve: signer.curve, id: leaf.sha256 };
  const check = await verifyXmlSignature(doc, signature, key, 'fast');
  if (!check.ok) throw invalid('The signed document failed its own verification.');
}

function invalid(message: string, cause?: unknown): LienthongError {
  return new LienthongError('SIGN_INPUT_INVALID', message, cause === undefined ? {} : { cause });
}
