// The signature area: XMLDSig verification and signing of edXML packages and statuses, X.509 chains
// and trust store, revocation, and the binding of a signer to the sending organization.

export type { CertInfo } from './certificate.ts';
export { signatureCodes } from './codes.ts';
export { type CreateDevPkiOptions, createDevPki, type DevOrganization, type DevPki } from './dev-pki.ts';
export { SpecEnvelopedSignatureTransform } from './enveloped-signature-transform.ts';
export {
  CrlRevocationSource,
  type RevocationQuery,
  type RevocationSource,
  type RevocationStatus,
} from './revocation.ts';
export { type SignOptions, signEdxml } from './sign-edxml.ts';
export {
  createSignatureVerifier,
  type SignatureVerifier,
  type SignatureVerifierConfig,
} from './signature-verifier.ts';
export { type BindingPolicy, checkSignerBinding, type SignerBinding } from './signer-binding.ts';
export {
  countTrustFiles,
  createTrustStore,
  describeTrustDir,
  type LoadTrustOptions,
  loadTrustStore,
  type TrustDirReport,
  type TrustMaterial,
  type TrustStore,
} from './trust-store.ts';
export type { SignatureCode, SignatureVerdict, SignerIdentity, VerifyOptions } from './verdict.ts';
export { verifyEdxmlSignature } from './verify-edxml-signature.ts';
