// Builds the `vn` trust profile (config/trust/vn) and its documentation (docs/trust-vn.md) from the
// Vietnamese CA certificates in test/fixtures/trust-vn: roots become anchors; intermediates
// and expired CA certificates become chain-building aids; time-stamping units are left out (they are
// not CAs). Every fingerprint is computed here and cross-checked against the fixture manifest. The
// profile is written with "enabled": false: an operator enables it after confirming the fingerprints.
//
//   node --import tsx scripts/build-trust-vn.ts [--source DIR]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCertificate } from '../src/signature/certificate.ts';
import type { TrustProfileEntry, TrustProfileFile } from '../src/signature/trust-profile.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const sourceFlag = process.argv.indexOf('--source');
const source =
  sourceFlag > 0
    ? resolve(process.argv[sourceFlag + 1] ?? '')
    : resolve(repoRoot, 'test', 'fixtures', 'trust-vn');
const target = resolve(repoRoot, 'config', 'trust', 'vn');
const docPath = resolve(repoRoot, 'docs', 'trust-vn.md');

interface ManifestRow {
  file: string;
  pki: string;
  sha256: string;
  issuerSha256: string;
  confidence: string;
  signatureHash: string;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

function readManifest(): Map<string, ManifestRow> {
  const [header, ...rows] = parseCsv(readFileSync(join(source, 'manifest.csv'), 'utf8'));
  const col = (name: string) => (header ?? []).indexOf(name);
  const out = new Map<string, ManifestRow>();
  for (const r of rows) {
    if (r.length < 5) continue;
    const get = (name: string) => r[col(name)] ?? '';
    out.set(get('file'), {
      file: get('file'),
      pki: get('pki'),
      sha256: get('sha256'),
      issuerSha256: get('issuer_sha256'),
      confidence: get('confidence'),
      signatureHash: get('signature_hash'),
    });
  }
  return out;
}

interface Built extends TrustProfileEntry {
  issuer: string;
  pki: string;
  confidence: string;
  signatureHash: string;
  issuerSha256: string;
}

function build(): Built[] {
  const manifest = readManifest();
  rmSync(target, { recursive: true, force: true });
  const plan: Array<[string, 'anchor' | 'intermediate']> = [
    ['roots', 'anchor'],
    ['intermediates', 'intermediate'],
    ['expired', 'intermediate'],
  ];
  const built: Built[] = [];
  for (const [folder, role] of plan) {
    mkdirSync(join(target, folder), { recursive: true });
    for (const name of readdirSync(join(source, folder))
      .filter((f) => f.endsWith('.pem'))
      .sort()) {
      const rel = `${folder}/${name}`;
      const info = parseCertificate(readFileSync(join(source, folder, name), 'utf8'));
      const row = manifest.get(rel);
      if (!row || row.sha256 !== info.sha256) throw new Error(`${rel}: SHA-256 differs from manifest.csv`);
      copyFileSync(join(source, folder, name), join(target, folder, name));
      built.push({
        path: rel,
        role,
        sha256: info.sha256,
        subject: info.cert.subject,
        issuer: info.cert.issuer,
        notBefore: info.cert.notBefore.toISOString(),
        notAfter: info.cert.notAfter.toISOString(),
        pki: row.pki,
        confidence: row.confidence,
        signatureHash: row.signatureHash,
        issuerSha256: row.issuerSha256,
      });
    }
  }
  return built;
}

function writeProfile(entries: readonly Built[]): void {
  const profile: TrustProfileFile & { source: string } = {
    name: 'vn',
    enabled: false,
    description:
      'Vietnamese CAs: government PKI of Ban Co yeu Chinh phu (G1, G2) and the national public PKI (NEAC roots and licensed CAs). ' +
      'Off until an operator confirms every anchor fingerprint against rootca.gov.vn and ca.gov.vn; see docs/trust-vn.md.',
    source: 'test/fixtures/trust-vn (copies from public repositories, see its README)',
    entries: entries.map(({ path, role, sha256, subject, notBefore, notAfter }) => ({
      path,
      role,
      sha256,
      subject,
      notBefore,
      notAfter,
    })),
  };
  writeFileSync(join(target, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`);
}

const day = (iso: string) => iso.slice(0, 10);

function writeDoc(entries: readonly Built[]): void {
  const anchors = entries.filter((e) => e.role === 'anchor');
  const bySha = new Map(entries.map((e) => [e.sha256, e]));
  const cas = entries.filter((e) => e.role === 'intermediate');
  const row = (e: Built) =>
    `| \`${e.path}\` | ${e.subject.replace(/\|/g, '\\|')} | ${day(e.notBefore)} | ${day(e.notAfter)} | ${e.signatureHash.toUpperCase()} | \`${e.sha256}\` |`;
  const caRow = (e: Built) =>
    `| \`${e.path}\` | ${e.subject.replace(/\|/g, '\\|')} | ${bySha.get(e.issuerSha256)?.path.replace('roots/', '') ?? e.issuer} | ${day(e.notBefore)} | ${day(e.notAfter)} | \`${e.sha256}\` |`;
  const doc = `# The \`vn\` trust profile: Vietnamese CA certificates

\`config/trust/vn/\` holds the trust anchors and CA certificates that signers of Vietnamese
e-documents chain to:

- the specialised government PKI of the Government Cipher Committee (Ban Cơ yếu Chính phủ),
  generations G1 (2010, SHA-1) and G2 (2018);
- the national public PKI run by NEAC: "MIC National Root CA" (2008, SHA-1), "Vietnam National Root
  CA" (2014), "Vietnam National Root CA G3" (2024), the roots issued under the Ministry of Science and
  Technology name (RS, USBTOKEN, MOBILEPKI, TSA 2025; EMA 2026), and the licensed public CAs below them.

Generated by \`node --import tsx scripts/build-trust-vn.ts\` from \`test/fixtures/trust-vn/\`
(see its README for where each file was found and how confident that copy is). Do not edit the
directory by hand: \`profile.json\` lists every file with its SHA-256, and the loader refuses a
profile whose files do not match it.

## It is off by default

The files are copies taken from public source repositories, **not** downloads from the official
sites. \`profile.json\` ships with \`"enabled": false\`, and \`loadTrustStore\` (so the hub and
\`lienthong verify --trust config/trust/vn\`) refuses a disabled profile with
\`TRUST_PROFILE_DISABLED\`. To enable it, an operator:

1. prints the fingerprints the hub would trust: \`npx lienthong pki fingerprints config/trust/vn\`;
2. compares **every anchor** below with the official publication: NEAC <https://rootca.gov.vn/crt/>;
   Ban Cơ yếu <http://ca.gov.vn/pki/pub/crt/> (G2) and <http://ca.gov.vn/pki/pub/cert/> (G1);
   removes (by rebuilding without it) any certificate that does not match;
3. sets \`"enabled": true\` in \`config/trust/vn/profile.json\` of the deployed copy, and adds the
   directory to the hub's trust paths (for the CLI: \`--trust config/trust/vn\`).

Whether each CA is still licensed, and whether any certificate has been revoked, was not checked;
no CRLs are included. Add the CAs' CRL files to a trust directory (\`*.crl\`, \`*.crl.pem\`) and keep
them fresh with a scheduled job if revocation must be enforced.

## Policy notes

- **SHA-1.** The G1 root and its sub-CAs, and the MIC root, are SHA-1 signed. Chains through them
  are refused with \`CERT_UNTRUSTED\` (finding \`CERT_WEAK_SIGNATURE\`) unless the sender's policy
  allows legacy SHA-1 (\`allowSha1\`, CLI \`--allow-sha1\`). G1 sub-CAs stay valid until 2030.
- **Critical extensions.** The 2025/2026 roots and the CAs under them mark certificatePolicies and
  cRLDistributionPoints critical (one time-stamping unit even marks authorityInfoAccess critical).
  lienthong processes or safely treats these as informational, so chains through them validate
  (OpenSSL-based verifiers reject some of them as "unhandled critical extension"). Name
  constraints, policy constraints and inhibitAnyPolicy are not processed and are refused if critical.
- **Expired CA certificates** are kept under \`expired/\` as chain-building aids for validating old
  signatures at a past time (\`--at\`); at the current time they yield \`CERT_EXPIRED\`.
- Time-stamping unit certificates are not part of the profile (they are not CAs).

## Trust anchors (${anchors.length})

| file | subject | valid from | valid to | signature | SHA-256 |
|---|---|---|---|---|---|
${anchors.map(row).join('\n')}

## CA certificates (chain-building aids, ${cas.length})

| file | subject | issuer (root) | valid from | valid to | SHA-256 |
|---|---|---|---|---|---|
${cas.map(caRow).join('\n')}
`;
  writeFileSync(docPath, doc);
}

const entries = build();
writeProfile(entries);
writeDoc(entries);
console.log(`wrote ${entries.length} certificates to ${target} and ${docPath}`);
