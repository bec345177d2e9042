// `lienthong verify FILE…` over a folder of archived packages, compiled (dist/), one process (issue
// #16: >= 2 000 small files/s): N distinct signed small packages written to a folder, then the whole
// command timed as a child process (start-up included), beside the reference measured in the same
// run: `xmlsec1 --verify`, which takes one file per process, on a sample of the same files.
//   npm run bench -- verify-many [--files 2000] [--profile DIR]
// Figures and the machine they came from: docs/benchmarks/signature.md ("Many files").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevPki, signEdxml } from '../src/signature/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(root, 'bin', 'lienthong.js');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export async function run(): Promise<void> {
  const count = option('files', 2000);
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lienthong-verify-many-'));
  try {
    const organ = '000.00.00.G22';
    const pki = await createDevPki({ organIds: [organ, '000.00.00.H41'], at: new Date() });
    const signer = pki.organizations[0]!;
    const trust = path.join(dir, 'trust');
    const files = path.join(dir, 'packages');
    spawnSync('mkdir', ['-p', trust, files]);
    writeFileSync(path.join(trust, 'root.pem'), pki.rootCertPem);
    writeFileSync(path.join(trust, 'ca.pem'), pki.caCertPem);
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const xml = samplePackage({
        from: organ,
        to: ['000.00.00.H41'],
        documentId: `${organ},2026/12/07,${i}/LT`,
      });
      const signed = await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem });
      bytes += Buffer.byteLength(signed);
      writeFileSync(path.join(files, `${String(i).padStart(6, '0')}.edxml`), signed);
    }
    // --profile DIR: a CPU profile of the verify process (the in-thread run) into DIR.
    const profileAt = process.argv.indexOf('--profile');
    const profile = profileAt >= 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileAt + 1]}`] : [];
    const timed = (threads: number): number => {
      const t = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          ...(threads === 0 ? profile : []),
          BIN,
          'verify',
          '--trust',
          trust,
          '--threads',
          String(threads),
          files,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, LIENTHONG_FROM_SOURCE: '' } },
      );
      const ms = performance.now() - t;
      const lines = r.stdout.trimEnd().split('\n');
      const valid = lines.filter((l) => (JSON.parse(l) as { valid: boolean }).valid).length;
      if (r.status !== 0 || valid !== count)
        throw new Error(`verify: exit ${r.status}, ${valid}/${count} valid\n${r.stderr}`);
      return ms;
    };
    const runs = [0, 2].map((threads) => ({ threads, ms: timed(threads) }));
    // The reference: xmlsec1, one process per file (its only way), on a sample of the same files.
    const sample = Math.min(100, count);
    const x0 = performance.now();
    let xmlsecValid = 0;
    for (let i = 0; i < sample; i++) {
      const x = spawnSync('xmlsec1', [
        '--verify',
        '--trusted-pem',
        path.join(trust, 'root.pem'),
        '--untrusted-pem',
        path.join(trust, 'ca.pem'),
        path.join(files, `${String(i).padStart(6, '0')}.edxml`),
      ]);
      if (x.status === 0) xmlsecValid++;
    }
    const xmlsecPerFile = (performance.now() - x0) / sample;
    const xmlsecRate = 1000 / xmlsecPerFile;
    console.table(
      runs.map(({ threads, ms }) => ({
        files: count,
        'avg KB': (bytes / count / 1024).toFixed(1),
        threads: threads === 0 ? '0 (this thread)' : String(threads),
        'lienthong verify s': (ms / 1000).toFixed(2),
        'files/s': Math.round((count / ms) * 1000),
        'xmlsec1 ms/file': xmlsecPerFile.toFixed(1),
        'xmlsec1 files/s': Math.round(xmlsecRate),
        '× xmlsec1': (((count / ms) * 1000) / xmlsecRate).toFixed(1),
        'xmlsec1 valid': `${xmlsecValid}/${sample}`,
      })),
    );
    const best = Math.max(...runs.map(({ ms }) => Math.round((count / ms) * 1000)));
    console.log(
      `target (issue #16): >= 2 000 small files/s in one process with the build -> ${best}/s; ` +
        `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, load ${os.loadavg()[0]?.toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await run();
}
