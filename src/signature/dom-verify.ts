// The DOM path of verification: the package parsed by the guarded DOM parser, the profile checked
// on the DOM (placement, scope, algorithms), trust in the certificate decided by our own chain check,
// and only then the expensive canonicalization and the signature check with the key of the
// certificate just trusted (xmldsigjs, with the fast canonicalizer unless asked otherwise). Every
// refusal's findings come from here. Loaded on first use (verify-edxml-signature.ts): the XML
// signature library costs about 0.3 s of start-up that the direct verifier does without.
import { BulkMismatchError, registerExtraction } from './bulk-text.ts';
import { checkSignatureProfile } from './signature-profile.ts';
import { checkSigner } from './signer-check.ts';
import type { TrustStore } from './trust-store.ts';
import { type SignatureVerdict, type VerifyOptions, verdict } from './verdict.ts';
import { parseGuardedXml } from './xml-guard.ts';
import { verifyXmlSignature } from './xmldsig-verify.ts';

/** Verifies on the DOM. Never throws for bad input: every failure is a verdict. */
export async function verifyWithDom(
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

  const trusted = await checkSigner(certificates, signatureMethod, algorithm, trust, options);
  if (!trusted.ok) return trusted.verdict;
  const { leaf, key, signer, chain } = trusted;

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
