// Signing helpers for tests that hold an IssuedCertificate (key pair in memory) rather than files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IssuedCertificate, privateKeyToPem } from '../../src/signature/dev-pki.ts';
import { ALG, type TemplateOptions, xmlsecSign } from './signature-xmlsec.ts';

/** Writes the key and certificate to a temp dir; returns their paths. */
export async function writeIdentity(
  issued: IssuedCertificate,
): Promise<{ keyPath: string; certPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-id-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  writeFileSync(keyPath, await privateKeyToPem(issued.keys.privateKey));
  writeFileSync(certPath, issued.cert.toString('pem'));
  return { keyPath, certPath };
}

/** Signs an edXML document with xmlsec1 using an in-memory identity. */
export async function signEdxmlWith(
  xml: string,
  issued: IssuedCertificate,
  template: TemplateOptions = {},
): Promise<string> {
  const { keyPath, certPath } = await writeIdentity(issued);
  const ec = issued.keys.privateKey.algorithm.name === 'ECDSA';
  return xmlsecSign(xml, keyPath, certPath, {
    signatureMethod: ec ? ALG.ecdsaSha256 : ALG.rsaSha256,
    ...template,
  });
}
