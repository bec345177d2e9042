// A development PKI (root → issuing CA → one certificate per organization, plus a CRL), built in
// memory. `lienthong pki dev` writes it to a folder; the test suite builds its certificates with the
// same helpers, so no private key is ever committed. Pure: the caller passes the time.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ensureXmlCrypto, nodeWebCrypto } from './xml-setup.ts';

/** Key algorithm of a generated key pair: RSA-2048 (PKCS#1 v1.5, SHA-256) or ECDSA P-256/P-384. */
export type DevKeyAlgorithm = 'rsa' | 'ecdsa' | 'ecdsa-p384';

const DAY = 86_400_000;

/** Organization id attribute used by the dev PKI: the organ id goes in the subject OU. */
export const DEV_ORGAN_ID_ATTRIBUTE = 'OU';

export interface DevOrganization {
  organId: string;
  keyPem: string;
  certPem: string;
  certPath: string;
  keyPath: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  sha256Thumbprint: string;
}

export interface DevPki {
  dir: string;
  rootCertPem: string;
  caCertPem: string;
  /** CRLs of the issuing CA and of the root, as one PEM bundle. */
  crlPem: string;
  organizations: DevOrganization[];
  /** Private key of the root (development only: lets an operator issue more demo CAs). */
  rootKeyPem?: string;
  /** Private key of the issuing CA (development only: lets an operator issue more demo certificates). */
  caKeyPem?: string;
}

export interface CreateDevPkiOptions {
  organIds: readonly string[];
  /** The moment the PKI is made: validity windows start one day before it. */
  at: Date;
  keyAlgorithm?: 'rsa' | 'ecdsa';
  /** Organizations whose certificate is issued and immediately listed as revoked in the CRL. */
  revokedOrganIds?: readonly string[];
}

/** Builds root, issuing CA, one certificate + PKCS#8 key per organization and a CRL. Returns PEMs. */
export async function createDevPki(options: CreateDevPkiOptions): Promise<Omit<DevPki, 'dir'>> {
  const { at } = options;
  const kind = options.keyAlgorithm ?? 'rsa';
  const root = await createRootCa({ subject: 'CN=lienthong dev Root CA, O=lienthong dev, C=VN', at, kind });
  const ca = await issueCaCertificate({
    subject: 'CN=lienthong dev Issuing CA, O=lienthong dev, C=VN',
    issuer: root,
    at,
    kind,
    pathLength: 0,
  });
  const organizations: DevOrganization[] = [];
  const revoked: string[] = [];
  for (const organId of options.organIds) {
    const leaf = await issueLeafCertificate({ subject: devSubject(organId), issuer: ca, at, kind });
    if (options.revokedOrganIds?.includes(organId)) revoked.push(leaf.cert.serialNumber);
    organizations.push({
      organId,
      keyPem: await privateKeyToPem(leaf.keys.privateKey),
      certPem: leaf.cert.toString('pem'),
      certPath: `orgs/${fileSafe(organId)}.cert.pem`,
      keyPath: `orgs/${fileSafe(organId)}.key.pem`,
      sha256Thumbprint: await thumbprintHex(leaf.cert),
    });
  }
  const nextUpdate = new Date(at.getTime() + 7 * DAY);
  const crl = await createCrl({
    issuer: ca,
    thisUpdate: at,
    nextUpdate,
    revoked: revoked.map((serialNumber) => ({ serialNumber, revocationDate: at })),
  });
  // The root's CRL (listing no CA) too, so that the whole chain has revocation information.
  const rootCrl = await createCrl({ issuer: root, thisUpdate: at, nextUpdate, revoked: [] });
  return {
    rootCertPem: root.cert.toString('pem'),
    caCertPem: ca.cert.toString('pem'),
    crlPem: `${crl.toString('pem')}\n${rootCrl.toString('pem')}`,
    organizations,
    rootKeyPem: await privateKeyToPem(root.keys.privateKey),
    caKeyPem: await privateKeyToPem(ca.keys.privateKey),
  };
}

/** Subject of a dev organization certificate: the organ id in OU (what a binding policy reads). */
export function devSubject(organId: string): string {
  return `CN=${organId} (lienthong dev), ${DEV_ORGAN_ID_ATTRIBUTE}=${organId}, O=lienthong dev, C=VN`;
}

