// The cryptographic check, done by xmldsigjs's SignedXml with two adjustments:
//  - the Reference transforms are swapped for the spec-conformant enveloped transform (always) and,
//    on the fast path, for the fast canonicalizers. xmldsigjs's Transforms.OnLoadXml hard-codes the
//    classes it instantiates instead of consulting its transform registry, so registering a class is
//    not enough: the loaded instances are replaced in place (same <Transform> element, nothing marked
//    changed, so SignedInfo is canonicalized from the original element);
//  - ECDSA: SignedXml.Verify re-imports the key with the SignatureMethod's algorithm, which lacks
//    `namedCurve`, and WebCrypto then throws. The curve is added from the key.
import { XmlError } from 'xml-core';
import * as xmldsig from 'xmldsigjs';
import type { Finding } from '../core/index.ts';
import type { SignatureAlgorithmInfo } from './algorithms.ts';
import { ENVELOPED_SIGNATURE_URI, SpecEnvelopedSignatureTransform } from './enveloped-signature-transform.ts';
import {
  FastC14NTransform,
  FastC14NWithCommentsTransform,
  FastExcC14NTransform,
  FastExcC14NWithCommentsTransform,
} from './fast-c14n.ts';
import { finding } from './verdict.ts';
import { ensureXmlCrypto, nodeWebCrypto } from './xml-setup.ts';

export type Canonicalizer = 'fast' | 'xmldsigjs';

type TransformClass = new () => { Algorithm: string; LoadXml(element: Element): void };

const FAST: Readonly<Record<string, TransformClass>> = {
  [ENVELOPED_SIGNATURE_URI]: SpecEnvelopedSignatureTransform,
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': FastC14NTransform,
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': FastC14NWithCommentsTransform,
  'http://www.w3.org/2001/10/xml-exc-c14n#': FastExcC14NTransform,
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': FastExcC14NWithCommentsTransform,
};
const STOCK: Readonly<Record<string, TransformClass>> = {
  [ENVELOPED_SIGNATURE_URI]: SpecEnvelopedSignatureTransform,
};

/** Replaces the loaded Reference transforms of a SignedXml in place (see the file comment). */
export function installTransforms(signed: xmldsig.SignedXml, canonicalizer: Canonicalizer): void {
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

/** Imports a certificate's SubjectPublicKeyInfo for the SignatureMethod (extractable: SignedXml re-imports it). */
export async function importVerifyKey(
  spki: ArrayBuffer,
  algorithm: SignatureAlgorithmInfo,
  curve: string | undefined,
): Promise<CryptoKey> {
  const params =
    algorithm.webCrypto === 'ECDSA'
      ? { name: 'ECDSA', namedCurve: curve ?? '' }
      : { name: algorithm.webCrypto, hash: algorithm.hash };
  return nodeWebCrypto.subtle.importKey('spki', spki, params, true, ['verify']);
}

export type CryptoCheck = { ok: true } | { ok: false; findings: Finding[] };

/** Verifies the digest and the SignatureValue of `signature` (inside `doc`) with `key`. */
export async function verifyXmlSignature(
  doc: Document,
  signature: Element,
  key: CryptoKey,
  canonicalizer: Canonicalizer,
): Promise<CryptoCheck> {
  ensureXmlCrypto();
  try {
    const signed = new xmldsig.SignedXml(doc);
    signed.LoadXml(signature);
    installTransforms(signed, canonicalizer);
    if (key.algorithm.name === 'ECDSA' && signed.Algorithm) {
      const namedCurve = (key.algorithm as EcKeyAlgorithm).namedCurve;
      signed.Algorithm = { ...signed.Algorithm, namedCurve } as unknown as EcdsaParams;
    }
    if (await signed.Verify(key)) return { ok: true };
    return {
      ok: false,
      findings: [finding('SIGNATURE_INVALID', 'The SignatureValue does not verify with the signer key.')],
    };
  } catch (error) {
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
