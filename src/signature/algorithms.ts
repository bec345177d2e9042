// The allow-list of XMLDSig algorithms the edXML profile accepts, with the WebCrypto parameters each
// maps to. Anything not listed here is refused before any cryptography runs.

export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const CANONICALIZATIONS: ReadonlySet<string> = new Set([
  C14N,
  C14N_WITH_COMMENTS,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
]);

/** Transforms that change which part of the document is covered: refused as a scope violation. */
export const SCOPE_NARROWING_TRANSFORMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/TR/1999/REC-xpath-19991116',
  'http://www.w3.org/2002/06/xmldsig-filter2',
  'http://www.w3.org/TR/1999/REC-xslt-19991116',
  'http://www.w3.org/2000/09/xmldsig#base64',
]);

export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
export const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

const DIGESTS: Readonly<Record<string, { hash: string; legacy: boolean }>> = {
  [SHA1]: { hash: 'SHA-1', legacy: true },
  [SHA256]: { hash: 'SHA-256', legacy: false },
  [SHA384]: { hash: 'SHA-384', legacy: false },
  [SHA512]: { hash: 'SHA-512', legacy: false },
};

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384';
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';
export const RSA_PSS_SHA256 = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';
export const RSA_PSS_SHA384 = 'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1';
export const RSA_PSS_SHA512 = 'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1';
export const RSA_PSS_PARAMS = 'http://www.w3.org/2007/05/xmldsig-more#rsa-pss';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384';

export type KeyFamily = 'RSA' | 'EC';

export interface SignatureAlgorithmInfo {
  /** Key family the certificate must carry. */
  family: KeyFamily;
  /** WebCrypto algorithm name used to import the key. */
  webCrypto: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA';
  /** Hash; for rsa-pss with parameters it is read from the parameters instead. */
  hash: string;
  legacy: boolean;
}

const SIGNATURES: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  [RSA_SHA1]: { family: 'RSA', webCrypto: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', legacy: true },
  [RSA_SHA256]: { family: 'RSA', webCrypto: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', legacy: false },
  [RSA_SHA384]: { family: 'RSA', webCrypto: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384', legacy: false },
  [RSA_SHA512]: { family: 'RSA', webCrypto: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512', legacy: false },
  [RSA_PSS_SHA256]: { family: 'RSA', webCrypto: 'RSA-PSS', hash: 'SHA-256', legacy: false },
  [RSA_PSS_SHA384]: { family: 'RSA', webCrypto: 'RSA-PSS', hash: 'SHA-384', legacy: false },
  [RSA_PSS_SHA512]: { family: 'RSA', webCrypto: 'RSA-PSS', hash: 'SHA-512', legacy: false },
  [RSA_PSS_PARAMS]: { family: 'RSA', webCrypto: 'RSA-PSS', hash: 'SHA-256', legacy: false },
  [ECDSA_SHA256]: { family: 'EC', webCrypto: 'ECDSA', hash: 'SHA-256', legacy: false },
  [ECDSA_SHA384]: { family: 'EC', webCrypto: 'ECDSA', hash: 'SHA-384', legacy: false },
};

/** EC curves accepted for ECDSA signer keys. */
export const ALLOWED_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384']);

export function signatureAlgorithm(uri: string, allowSha1: boolean): SignatureAlgorithmInfo | null {
  const info = SIGNATURES[uri];
  if (!info || (info.legacy && !allowSha1)) return null;
  return info;
}

export function digestAlgorithm(uri: string, allowSha1: boolean): string | null {
  const info = DIGESTS[uri];
  if (!info || (info.legacy && !allowSha1)) return null;
  return info.hash;
}

/** True for HMAC SignatureMethods, which are refused whatever the policy (a shared secret proves nothing about the sender). */
export function isHmac(uri: string): boolean {
  return /hmac/i.test(uri);
}
