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
import {
  C14N,
  C14N_WITH_COMMENTS,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  type SignatureAlgorithmInfo,
} from './algorithms.ts';
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
