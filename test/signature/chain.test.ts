// Chain building and validation with the project's own rules, on certificates generated at test time.
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { type CertInfo, parseCertificate } from '../../src/signature/certificate.ts';
import { type ChainPolicy, validateChain } from '../../src/signature/chain.ts';
import {
  createCrl,
  createRootCa,
  devSubject,
  type IssuedCertificate,
  issueCaCertificate,
  issueLeafCertificate,
  privateKeyToPem,
} from '../../src/signature/dev-pki.ts';
import { createTrustStore, loadTrustStore } from '../../src/signature/index.ts';
import { type TestPki, testPki } from '../support/pki.ts';

const DAY = 86_400_000;
const info = (c: IssuedCertificate): CertInfo => parseCertificate(c.cert.toString('pem'));

function policy(pki: TestPki, over: Partial<ChainPolicy> = {}): ChainPolicy {
  return { at: pki.at, allowSha1: false, staleCrl: 'accept', requireRevocation: false, ...over };
}

const codes = (findings: ReadonlyArray<{ code: string }>) => findings.map((f) => f.code);

describe('validateChain', () => {
  it('accepts a signer under the trusted CA, with a fresh CRL that does not list it', async () => {
    const pki = await testPki();
    const r = await validateChain(info(pki.ids.rsa.issued), [], pki.store, policy(pki));
    expect(r.ok).toBe(true);
    expect(r.path?.map((c) => c.cert.subject)).toEqual([
      pki.ids.rsa.issued.cert.subject,
      pki.ca.cert.subject,
      pki.root.cert.subject,
    ]);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each([
    ['revoked', 'CERT_REVOKED'],
    ['expired', 'CERT_EXPIRED'],
    ['notYetValid', 'CERT_NOT_YET_VALID'],
    ['wrongUsage', 'CERT_USAGE'],
    ['untrusted', 'CERT_UNTRUSTED'],
  ] as const)('%s → %s', async (id, code) => {
    const pki = await testPki();
    const r = await validateChain(info(pki.ids[id].issued), [], pki.store, policy(pki));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('a look-alike CA with the same names does not chain (signatures are checked, not names)', async () => {
    const pki = await testPki();
    const r = await validateChain(info(pki.ids.untrusted.issued), [], pki.store, policy(pki));
    expect(codes(r.findings)).toEqual(['CERT_CHAIN_INCOMPLETE']);
  });

  it('a stale CRL is a warning by default and CERT_UNTRUSTED when the policy says reject', async () => {
    const pki = await testPki();
    const accepted = await validateChain(info(pki.ids.rsa.issued), [], pki.staleStore, policy(pki));
    expect(accepted.ok).toBe(true);
    expect(accepted.findings.find((f) => f.code === 'CRL_STALE')?.severity).toBe('warning');
    const rejected = await validateChain(
      info(pki.ids.rsa.issued),
      [],
      pki.staleStore,
      policy(pki, { staleCrl: 'reject' }),
    );
    expect(rejected.ok ? null : rejected.code).toBe('CERT_UNTRUSTED');
    // The stale CRL still proves the revocation it lists.
    const revoked = await validateChain(info(pki.ids.revoked.issued), [], pki.staleStore, policy(pki));
    expect(revoked.ok ? null : revoked.code).toBe('CERT_REVOKED');
  });

  it('no revocation information: a warning, or CERT_UNTRUSTED when revocation is required', async () => {
    const pki = await testPki();
    const store = createTrustStore({ anchors: pki.store.anchors, intermediates: pki.store.intermediates });
    const lenient = await validateChain(info(pki.ids.rsa.issued), [], store, policy(pki));
    expect(lenient.ok).toBe(true);
    expect(codes(lenient.findings)).toContain('REVOCATION_UNKNOWN');
    const strict = await validateChain(
      info(pki.ids.rsa.issued),
      [],
      store,
      policy(pki, { requireRevocation: true }),
    );
    expect(strict.ok ? null : strict.code).toBe('CERT_UNTRUSTED');
  });

  it('a CRL that does not verify under the issuer is ignored (CRL_INVALID), never trusted', async () => {
    const pki = await testPki();
    const impostor = await createRootCa({ subject: pki.ca.cert.subject, at: pki.at, kind: 'rsa' });
    const forged = await createCrl({
      issuer: impostor,
      thisUpdate: pki.at,
      nextUpdate: new Date(pki.at.getTime() + DAY),
      revoked: [{ serialNumber: pki.ids.rsa.issued.cert.serialNumber, revocationDate: pki.at }],
    });
    const store = createTrustStore({
      anchors: pki.store.anchors,
      intermediates: pki.store.intermediates,
      crls: [forged],
    });
    const r = await validateChain(info(pki.ids.rsa.issued), [], store, policy(pki));
    expect(r.ok).toBe(true);
    expect(codes(r.findings)).toEqual(expect.arrayContaining(['CRL_INVALID', 'REVOCATION_UNKNOWN']));
  });

  it('revocation after the validation time counts only for key compromise', async () => {
    const pki = await testPki();
    const later = new Date(pki.at.getTime() + 2 * DAY);
    const serialNumber = pki.ids.rsa.issued.cert.serialNumber;
    for (const [reason, expected] of [
      [x509.X509CrlReason.superseded, true],
      [x509.X509CrlReason.keyCompromise, false],
    ] as const) {
      const crl = await createCrl({
        issuer: pki.ca,
        thisUpdate: later,
        nextUpdate: new Date(later.getTime() + DAY),
        revoked: [{ serialNumber, revocationDate: later, reason }],
      });
      const store = createTrustStore({
        anchors: pki.store.anchors,
        intermediates: pki.store.intermediates,
        crls: [crl],
      });
      expect((await validateChain(info(pki.ids.rsa.issued), [], store, policy(pki))).ok).toBe(expected);
    }
  });

  it('a CRL without nextUpdate is not used (it would hide its entries)', async () => {
    const pki = await testPki();
    const serialNumber = pki.ids.revoked.issued.cert.serialNumber;
    const crl = await createCrl({
      issuer: pki.ca,
      thisUpdate: pki.at,
      revoked: [{ serialNumber, revocationDate: pki.at }],
    });
    const store = createTrustStore({
      anchors: pki.store.anchors,
      intermediates: pki.store.intermediates,
      crls: [crl],
    });
    const r = await validateChain(
      info(pki.ids.revoked.issued),
      [],
      store,
      policy(pki, { requireRevocation: true }),
    );
    expect(r.ok ? null : r.code).toBe('CERT_UNTRUSTED');
    expect(codes(r.findings)).toEqual(expect.arrayContaining(['CRL_INVALID', 'REVOCATION_UNKNOWN']));
  });

  it('pathLen is respected and issuers must be CAs', async () => {
    const pki = await testPki();
    const at = pki.at;
    const sub = await issueCaCertificate({
      subject: 'CN=Sub CA below a pathLen 0 CA',
      issuer: pki.ca,
      at,
      kind: 'ecdsa',
    });
    const leaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: sub,
      at,
      kind: 'ecdsa',
    });
    const tooDeep = await validateChain(info(leaf), [info(sub)], pki.store, policy(pki));
    expect(tooDeep.ok ? null : tooDeep.code).toBe('CERT_USAGE');

    const notCa = await issueLeafCertificate({
      subject: 'CN=An end entity acting as CA',
      issuer: pki.ca,
      at,
      kind: 'ecdsa',
    });
    const victim = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: notCa,
      at,
      kind: 'ecdsa',
    });
    const r = await validateChain(info(victim), [info(notCa)], pki.store, policy(pki));
    expect(r.ok ? null : r.code).toBe('CERT_USAGE');
  });

  it('an intermediate carried in KeyInfo helps build the chain but is not trusted by itself', async () => {
    const pki = await testPki();
    const rootOnly = createTrustStore({ anchors: pki.store.anchors, crls: pki.store.crls });
    const without = await validateChain(info(pki.ids.rsa.issued), [], rootOnly, policy(pki));
    expect(without.ok ? null : without.code).toBe('CERT_UNTRUSTED');
    const withCa = await validateChain(info(pki.ids.rsa.issued), [info(pki.ca)], rootOnly, policy(pki));
    expect(withCa.ok).toBe(true);
    // A CA in KeyInfo that is itself self-signed does not become an anchor.
    const rogue = await createRootCa({ subject: 'CN=Rogue root', at: pki.at, kind: 'rsa' });
    const rogueLeaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: rogue,
      at: pki.at,
      kind: 'rsa',
    });
    const r = await validateChain(info(rogueLeaf), [info(rogue)], pki.store, policy(pki));
    expect(r.ok ? null : r.code).toBe('CERT_UNTRUSTED');
  });

  it('an expired intermediate makes the chain CERT_EXPIRED', async () => {
    const pki = await testPki();
    const old = await issueCaCertificate({
      subject: 'CN=Expired sub CA',
      issuer: pki.root,
      at: pki.at,
      kind: 'rsa',
      notBefore: new Date(pki.at.getTime() - 100 * DAY),
      notAfter: new Date(pki.at.getTime() - DAY),
    });
    const leaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: old,
      at: pki.at,
      kind: 'rsa',
    });
    const r = await validateChain(info(leaf), [info(old)], pki.store, policy(pki));
    expect(r.ok ? null : r.code).toBe('CERT_EXPIRED');
  });

  it('a SHA-1 signed certificate needs the legacy SHA-1 policy', async () => {
    const pki = await testPki();
    const leaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: pki.ca,
      at: pki.at,
      kind: 'rsa',
      signingHash: 'SHA-1',
    });
    expect(leaf.cert.signatureAlgorithm.hash.name).toBe('SHA-1');
    const strict = await validateChain(info(leaf), [], pki.store, policy(pki));
    expect(strict.ok ? null : strict.code).toBe('CERT_UNTRUSTED');
    expect(codes(strict.findings)).toContain('CERT_WEAK_SIGNATURE');
    expect((await validateChain(info(leaf), [], pki.store, policy(pki, { allowSha1: true }))).ok).toBe(true);
  });
});

