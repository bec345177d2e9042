import { createPrivateKey } from 'node:crypto';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { loadTrustStore, signEdxml, verifyEdxmlSignature } from '../../src/signature/index.ts';
import { runCli } from '../support/run-cli.ts';
import { makePackage, repoRoot } from '../support/signature-docs.ts';

const run = runCli;

describe('lienthong pki dev', () => {
  it('writes root, CA, CRLs and one certificate + PKCS#8 key per organization, usable at once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lienthong-cli-pki-')), 'pki');
    const r = await run(
      'pki',
      'dev',
      '--out',
      out,
      '--org',
      '000.00.00.G22',
      '--org',
      '000.00.00.H29',
      '--key-algorithm',
      'ecdsa',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('orgs/000.00.00.H29.key.pem');
    const key = readFileSync(join(out, 'orgs', '000.00.00.H29.key.pem'), 'utf8');
    // A PKCS#8 PEM of an EC key (parsed, not pattern-matched: no key-looking text in the repo).
    const parsed = createPrivateKey(key);
    expect(parsed.asymmetricKeyType).toBe('ec');
    expect(String(parsed.export({ type: 'pkcs8', format: 'pem' })).trim()).toBe(key.trim());
    expect(statSync(join(out, 'orgs', '000.00.00.H29.key.pem')).mode & 0o077).toBe(0);
    const certPem = readFileSync(join(out, 'orgs', '000.00.00.H29.cert.pem'), 'utf8');
    expect(new x509.X509Certificate(certPem).subjectName.getField('OU')).toEqual(['000.00.00.H29']);

    const store = await loadTrustStore([join(out, 'trust')]);
    expect([store.anchors.length, store.intermediates.length, store.crls.length]).toEqual([1, 1, 2]);
    const signed = await signEdxml(makePackage({ fromOrganId: '000.00.00.H29' }), { keyPem: key, certPem });
    const v = await verifyEdxmlSignature(new TextEncoder().encode(signed), store, { at: new Date() });
    expect(v.code).toBe('OK');
    expect(v.findings).toEqual([]);

    // Never overwrites an existing PKI.
    expect((await run('pki', 'dev', '--out', out)).code).toBe(2);
  });

  it('defaults to three organizations including 000.00.00.G22, and runs as npx lienthong', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lienthong-cli-pki-')), 'pki');
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'lienthong.js'), 'pki', 'dev', '--out', out],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/^ {2}\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2} {2}[0-9a-f]{64}$/gm)?.length).toBe(3);
    expect(r.stdout).toContain('000.00.00.G22');
  });
});

describe('lienthong pki fingerprints', () => {
  it('lists anchors and CA certificates of a (disabled) profile for comparison with official sources', async () => {
    const r = await run('pki', 'fingerprints', join(repoRoot, 'config', 'trust', 'vn'), '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ role: string; sha256: string }>;
    expect(rows.filter((x) => x.role === 'anchor').map((x) => x.sha256)).toContain(
      'f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8',
    );
    const text = await run('pki', 'fingerprints', join(repoRoot, 'config', 'trust', 'vn'));
    expect(text.out).toContain('10 anchor(s)');
    const bad = join(mkdtempSync(join(tmpdir(), 'lienthong-cli-pki-')), 'bad.pem');
    writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect((await run('pki', 'fingerprints', bad)).code).toBe(2);
  });
});
