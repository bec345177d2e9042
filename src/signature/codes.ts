import { defineCodes } from '../core/index.ts';

/**
 * Every stable code the signature area produces: the verdict codes (`SignatureVerdict.code`), the
 * finding codes that explain them, and the errors thrown by loading trust material and signing.
 */
export const signatureCodes = defineCodes({
  // Verdict codes.
  OK: {
    http: 200,
    meaning: 'The package signature verifies, and its certificate chains to a configured trust anchor.',
    action: 'None.',
  },
  SIGNATURE_MISSING: {
    http: 422,
    meaning:
      'The package carries no XML signature (a placeholder block in the edXML namespace does not count).',
    action:
      'Sign the package (enveloped XMLDSig inside edXMLHeader), or register the sender as legacy/unsigned.',
  },
  SIGNATURE_INVALID: {
    http: 422,
    meaning: 'The signature or a digest does not match the content: the package was changed after signing.',
    action: 'Resend the package exactly as signed; do not reformat or re-encode it after signing.',
  },
  SIGNATURE_SCOPE: {
    http: 422,
    meaning:
      'The signature does not cover the whole document the way the profile requires (placement, count, reference, transforms).',
    action:
      'Use one enveloped signature in edXMLHeader with one Reference URI="" and only enveloped + C14N transforms.',
  },
  ALGORITHM_REJECTED: {
    http: 422,
    meaning:
      'An algorithm (signature, digest, canonicalization, transform or key size) is not on the allow-list.',
    action: 'Sign with RSA (PKCS#1 v1.5 or PSS) or ECDSA P-256/P-384 and SHA-256 or stronger.',
  },
  CERT_UNTRUSTED: {
    http: 422,
    meaning: 'The signer certificate is missing, malformed, or does not chain to a configured trust anchor.',
    action: 'Sign with a certificate issued under a trusted CA and include it in KeyInfo/X509Data.',
  },
  CERT_EXPIRED: {
    http: 422,
    meaning: 'A certificate in the signer chain had expired at the validation time.',
    action: 'Renew the signing certificate and sign again.',
  },
  CERT_NOT_YET_VALID: {
    http: 422,
    meaning: 'A certificate in the signer chain was not yet valid at the validation time.',
    action: 'Check the signing system clock, or wait until the certificate becomes valid.',
  },
  CERT_USAGE: {
    http: 422,
    meaning:
      'A certificate is used for something it does not allow (signing without digitalSignature/nonRepudiation, an issuer that is not a CA, path length exceeded).',
    action: 'Sign with a document-signing certificate.',
  },
  CERT_REVOKED: {
    http: 422,
    meaning: 'A certificate in the signer chain is listed as revoked in a CRL.',
    action: 'Obtain a new certificate and sign again.',
  },
  XML_FORBIDDEN: {
    http: 422,
    meaning: 'The document contains a DOCTYPE, an entity declaration or a processing instruction.',
    action: 'Send plain XML: an XML declaration followed by the edXML element, nothing else.',
  },
  XML_MALFORMED: {
    http: 422,
    meaning: 'The bytes are not well-formed UTF-8 XML.',
    action: 'Send a well-formed UTF-8 XML document.',
  },
  // Finding codes (explain a verdict; not verdict codes themselves).
  XML_ENCODING: {
    http: 422,
    meaning: 'The bytes are not UTF-8, or the XML declaration names another encoding.',
    action: 'Send UTF-8.',
  },
  XML_PARSE: {
    http: 422,
    meaning: 'The XML parser refused the document (not well-formed or not namespace-well-formed).',
    action: 'Fix the XML producer; undeclared prefixes and text before the declaration are common causes.',
  },
  XML_DOCTYPE: {
    http: 422,
    meaning: 'The document contains a DOCTYPE or ENTITY declaration.',
    action: 'Remove the DOCTYPE.',
  },
  XML_PROCESSING_INSTRUCTION: {
    http: 422,
    meaning: 'The document contains a processing instruction other than the XML declaration.',
    action: 'Remove processing instructions.',
  },
  CERT_MISSING: {
    http: 422,
    meaning: 'KeyInfo carries no X509Certificate.',
    action: 'Include the signer certificate in KeyInfo/X509Data.',
  },
  CERT_MALFORMED: {
    http: 422,
    meaning: 'The X509Certificate in KeyInfo cannot be parsed.',
    action: 'Include the DER certificate, base64-encoded.',
  },
  KEY_MISMATCH: {
    http: 422,
    meaning: 'The certificate key does not fit the SignatureMethod (e.g. an RSA key with an ECDSA method).',
    action: 'Sign with the algorithm that matches the certificate key.',
  },
  SIGNATURE_PLACEHOLDER: {
    http: 422,
    meaning:
      'A Signature block in the edXML namespace (the SDK sample placeholder) was found; it is not a signature.',
    action: 'Sign the package with a real XMLDSig signature.',
  },
  DIGEST_MISMATCH: {
    http: 422,
    meaning: 'The digest of the signed content differs from the DigestValue in the signature.',
    action: 'Resend the package exactly as signed.',
  },
  CERT_CHAIN_INCOMPLETE: {
    http: 422,
    meaning: 'No path from the signer certificate to a trust anchor could be built.',
    action: 'Include the intermediate CA certificates, or configure the missing CA in the trust store.',
  },
  CERT_CRITICAL_EXTENSION: {
    http: 422,
    meaning: 'A certificate carries a critical extension this verifier does not process.',
    action: 'Use a certificate without unsupported critical extensions.',
  },
  CERT_WEAK_SIGNATURE: {
    http: 422,
    meaning: 'A certificate in the chain is signed with SHA-1 and the policy does not allow legacy SHA-1.',
    action: 'Use a SHA-256 chain (G2 / current CAs), or enable legacy SHA-1 for this sender.',
  },
  CRL_STALE: {
    http: 422,
    meaning: 'The CRL used for a revocation check is past its nextUpdate.',
    action: 'Refresh the CRL files of the trust store.',
  },
  CRL_INVALID: {
    http: 422,
    meaning: 'A CRL for the issuer was found but its signature does not verify; it was ignored.',
    action: 'Replace the CRL file with the one the CA publishes.',
  },
  REVOCATION_UNKNOWN: {
    http: 422,
    meaning: 'No revocation information (CRL) was available for a certificate in the chain.',
    action: 'Add the CA CRL to the trust store if revocation checking is required.',
  },
  SIGNER_NOT_SENDER: {
    http: 403,
    meaning: 'The signer certificate is not bound to the From organization of the package.',
    action:
      'Sign with the certificate registered for the sending organization, or register its thumbprint/attribute.',
  },
  // Errors thrown when loading trust material or signing.
  TRUST_STORE_INVALID: {
    http: 500,
    meaning: 'A trust store file could not be read or parsed as a certificate or CRL.',
    action: 'Fix or remove the file named in the error.',
  },
  TRUST_PROFILE_DISABLED: {
    http: 500,
    meaning:
      'A trust profile directory was configured but is not enabled (its fingerprints are not confirmed).',
    action:
      'Confirm every fingerprint against the official publication, then set "enabled": true in profile.json.',
  },
  TRUST_PROFILE_MISMATCH: {
    http: 500,
    meaning:
      'A file in a trust profile does not match the fingerprint its profile.json lists, or is not listed.',
    action: 'Restore the profile from a trusted copy; never add certificates to a profile by hand.',
  },
  SIGN_INPUT_INVALID: {
    http: 422,
    meaning:
      'The document to sign is not an edXML document that can be signed (malformed, already signed, no header).',
    action: 'Pass an unsigned, well-formed edXML document.',
  },
  SIGN_KEY_INVALID: {
    http: 422,
    meaning: 'The signing key or certificate cannot be used (unreadable, unsupported type, or not matching).',
    action: 'Pass a PKCS#8 RSA or ECDSA P-256 key and the certificate of the same key.',
  },
});

export type SignatureAreaCode = keyof typeof signatureCodes;
