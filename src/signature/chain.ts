// Certificate path building and validation. @peculiar/x509's X509ChainBuilder only matches names
// and checks signatures (and returns a partial chain without complaint), so every rule that makes a
// chain *trusted* is here: it ends at a configured anchor (by SHA-256), each link's signature and
// validity at `at`, issuers are CAs with keyCertSign and pathLen respected, the signer may sign
// documents, no unprocessed critical extension, no SHA-1 unless the policy allows it, revocation.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Finding } from '../core/index.ts';
import type { CertInfo } from './certificate.ts';
import type { RevocationStatus } from './revocation.ts';
import type { TrustStore } from './trust-store.ts';
import { finding, type SignatureCode } from './verdict.ts';
import { nodeWebCrypto } from './x509-setup.ts';

export interface ChainPolicy {
  at: Date;
  allowSha1: boolean;
  staleCrl: 'accept' | 'reject';
  requireRevocation: boolean;
  /**
   * What the first certificate must be fit for: signing documents (default), being a CA (used to
   * check a trust profile's intermediates), or nothing in particular (e.g. a time-stamping unit).
   */
  purpose?: 'document-signing' | 'ca' | 'any';
}

export type ChainResult =
  | { ok: true; path: CertInfo[]; findings: Finding[] }
  | { ok: false; code: SignatureCode; path: CertInfo[] | null; findings: Finding[] };

/**
 * Critical extensions this validator processes or may safely treat as informational. Certificate
 * policies: the hub requires no particular policy (RFC 5280 with any-policy as the initial set).
 * CRL distribution points and authority information access: pointers to where status and issuers
 * are published; revocation comes from the configured sources. Several genuine Vietnamese CA
 * certificates mark these three critical, and refusing them would refuse genuine signatures.
 * Name constraints, policy constraints and inhibitAnyPolicy are NOT processed, so a critical one
 * makes the certificate untrusted.
 */
export const PROCESSED_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage
  '2.5.29.32', // certificatePolicies
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
]);

/** Extended key usages compatible with signing documents; a signer EKU must include one of them. */
const SIGNING_EKUS: ReadonlySet<string> = new Set([
  '2.5.29.37.0', // anyExtendedKeyUsage
  '1.3.6.1.5.5.7.3.2', // clientAuth (what most Vietnamese signing certificates carry)
  '1.3.6.1.5.5.7.3.4', // emailProtection
  '1.3.6.1.5.5.7.3.3', // codeSigning
  '1.3.6.1.5.5.7.3.36', // id-kp-documentSigning (RFC 9336)
  '1.3.6.1.4.1.311.10.3.12', // Microsoft document signing
  '1.2.840.113583.1.1.5', // Adobe authentic documents trust
]);

const MAX_DEPTH = 8;
const MAX_PATHS = 8;
const PRIORITY: readonly SignatureCode[] = [
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_USAGE',
];

export async function validateChain(
  leaf: CertInfo,
  extra: readonly CertInfo[],
  store: TrustStore,
  policy: ChainPolicy,
): Promise<ChainResult> {
  const pool = uniq([...store.anchors, ...store.intermediates, ...extra]);
  const paths: CertInfo[][] = [];
  await extend([leaf], pool, store, paths);
  if (paths.length === 0) {
    return {
      ok: false,
      code: 'CERT_UNTRUSTED',
      path: null,
      findings: [
        finding(
          'CERT_CHAIN_INCOMPLETE',
          `No chain from "${leaf.cert.subject}" to a configured trust anchor.`,
        ),
      ],
    };
  }
  let first: ChainResult | null = null;
  for (const path of paths) {
    const findings = await evaluatePath(path, store, policy);
    const code = verdictCode(findings);
    if (!code) return { ok: true, path, findings };
    first ??= { ok: false, code, path, findings };
  }
  return first as ChainResult;
}

