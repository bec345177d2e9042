// The test PKI, generated at test time with the same helpers as `lienthong pki dev` (no private key
// is committed). One instance per test process; files are written to a temp directory for xmlsec1
// and the CLI tests.
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { parseCertificate } from '../../src/signature/certificate.ts';
import {
  createCrl,
  createRootCa,
  type DevKeyAlgorithm,
  devSubject,
  type IssuedCertificate,
  issueCaCertificate,
  issueLeafCertificate,
  privateKeyToPem,
  thumbprintHex,
} from '../../src/signature/dev-pki.ts';
import { createTrustStore, type TrustStore } from '../../src/signature/index.ts';

const DAY = 86_400_000;

export interface TestIdentity {
  name: string;
  organId: string;
  issued: IssuedCertificate;
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  sha256: string;
  kind: DevKeyAlgorithm;
}

export interface TestPki {
  /** The instant the PKI was made; every "valid" certificate is valid then (and for two years). */
  at: Date;
  dir: string;
  root: IssuedCertificate;
  ca: IssuedCertificate;
  rootPath: string;
  caPath: string;
  crlPath: string;
  /** root + CA + fresh CRL, as files (what `--trust DIR` reads). */
  trustDir: string;
  ids: {
    rsa: TestIdentity;
    rsa2: TestIdentity;
    ecdsa: TestIdentity;
    ecdsaP384: TestIdentity;
    revoked: TestIdentity;
    expired: TestIdentity;
    notYetValid: TestIdentity;
    wrongUsage: TestIdentity;
    /** Same names as `rsa`, issued by a look-alike CA that is not trusted. */
    untrusted: TestIdentity;
  };
  /** Anchors root, intermediates CA, CRL fresh at `at`. */
  store: TrustStore;
  /** Same as `store` but with a CRL whose nextUpdate is before `at`. */
  staleStore: TrustStore;
}

let instance: Promise<TestPki> | null = null;

/** The shared test PKI of this process. */
export function testPki(): Promise<TestPki> {
  instance ??= buildTestPki(new Date());
  return instance;
}

async function buildTestPki(at: Date): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-pki-'));
  mkdirSync(join(dir, 'trust'));
  mkdirSync(join(dir, 'ids'));
  const root = await createRootCa({
    subject: 'CN=lienthong test Root CA, O=lienthong test, C=VN',
    at,
    kind: 'rsa',
  });
  const ca = await issueCaCertificate({
    subject: 'CN=lienthong test CA, O=lienthong test, C=VN',
    issuer: root,
    at,
    kind: 'rsa',
    pathLength: 0,
  });
  const fakeRoot = await createRootCa({
    subject: 'CN=lienthong test Root CA, O=lienthong test, C=VN',
    at,
    kind: 'rsa',
  });
  const fakeCa = await issueCaCertificate({
    subject: 'CN=lienthong test CA, O=lienthong test, C=VN',
    issuer: fakeRoot,
    at,
    kind: 'rsa',
  });

  const make = async (
    name: string,
    organId: string,
    kind: DevKeyAlgorithm,
    issuer: IssuedCertificate,
    extra: Partial<Parameters<typeof issueLeafCertificate>[0]> = {},
  ): Promise<TestIdentity> => {
    const issued = await issueLeafCertificate({ subject: devSubject(organId), issuer, at, kind, ...extra });
    const certPem = issued.cert.toString('pem');
    const keyPem = await privateKeyToPem(issued.keys.privateKey);
    const certPath = join(dir, 'ids', `${name}.cert.pem`);
    const keyPath = join(dir, 'ids', `${name}.key.pem`);
    writeFileSync(certPath, certPem);
    writeFileSync(keyPath, keyPem);
    return {
      name,
      organId,
      issued,
      certPem,
      keyPem,
      certPath,
      keyPath,
      sha256: await thumbprintHex(issued.cert),
      kind,
    };
  };

  const ids = {
    rsa: await make('rsa', '000.00.00.G22', 'rsa', ca),
    rsa2: await make('rsa2', '000.00.00.H29', 'rsa', ca),
    ecdsa: await make('ecdsa', '000.00.00.H41', 'ecdsa', ca),
    ecdsaP384: await make('ecdsa-p384', '000.00.00.H13', 'ecdsa-p384', ca),
    revoked: await make('revoked', '000.00.00.G01', 'rsa', ca),
    expired: await make('expired', '000.00.00.G02', 'rsa', ca, {
      notBefore: new Date(at.getTime() - 400 * DAY),
      notAfter: new Date(at.getTime() - 30 * DAY),
    }),
    notYetValid: await make('not-yet-valid', '000.00.00.G03', 'rsa', ca, {
      notBefore: new Date(at.getTime() + 30 * DAY),
      notAfter: new Date(at.getTime() + 400 * DAY),
    }),
    wrongUsage: await make('wrong-usage', '000.00.00.G04', 'rsa', ca, {
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    }),
    untrusted: await make('untrusted', '000.00.00.G22', 'rsa', fakeCa),
  };
  const revokedEntry = {
    serialNumber: ids.revoked.issued.cert.serialNumber,
    revocationDate: new Date(at.getTime() - DAY),
  };
  const crl = await createCrl({
    issuer: ca,
    thisUpdate: new Date(at.getTime() - DAY),
    nextUpdate: new Date(at.getTime() + 7 * DAY),
    revoked: [revokedEntry],
  });
  const staleCrl = await createCrl({
    issuer: ca,
    thisUpdate: new Date(at.getTime() - 20 * DAY),
    nextUpdate: new Date(at.getTime() - 10 * DAY),
    revoked: [revokedEntry],
  });

  const rootPath = join(dir, 'trust', 'root.pem');
  const caPath = join(dir, 'trust', 'ca.pem');
  const crlPath = join(dir, 'trust', 'ca.crl.pem');
  writeFileSync(rootPath, root.cert.toString('pem'));
  writeFileSync(caPath, ca.cert.toString('pem'));
  writeFileSync(crlPath, crl.toString('pem'));

  const anchors = [parseCertificate(root.cert.toString('pem'))];
  const intermediates = [parseCertificate(ca.cert.toString('pem'))];
  return {
    at,
    dir,
    root,
    ca,
    rootPath,
    caPath,
    crlPath,
    trustDir: join(dir, 'trust'),
    ids,
    store: createTrustStore({ anchors, intermediates, crls: [crl] }),
    staleStore: createTrustStore({ anchors, intermediates, crls: [staleCrl] }),
  };
}
