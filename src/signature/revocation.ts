// Revocation behind a port, so an OCSP source can be added next to the CRL source without any
// caller changing: the trust store carries the sources and the chain check asks each in turn.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CertInfo } from './certificate.ts';
import { sha256Hex } from './certificate.ts';
import { nameKey } from './names.ts';
import { nodeWebCrypto } from './x509-setup.ts';

export interface RevocationQuery {
  cert: CertInfo;
  issuer: CertInfo;
  /** The validation time. */
  at: Date;
}

export type RevocationStatus =
  | { status: 'good'; source: string; stale: boolean; notes: readonly RevocationNote[] }
  | {
      status: 'revoked';
      source: string;
      stale: boolean;
      revokedAt: Date;
      reason: number | null;
      notes: readonly RevocationNote[];
    }
  | { status: 'unknown'; source: string; notes: readonly RevocationNote[] };

/** Something a source noticed that does not decide the status by itself (e.g. a CRL that failed to verify). */
export interface RevocationNote {
  code: 'CRL_INVALID' | 'CRL_STALE';
  message: string;
}

/** A source of revocation status (CRL files today; OCSP later). */
export interface RevocationSource {
  /** Short name for findings, e.g. "crl". */
  readonly name: string;
  check(query: RevocationQuery): Promise<RevocationStatus>;
}

// Reasons that make every signature with the key suspect, whenever it was made.
const RETROACTIVE = new Set<number>([
  x509.X509CrlReason.keyCompromise,
  x509.X509CrlReason.cACompromise,
  x509.X509CrlReason.aACompromise,
]);

// CRL extensions that change what "not listed" means (partitioned or delta CRLs); a CRL with one of
// them marked critical is not used as complete evidence.
const UNSUPPORTED_CRITICAL_CRL_EXTENSIONS = new Set(['2.5.29.28', '2.5.29.27']);

/** Revocation from CRL files: signature checked against the issuer, freshness reported, newest CRL used. */
export class CrlRevocationSource implements RevocationSource {
  readonly name = 'crl';
  readonly #crls: readonly x509.X509Crl[];
  readonly #verified = new Map<string, boolean>();
  readonly #facts = new WeakMap<x509.X509Crl, { issuerKey: string; sha256: string }>();

  constructor(crls: readonly x509.X509Crl[]) {
    this.#crls = crls;
  }

  async check({ cert, issuer, at }: RevocationQuery): Promise<RevocationStatus> {
    const notes: RevocationNote[] = [];
    const candidates = this.#crls
      .filter((crl) => this.#issuerKey(crl) === issuer.subjectKey)
      .sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
    for (const crl of candidates) {
      // RFC 5280 §5.1.2.5: conforming CRLs carry nextUpdate. Without it @peculiar/x509 2.2.0 also
      // fails to see the revoked entries (the optional field shifts the ASN.1 parse), so such a CRL
      // would wrongly read as "nothing revoked": refuse it instead.
      if (!crl.nextUpdate) {
        notes.push({ code: 'CRL_INVALID', message: 'A CRL without nextUpdate was ignored.' });
        continue;
      }
      if (crl.extensions.some((e) => e.critical && UNSUPPORTED_CRITICAL_CRL_EXTENSIONS.has(e.type))) {
        notes.push({
          code: 'CRL_INVALID',
          message: 'A CRL for the issuer is partitioned or a delta CRL; it was ignored.',
        });
        continue;
      }
      const usage = issuer.cert.getExtension(x509.KeyUsagesExtension);
      if ((usage && !(usage.usages & x509.KeyUsageFlags.cRLSign)) || !(await this.#verify(crl, issuer))) {
        notes.push({
          code: 'CRL_INVALID',
          message: `A CRL naming ${issuer.cert.subject} does not verify; it was ignored.`,
        });
        continue;
      }
      const stale = crl.nextUpdate.getTime() < at.getTime();
      if (stale)
        notes.push({
          code: 'CRL_STALE',
          message: `The CRL of ${issuer.cert.subject} is past its nextUpdate.`,
        });
      const entry = crl.findRevoked(cert.cert);
      if (entry) {
        const reason = entry.reason ?? null;
        const effective =
          reason !== null && RETROACTIVE.has(reason) ? true : entry.revocationDate.getTime() <= at.getTime();
        if (effective)
          return {
            status: 'revoked',
            source: this.name,
            stale,
            revokedAt: entry.revocationDate,
            reason,
            notes,
          };
      }
      return { status: 'good', source: this.name, stale, notes };
    }
    return { status: 'unknown', source: this.name, notes };
  }

  #factsOf(crl: x509.X509Crl): { issuerKey: string; sha256: string } {
    let facts = this.#facts.get(crl);
    if (!facts) {
      facts = { issuerKey: nameKey(crl.issuer), sha256: sha256Hex(crl.rawData) };
      this.#facts.set(crl, facts);
    }
    return facts;
  }

  #issuerKey(crl: x509.X509Crl): string {
    return this.#factsOf(crl).issuerKey;
  }

  async #verify(crl: x509.X509Crl, issuer: CertInfo): Promise<boolean> {
    const key = `${this.#factsOf(crl).sha256}:${issuer.sha256}`;
    const cached = this.#verified.get(key);
    if (cached !== undefined) return cached;
    let ok = false;
    try {
      ok = await crl.verify({ publicKey: issuer.cert }, nodeWebCrypto);
    } catch {
      ok = false;
    }
    this.#verified.set(key, ok);
    return ok;
  }
}
