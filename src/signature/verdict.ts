import type { Finding, Severity } from '../core/index.ts';

/** The verdict codes: exactly one per verification. */
export type SignatureCode =
  | 'OK'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_SCOPE'
  | 'ALGORITHM_REJECTED'
  | 'CERT_UNTRUSTED'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_USAGE'
  | 'CERT_REVOKED'
  | 'XML_FORBIDDEN'
  | 'XML_MALFORMED';

/** Who signed: facts read from the signer certificate. */
export interface SignerIdentity {
  /** Subject DN as RFC 4514-style text. */
  subject: string;
  issuer: string;
  /** Serial number, lowercase hex. */
  serial: string;
  /** ISO 8601 instants. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  sha256Thumbprint: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (survives certificate renewal with the same key). */
  publicKeySha256: string;
  /** Subject attributes by short name (CN, OU, O, UID, SERIALNUMBER, …) or OID when unnamed. */
  subjectAttributes: Record<string, string[]>;
}

export interface SignatureVerdict {
  /** True iff `code` is OK. */
  valid: boolean;
  code: SignatureCode;
  /** Set whenever a certificate could be read from KeyInfo, also when the verdict is negative. */
  signer: SignerIdentity | null;
  /** SignatureMethod algorithm URI, when the signature could be read. */
  algorithm: string | null;
  /** Everything observed, errors and warnings, each with a stable code. */
  findings: Finding[];
}

/** Options of one verification. The pure module never reads the clock: `at` is required. */
export interface VerifyOptions {
  /** The instant certificate validity and CRL freshness are judged at (the edge passes "now"). */
  at: Date;
  /** Accept RSA-SHA1 / SHA-1 digests and SHA-1-signed certificates (legacy G1/MIC chains). Default false. */
  allowSha1?: boolean;
  /** What a CRL past its nextUpdate means: 'accept' (a warning) or 'reject' (CERT_UNTRUSTED). Default 'accept'. */
  staleCrl?: 'accept' | 'reject';
  /** When true, a certificate without any revocation information is CERT_UNTRUSTED. Default false. */
  requireRevocation?: boolean;
  /** Smallest RSA modulus accepted, in bits. Default 2048 (1024 when allowSha1). */
  minRsaBits?: number;
  /**
   * Canonicalizer: 'fast' (default: long text runs hashed from the input bytes, regex escaping,
   * node:crypto digests; differential-tested) or 'xmldsigjs' (the library's canonicalizer and digest
   * conversion, with the conformance fixes only; the baseline the fast path is tested against).
   */
  canonicalizer?: 'fast' | 'xmldsigjs';
  /**
   * With the 'fast' canonicalizer, try the direct verifier first (src/signature/direct/): packages up
   * to 512 KiB inside the narrow edXML profile are verified from the bytes, without a DOM; anything
   * else, and every refusal, is verified by the DOM path. Default true; false runs the DOM path only.
   */
  direct?: boolean;
}

export function finding(code: string, message: string, path = '', severity: Severity = 'error'): Finding {
  return { code, severity, path, message };
}

export function verdict(
  code: SignatureCode,
  findings: Finding[],
  signer: SignerIdentity | null = null,
  algorithm: string | null = null,
): SignatureVerdict {
  return { valid: code === 'OK', code, signer, algorithm, findings };
}
