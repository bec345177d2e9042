// The trust store: anchors (self-signed CA certificates the operator trusts), intermediates (chain
// building aids, trusted only through an anchor), CRLs and the revocation sources built from them.
// `createTrustStore` is pure; `loadTrustStore` reads files and directories (PEM or DER).
import 'reflect-metadata';
import { type Dirent, readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import path, { join, relative } from 'node:path';
import * as x509 from '@peculiar/x509';
import { LienthongError } from '../core/index.ts';
import { type CertInfo, parseCertificate, toArrayBuffer } from './certificate.ts';
import { CrlRevocationSource, type RevocationSource } from './revocation.ts';
import { readTrustProfile, type TrustProfile } from './trust-profile.ts';
import { ensureX509, nodeWebCrypto } from './x509-setup.ts';

export interface TrustStore {
  /** Trust anchors: a chain is trusted only if it ends at one of these (compared by SHA-256). */
  readonly anchors: readonly CertInfo[];
  /** CA certificates used to build chains; never trusted by themselves. */
  readonly intermediates: readonly CertInfo[];
  readonly crls: readonly x509.X509Crl[];
  /** Asked in order for each certificate below an anchor; the first definite answer wins. */
  readonly revocationSources: readonly RevocationSource[];
  /** SHA-256 of every anchor. */
  readonly anchorSha256: ReadonlySet<string>;
  /** Memo of verified child→issuer signatures (a time-independent fact), keyed "child:issuer". */
  readonly linkCache: Map<string, boolean>;
}

export interface TrustMaterial {
  anchors: readonly CertInfo[];
  intermediates?: readonly CertInfo[];
  crls?: readonly x509.X509Crl[];
  /** Extra revocation sources asked after the CRL source (e.g. OCSP). */
  revocationSources?: readonly RevocationSource[];
}

export function createTrustStore(material: TrustMaterial): TrustStore {
  const anchors = dedupe(material.anchors);
  const anchorSha256 = new Set(anchors.map((a) => a.sha256));
  const intermediates = dedupe(material.intermediates ?? []).filter((c) => !anchorSha256.has(c.sha256));
  const crls = material.crls ?? [];
  return {
    anchors,
    intermediates,
    crls,
    revocationSources: [new CrlRevocationSource(crls), ...(material.revocationSources ?? [])],
    anchorSha256,
    linkCache: new Map(),
  };
}

export interface LoadTrustOptions {
  /** Load trust profiles whose profile.json is not enabled (tests and fingerprint inspection only). */
  allowDisabledProfiles?: boolean;
  /** Files that must hold only CRLs (a certificate here is refused: it must not become an anchor by accident). */
  crlPaths?: readonly string[];
  revocationSources?: readonly RevocationSource[];
}

/**
 * Reads certificates and CRLs from files or directories (recursively). Self-signed CA certificates
 * become anchors, other certificates intermediates; `*.crl`, `*.crl.pem` and PEM "X509 CRL"/"CRL"
 * blocks are CRLs; PEM private-key blocks are skipped. A directory holding a `profile.json` is a trust profile:
 * it loads only when enabled, and every certificate in it must match the fingerprint listed there.
 */
export async function loadTrustStore(
  paths: readonly string[],
  options: LoadTrustOptions = {},
): Promise<TrustStore> {
  ensureX509();
  const certs: CertInfo[] = [];
  const anchorsByProfile: CertInfo[] = [];
  const crls: x509.X509Crl[] = [];
  for (const path of paths) {
    const stat = statOrThrow(path);
    const profile = stat.isDirectory() ? readTrustProfile(path) : null;
    if (profile && !profile.enabled && !options.allowDisabledProfiles) {
      throw new LienthongError(
        'TRUST_PROFILE_DISABLED',
        `Trust profile "${profile.name}" at ${path} is not enabled; confirm its fingerprints first.`,
        { where: path },
      );
    }
    const files = stat.isDirectory() ? listFiles(path) : [path];
    const loaded: Array<{ file: string; info: CertInfo }> = [];
    for (const file of files) {
      const parsed = readTrustFile(file);
      crls.push(...parsed.crls);
      for (const info of parsed.certs) loaded.push({ file, info });
    }
    if (profile) {
      checkProfile(profile, path, loaded);
      for (const { file, info } of loaded) {
        (profile.roleOf(relative(path, file)) === 'anchor' ? anchorsByProfile : certs).push(info);
      }
    } else {
      certs.push(...loaded.map((l) => l.info));
    }
  }
  for (const file of options.crlPaths ?? []) {
    statOrThrow(file);
    const parsed = readTrustFile(file);
    if (parsed.certs.length > 0 || parsed.crls.length === 0) {
      throw new LienthongError('TRUST_STORE_INVALID', `${file} is not a CRL file.`, { where: file });
    }
    crls.push(...parsed.crls);
  }
  const anchors = [...anchorsByProfile];
  const intermediates: CertInfo[] = [];
  for (const info of certs) ((await isSelfSignedCa(info)) ? anchors : intermediates).push(info);
  return createTrustStore({
    anchors,
    intermediates,
    crls,
    ...(options.revocationSources ? { revocationSources: options.revocationSources } : {}),
  });
}

/** Certificates and CRLs in one file (PEM with any number of blocks, or a single DER object). */
export function readTrustFile(file: string): { certs: CertInfo[]; crls: x509.X509Crl[] } {
  const bytes = readFileSync(file);
  const text = bytes.toString('latin1');
  try {
    if (text.includes('-----BEGIN ')) return fromPem(text, /\.crl(\.pem)?$/i.test(file));
    if (/\.crl$/i.test(file)) return { certs: [], crls: [new x509.X509Crl(toArrayBuffer(bytes))] };
    try {
      return { certs: [parseCertificate(new Uint8Array(bytes))], crls: [] };
    } catch {
      return { certs: [], crls: [new x509.X509Crl(toArrayBuffer(bytes))] };
    }
  } catch (cause) {
    throw new LienthongError('TRUST_STORE_INVALID', `Cannot read a certificate or CRL from ${file}.`, {
      where: file,
      cause,
    });
  }
}

// PEM labels: RFC 7468 says "X509 CRL"; @peculiar/x509 and some CAs write "CRL". In a *.crl(.pem)
// file every block is read as a CRL.
const CRL_LABELS = new Set(['X509 CRL', 'CRL']);

function fromPem(text: string, crlFile: boolean): { certs: CertInfo[]; crls: x509.X509Crl[] } {
  const certs: CertInfo[] = [];
  const crls: x509.X509Crl[] = [];
  for (const block of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const der = new Uint8Array(Buffer.from((block[2] ?? '').replace(/\s+/g, ''), 'base64'));
    const label = block[1] ?? '';
    if (crlFile || CRL_LABELS.has(label)) crls.push(new x509.X509Crl(toArrayBuffer(der)));
    else if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') certs.push(parseCertificate(der));
  }
  return { certs, crls };
}

async function isSelfSignedCa(info: CertInfo): Promise<boolean> {
  try {
    if (!(await info.cert.isSelfSigned(nodeWebCrypto))) return false;
  } catch {
    return false;
  }
  const bc = info.cert.getExtension(x509.BasicConstraintsExtension);
  return !bc || bc.ca;
}

function checkProfile(
  profile: TrustProfile,
  dir: string,
  loaded: ReadonlyArray<{ file: string; info: CertInfo }>,
): void {
  for (const { file, info } of loaded) {
    const expected = profile.sha256Of(relative(dir, file));
    if (expected !== info.sha256) {
      throw new LienthongError(
        'TRUST_PROFILE_MISMATCH',
        expected
          ? `${file} does not match the SHA-256 in ${profile.name}/profile.json.`
          : `${file} is not listed in ${profile.name}/profile.json.`,
        { where: file },
      );
    }
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (/\.(pem|crt|cer|der|crl)$/i.test(entry.name) && !/\.key\.pem$/i.test(entry.name)) out.push(full);
  }
  return out;
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (cause) {
    throw new LienthongError('TRUST_STORE_INVALID', `Trust path ${path} cannot be read.`, {
      where: path,
      cause,
    });
  }
}

function dedupe(list: readonly CertInfo[]): CertInfo[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    if (seen.has(c.sha256)) return false;
    seen.add(c.sha256);
    return true;
  });
}

