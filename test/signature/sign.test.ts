// lienthong's signer: packages it signs verify in xmlsec1 (chain checked by OpenSSL) and here; it
// changes nothing but the inserted Signature; it refuses what it cannot sign correctly.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { createTrustStore, signEdxml, verifyEdxmlSignature } from '../../src/signature/index.ts';
import { testPki } from '../support/pki.ts';
import { DSIG_NS, makePackage, readSdkFixture, sharedFixtures } from '../support/signature-docs.ts';
import { ALG, xmlsecVerify } from '../support/signature-xmlsec.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('signEdxml', () => {
  for (const [id, alg, method] of [
    ['rsa', 'rsa-sha256', ALG.rsaSha256],
    ['ecdsa', 'ecdsa-sha256', ALG.ecdsaSha256],
  ] as const) {
    it(`${alg}: verified by xmlsec1 (root trusted, CA untrusted) and by lienthong`, async () => {
      const pki = await testPki();
      const signer = pki.ids[id];
      const xml = makePackage({ attachmentBytes: 20_000, attachments: 2 });
      const signed = await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem, alg });
      const xmlsec = xmlsecVerify(signed, [pki.rootPath], [pki.caPath]);
      expect(xmlsec.ok, xmlsec.output).toBe(true);
      const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
      expect(v.code, JSON.stringify(v.findings)).toBe('OK');
      expect(v.algorithm).toBe(method);
      expect(v.signer?.sha256Thumbprint).toBe(signer.sha256);
      // xmlsec1 must also see a tampered copy as invalid (the check above is not vacuous).
      expect(
        xmlsecVerify(signed.replace('000.00.00.H29', '000.00.00.H30'), [pki.rootPath], [pki.caPath]).ok,
      ).toBe(false);
    });
  }

  it('places one signature as the last child of edXMLHeader and leaves every other byte unchanged', async () => {
    const pki = await testPki();
    const xml = makePackage({ attachmentBytes: 500 });
    const signed = await signEdxml(bytes(xml), { keyPem: pki.ids.rsa.keyPem, certPem: pki.ids.rsa.certPem });
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>\n {4}/.exec(signed)?.[0] ?? '';
    expect(sig.length).toBeGreaterThan(1000);
    expect(signed.replace(sig, '')).toBe(xml);
    const doc = new DOMParser().parseFromString(signed, 'text/xml');
    const el = doc.getElementsByTagNameNS(DSIG_NS, 'Signature')[0];
    expect((el?.parentNode as Element | null)?.localName).toBe('edXMLHeader');
    let last = el?.parentNode?.lastChild ?? null;
    while (last && last.nodeType !== 1) last = last.previousSibling;
    expect(last).toBe(el);
  });

  it('signs every SDK sample and status (a placeholder Signature is replaced); xmlsec1 verifies each', async () => {
    const pki = await testPki();
    const files = readdirSync(resolve(sharedFixtures, 'vxp-sdk')).filter(
      (f) => f.endsWith('.edxml') && f !== 'edoc.edxml' && f !== 'edoc_new.edxml',
    );
    for (const file of files) {
      const signed = await signEdxml(readSdkFixture(file), {
        keyPem: pki.ids.ecdsa.keyPem,
        certPem: pki.ids.ecdsa.certPem,
      });
      expect(xmlsecVerify(signed, [pki.rootPath], [pki.caPath]).ok, file).toBe(true);
      const v = await verifyEdxmlSignature(bytes(signed), pki.store, { at: pki.at });
      expect(v.code, file).toBe('OK');
      expect(v.findings.map((f) => f.code)).not.toContain('SIGNATURE_PLACEHOLDER');
    }
  });

  it('includes a chain when given one, so a verifier that only trusts the root can build the path', async () => {
    const pki = await testPki();
    const signed = await signEdxml(makePackage(), {
      keyPem: pki.ids.rsa.keyPem,
      certPem: pki.ids.rsa.certPem,
      chainPem: pki.ca.cert.toString('pem'),
    });
    expect(signed.match(/<ds:X509Certificate>/g)?.length).toBe(2);
    const rootOnly = createTrustStore({ anchors: pki.store.anchors });
    expect((await verifyEdxmlSignature(bytes(signed), rootOnly, { at: pki.at })).code).toBe('OK');
    expect(xmlsecVerify(signed, [pki.rootPath]).ok).toBe(true);
  });

  it('refuses a signed document, a DOCTYPE, a non-edXML document, a mismatched key, a wrong algorithm', async () => {
    const pki = await testPki();
    const opts = { keyPem: pki.ids.rsa.keyPem, certPem: pki.ids.rsa.certPem };
    const signed = await signEdxml(makePackage(), opts);
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (isLienthongError(e) ? e.code : String(e)),
      );
    expect(await code(signEdxml(signed, opts))).toBe('SIGN_INPUT_INVALID');
    expect(await code(signEdxml(`<!DOCTYPE x>${makePackage()}`, opts))).toBe('SIGN_INPUT_INVALID');
    expect(await code(signEdxml('<a/>', opts))).toBe('SIGN_INPUT_INVALID');
    expect(
      await code(signEdxml(makePackage(), { keyPem: pki.ids.rsa.keyPem, certPem: pki.ids.rsa2.certPem })),
    ).toBe('SIGN_KEY_INVALID');
    expect(await code(signEdxml(makePackage(), { ...opts, alg: 'ecdsa-sha256' }))).toBe('SIGN_KEY_INVALID');
    expect(await code(signEdxml(makePackage(), { keyPem: 'nope', certPem: 'nope' }))).toBe(
      'SIGN_KEY_INVALID',
    );
  });
});
