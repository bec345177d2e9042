// Verification of an edXML package or status signature, in the order that keeps both the attack
// surface and the cost low: refuse dangerous markup before parsing; check the profile on the DOM
// (placement, scope, algorithms); decide trust in the certificate with our own chain check; only then
// run the expensive canonicalization and verify with the key of the certificate we just trusted.
import { BulkMismatchError, registerExtraction } from './bulk-text.ts';
import { type CertInfo, keyFacts, parseBase64Certificate, signerIdentity } from './certificate.ts';
import { validateChain } from './chain.ts';
import { checkSignatureProfile } from './signature-profile.ts';
import type { TrustStore } from './trust-store.ts';
import {
  finding,
  type SignatureVerdict,
  type SignerIdentity,
  type VerifyOptions,
  verdict,
} from './verdict.ts';
import { parseGuardedXml } from './xml-guard.ts';
import { verifyXmlSignature } from './xmldsig-verify.ts';

/** Verifies in the calling thread. Never throws for bad input: every failure is a verdict. */
export async function verifyEdxmlSignature(
  bytes: Uint8Array,
  trust: TrustStore,
  options: VerifyOptions,
): Promise<SignatureVerdict> {
  // The fast path cuts attachment-sized text runs out before parsing (bulk-text.ts). When a run turns
  // out not to be plain signed text (a comment, or inside the Signature), the document is verified
  // again the ordinary way.
  if ((options.canonicalizer ?? 'fast') === 'fast') {
    try {
      return await verifyBytes(bytes, trust, options, true);
    } catch (error) {
      if (!(error instanceof BulkMismatchError)) throw error;
    }
  }
  return verifyBytes(bytes, trust, options, false);
}

async function verifyBytes(
  bytes: Uint8Array,
  trust: TrustStore,
  options: VerifyOptions,
  bulk: boolean,
): Promise<SignatureVerdict> {
  const allowSha1 = options.allowSha1 ?? false;
  const parsed = parseGuardedXml(bytes, bulk);
  if (!parsed.ok) return verdict(parsed.code, parsed.findings);
  const profile = checkSignatureProfile(parsed.doc, allowSha1);
  if (!profile.ok) return verdict(profile.code, profile.findings, null, profile.algorithm);
  const { signature, signatureMethod, algorithm, certificates } = profile.value;
  const { extraction } = parsed;
  if (extraction && (signature.textContent ?? '').includes(extraction.marker))
    throw new BulkMismatchError('run in Signature');

  const [leafBase64, ...chainBase64] = certificates;
  if (!leafBase64) {
    return verdict(
      'CERT_UNTRUSTED',
      [finding('CERT_MISSING', 'KeyInfo carries no X509Certificate; the signer cannot be identified.')],
      null,
      signatureMethod,
    );
  }
  let leaf: CertInfo;
  try {
    leaf = parseCached(leafBase64);
  } catch {
    return verdict(
      'CERT_UNTRUSTED',
      [finding('CERT_MALFORMED', 'The signer X509Certificate cannot be parsed.')],
      null,
      signatureMethod,
    );
  }
  const signer: SignerIdentity = signerIdentity(leaf);
  const extra: CertInfo[] = [];
  for (const b64 of chainBase64) {
    try {
      extra.push(parseCached(b64));
    } catch {
      // An unreadable extra certificate only means fewer chain-building candidates.
    }
  }

  const key = keyFacts(leaf.cert);
  if (key.family !== algorithm.family) {
    return verdict(
      'SIGNATURE_INVALID',
      [finding('KEY_MISMATCH', `A ${key.family} key cannot verify ${signatureMethod}.`)],
      signer,
      signatureMethod,
    );
  }
  const minRsaBits = options.minRsaBits ?? (allowSha1 ? 1024 : 2048);
  if (key.family === 'RSA' && (key.bits ?? 0) < minRsaBits) {
    return verdict(
      'ALGORITHM_REJECTED',
      [finding('ALGORITHM_REJECTED', `RSA keys under ${minRsaBits} bits are not accepted.`)],
      signer,
      signatureMethod,
    );
  }
  if (key.family === 'EC' && !(key.curve === 'P-256' || key.curve === 'P-384')) {
    return verdict(
      'ALGORITHM_REJECTED',
      [finding('ALGORITHM_REJECTED', `Curve ${key.curve ?? 'unknown'} is not accepted.`)],
      signer,
      signatureMethod,
    );
  }

  const chain = await validateChain(leaf, extra, trust, {
    at: options.at,
    allowSha1,
    staleCrl: options.staleCrl ?? 'accept',
    requireRevocation: options.requireRevocation ?? false,
  });
  if (!chain.ok) return verdict(chain.code, chain.findings, signer, signatureMethod);

  const unregister = extraction ? registerExtraction(extraction) : null;
  let check: Awaited<ReturnType<typeof verifyXmlSignature>>;
  try {
    check = await verifyXmlSignature(
      parsed.doc,
      signature,
      { spki: leaf.cert.publicKey.rawData, curve: key.curve, id: leaf.sha256 },
      options.canonicalizer ?? 'fast',
    );
  } finally {
    unregister?.();
  }
  if (!check.ok)
    return verdict('SIGNATURE_INVALID', [...check.findings, ...chain.findings], signer, signatureMethod);
  return verdict('OK', chain.findings, signer, signatureMethod);
}

// Signer certificates repeat across packages; parsing ASN.1 each time is a visible share of the
// cost of a small package. The cache is keyed by the exact base64 text and bounded.
const certCache = new Map<string, CertInfo>();

function parseCached(base64: string): CertInfo {
  const hit = certCache.get(base64);
  if (hit) return hit;
  const info = parseBase64Certificate(base64);
  if (certCache.size >= 512) certCache.clear();
  certCache.set(base64, info);
  return info;
}
