import { describe, expect, it } from 'vitest';
import { clientCertificateRefusal } from '../../src/hub/client-certificate.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('clientCertificateRefusal', () => {
  it('lets a node without registered client certificates through with or without one', () => {
    expect(clientCertificateRefusal({ clientCertificates: [] }, null)).toBeNull();
    expect(clientCertificateRefusal({ clientCertificates: [] }, A)).toBeNull();
  });

  it('asks a node with registered certificates for one of them', () => {
    const node = { clientCertificates: [A, B] };
    expect(clientCertificateRefusal(node, A)).toBeNull();
    expect(clientCertificateRefusal(node, B)).toBeNull();
    expect(clientCertificateRefusal(node, null)).toMatchObject({
      code: 'CLIENT_CERT_REQUIRED',
      message: expect.stringContaining('none was presented'),
    });
    expect(clientCertificateRefusal(node, 'c'.repeat(64))).toMatchObject({
      code: 'CLIENT_CERT_REQUIRED',
      message: expect.stringContaining('another one'),
    });
  });
});