async function extend(
  path: CertInfo[],
  pool: readonly CertInfo[],
  store: TrustStore,
  out: CertInfo[][],
): Promise<void> {
  const last = path[path.length - 1] as CertInfo;
  if (store.anchorSha256.has(last.sha256)) {
    out.push([...path]);
    return;
  }
  if (path.length >= MAX_DEPTH) return;
  for (const candidate of pool) {
    if (out.length >= MAX_PATHS) return;
    if (path.some((p) => p.sha256 === candidate.sha256)) continue;
    if (candidate.subjectKey !== last.issuerKey) continue;
    if (!keyIdsCompatible(last, candidate)) continue;
    if (!(await linkVerified(last, candidate, store))) continue;
    path.push(candidate);
    await extend(path, pool, store, out);
    path.pop();
  }
}

/** Checks every rule on one complete path [signer, …, anchor]. Returns all findings (errors and warnings). */
export async function evaluatePath(
  path: readonly CertInfo[],
  store: TrustStore,
  policy: ChainPolicy,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const at = policy.at.getTime();
  const last = path.length - 1;
  path.forEach((info, i) => {
    const { cert } = info;
    const who = i === 0 ? 'signer' : i === last ? 'anchor' : 'CA';
    const where = `chain/${i}`;
    if (at < cert.notBefore.getTime()) {
      findings.push(
        finding(
          'CERT_NOT_YET_VALID',
          `The ${who} certificate "${cert.subject}" is not valid before ${cert.notBefore.toISOString()}.`,
          where,
        ),
      );
    }
    if (at > cert.notAfter.getTime()) {
      findings.push(
        finding(
          'CERT_EXPIRED',
          `The ${who} certificate "${cert.subject}" expired at ${cert.notAfter.toISOString()}.`,
          where,
        ),
      );
    }
    for (const ext of cert.extensions) {
      if (ext.critical && !PROCESSED_CRITICAL_EXTENSIONS.has(ext.type)) {
        findings.push(
          finding(
            'CERT_CRITICAL_EXTENSION',
            `The ${who} certificate has an unprocessed critical extension ${ext.type}.`,
            where,
          ),
        );
      }
    }
    if (i < last && !policy.allowSha1 && isSha1(cert.signatureAlgorithm)) {
      findings.push(
        finding(
          'CERT_WEAK_SIGNATURE',
          `The ${who} certificate "${cert.subject}" is signed with SHA-1.`,
          where,
        ),
      );
    }
    if (i > 0) findings.push(...issuerFindings(info, i, last, where));
  });
  const purpose = policy.purpose ?? 'document-signing';
  if (purpose === 'document-signing') findings.push(...signerFindings(path[0] as CertInfo));
  if (purpose === 'ca')
    findings.push(...issuerFindings(path[0] as CertInfo, 0, Math.max(last, 1), 'chain/0'));
  for (let i = 0; i < last; i++) {
    findings.push(
      ...(await revocationFindings(
        path[i] as CertInfo,
        path[i + 1] as CertInfo,
        store,
        policy,
        `chain/${i}`,
      )),
    );
  }
  return findings;
}

function issuerFindings(info: CertInfo, index: number, last: number, where: string): Finding[] {
  const out: Finding[] = [];
  const bc = info.cert.getExtension(x509.BasicConstraintsExtension);
  // A trust anchor without basicConstraints is a v1 root configured on purpose; an intermediate is not.
  if ((bc && !bc.ca) || (!bc && index < last)) {
    out.push(finding('CERT_USAGE', `"${info.cert.subject}" issues certificates but is not a CA.`, where));
  }
  if (bc?.pathLength !== undefined && index - 1 > bc.pathLength) {
    out.push(
      finding(
        'CERT_USAGE',
        `"${info.cert.subject}" allows ${bc.pathLength} CA(s) below it; the chain has ${index - 1}.`,
        where,
      ),
    );
  }
  const ku = info.cert.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & x509.KeyUsageFlags.keyCertSign)) {
    out.push(finding('CERT_USAGE', `"${info.cert.subject}" lacks keyCertSign.`, where));
  }
  return out;
}

