// TLS material for tests of a hub that serves HTTPS: a CA, a server certificate for 127.0.0.1 and
// localhost, and client certificates (ECDSA P-256), generated at test time and written as PEM files.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  createRootCa,
  generateKeyPair,
  issueLeafCertificate,
  privateKeyToPem,
} from '../../src/signature/dev-pki.ts';

export interface TlsFile {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the DER certificate, hex, lower case. */
  readonly sha256: string;
}

export interface TlsMaterial {
  readonly caPem: string;
  readonly server: TlsFile;
  readonly clients: readonly TlsFile[];
  /** A self-signed client certificate, as a vendor would make one without any CA. */
  readonly selfSigned: TlsFile;
}

/** Writes a CA, a server certificate and `clients` client certificates under `dir`. */
export async function createTlsMaterial(dir: string, clients: number): Promise<TlsMaterial> {
  const at = new Date();
  const ca = await createRootCa({ subject: 'CN=lienthong test TLS CA', at, kind: 'ecdsa' });
  const write = async (name: string, cert: x509.X509Certificate, key: CryptoKey): Promise<TlsFile> => {
    const certPem = cert.toString('pem');
    const keyPem = await privateKeyToPem(key);
    const certFile = path.join(dir, `${name}.crt`);
    const keyFile = path.join(dir, `${name}.key`);
    await writeFile(certFile, certPem);
    await writeFile(keyFile, keyPem, { mode: 0o600 });
    const sha256 = createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex');
    return { certFile, keyFile, certPem, keyPem, sha256 };
  };
  const usage = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement;
  const server = await issueLeafCertificate({
    subject: 'CN=127.0.0.1',
    issuer: ca,
    at,
    kind: 'ecdsa',
    keyUsage: usage,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const issued: TlsFile[] = [];
  for (let i = 0; i < clients; i += 1) {
    const client = await issueLeafCertificate({
      subject: `CN=test client ${i}`,
      issuer: ca,
      at,
      kind: 'ecdsa',
      keyUsage: usage,
      extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    });
    issued.push(await write(`client-${i}`, client.cert, client.keys.privateKey));
  }
  const ownKeys = await generateKeyPair('ecdsa');
  const own = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=vendor self-signed client',
    keys: ownKeys,
    notBefore: new Date(at.getTime() - 86_400_000),
    notAfter: new Date(at.getTime() + 365 * 86_400_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  return {
    selfSigned: await write('self-signed', own, ownKeys.privateKey),
    caPem: ca.cert.toString('pem'),
    server: await write('server', server.cert, server.keys.privateKey),
    clients: issued,
  };
}
