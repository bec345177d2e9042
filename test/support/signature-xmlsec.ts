// xmlsec1, the independent XMLDSig implementation the signature tests check against (installed by
// .ci/run from the Debian package).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DSIG_NS, insertIntoHeader } from './signature-docs.ts';

export const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  hmacSha256: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

export interface TemplateOptions {
  signatureMethod?: string;
  digestMethod?: string;
  /** CanonicalizationMethod of SignedInfo. */
  c14n?: string;
  /** C14N transform of the Reference; null = enveloped transform only. */
  transformC14n?: string | null;
  /** Prefix of the dsig namespace: 'ds', '' (default namespace), or any other. */
  prefix?: string;
  /** When false, the prefix is declared elsewhere (the caller adds xmlns:<prefix> to an ancestor). */
  declareNamespace?: boolean;
  uri?: string;
  /** Include <X509Data/> so xmlsec1 writes the certificate. Default true. */
  x509Data?: boolean;
}

/** An xmlsec1 signature template (empty DigestValue/SignatureValue). */
export function xmlsecTemplate(o: TemplateOptions = {}): string {
  const p = o.prefix ?? 'ds';
  const q = (n: string) => (p ? `${p}:${n}` : n);
  const ns = o.declareNamespace === false ? '' : p ? ` xmlns:${p}="${DSIG_NS}"` : ` xmlns="${DSIG_NS}"`;
  const c14nTransform =
    o.transformC14n === null ? '' : `<${q('Transform')} Algorithm="${o.transformC14n ?? ALG.excC14n}"/>`;
  const keyInfo = o.x509Data === false ? '' : `<${q('KeyInfo')}><${q('X509Data')}/></${q('KeyInfo')}>`;
  return (
    `<${q('Signature')}${ns}><${q('SignedInfo')}>` +
    `<${q('CanonicalizationMethod')} Algorithm="${o.c14n ?? ALG.excC14n}"/>` +
    `<${q('SignatureMethod')} Algorithm="${o.signatureMethod ?? ALG.rsaSha256}"/>` +
    `<${q('Reference')} URI="${o.uri ?? ''}"><${q('Transforms')}><${q('Transform')} Algorithm="${ALG.enveloped}"/>${c14nTransform}</${q('Transforms')}>` +
    `<${q('DigestMethod')} Algorithm="${o.digestMethod ?? ALG.sha256}"/><${q('DigestValue')}/></${q('Reference')}>` +
    `</${q('SignedInfo')}><${q('SignatureValue')}/>${keyInfo}</${q('Signature')}>`
  );
}

function work(): string {
  return mkdtempSync(join(tmpdir(), 'lienthong-xmlsec-'));
}

/** Runs fn in a fresh temporary folder and removes the folder afterwards (thousands of calls per run). */
function inWork<T>(fn: (dir: string) => T): T {
  const dir = work();
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Signs a document that already contains a template. */
export function xmlsecSignTemplate(
  xmlWithTemplate: string,
  keyPath: string,
  certPath: string,
  extra: string[] = [],
): string {
  return inWork((dir) => {
    writeFileSync(join(dir, 'in.xml'), xmlWithTemplate);
    execFileSync(
      'xmlsec1',
      [
        '--sign',
        '--privkey-pem',
        `${keyPath},${certPath}`,
        ...extra,
        '--output',
        join(dir, 'out.xml'),
        join(dir, 'in.xml'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return readFileSync(join(dir, 'out.xml'), 'utf8');
  });
}

/** Inserts a template into edXMLHeader and signs with xmlsec1. */
export function xmlsecSign(
  xml: string,
  keyPath: string,
  certPath: string,
  template: TemplateOptions = {},
): string {
  return xmlsecSignTemplate(insertIntoHeader(xml, xmlsecTemplate(template)), keyPath, certPath);
}

export interface XmlsecVerifyResult {
  ok: boolean;
  output: string;
}

/** `xmlsec1 --verify` with the given trusted and untrusted certificates (chain checked by OpenSSL). */
export function xmlsecVerify(
  xml: string,
  trusted: readonly string[],
  untrusted: readonly string[] = [],
): XmlsecVerifyResult {
  return inWork((dir) => {
    writeFileSync(join(dir, 'in.xml'), xml);
    const args = [
      '--verify',
      ...trusted.flatMap((t) => ['--trusted-pem', t]),
      ...untrusted.flatMap((u) => ['--untrusted-pem', u]),
      join(dir, 'in.xml'),
    ];
    const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  });
}

/**
 * The canonical bytes xmlsec1 digests for the (single) Reference of the template in `xmlWithTemplate`
 * (its "PreDigest data", printed by --store-references --print-debug while signing).
 */
export function xmlsecPreDigest(xmlWithTemplate: string, keyPath: string): Buffer {
  return inWork((dir) => {
    writeFileSync(join(dir, 'in.xml'), xmlWithTemplate);
    const r = spawnSync('xmlsec1', [
      '--sign',
      '--privkey-pem',
      keyPath,
      '--store-references',
      '--print-debug',
      join(dir, 'in.xml'),
    ]);
    const out = r.stdout;
    const start = Buffer.from('== PreDigest data - start buffer:\n');
    const end = Buffer.from('\n== PreDigest data - end buffer');
    const i = out.indexOf(start);
    const j = out.indexOf(end, i);
    if (r.status !== 0 || i < 0 || j < 0)
      throw new Error(`xmlsec1 did not sign: ${r.stderr.toString().slice(0, 300)}`);
    return Buffer.from(out.subarray(i + start.length, j));
  });
}
