// The cryptographic check, done by xmldsigjs's SignedXml with two adjustments:
//  - the Reference transforms are swapped for the spec-conformant enveloped transform (always) and,
//    on the fast path, for the fast canonicalizers. xmldsigjs's Transforms.OnLoadXml hard-codes the
//    classes it instantiates instead of consulting its transform registry, so registering a class is
//    not enough: the loaded instances are replaced in place (same <Transform> element, nothing marked
//    changed, so SignedInfo is canonicalized from the original element);
//  - ECDSA: SignedXml.Verify re-imports the key with the SignatureMethod's algorithm, which lacks
//    `namedCurve`, and WebCrypto then throws. The key is imported here, with the curve, and the
//    re-import is skipped (see verifyXmlSignature).
import { XmlError } from 'xml-core';
import * as xmldsig from 'xmldsigjs';
import type { Finding } from '../core/index.ts';
import { C14N, C14N_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS } from './algorithms.ts';
import { BulkMismatchError } from './bulk-text.ts';
import { ConformantC14NTransform, ConformantExcC14NTransform } from './conformant-canonicalizer.ts';
import { ENVELOPED_SIGNATURE_URI, SpecEnvelopedSignatureTransform } from './enveloped-signature-transform.ts';
import { FastC14NTransform, FastExcC14NTransform } from './fast-c14n.ts';
import { finding } from './verdict.ts';
import { ensureXmlCrypto, nodeWebCrypto } from './xml-setup.ts';

export type Canonicalizer = 'fast' | 'xmldsigjs';

type TransformClass = new () => { Algorithm: string; LoadXml(element: Element): void };

// XMLDSig §4.3.3.3: a same-document reference (URI="" or "#id") selects the node-set *minus comment
// nodes*, so a "#WithComments" canonicalization of it outputs no comments either (xmlsec1 and other
// conformant signers do exactly that). xmldsigjs keeps the comments and so fails on every such
// package that contains one; its `replaceCanonicalization` switch would fix it but builds fresh
// transforms that drop an InclusiveNamespaces PrefixList, so the classes are mapped here instead.
// The profile only admits same-document references, so the mapping always applies.
const FAST: Readonly<Record<string, TransformClass>> = {
  [ENVELOPED_SIGNATURE_URI]: SpecEnvelopedSignatureTransform,
  [C14N]: FastC14NTransform,
  [C14N_WITH_COMMENTS]: FastC14NTransform,
  [EXC_C14N]: FastExcC14NTransform,
  [EXC_C14N_WITH_COMMENTS]: FastExcC14NTransform,
};
// Without the fast path: xmldsigjs's canonicalizer with the two conformance fixes (comments of a
// same-document reference, namespace declarations; see conformant-canonicalizer.ts).
const STOCK: Readonly<Record<string, TransformClass>> = {
  [ENVELOPED_SIGNATURE_URI]: SpecEnvelopedSignatureTransform,
  [C14N]: ConformantC14NTransform,
  [C14N_WITH_COMMENTS]: ConformantC14NTransform,
  [EXC_C14N]: ConformantExcC14NTransform,
  [EXC_C14N_WITH_COMMENTS]: ConformantExcC14NTransform,
};

/** Replaces the loaded Reference transforms of a SignedXml in place (see the file comment). */
export function installTransforms(
  signed: Pick<xmldsig.SignedXml, 'XmlSignature'>,
  canonicalizer: Canonicalizer,
): void {
  const table = canonicalizer === 'fast' ? FAST : STOCK;
  for (const reference of signed.XmlSignature.SignedInfo.References.GetIterator()) {
    const items = reference.Transforms.GetIterator();
    for (let i = 0; i < items.length; i++) {
      const loaded = items[i];
      const Replacement = loaded ? table[loaded.Algorithm] : undefined;
      if (!loaded?.Element || !Replacement) continue;
      const replacement = new Replacement();
      replacement.LoadXml(loaded.Element);
      items[i] = replacement as unknown as xmldsig.Transform;
    }
  }
}

/** The signer's public key as the verifier needs it. */
export interface VerifyKey {
  /** SubjectPublicKeyInfo DER of the (already trusted) certificate. */
  spki: ArrayBuffer;
  /** EC curve name (P-256, P-384) for ECDSA keys. */
  curve: string | undefined;
  /** Stable identity for caching the imported key (e.g. the certificate SHA-256). */
  id: string;
}