/** A certificate with the key pair that belongs to it. */
export interface IssuedCertificate {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export function keyGenParams(kind: DevKeyAlgorithm): RsaHashedKeyGenParams | EcKeyGenParams {
  if (kind === 'rsa') {
    return {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    };
  }
  return { name: 'ECDSA', namedCurve: kind === 'ecdsa-p384' ? 'P-384' : 'P-256' };
}

function signingAlgorithm(kind: DevKeyAlgorithm): Algorithm | EcdsaParams {
  if (kind === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm;
  return { name: 'ECDSA', hash: kind === 'ecdsa-p384' ? 'SHA-384' : 'SHA-256' };
}

export async function generateKeyPair(kind: DevKeyAlgorithm): Promise<CryptoKeyPair> {
  ensureXmlCrypto();
  return (await nodeWebCrypto.subtle.generateKey(keyGenParams(kind), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

export interface RootCaParams {
  subject: string;
  at: Date;
  kind: DevKeyAlgorithm;
  /** Validity in days from one day before `at`. Default 3650. */
  days?: number;
  extensions?: readonly x509.Extension[];
}

export async function createRootCa(params: RootCaParams): Promise<IssuedCertificate> {
  const keys = await generateKeyPair(params.kind);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: params.subject,
      keys,
      notBefore: new Date(params.at.getTime() - DAY),
      notAfter: new Date(params.at.getTime() + (params.days ?? 3650) * DAY),
      signingAlgorithm: signingAlgorithm(params.kind),
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ...(params.extensions ?? []),
      ],
    },
    nodeWebCrypto,
  );
  return { cert, keys };
}

export interface IssueParams {
  subject: string;
  issuer: IssuedCertificate;
  at: Date;
  kind: DevKeyAlgorithm;
  /** Validity window; defaults: notBefore = at − 1 day, notAfter = at + `days` (default 730). */
  notBefore?: Date;
  notAfter?: Date;
  days?: number;
  /** Key usage flags. Leaf default: digitalSignature | nonRepudiation; CA default: keyCertSign | cRLSign. */
  keyUsage?: number;
  /** Replaces the default extension list entirely (basic constraints and key usage included). */
  replaceExtensions?: readonly x509.Extension[];
  extensions?: readonly x509.Extension[];
  /** Use this key pair instead of generating one. */
  keys?: CryptoKeyPair;
  /** Hash of the issuer's signature on this certificate. Default SHA-256 (SHA-384 for P-384 issuers). */
  signingHash?: 'SHA-1' | 'SHA-256' | 'SHA-384';
}

async function issue(params: IssueParams, ca: boolean, pathLength?: number): Promise<IssuedCertificate> {
  const keys = params.keys ?? (await generateKeyPair(params.kind));
  const defaultUsage = ca
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
    : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
  const extensions = params.replaceExtensions ?? [
    new x509.BasicConstraintsExtension(ca, pathLength, true),
    new x509.KeyUsagesExtension(params.keyUsage ?? defaultUsage, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(params.issuer.cert.publicKey),
    ...(params.extensions ?? []),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: params.subject,
      issuer: params.issuer.cert.subjectName,
      publicKey: keys.publicKey,
      signingKey: await keyForHash(params.issuer.keys.privateKey, params.signingHash),
      notBefore: params.notBefore ?? new Date(params.at.getTime() - DAY),
      notAfter: params.notAfter ?? new Date(params.at.getTime() + (params.days ?? 730) * DAY),
      signingAlgorithm: signingAlgorithmOf(params.issuer.keys.privateKey, params.signingHash),
      extensions: [...extensions],
    },
    nodeWebCrypto,
  );
  return { cert, keys };
}

// WebCrypto binds the hash of an RSA key at import time; signing with another hash needs a re-import.
async function keyForHash(key: CryptoKey, hash: string | undefined): Promise<CryptoKey> {
  const current = (key.algorithm as RsaHashedKeyAlgorithm).hash?.name;
  if (!hash || key.algorithm.name === 'ECDSA' || current === hash) return key;
  const pkcs8 = await nodeWebCrypto.subtle.exportKey('pkcs8', key);
  return nodeWebCrypto.subtle.importKey('pkcs8', pkcs8, { name: key.algorithm.name, hash }, true, ['sign']);
}

function signingAlgorithmOf(key: CryptoKey, hash?: string): Algorithm | EcdsaParams {
  if (key.algorithm.name === 'ECDSA') {
    const curve = (key.algorithm as EcKeyAlgorithm).namedCurve;
    return { name: 'ECDSA', hash: hash ?? (curve === 'P-384' ? 'SHA-384' : 'SHA-256') };
  }
  return { name: key.algorithm.name, hash: hash ?? 'SHA-256' } as Algorithm;
}

/** Issues a CA certificate (basicConstraints cA=true, critical; keyCertSign | cRLSign). */
export function issueCaCertificate(
  params: IssueParams & { pathLength?: number },
): Promise<IssuedCertificate> {
  return issue(params, true, params.pathLength);
}

/** Issues an end-entity signing certificate (cA=false; digitalSignature | nonRepudiation unless overridden). */
export function issueLeafCertificate(params: IssueParams): Promise<IssuedCertificate> {
  return issue(params, false);
}

export interface CrlParams {
  issuer: IssuedCertificate;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: ReadonlyArray<{ serialNumber: string; revocationDate: Date; reason?: x509.X509CrlReason }>;
}

export async function createCrl(params: CrlParams): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create(
    {
      issuer: params.issuer.cert.subjectName,
      thisUpdate: params.thisUpdate,
      ...(params.nextUpdate ? { nextUpdate: params.nextUpdate } : {}),
      signingAlgorithm: signingAlgorithmOf(params.issuer.keys.privateKey),
      signingKey: params.issuer.keys.privateKey,
      entries: params.revoked.map((r) => ({
        serialNumber: r.serialNumber,
        revocationDate: r.revocationDate,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      })),
    },
    nodeWebCrypto,
  );
}

/** PKCS#8 PEM of a private key. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await nodeWebCrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function thumbprintHex(cert: x509.X509Certificate): Promise<string> {
  return Buffer.from(await cert.getThumbprint('SHA-256', nodeWebCrypto)).toString('hex');
}

function fileSafe(organId: string): string {
  return organId.replace(/[^A-Za-z0-9._-]/g, '_');
}
