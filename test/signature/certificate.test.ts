// Certificates with malformed parts are refused as a verdict, never thrown (found by the direct
// verifier's long differential run, bench/direct-verify.bench.ts: a mutated KeyUsage extension
// inside KeyInfo made the chain check throw).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/signature/certificate.ts';
import { devSubject, issueLeafCertificate } from '../../src/signature/dev-pki.ts';
import { signEdxml, verifyEdxmlSignature } from '../../src/signature/index.ts';
import { testPki } from '../support/pki.ts';
import { makePackage } from '../support/signature-docs.ts';

describe('a signer certificate with a malformed extension', () => {
  it('cannot be parsed, and a package carrying it is refused as CERT_UNTRUSTED / CERT_MALFORMED', async () => {
    const pki = await testPki();
    const leaf = await issueLeafCertificate({
      subject: devSubject('000.00.00.G22'),
      issuer: pki.ca,
      at: pki.at,
      kind: 'rsa',
      replaceExtensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // A KeyUsage whose value is empty: not a BIT STRING at all.
        new x509.Extension('2.5.29.15', true, new ArrayBuffer(0)),
      ],
    });
    expect(() => parseCertificate(leaf.cert.toString('pem'))).toThrow();
    // Signed with a good certificate, then KeyInfo made to carry the malformed one (a signer cannot
    // sign with it: signEdxml refuses it too).
    const good = await signEdxml(makePackage(), { keyPem: pki.ids.rsa.keyPem, certPem: pki.ids.rsa.certPem });
    const malformed = Buffer.from(leaf.cert.rawData).toString('base64');
    const signed = good.replace(/(<([\w.-]+:)?X509Certificate>)[^<]*/, `$1${malformed}`);
    expect(signed).toContain(malformed);
    for (const direct of [true, false]) {
      const verdict = await verifyEdxmlSignature(Buffer.from(signed), pki.store, { at: pki.at, direct });
      expect(verdict.code).toBe('CERT_UNTRUSTED');
      expect(verdict.findings.map((f) => f.code)).toContain('CERT_MALFORMED');
    }
  });
});
