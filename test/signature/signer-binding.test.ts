import { describe, expect, it } from 'vitest';
import { parseCertificate, signerIdentity } from '../../src/signature/certificate.ts';
import { type BindingPolicy, checkSignerBinding } from '../../src/signature/index.ts';
import { testPki } from '../support/pki.ts';

describe('checkSignerBinding', () => {
  it('binds by a subject attribute carrying the organ id exactly', async () => {
    const pki = await testPki();
    const signer = signerIdentity(parseCertificate(pki.ids.rsa.certPem));
    const policy: BindingPolicy = { bindings: [], subjectAttributes: ['OU', 'UID'] };
    expect(checkSignerBinding(signer, '000.00.00.G22', policy)).toBeNull();
    const f = checkSignerBinding(signer, '000.00.00.H29', policy);
    expect(f).toMatchObject({ code: 'SIGNER_NOT_SENDER', severity: 'error' });
    // Only configured attributes count; prefixes and case do not match.
    expect(
      checkSignerBinding(signer, '000.00.00.G22', { bindings: [], subjectAttributes: ['UID'] })?.code,
    ).toBe('SIGNER_NOT_SENDER');
    expect(checkSignerBinding(signer, '000.00.00.g22', policy)?.code).toBe('SIGNER_NOT_SENDER');
    expect(checkSignerBinding(signer, '00.00.G22', policy)?.code).toBe('SIGNER_NOT_SENDER');
  });

  it('binds by a pinned certificate or public-key thumbprint; pins override subject attributes', async () => {
    const pki = await testPki();
    const rsa = signerIdentity(parseCertificate(pki.ids.rsa.certPem));
    const other = signerIdentity(parseCertificate(pki.ids.rsa2.certPem));
    const byCert: BindingPolicy = {
      bindings: [
        { kind: 'thumbprint', organId: '000.00.00.H29', sha256: rsa.sha256Thumbprint.toUpperCase() },
      ],
      subjectAttributes: ['OU'],
    };
    expect(checkSignerBinding(rsa, '000.00.00.H29', byCert)).toBeNull();
    // rsa2 carries OU=000.00.00.H29, but H29 has a pin, and rsa2 is not it.
    expect(other.subjectAttributes['OU']).toEqual(['000.00.00.H29']);
    expect(checkSignerBinding(other, '000.00.00.H29', byCert)?.code).toBe('SIGNER_NOT_SENDER');
    const byKey: BindingPolicy = {
      bindings: [{ kind: 'public-key', organId: '000.00.00.H29', sha256: other.publicKeySha256 }],
      subjectAttributes: [],
    };
    expect(checkSignerBinding(other, '000.00.00.H29', byKey)).toBeNull();
    expect(checkSignerBinding(rsa, '000.00.00.H29', byKey)?.code).toBe('SIGNER_NOT_SENDER');
    // A certificate pin is not a key pin.
    const wrongKind: BindingPolicy = {
      bindings: [{ kind: 'public-key', organId: '000.00.00.H29', sha256: rsa.sha256Thumbprint }],
      subjectAttributes: [],
    };
    expect(checkSignerBinding(rsa, '000.00.00.H29', wrongKind)?.code).toBe('SIGNER_NOT_SENDER');
  });
});
