// Signature verification cost, on one core (the calling thread, no worker pool):
//   node --import tsx bench/signature.bench.ts [--quick] [--small-only]
// For RSA-2048 and ECDSA P-256 signers, a small package (~4 KB) and packages with 1, 5 and 20 MB
// of attachments (base64 inside the XML, as edXML carries them), it reports the median time of one
// full verification (parse, profile, chain + CRL, canonicalization, digest, signature), packages/s
// and MB/s, beside:
//   floor    SHA-256 over the same bytes plus one signature check (the work no verifier can avoid);
//   xmlsec1  `xmlsec1 --verify` on the same file with the same root/CA (wall clock, process start
//            included; "xmlsec1 / ours" compares it with our wall clock);
//   library  the same verification with xmldsigjs's canonicalizer instead of the fast path.
// Throughput is computed from CPU time (user + system of this process, so the thread-pool share of
// WebCrypto is included): the machine is shared, and CPU time is what one core spends.
// Figures and the machine they came from: docs/benchmarks/signature.md.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  webcrypto,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificate } from '../src/signature/certificate.ts';
import {
  createCrl,
  createRootCa,
  type DevKeyAlgorithm,
  devSubject,
  type IssuedCertificate,
  issueCaCertificate,
  issueLeafCertificate,
  privateKeyToPem,
} from '../src/signature/dev-pki.ts';
import {
  createTrustStore,
  signEdxml,
  type TrustStore,
  type VerifyOptions,
  verifyEdxmlSignature,
} from '../src/signature/index.ts';

const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const MB = 1024 * 1024;

