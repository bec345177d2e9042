// The signer stage both verification paths share: read the signer certificate (and the extra
// certificates of KeyInfo) from their base64, check the key against the SignatureMethod and the key
// policy, and validate the chain to the trust store. Certificates are cached by their base64 text.
import type { Finding } from '../core/index.ts';
import type { SignatureAlgorithmInfo } from './algorithms.ts';
import { type CertInfo, keyFacts, parseBase64Certificate, signerIdentity } from './certificate.ts';
import { validateChain } from './chain.ts';
import type { TrustStore } from './trust-store.ts';
import {
  finding,
  type SignatureVerdict,
  type SignerIdentity,
  type VerifyOptions,
  verdict,
} from './verdict.ts';

export type SignerCheck =
  | {
      readonly ok: true;
      readonly leaf: CertInfo;
      readonly key: ReturnType<typeof keyFacts>;
      readonly signer: SignerIdentity;
      /** The chain's warnings (a stale CRL, …), part of an OK verdict. */
      readonly chain: { readonly findings: Finding[] };
    }
  | { readonly ok: false; readonly verdict: SignatureVerdict };

/** The signer stage: a trusted signer with a usable key, or the verdict that refuses it. */
export async function checkSigner(
  certificates: readonly string[],
  signatureMethod: string,
  algorithm: SignatureAlgorithmInfo,
  trust: TrustStore,
  options: VerifyOptions,
): Promise<SignerCheck> {
  const allowSha1 = options.allowSha1 ?? false;
  const [leafBase64, ...chainBase64] = certificates;
  if (!leafBase64) {
    return {
      ok: false,
      verdict: verdict(
        'CERT_UNTRUSTED',
        [finding('CERT_MISSING', 'KeyInfo carries no X509Certificate; the signer cannot be identified.')],
        null,
        signatureMethod,
      ),
    };
  }
  let leaf: CertInfo;
  try {
    leaf = parseCached(leafBase64);
  } catch {
    return {
      ok: false,
      verdict: verdict(
        'CERT_UNTRUSTED',
        [finding('CERT_MALFORMED', 'The signer X509Certificate cannot be parsed.')],
        null,
        signatureMethod,
      ),
    };
  }
  const signer: SignerIdentity = identityOf(leaf);
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
    return {
      ok: false,
      verdict: verdict(
        'SIGNATURE_INVALID',
        [finding('KEY_MISMATCH', `A ${key.family} key cannot verify ${signatureMethod}.`)],
        signer,
        signatureMethod,
      ),
    };
  }
  const minRsaBits = options.minRsaBits ?? (allowSha1 ? 1024 : 2048);
  if (key.family === 'RSA' && (key.bits ?? 0) < minRsaBits) {
    return {
      ok: false,
      verdict: verdict(
        'ALGORITHM_REJECTED',
        [finding('ALGORITHM_REJECTED', `RSA keys under ${minRsaBits} bits are not accepted.`)],
        signer,
        signatureMethod,
      ),
    };
  }
  if (key.family === 'EC' && !(key.curve === 'P-256' || key.curve === 'P-384')) {
    return {
      ok: false,
      verdict: verdict(
        'ALGORITHM_REJECTED',
        [finding('ALGORITHM_REJECTED', `Curve ${key.curve ?? 'unknown'} is not accepted.`)],
        signer,
        signatureMethod,
      ),
    };
  }

  const chain = await validateChain(leaf, extra, trust, {
    at: options.at,
    allowSha1,
    staleCrl: options.staleCrl ?? 'accept',
    requireRevocation: options.requireRevocation ?? false,
  });
  if (!chain.ok) return { ok: false, verdict: verdict(chain.code, chain.findings, signer, signatureMethod) };
  return { ok: true, leaf, key, signer, chain };
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

// The identity read from a certificate, once per certificate (name parsing is most of its cost).
const identities = new WeakMap<CertInfo, SignerIdentity>();

function identityOf(info: CertInfo): SignerIdentity {
  const hit = identities.get(info);
  if (hit) return hit;
  const identity = signerIdentity(info);
  identities.set(info, identity);
  return identity;
}