function signerFindings(info: CertInfo): Finding[] {
  const out: Finding[] = [];
  const ku = info.cert.getExtension(x509.KeyUsagesExtension);
  const signing = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
  if (!ku || !(ku.usages & signing)) {
    out.push(
      finding(
        'CERT_USAGE',
        'The signer certificate has neither digitalSignature nor nonRepudiation key usage.',
        'chain/0',
      ),
    );
  }
  const eku = info.cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.some((u) => SIGNING_EKUS.has(String(u)))) {
    out.push(
      finding(
        'CERT_USAGE',
        'The signer certificate extended key usage does not allow document signing.',
        'chain/0',
      ),
    );
  }
  return out;
}

async function revocationFindings(
  cert: CertInfo,
  issuer: CertInfo,
  store: TrustStore,
  policy: ChainPolicy,
  where: string,
): Promise<Finding[]> {
  const out: Finding[] = [];
  let status: RevocationStatus | null = null;
  for (const source of store.revocationSources) {
    const s = await source.check({ cert, issuer, at: policy.at });
    for (const note of s.notes) {
      const severity = note.code === 'CRL_STALE' && policy.staleCrl === 'reject' ? 'error' : 'warning';
      out.push(finding(note.code, note.message, where, severity));
    }
    if (s.status !== 'unknown') {
      status = s;
      break;
    }
  }
  if (status?.status === 'revoked') {
    out.push(
      finding(
        'CERT_REVOKED',
        `"${cert.cert.subject}" was revoked at ${status.revokedAt.toISOString()}.`,
        where,
      ),
    );
  } else if (!status) {
    const severity = policy.requireRevocation ? 'error' : 'warning';
    out.push(
      finding('REVOCATION_UNKNOWN', `No revocation information for "${cert.cert.subject}".`, where, severity),
    );
  }
  return out;
}

/** Maps error findings to the verdict code, by priority. Null when there is no error. */
function verdictCode(findings: readonly Finding[]): SignatureCode | null {
  const codes = new Set<SignatureCode>();
  for (const f of findings) {
    if (f.severity !== 'error') continue;
    switch (f.code) {
      case 'CERT_REVOKED':
      case 'CERT_EXPIRED':
      case 'CERT_NOT_YET_VALID':
      case 'CERT_USAGE':
        codes.add(f.code);
        break;
      default:
        codes.add('CERT_UNTRUSTED');
    }
  }
  return PRIORITY.find((c) => codes.has(c)) ?? null;
}

async function linkVerified(child: CertInfo, issuer: CertInfo, store: TrustStore): Promise<boolean> {
  const key = `${child.sha256}:${issuer.sha256}`;
  const cached = store.linkCache.get(key);
  if (cached !== undefined) return cached;
  let ok = false;
  try {
    ok = await child.cert.verify({ publicKey: issuer.cert.publicKey, signatureOnly: true }, nodeWebCrypto);
  } catch {
    ok = false;
  }
  if (store.linkCache.size > 10_000) store.linkCache.clear();
  store.linkCache.set(key, ok);
  return ok;
}

function keyIdsCompatible(child: CertInfo, issuer: CertInfo): boolean {
  const aki = child.cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const ski = issuer.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return !aki || !ski || aki.toLowerCase() === ski.toLowerCase();
}

function isSha1(alg: { name: string; hash?: unknown }): boolean {
  const hash = alg.hash as { name?: string } | string | undefined;
  const name = typeof hash === 'string' ? hash : hash?.name;
  return (name ?? '').toUpperCase() === 'SHA-1';
}

function uniq(list: readonly CertInfo[]): CertInfo[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    if (seen.has(c.sha256)) return false;
    seen.add(c.sha256);
    return true;
  });
}
