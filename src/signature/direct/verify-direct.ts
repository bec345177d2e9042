// The direct verifier: an edXML signature checked straight from the bytes, without a DOM and
// without xmldsigjs, for packages inside the narrow profile (direct-profile.ts). One pass of a strict
// scanner builds a light tree; the document minus the Signature and the SignedInfo are canonicalized
// from it (c14n.ts), digested and verified with node:crypto; the signer stage (certificate, key
// policy, chain) is the one the library path runs (signer-check.ts).
//
// It only ever says yes: any doubt — input outside the scanner's subset or the profile, a signer the
// chain refuses, a digest or signature that does not verify — answers null, and the library path
// (verify-edxml-signature.ts) verifies the package again and gives the verdict with its findings.
// So a refused package costs both paths, and an accepted one only this. Differential tests
// (test/signature/direct/, bench/direct-verify.bench.ts) check that it never accepts what the
// library path or xmlsec1 refuses.
import { isUtf8 } from 'node:buffer';
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { findForbiddenMarkup } from '../forbidden-markup.ts';
import { checkSigner } from '../signer-check.ts';
import type { TrustStore } from '../trust-store.ts';
import { type SignatureVerdict, type VerifyOptions, verdict } from '../verdict.ts';
import { canonicalize } from './c14n.ts';
import { readDirectProfile } from './direct-profile.ts';
import { scanXml } from './xml-scan.ts';

/**
 * Packages above this size go to the library path, whose bulk-text fast path hashes attachment-sized
 * text straight from the input (about 1 GB/s): the direct verifier is for the many small packages.
 */
export const DIRECT_MAX_BYTES = 512 * 1024;

/** An OK verdict when the package verifies inside the narrow profile; null means "ask the library path". */
export async function verifyDirect(
  bytes: Uint8Array,
  trust: TrustStore,
  options: VerifyOptions,
): Promise<SignatureVerdict | null> {
  if (bytes.length > DIRECT_MAX_BYTES) return null;
  // A BOM leaves the scanner's subset (the library path drops it); invalid UTF-8 is refused there.
  if (!isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // The guard's markers (DOCTYPE, ENTITY, processing instructions) anywhere, even inside comments,
  // make the library path refuse the package: the direct path must not accept it.
  if (findForbiddenMarkup(text) !== null) return null;
  const root = scanXml(text);
  if (!root) return null;
  const profile = readDirectProfile(root);
  if (!profile) return null;
  const signer = await checkSigner(
    profile.certificates,
    profile.signatureMethod,
    profile.algorithm,
    trust,
    options,
  );
  if (!signer.ok) return null;

  const document = canonicalize(root, { ...profile.referenceC14n, omit: profile.signature });
  const digest = createHash(profile.digestHash).update(document, 'utf8').digest();
  if (!digest.equals(profile.digestValue)) return null;

  const signedInfo = Buffer.from(canonicalize(profile.signedInfo, profile.signedInfoC14n), 'utf8');
  const key = publicKeyOf(signer.leaf.sha256, signer.leaf.cert.publicKey.rawData);
  const hash = profile.algorithm.hash.replace('-', '').toLowerCase();
  const verified =
    profile.algorithm.family === 'EC'
      ? verify(hash, signedInfo, { key, dsaEncoding: 'ieee-p1363' }, profile.signatureValue)
      : verify(hash, signedInfo, key, profile.signatureValue);
  if (!verified) return null;
  return verdict('OK', signer.chain.findings, signer.signer, profile.signatureMethod);
}

// Public keys of trusted signer certificates, by certificate SHA-256: importing an RSA key costs
// about as much as verifying a small package's signature. Bounded.
const keys = new Map<string, KeyObject>();

function publicKeyOf(id: string, spki: ArrayBuffer): KeyObject {
  const hit = keys.get(id);
  if (hit) return hit;
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  if (keys.size >= 512) keys.clear();
  keys.set(id, key);
  return key;
}
