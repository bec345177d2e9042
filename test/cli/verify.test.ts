import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, testPki } from '../support/pki.ts';
import { runCli } from '../support/run-cli.ts';
import { makePackage, repoRoot } from '../support/signature-docs.ts';
import { ALG, xmlsecSign } from '../support/signature-xmlsec.ts';

const run = runCli;

let pki: TestPki;
let dir: string;
let good: string;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-verify-'));
  good = join(dir, 'good.edxml');
  writeFileSync(
    good,
    xmlsecSign(makePackage({ attachmentBytes: 1000 }), pki.ids.rsa.keyPath, pki.ids.rsa.certPath),
  );
});

function write(name: string, xml: string): string {
  writeFileSync(join(dir, name), xml);
  return join(dir, name);
}

describe('lienthong verify', () => {
  it('prints the verdict as one JSON object and exits 0 when valid', async () => {
    const r = await run('verify', good, '--trust', pki.trustDir);
    expect(r.code).toBe(0);
    const verdict = JSON.parse(r.out) as {
      valid: boolean;
      code: string;
      signer: { sha256Thumbprint: string };
    };
    expect(verdict).toMatchObject({
      valid: true,
      code: 'OK',
      signer: { sha256Thumbprint: pki.ids.rsa.sha256 },
    });
  });

  it('exits 1 with the verdict code when not valid', async () => {
    const tampered = write(
      'tampered.edxml',
      xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath).replace(
        '000.00.00.H29',
        '000.00.00.H30',
      ),
    );
    const r = await run('verify', tampered, '--trust', pki.trustDir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'SIGNATURE_INVALID' });
  });

  it('--trust takes files as well as directories; --crl adds CRL files', async () => {
    const revoked = write(
      'revoked.edxml',
      xmlsecSign(makePackage(), pki.ids.revoked.keyPath, pki.ids.revoked.certPath),
    );
    const noCrl = await run('verify', revoked, '--trust', pki.rootPath, '--trust', pki.caPath);
    expect(JSON.parse(noCrl.out).code).toBe('OK');
    const withCrl = await run(
      'verify',
      revoked,
      '--trust',
      pki.rootPath,
      '--trust',
      pki.caPath,
      '--crl',
      pki.crlPath,
    );
    expect(withCrl.code).toBe(1);
    expect(JSON.parse(withCrl.out).code).toBe('CERT_REVOKED');
  });

  it('--at judges validity at another time; --allow-sha1 admits legacy SHA-1', async () => {
    const future = await run('verify', good, '--trust', pki.trustDir, '--at', '2099-01-01T00:00:00Z');
    expect(JSON.parse(future.out).code).toBe('CERT_EXPIRED');
    const sha1 = write(
      'sha1.edxml',
      xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
        signatureMethod: ALG.rsaSha1,
        digestMethod: ALG.sha1,
      }),
    );
    expect(JSON.parse((await run('verify', sha1, '--trust', pki.trustDir)).out).code).toBe(
      'ALGORITHM_REJECTED',
    );
    expect((await run('verify', sha1, '--trust', pki.trustDir, '--allow-sha1')).code).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run('verify', good)).code).toBe(2);
    expect((await run('verify', good, '--trust', pki.trustDir, '--at', 'yesterday')).code).toBe(2);
    expect((await run('verify', join(dir, 'missing.edxml'), '--trust', pki.trustDir)).code).toBe(2);
    expect((await run('verify', good, '--trust', join(dir, 'missing-dir'))).code).toBe(2);
    expect((await run('verify', good, '--trust', pki.trustDir, '--crl', pki.caPath)).code).toBe(2);
    const disabled = await run('verify', good, '--trust', join(repoRoot, 'config', 'trust', 'vn'));
    expect(disabled.code).toBe(2);
    expect(disabled.err).toContain('TRUST_PROFILE_DISABLED');
  });

  it('takes many files and directories: one JSON line per file, in order; exit 1 when one is not valid', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lienthong-cli-verify-many-'));
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const xml = xmlsecSign(
        makePackage({ subject: `Công văn ${i}` }),
        pki.ids.rsa.keyPath,
        pki.ids.rsa.certPath,
      );
      const name = join(folder, `p${i}.edxml`);
      writeFileSync(name, i === 4 ? xml.replace('000.00.00.H29', '000.00.00.H30') : xml);
      names.push(name);
    }
    const r = await run('verify', good, folder, '--trust', pki.trustDir);
    expect(r.code).toBe(1);
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; code: string; valid: boolean });
    expect(lines.map((l) => l.file)).toEqual([good, ...names]);
    expect(lines.map((l) => l.code)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'SIGNATURE_INVALID', 'OK']);
    const valid = await run(
      'verify',
      names[0] as string,
      names[1] as string,
      '--trust',
      pki.trustDir,
      '--threads',
      '2',
    );
    expect(valid.code, valid.err).toBe(0);
    expect(valid.out.trimEnd().split('\n')).toHaveLength(2);
  });

  it('many files: a file that cannot be read is a line with an error, the others are still checked, exit 2', async () => {
    const missing = join(dir, 'missing-one.edxml');
    const r = await run('verify', missing, good, '--trust', pki.trustDir);
    expect(r.code).toBe(2);
    const [first, second] = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({
      file: missing,
      error: { code: 'USAGE', message: `cannot read ${missing}: ENOENT` },
    });
    expect(second).toMatchObject({ file: good, valid: true, code: 'OK' });
  });

  it('works as `npx lienthong` (bin/lienthong.js), with verification in a worker thread', () => {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'lienthong.js'), 'verify', good, '--trust', pki.trustDir, '--threads', '1'],
      {
        encoding: 'utf8',
        cwd: tmpdir(),
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).code).toBe('OK');
  });
});
