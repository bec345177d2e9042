// The real Vietnamese CA certificates: every one loads; each CA chains to its root under the
// project's own chain checks; a chain shaped like theirs (critical certificatePolicies, CRL
// distribution points, authority information access) validates; the `vn` profile is off by
// default, tamper-evident, and documented.
import 'reflect-metadata';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { parseCertificate } from '../../src/signature/certificate.ts';
import { validateChain } from '../../src/signature/chain.ts';
import {
  createRootCa,
  devSubject,
  issueCaCertificate,
  issueLeafCertificate,
} from '../../src/signature/dev-pki.ts';
import { createTrustStore, loadTrustStore, verifyEdxmlSignature } from '../../src/signature/index.ts';
import { makePackage, repoRoot, sharedFixtures } from '../support/signature-docs.ts';
import { signEdxmlWith } from '../support/signature-sign.ts';

const fixtures = resolve(sharedFixtures, 'trust-vn');
const profileDir = resolve(repoRoot, 'config', 'trust', 'vn');

interface Row {
  file: string;
  sha256: string;
  issuerSha256: string;
}

function manifest(): Row[] {
  const lines = readFileSync(join(fixtures, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    // Columns: file,role,pki,"subject","issuer",serial,nb,na,sha256,sha1,bits,sighash,issuer_sha256,...
    const fields = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((f) => f.replace(/,$/, '')) ?? [];
    return { file: fields[0] ?? '', sha256: fields[8] ?? '', issuerSha256: fields[12] ?? '' };
  });
}

function load(rel: string) {
  return parseCertificate(readFileSync(join(fixtures, rel), 'utf8'));
}

describe('Vietnamese CA certificates (test/fixtures/trust-vn)', () => {
  const rows = manifest();

  it('every certificate loads, with the SHA-256 the manifest lists', () => {
    const files = ['roots', 'intermediates', 'tsa', 'expired'].flatMap((d) =>
      readdirSync(join(fixtures, d)).map((f) => `${d}/${f}`),
    );
    expect(files.length).toBe(rows.length);
    for (const file of files) {
      const row = rows.find((r) => r.file === file);
      expect(load(file).sha256, file).toBe(row?.sha256);
    }
  });

  it('each CA and time-stamping certificate chains to its root with our checks, at a date inside its validity', async () => {
    const roots = rows.filter((r) => r.file.startsWith('roots/')).map((r) => load(r.file));
    const store = createTrustStore({ anchors: roots });
    const others = rows.filter((r) => !r.file.startsWith('roots/'));
    expect(others.length).toBeGreaterThan(60);
    for (const row of others) {
      const cert = load(row.file);
      const root = roots.find((r) => r.sha256 === row.issuerSha256);
      expect(root, row.file).toBeDefined();
      const from = Math.max(cert.cert.notBefore.getTime(), root?.cert.notBefore.getTime() ?? 0);
      const to = Math.min(cert.cert.notAfter.getTime(), root?.cert.notAfter.getTime() ?? 0);
      const at = new Date((from + to) / 2);
      const purpose = row.file.startsWith('tsa/') ? 'any' : 'ca';
      const result = await validateChain(cert, [], store, {
        at,
        allowSha1: true,
        staleCrl: 'accept',
        requireRevocation: false,
        purpose,
      });
      expect(result.ok, `${row.file}: ${JSON.stringify(result.findings)}`).toBe(true);
      expect(result.path?.at(-1)?.sha256).toBe(row.issuerSha256);
      // Without legacy SHA-1, the G1 and MIC chains are refused, the others are not.
      const strict = await validateChain(cert, [], store, {
        at,
        allowSha1: false,
        staleCrl: 'accept',
        requireRevocation: false,
        purpose,
      });
      const sha1 = /sha1/.test(row.file) || cert.cert.signatureAlgorithm.hash?.name === 'SHA-1';
      expect(strict.ok, row.file).toBe(!sha1);
    }
  });

  it('a leaf under a CA that copies their critical extensions (policies, CRL DP, AIA) validates', async () => {
    const realRoot = load('roots/vn-national-root-ca-rs-2025.pem').cert;
    const realCa = load('intermediates/vn-pub-mk-ca-smartca-2025.pem').cert;
    const realTsa = load('tsa/vn-pub-fpt-certification-authority-timestamping-2023.pem').cert;
    const critical = (cert: x509.X509Certificate, ...oids: string[]) =>
      cert.extensions
        .filter((e) => oids.includes(e.type))
        .map((e) => new x509.Extension(e.type, true, e.value));
    const [CP, CRLDP, AIA] = ['2.5.29.32', '2.5.29.31', '1.3.6.1.5.5.7.1.1'];
    const rootExt = critical(realRoot, CP as string, CRLDP as string);
    const caExt = critical(realCa, CP as string, CRLDP as string);
    const leafExt = [...critical(realCa, CP as string), ...critical(realTsa, AIA as string)];
    expect(rootExt.length + caExt.length + leafExt.length).toBe(6);

    const at = new Date();
    const root = await createRootCa({
      subject: 'CN=Test Root copying VN extensions, C=VN',
      at,
      kind: 'rsa',
      extensions: rootExt,
    });
    const ca = await issueCaCertificate({
      subject: 'CN=Test CA copying VN extensions, C=VN',
      issuer: root,
      at,
      kind: 'rsa',
      extensions: caExt,
    });
    const leaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: ca,
      at,
      kind: 'rsa',
      extensions: leafExt,
    });
    for (const cert of [root.cert, ca.cert, leaf.cert])
      expect(cert.extensions.filter((e) => e.critical).length).toBeGreaterThanOrEqual(3);

    const store = createTrustStore({
      anchors: [parseCertificate(root.cert.toString('pem'))],
      intermediates: [parseCertificate(ca.cert.toString('pem'))],
    });
    const signed = await signEdxmlWith(makePackage(), leaf);
    const verdict = await verifyEdxmlSignature(new TextEncoder().encode(signed), store, { at });
    expect(verdict.code, JSON.stringify(verdict.findings)).toBe('OK');

    // A critical extension we do not process (name constraints) is still refused.
    const constrained = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: ca,
      at,
      kind: 'rsa',
      extensions: [new x509.Extension('2.5.29.30', true, new Uint8Array([0x30, 0x00]))],
    });
    const refused = await verifyEdxmlSignature(
      new TextEncoder().encode(await signEdxmlWith(makePackage(), constrained)),
      store,
      { at },
    );
    expect(refused.code).toBe('CERT_UNTRUSTED');
    expect(refused.findings.map((f) => f.code)).toContain('CERT_CRITICAL_EXTENSION');
  });
});