/** Certificate and CRL files (.pem .crt .cer .der) under a trust folder, counted; 0 when it does not exist. */
export function countTrustFiles(dir: string): number {
  const walk = (d: string): number => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return 0;
    }
    let count = 0;
    for (const entry of entries) {
      if (entry.isDirectory()) count += walk(path.join(d, entry.name));
      else if (/\.(pem|crt|cer|der)$/i.test(entry.name)) count += 1;
    }
    return count;
  };
  return walk(dir);
}

/** What a trust folder holds, for operators: each certificate and CRL with its dates. */
export interface TrustDirReport {
  readonly certificates: ReadonlyArray<{
    readonly file: string;
    readonly subject: string;
    readonly issuer: string;
    readonly sha256: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
  }>;
  readonly crls: ReadonlyArray<{
    readonly file: string;
    readonly issuer: string;
    readonly thisUpdate: Date;
    readonly nextUpdate: Date | null;
  }>;
  /** Files that could not be read, with why. */
  readonly unreadable: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

/** Reads every certificate and CRL under `dir` (relative file names); a missing folder is empty. */
export function describeTrustDir(dir: string): TrustDirReport {
  const certificates: TrustDirReport['certificates'][number][] = [];
  const crls: TrustDirReport['crls'][number][] = [];
  const unreadable: TrustDirReport['unreadable'][number][] = [];
  let files: string[];
  try {
    files = listFiles(dir);
  } catch {
    files = [];
  }
  for (const file of files) {
    const name = relative(dir, file);
    try {
      const parsed = readTrustFile(file);
      for (const info of parsed.certs) {
        certificates.push({
          file: name,
          subject: info.cert.subject,
          issuer: info.cert.issuer,
          sha256: info.sha256,
          notBefore: info.cert.notBefore,
          notAfter: info.cert.notAfter,
        });
      }
      for (const crl of parsed.crls) {
        crls.push({
          file: name,
          issuer: crl.issuer,
          thisUpdate: crl.thisUpdate,
          nextUpdate: crl.nextUpdate ?? null,
        });
      }
    } catch (error) {
      unreadable.push({ file: name, reason: (error as Error).message });
    }
  }
  return { certificates, crls, unreadable };
}