// Imported keys, by certificate and algorithm parameters: importing an RSA key costs about as much as
// verifying a small package's signature. Bounded; keys of trusted certificates only.
const keyCache = new Map<string, CryptoKey>();

async function importKey(key: VerifyKey, algorithm: Algorithm & { hash?: unknown }): Promise<CryptoKey> {
  const params =
    algorithm.name === 'ECDSA'
      ? { name: 'ECDSA', namedCurve: key.curve ?? '' }
      : { name: algorithm.name, hash: algorithm.hash };
  const cacheKey = `${key.id}|${JSON.stringify(params)}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  const imported = await nodeWebCrypto.subtle.importKey(
    'spki',
    key.spki,
    params as AlgorithmIdentifier,
    false,
    ['verify'],
  );
  if (keyCache.size >= 512) keyCache.clear();
  keyCache.set(cacheKey, imported);
  return imported;
}

export type CryptoCheck = { ok: true } | { ok: false; findings: Finding[] };

/**
 * Verifies the digest and the SignatureValue of `signature` (inside `doc`) with the given key.
 *
 * The key is imported here with the parameters xmldsigjs derives from the SignatureMethod (hash,
 * RSA-PSS salt) plus the curve from the certificate, and SignedXml's own re-import is skipped: that
 * re-import is where xmldsigjs loses the ECDSA `namedCurve` (WebCrypto then throws), and it costs a
 * key import per verification. KeyInfo is detached while the signature is loaded, because the
 * library would otherwise parse every certificate in it again although the key is given explicitly.
 */
export async function verifyXmlSignature(
  doc: Document,
  signature: Element,
  key: VerifyKey,
  canonicalizer: Canonicalizer,
): Promise<CryptoCheck> {
  ensureXmlCrypto();
  let signed: InPlaceSignedXml;
  let cryptoKey: CryptoKey;
  try {
    signed = new InPlaceSignedXml(doc);
    loadWithoutKeyInfo(signed, signature);
    installTransforms(signed, canonicalizer);
    const algorithm = signed.Algorithm;
    if (!algorithm) throw new Error('no SignatureMethod');
    cryptoKey = await importKey(key, algorithm);
    signed.Algorithm = undefined;
  } catch {
    return {
      ok: false,
      findings: [finding('KEY_MISMATCH', 'The signer key cannot be used with the SignatureMethod.')],
    };
  }
  try {
    if (await signed.verifyInPlace(cryptoKey, signature)) return { ok: true };
    return {
      ok: false,
      findings: [finding('SIGNATURE_INVALID', 'The SignatureValue does not verify with the signer key.')],
    };
  } catch (error) {
    if (error instanceof BulkMismatchError) throw error;
    if (error instanceof XmlError && /Invalid digest/.test(error.message)) {
      return {
        ok: false,
        findings: [finding('DIGEST_MISMATCH', 'The signed content was changed: the digest does not match.')],
      };
    }
    const message = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 160) : 'unknown error';
    return {
      ok: false,
      findings: [finding('SIGNATURE_INVALID', `The signature cannot be verified: ${message}`)],
    };
  }
}

/**
 * SignedXml.Verify() without its deep clone of the whole document (xmldom's cloneNode costs more than
 * the rest of a small package's verification). The enveloped transform then removes the Signature
 * from the document itself, so it is put back as soon as the reference is digested; the document is
 * this verification's own parse, shared with nothing else.
 */
class InPlaceSignedXml extends xmldsig.SignedXml {
  async verifyInPlace(key: CryptoKey, signature: Element): Promise<boolean> {
    const root = signature.ownerDocument.documentElement;
    const parent = signature.parentNode;
    const next = signature.nextSibling;
    try {
      if (!(await this.ValidateReferences(root))) return false;
    } finally {
      if (parent && signature.parentNode !== parent) parent.insertBefore(signature, next);
    }
    return this.ValidateSignatureValue([key]);
  }
}

function loadWithoutKeyInfo(signed: InPlaceSignedXml, signature: Element): void {
  let keyInfo: Node | null = null;
  for (let n = signature.firstChild; n; n = n.nextSibling) {
    if (
      n.nodeType === 1 &&
      (n as Element).localName === 'KeyInfo' &&
      (n as Element).namespaceURI === signature.namespaceURI
    )
      keyInfo = n;
  }
  const next = keyInfo?.nextSibling ?? null;
  if (keyInfo) signature.removeChild(keyInfo);
  try {
    signed.LoadXml(signature);
  } finally {
    if (keyInfo) signature.insertBefore(keyInfo, next);
  }
}