describe('the vn trust profile (config/trust/vn)', () => {
  it('is off by default: loading it fails with TRUST_PROFILE_DISABLED', async () => {
    await expect(loadTrustStore([profileDir])).rejects.toSatisfy((e) =>
      isLienthongError(e, 'TRUST_PROFILE_DISABLED'),
    );
  });

  it('holds the roots as anchors and the CAs as intermediates, identical to the fixtures', async () => {
    const store = await loadTrustStore([profileDir], { allowDisabledProfiles: true });
    const rows = manifest();
    expect(store.anchors.map((a) => a.sha256).sort()).toEqual(
      rows
        .filter((r) => r.file.startsWith('roots/'))
        .map((r) => r.sha256)
        .sort(),
    );
    expect(store.intermediates.map((a) => a.sha256).sort()).toEqual(
      rows
        .filter((r) => r.file.startsWith('intermediates/') || r.file.startsWith('expired/'))
        .map((r) => r.sha256)
        .sort(),
    );
  });

  it('loads when enabled, and refuses a changed or an unlisted file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-vn-'));
    cpSync(profileDir, dir, { recursive: true });
    const profile = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')) as { enabled: boolean };
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ ...profile, enabled: true }));
    expect((await loadTrustStore([dir])).anchors.length).toBe(10);

    writeFileSync(
      join(dir, 'roots', 'extra.pem'),
      readFileSync(join(fixtures, 'tsa', 'vn-pub-time-stamp-ca2-2024.pem')),
    );
    await expect(loadTrustStore([dir])).rejects.toSatisfy((e) =>
      isLienthongError(e, 'TRUST_PROFILE_MISMATCH'),
    );

    const other = mkdtempSync(join(tmpdir(), 'lienthong-vn-'));
    cpSync(profileDir, other, { recursive: true });
    writeFileSync(join(other, 'profile.json'), JSON.stringify({ ...profile, enabled: true }));
    const victim = join(other, 'roots', 'vn-gov-root-ca-g2-2018.pem');
    writeFileSync(victim, readFileSync(join(fixtures, 'roots', 'vn-national-root-ca-g3-2024.pem')));
    await expect(loadTrustStore([other])).rejects.toSatisfy((e) =>
      isLienthongError(e, 'TRUST_PROFILE_MISMATCH'),
    );
  });

  it('docs/trust-vn.md lists every anchor with its SHA-256 fingerprint', () => {
    const doc = readFileSync(resolve(repoRoot, 'docs', 'trust-vn.md'), 'utf8');
    for (const row of manifest().filter((r) => r.file.startsWith('roots/')))
      expect(doc).toContain(row.sha256);
  });
});
