import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { nameKey } from './names.ts';
import type { SignerIdentity } from './verdict.ts';
import { ensureX509 } from './x509-setup.ts';

/** A parsed certificate with the facts every check needs, computed once. */
export interface CertInfo {
  cert: x509.X509Certificate;
  /** SHA-256 of the DER, lowercase hex. */
  sha256: string;
  der: Uint8Array;
  /** Name comparison keys (see names.ts). */
  subjectKey: string;
  issuerKey: string;
}

// Attribute types @peculiar/x509 prints as OIDs; Vietnamese certificates carry the tax or
// organization code in UID and sometimes SERIALNUMBER.
const EXTRA_NAMES: Readonly<Record<string, string>> = {
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.97': 'organizationIdentifier',
  '2.5.4.9': 'STREET',
  '1.2.840.113549.1.9.1': 'E',
};

export function sha256Hex(data: Uint8Array | ArrayBuffer): string {
  return createHash('sha256')
    .update(data instanceof Uint8Array ? data : new Uint8Array(data))
    .digest('hex');
}

/** Parses DER (or PEM) certificate bytes. Throws on anything that is not a certificate. */
export function parseCertificate(data: Uint8Array | string): CertInfo {
  ensureX509();
  const cert = new x509.X509Certificate(typeof data === 'string' ? data : toArrayBuffer(data));
  // The library decodes extensions and the key lazily, on first use: a malformed one would then throw
  // deep inside the chain check. Decoding them here makes it a certificate that cannot be parsed.
  // (Found by the direct verifier's long differential run: a mutated KeyUsage crashed verification.)
  void cert.extensions;
  void cert.publicKey.algorithm;
  const der = new Uint8Array(cert.rawData);
  return {
    cert,
    der,
    sha256: sha256Hex(der),
    subjectKey: nameKey(cert.subject),
    issuerKey: nameKey(cert.issuer),
  };
}

/** Parses the base64 text of a KeyInfo X509Certificate element. */
export function parseBase64Certificate(base64: string): CertInfo {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('X509Certificate is not base64.');
  return parseCertificate(new Uint8Array(Buffer.from(base64, 'base64')));
}

export function signerIdentity(info: CertInfo): SignerIdentity {
  const { cert } = info;
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256Thumbprint: info.sha256,
    publicKeySha256: sha256Hex(cert.publicKey.rawData),
    subjectAttributes: nameAttributes(cert.subjectName),
  };
}

export function nameAttributes(name: x509.Name): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rdn of name.toJSON()) {
    for (const [type, values] of Object.entries(rdn)) {
      const key = EXTRA_NAMES[type] ?? type;
      const list = out[key] ?? [];
      list.push(...values);
      out[key] = list;
    }
  }
  return out;
}

/** The key family and size/curve of a certificate's public key. */
export function keyFacts(cert: x509.X509Certificate): {
  family: 'RSA' | 'EC' | 'OTHER';
  bits?: number;
  curve?: string;
} {
  const alg = cert.publicKey.algorithm as Algorithm & { modulusLength?: number; namedCurve?: string };
  if (alg.name.startsWith('RSA'))
    return { family: 'RSA', ...(alg.modulusLength ? { bits: alg.modulusLength } : {}) };
  if (alg.name === 'ECDSA' || alg.name === 'ECDH')
    return { family: 'EC', ...(alg.namedCurve ? { curve: alg.namedCurve } : {}) };
  return { family: 'OTHER' };
}

export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