describe('loadTrustStore', () => {
  it('reads PEM, DER and CRL files from a directory tree; skips keys; classifies anchors by self-signature', async () => {
    const pki = await testPki();
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-trust-'));
    writeFileSync(join(dir, 'root.pem'), pki.root.cert.toString('pem'));
    writeFileSync(join(dir, 'ca.cer'), new Uint8Array(pki.ca.cert.rawData));
    const crl = await createCrl({
      issuer: pki.ca,
      thisUpdate: pki.at,
      nextUpdate: new Date(pki.at.getTime() + DAY),
      revoked: [],
    });
    writeFileSync(join(dir, 'ca.crl'), new Uint8Array(crl.rawData));
    writeFileSync(join(dir, 'again.crl.pem'), crl.toString('pem'));
    writeFileSync(join(dir, 'ca.key.pem'), await privateKeyToPem(pki.ca.keys.privateKey));
    writeFileSync(join(dir, 'README.md'), 'not a certificate');
    const store = await loadTrustStore([dir]);
    expect(store.anchors.map((a) => a.cert.subject)).toEqual([pki.root.cert.subject]);
    expect(store.intermediates.map((a) => a.cert.subject)).toEqual([pki.ca.cert.subject]);
    expect(store.crls.length).toBe(2);
    // A single file path works too; a missing path is an error with a stable code.
    expect((await loadTrustStore([join(dir, 'root.pem')])).anchors.length).toBe(1);
    await expect(loadTrustStore([join(dir, 'nope')])).rejects.toMatchObject({ code: 'TRUST_STORE_INVALID' });
  });
});