/** An edXML package like the SDK samples, with `attachmentBytes` of random content as base64. */
function packageXml(attachmentBytes: number): string {
  const attachment =
    attachmentBytes > 0
      ? `<Attachment><ContentId>cid:1</ContentId><AttachmentName>van-ban.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${randomBytes(attachmentBytes).toString('base64')}</ContentTransferEncoded></Attachment>`
      : '';
  const filler = Array.from(
    { length: 24 },
    (_, i) => `        <edXML:Place>Nơi nhận số ${i + 1}: Ủy ban nhân dân tỉnh</edXML:Place>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML_NS}">
  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName></edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.H29</edXML:OrganId><edXML:OrganName>UBND Thành phố Hồ Chí Minh</edXML:OrganName></edXML:To>
        <edXML:DocumentId>000.00.00.G22,2026/11/25,123/VPCP-KSTT</edXML:DocumentId>
        <edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản và điều hành</edXML:Subject>
        <edXML:ToPlaces>
${filler}
        </edXML:ToPlaces>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2026/11/25 09:00:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"/></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>${attachment}</AttachmentEncoded>
</edXML>
`;
}

interface Signer {
  kind: DevKeyAlgorithm;
  label: string;
  leaf: IssuedCertificate;
  keyPem: string;
  certPem: string;
}

interface Fixture {
  store: TrustStore;
  dir: string;
  rootPath: string;
  caPath: string;
  signers: Signer[];
  at: Date;
}

async function fixture(): Promise<Fixture> {
  const at = new Date();
  const root = await createRootCa({ subject: 'CN=bench Root CA, C=VN', at, kind: 'rsa' });
  const ca = await issueCaCertificate({
    subject: 'CN=bench CA, C=VN',
    issuer: root,
    at,
    kind: 'rsa',
    pathLength: 0,
  });
  const day = 86_400_000;
  const crls = [
    await createCrl({ issuer: ca, thisUpdate: at, nextUpdate: new Date(at.getTime() + day), revoked: [] }),
    await createCrl({ issuer: root, thisUpdate: at, nextUpdate: new Date(at.getTime() + day), revoked: [] }),
  ];
  const signers: Signer[] = [];
  for (const [kind, label] of [
    ['rsa', 'RSA-2048'],
    ['ecdsa', 'ECDSA P-256'],
  ] as const) {
    const leaf = await issueLeafCertificate({ subject: devSubject('000.00.00.G22'), issuer: ca, at, kind });
    signers.push({
      kind,
      label,
      leaf,
      keyPem: await privateKeyToPem(leaf.keys.privateKey),
      certPem: leaf.cert.toString('pem'),
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lienthong-sigbench-'));
  const rootPath = path.join(dir, 'root.pem');
  const caPath = path.join(dir, 'ca.pem');
  writeFileSync(rootPath, root.cert.toString('pem'));
  writeFileSync(caPath, ca.cert.toString('pem'));
  const store = createTrustStore({
    anchors: [parseCertificate(root.cert.toString('pem'))],
    intermediates: [parseCertificate(ca.cert.toString('pem'))],
    crls,
  });
  return { store, dir, rootPath, caPath, signers, at };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

interface Timing {
  /** Median wall-clock ms of one run. */
  wall: number;
  /** Median CPU ms (user + system, all threads of this process) of one run: the one-core cost. */
  cpu: number;
}

/** Times `fn` over `rounds` runs after one warm-up run, or as many runs as fit in `budgetMs`. */
async function time(fn: () => Promise<unknown> | unknown, rounds: number, budgetMs = 0): Promise<Timing> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < rounds || (budgetMs > 0 && performance.now() - start < budgetMs)) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function floorMs(bytes: Uint8Array, signer: Signer, rounds: number): Promise<Timing> {
  const alg = signer.kind === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
  const data = new TextEncoder().encode('<ds:SignedInfo>… one canonical SignedInfo …</ds:SignedInfo>');
  const sig = await webcrypto.subtle.sign(alg, signer.leaf.keys.privateKey, data);
  return time(async () => {
    createHash('sha256').update(bytes).digest();
    await webcrypto.subtle.verify(alg, signer.leaf.keys.publicKey, sig, data);
  }, rounds);
}

function xmlsecMs(file: string, f: Fixture, rounds: number): number {
  const args = ['--verify', '--trusted-pem', f.rootPath, '--untrusted-pem', f.caPath, file];
  const first = spawnSync('xmlsec1', args);
  if (first.status !== 0) return Number.NaN;
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    spawnSync('xmlsec1', args);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

interface Row {
  signer: string;
  package: string;
  'size MB': string;
  'cpu ms': string;
  'wall ms': string;
  'pkg/s': string;
  'MB/s': string;
  'floor cpu ms': string;
  '× floor': string;
  'xmlsec1 ms': string;
  'xmlsec1 / ours': string;
  'library c14n cpu ms': string;
}

export async function run(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const f = await fixture();
  // --small-only: only the table of small distinct packages (the direct verifier beside the floor).
  if (process.argv.includes('--small-only')) {
    try {
      await smallDistinct(f, quick ? 100 : 400);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
    return;
  }
  const sizes: Array<[string, number, number]> = [
    ['small', 0, quick ? 50 : 200],
    ['1 MB attachments', 1 * MB, quick ? 5 : 15],
    ['5 MB attachments', 5 * MB, quick ? 3 : 7],
    ['20 MB attachments', 20 * MB, quick ? 2 : 5],
  ];
  const rows: Row[] = [];
  try {
    for (const signer of f.signers) {
      for (const [label, attachmentBytes, rounds] of sizes) {
        const signed = await signEdxml(packageXml(attachmentBytes), {
          keyPem: signer.keyPem,
          certPem: signer.certPem,
        });
        const bytes = new TextEncoder().encode(signed);
        const file = path.join(f.dir, `${signer.kind}-${attachmentBytes}.edxml`);
        writeFileSync(file, bytes);
        const check = await verifyEdxmlSignature(bytes, f.store, { at: f.at });
        if (check.code !== 'OK') throw new Error(`bench package does not verify: ${check.code}`);
        const verify = await time(
          () => verifyEdxmlSignature(bytes, f.store, { at: f.at }),
          rounds,
          attachmentBytes === 0 ? 3000 : 0,
        );
        // xmldsigjs's own canonicalizer (with the conformance fixes) takes seconds on 20 MB: one round there.
        const library = await time(
          () => verifyEdxmlSignature(bytes, f.store, { at: f.at, canonicalizer: 'xmldsigjs' }),
          attachmentBytes >= 20 * MB ? 1 : Math.max(2, Math.ceil(rounds / 4)),
        );
        const floor = await floorMs(bytes, signer, rounds);
        const xmlsec = xmlsecMs(file, f, Math.min(rounds, 15));
        const mb = bytes.length / MB;
        rows.push({
          signer: signer.label,
          package: label,
          'size MB': mb.toFixed(3),
          'cpu ms': verify.cpu.toFixed(2),
          'wall ms': verify.wall.toFixed(2),
          'pkg/s': (1000 / verify.cpu).toFixed(0),
          'MB/s': (mb / (verify.cpu / 1000)).toFixed(0),
          'floor cpu ms': floor.cpu.toFixed(2),
          '× floor': (verify.cpu / floor.cpu).toFixed(1),
          'xmlsec1 ms': xmlsec.toFixed(1),
          'xmlsec1 / ours': (xmlsec / verify.wall).toFixed(1),
          'library c14n cpu ms': library.cpu.toFixed(0),
        });
      }
    }
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
  console.table(rows);
  await smallDistinct(f, quick ? 100 : 400);
  const small = rows.filter((r) => r.package === 'small').map((r) => Number(r['pkg/s']));
  const heavy = rows.filter((r) => r.package !== 'small').map((r) => Number(r['MB/s']));
  console.log(
    `targets (one core, CPU time): >= 500 small packages/s -> ${Math.min(...small)}..${Math.max(...small)}; ` +
      `>= 50 MB/s on attachment-heavy packages -> ${Math.min(...heavy)}..${Math.max(...heavy)} MB/s`,
  );
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/**
 * Many distinct small packages (a new DocumentId each, so nothing is cached per package), verified
 * one after the other on one thread: CPU per package of the default path (the direct verifier,
 * src/signature/direct/), of the DOM path it falls back to (`direct: false`) and of xmldsigjs's own
 * canonicalizer, beside the floor: SHA-256 over the same bytes plus one node:crypto signature check
 * with an already imported key. Target (issue #16): >= 5 000 packages/s per core, within 4x the floor.
 */
async function smallDistinct(f: Fixture, count: number): Promise<void> {
  const rows: Array<Record<string, string>> = [];
  for (const signer of f.signers) {
    const packages: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const xml = packageXml(0).replace('123/VPCP-KSTT', `${i}/VPCP-KSTT`);
      packages.push(Buffer.from(await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem })));
    }
    const perPackage = async (options: Partial<VerifyOptions>): Promise<number> => {
      for (const bytes of packages.slice(0, 20))
        await verifyEdxmlSignature(bytes, f.store, { at: f.at, ...options });
      const samples: number[] = [];
      for (let round = 0; round < 3; round++) {
        const c = process.cpuUsage();
        for (const bytes of packages) {
          const v = await verifyEdxmlSignature(bytes, f.store, { at: f.at, ...options });
          if (!v.valid) throw new Error(`bench package does not verify: ${v.code}`);
        }
        const used = process.cpuUsage(c);
        samples.push((used.user + used.system) / 1000 / packages.length);
      }
      return median(samples);
    };
    const direct = await perPackage({});
    const dom = await perPackage({ direct: false });
    const library = await perPackage({ canonicalizer: 'xmldsigjs' });
    const floor = nodeFloorMs(packages, signer);
    rows.push({
      signer: signer.label,
      packages: String(packages.length),
      'size KB': ((packages[0]?.length ?? 0) / 1024).toFixed(1),
      'direct cpu ms': direct.toFixed(3),
      'direct pkg/s': (1000 / direct).toFixed(0),
      'floor cpu ms': floor.toFixed(3),
      'direct × floor': (direct / floor).toFixed(1),
      'DOM path cpu ms': dom.toFixed(3),
      'DOM / direct': (dom / direct).toFixed(1),
      'library c14n cpu ms': library.toFixed(3),
    });
  }
  console.log(`\nsmall distinct packages, one thread, CPU per package (median of 3 passes):`);
  console.table(rows);
  const rates = rows.map((r) => Number(r['direct pkg/s']));
  const ratios = rows.map((r) => Number(r['direct × floor']));
  console.log(
    `target (issue #16): >= 5 000 small packages/s per core within 4× the floor -> ${Math.min(...rates)}..${Math.max(...rates)}/s, ${Math.min(...ratios)}..${Math.max(...ratios)}× the floor`,
  );
}

/** The floor per package: SHA-256 over its bytes plus one signature check, node:crypto, key imported once. */
function nodeFloorMs(packages: readonly Uint8Array[], signer: Signer): number {
  const data = Buffer.from('<ds:SignedInfo>… one canonical SignedInfo …</ds:SignedInfo>');
  const privateKey = createPrivateKey(signer.keyPem);
  const publicKey = createPublicKey(privateKey);
  const ec = signer.kind !== 'rsa';
  const sig = ec
    ? sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', data, privateKey);
  const once = () => {
    for (const bytes of packages) {
      createHash('sha256').update(bytes).digest();
      const ok = ec
        ? verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)
        : verify('sha256', data, publicKey, sig);
      if (!ok) throw new Error('floor signature does not verify');
    }
  };
  once();
  const samples: number[] = [];
  for (let round = 0; round < 3; round++) {
    const c = process.cpuUsage();
    once();
    const used = process.cpuUsage(c);
    samples.push((used.user + used.system) / 1000 / packages.length);
  }
  return median(samples);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await run();
}
