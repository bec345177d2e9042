// reflect-metadata must load before @peculiar/x509 (tsyringe throws at import without it).
import 'reflect-metadata';
import { createPrivateKey, KeyObject, X509Certificate as NodeX509, sign } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { LienthongError } from '../core/index.ts';
import { ensureX509, nodeWebCrypto } from '../signature/x509-setup.ts';

/** What signs the chain's heads: a private key and the certificate a checker trusts it by. */
export interface EvidenceSigner {
  /** `ecdsa-sha256` or `rsa-sha256`. */
  readonly algorithm: string;
  readonly certificatePem: string;
  sign(payload: Uint8Array): Buffer;
}

/** A signer from PEM text (LIENTHONG_EVIDENCE_KEY / LIENTHONG_EVIDENCE_CERT, or the stored one). */
export function evidenceSignerFromPem(keyPem: string, certificatePem: string): EvidenceSigner {
  let key: KeyObject;
  let cert: NodeX509;
  try {
    key = createPrivateKey(keyPem);
    cert = new NodeX509(certificatePem);
  } catch (error) {
    throw new LienthongError(
      'EVIDENCE_SIGNER_INVALID',
      `The evidence signing key or certificate cannot be read: ${(error as Error).message}`,
      {
        where: 'evidence signer',
        cause: error,
      },
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new LienthongError(
      'EVIDENCE_SIGNER_INVALID',
      'The evidence signing key does not belong to its certificate.',
      {
        where: 'evidence signer',
      },
    );
  }
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa') {
    throw new LienthongError(
      'EVIDENCE_SIGNER_INVALID',
      `The evidence signing key is ${type}; use an EC or RSA key.`,
      {
        where: 'evidence signer',
      },
    );
  }
  return {
    algorithm: type === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256',
    certificatePem: cert.toString(),
    sign: (payload) => sign('sha256', payload, key),
  };
}

/**
 * A new ECDSA P-256 key with a self-signed certificate for a hub that has none configured (kept in
 * its database, docs/evidence.md): a checker pins this certificate, or a production hub configures a
 * key certified by its CA instead.
 */
export async function generateEvidenceSigner(
  hubId: string,
  at: Date,
): Promise<{ readonly keyPem: string; readonly certificatePem: string }> {
  ensureX509();
  const keys = (await nodeWebCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const day = 24 * 60 * 60 * 1000;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=lienthong evidence ${hubId.replace(/[,=+<>#;"\\]/g, '_')}, O=lienthong`,
      keys,
      notBefore: new Date(at.getTime() - day),
      notAfter: new Date(at.getTime() + 20 * 365 * day),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    },
    nodeWebCrypto,
  );
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { keyPem, certificatePem: cert.toString('pem') };
}
