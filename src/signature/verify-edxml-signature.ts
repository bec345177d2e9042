// Verification of an edXML package or status signature. Small packages inside the narrow profile
// are verified from the bytes by the direct verifier (direct/verify-direct.ts), which only ever
// accepts; everything else, and every refusal, by the DOM path (dom-verify.ts), in the order that
// keeps both the attack surface and the cost low: refuse dangerous markup before parsing; check the
// profile on the DOM; decide trust in the certificate; only then canonicalize and verify.
import { verifyDirect } from './direct/verify-direct.ts';
import type { TrustStore } from './trust-store.ts';
import type { SignatureVerdict, VerifyOptions } from './verdict.ts';

/** Verifies in the calling thread. Never throws for bad input: every failure is a verdict. */
export async function verifyEdxmlSignature(
  bytes: Uint8Array,
  trust: TrustStore,
  options: VerifyOptions,
): Promise<SignatureVerdict> {
  if ((options.canonicalizer ?? 'fast') === 'fast' && options.direct !== false) {
    const direct = await verifyDirect(bytes, trust, options);
    if (direct) return direct;
  }
  // Loaded on first use: the DOM path brings the XML signature library (about 0.3 s of start-up).
  const { verifyWithDom } = await import('./dom-verify.ts');
  return verifyWithDom(bytes, trust, options);
}
