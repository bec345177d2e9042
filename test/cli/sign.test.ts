import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyEdxmlSignature } from '../../src/signature/index.ts';
import { testPki } from '../support/pki.ts';
import { runCli } from '../support/run-cli.ts';
import { makePackage } from '../support/signature-docs.ts';
import { xmlsecVerify } from '../support/signature-xmlsec.ts';

const run = runCli;

describe('lienthong sign', () => {
  it('writes the signed document to stdout; xmlsec1 and lienthong verify it', async () => {
    const pki = await testPki();
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-sign-'));
    const file = join(dir, 'in.edxml');
    const original = makePackage({ attachmentBytes: 3000 });
    writeFileSync(file, original);
    for (const [id, alg] of [
      ['rsa', 'rsa-sha256'],
      ['ecdsa', 'ecdsa-sha256'],
    ] as const) {
      const r = await run(
        'sign',
        file,
        '--key',
        pki.ids[id].keyPath,
        '--cert',
        pki.ids[id].certPath,
        '--chain',
        pki.caPath,
        '--alg',
        alg,
      );
      expect(r.code, r.err).toBe(0);
      expect(xmlsecVerify(r.out, [pki.rootPath]).ok).toBe(true);
      expect(
        (await verifyEdxmlSignature(new TextEncoder().encode(r.out), pki.store, { at: pki.at })).code,
      ).toBe('OK');
    }
    // The input file is left alone.
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('exits 1 with a coded error when signing is refused, 2 on usage errors', async () => {
    const pki = await testPki();
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-sign-'));
    const file = join(dir, 'in.edxml');
    writeFileSync(file, makePackage());
    const mismatch = await run('sign', file, '--key', pki.ids.rsa.keyPath, '--cert', pki.ids.rsa2.certPath);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.err)).toMatchObject({ code: 'SIGN_KEY_INVALID' });
    expect(mismatch.out).toBe('');
    const notEdxml = join(dir, 'x.xml');
    writeFileSync(notEdxml, '<x/>');
    expect(
      JSON.parse(
        (await run('sign', notEdxml, '--key', pki.ids.rsa.keyPath, '--cert', pki.ids.rsa.certPath)).err,
      ).code,
    ).toBe('SIGN_INPUT_INVALID');
    expect(
      (await run('sign', file, '--key', join(dir, 'nope.pem'), '--cert', pki.ids.rsa.certPath)).code,
    ).toBe(2);
    expect((await run('sign', file, '--cert', pki.ids.rsa.certPath)).code).toBe(2);
    expect(
      (
        await run(
          'sign',
          file,
          '--key',
          pki.ids.rsa.keyPath,
          '--cert',
          pki.ids.rsa.certPath,
          '--alg',
          'hmac-sha256',
        )
      ).code,
    ).toBe(2);
  });
});
