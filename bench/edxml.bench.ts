// Codec costs: parse+validate throughput on a package with one 5 MB attachment and on small
// header-only packages, build throughput, and peak memory of one parse (in a child process).
//   node --import tsx bench/edxml.bench.ts [--rounds N]
// Figures and the machine they came from: docs/benchmarks/edxml.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { XMLParser } from 'fast-xml-parser';
import {
  buildEdxml,
  buildEdxmlBytes,
  EdxmlAttachment,
  type EdxmlMessage,
  type EdxmlPackage,
  inspectEdxml,
  parseEdxml,
  summarize,
} from '../src/edxml/index.ts';

const SDK = fileURLToPath(new URL('../test/fixtures/vxp-sdk/', import.meta.url));

function read(file: string): EdxmlMessage {
  const { message } = inspectEdxml(readFileSync(path.join(SDK, file)));
  if (!message) throw new Error(`${file} does not read`);
  return message;
}

/** The SDK update package (3 recipients, Bussiness with receivers) without its attachment: ~6 KB. */
function headerOnlyModel(): EdxmlPackage {
  const m = read('edoc_update.edxml') as EdxmlPackage;
  return { ...m, manifest: { version: '1.0', references: [] }, attachments: [] };
}

function headerOnly(): Uint8Array {
  return buildEdxmlBytes(headerOnlyModel());
}

/** The same header with one attachment of `bytes` random bytes (base64 in the package). */
function withAttachment(bytes: number): { message: EdxmlPackage; xml: Uint8Array } {
  const m = read('edoc_update.edxml') as EdxmlPackage;
  const meta = { contentId: 'cid:1', attachmentName: 'big.pdf', contentType: 'application/pdf' };
  const message: EdxmlPackage = {
    ...m,
    manifest: { version: '1.0', references: [meta] },
    attachments: [EdxmlAttachment.fromBytes(meta, randomBytes(bytes))],
  };
  return { message, xml: buildEdxmlBytes(message) };
}

interface Row {
  case: string;
  'input KB': number;
  'ms/op (median)': number;
  'ops/s': number;
  'MB/s': number;
}

/** Median time per operation over `rounds` rounds of `n` operations (after a warm-up round). */
function measure(name: string, bytes: number, n: number, rounds: number, op: () => unknown): Row {
  for (let i = 0; i < n; i++) op();
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) op();
    perOp.push((performance.now() - start) / n);
  }
  perOp.sort((a, b) => a - b);
  const ms = perOp[Math.floor(perOp.length / 2)] as number;
  return {
    case: name,
    'input KB': Math.round(bytes / 1024),
    'ms/op (median)': Number(ms.toFixed(3)),
    'ops/s': Math.round(1000 / ms),
    'MB/s': Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)),
  };
}

function ok(result: ReturnType<typeof parseEdxml>): void {
  if (!result.ok) throw new Error(`bench input refused: ${result.code}`);
}

function throughput(rounds: number): Row[] {
  const small = headerOnly();
  const status = readFileSync(path.join(SDK, 'status.edxml'));
  const big = withAttachment(5 * 1024 * 1024);
  const smallModel = headerOnlyModel();
  const parsedBig = inspectEdxml(big.xml).message as EdxmlPackage;
  // fast-xml-parser with stop nodes on the attachment body, as libraries.md recommends: for scale.
  const fxp = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    processEntities: false,
    stopNodes: ['*.edXML:ContentTransferEncoded'],
  });
  // fast-xml-parser takes text: decoding the bytes is left out of its rows (it would cost more).
  const bigText = Buffer.from(big.xml).toString('utf8');
  const smallText = Buffer.from(small).toString('utf8');
  return [
    measure('parse+validate, 1 × 5 MB attachment', big.xml.byteLength, 5, rounds, () =>
      ok(parseEdxml(big.xml)),
    ),
    measure('parse+validate+summarize (sha256), 5 MB', big.xml.byteLength, 5, rounds, () => {
      const r = parseEdxml(big.xml);
      if (r.ok) summarize(r.message);
    }),
    measure('parse+validate, header-only package', small.byteLength, 2000, rounds, () =>
      ok(parseEdxml(small)),
    ),
    measure('parse+validate, status package', status.byteLength, 2000, rounds, () => ok(parseEdxml(status))),
    measure('buildEdxmlBytes, header-only package', small.byteLength, 2000, rounds, () =>
      buildEdxmlBytes(smallModel),
    ),
    measure('buildEdxml (string), header-only package', small.byteLength, 2000, rounds, () =>
      buildEdxml(smallModel),
    ),
    measure('buildEdxmlBytes, 5 MB attachment given as bytes', big.xml.byteLength, 5, rounds, () =>
      buildEdxmlBytes(big.message),
    ),
    measure('buildEdxmlBytes, 5 MB attachment of a parsed package', big.xml.byteLength, 5, rounds, () =>
      buildEdxmlBytes(parsedBig),
    ),
    measure('(reference) fast-xml-parser parse only, 5 MB', big.xml.byteLength, 5, rounds, () =>
      fxp.parse(bigText),
    ),
    measure('(reference) fast-xml-parser parse only, header-only', small.byteLength, 2000, rounds, () =>
      fxp.parse(smallText),
    ),
  ];
}

/** RSS sampled every ~0.5 ms from a worker thread (process-wide), while the main thread parses. */
const SAMPLER = `
const { parentPort, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData);
let max = 0;
parentPort.postMessage('ready');
while (Atomics.load(flag, 0) === 0) { max = Math.max(max, process.memoryUsage.rss()); Atomics.wait(flag, 1, 0, 0.5); }
parentPort.postMessage(max);`;

/** Child-process side: one parse of the package in `file`, memory measured around it. */
async function memoryChild(file: string, withHash: boolean): Promise<void> {
  const bytes = readFileSync(file);
  for (let i = 0; i < 50; i++) parseEdxml(headerOnly()); // warm up the code paths on a small input
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const sampler = new Worker(SAMPLER, { eval: true, workerData: flag.buffer });
  await new Promise((resolve) => sampler.once('message', resolve));
  gc?.();
  const before = process.memoryUsage();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const result = parseEdxml(bytes);
  const summary = withHash && result.ok ? summarize(result.message) : null;
  const after = process.memoryUsage();
  await new Promise((r) => setTimeout(r, 5));
  Atomics.store(flag, 0, 1);
  const sampledMax = (await new Promise((resolve) => sampler.on('message', resolve))) as number;
  const out = {
    ok: result.ok,
    hashed: summary !== null,
    packageBytes: bytes.byteLength,
    sampledPeakRssDelta: sampledMax - before.rss,
    maxRssBefore,
    maxRssAfter: process.resourceUsage().maxRSS * 1024,
    rssBefore: before.rss,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
  };
  process.stdout.write(JSON.stringify(out));
}

function memory(): Array<Record<string, string | number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edxml-bench-'));
  try {
    const file = path.join(dir, 'big.edxml');
    writeFileSync(file, withAttachment(5 * 1024 * 1024).xml);
    const self = fileURLToPath(import.meta.url);
    return [false, true].map((hash) => {
      const args = [
        '--expose-gc',
        '--import',
        'tsx',
        self,
        '--memory-child',
        file,
        ...(hash ? ['--hash'] : []),
      ];
      const child = spawnSync(process.execPath, args, {
        encoding: 'utf8',
        cwd: path.dirname(path.dirname(self)),
      });
      if (child.status !== 0) throw new Error(child.stderr);
      const m = JSON.parse(child.stdout) as Record<string, number>;
      const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));
      const pkg = m['packageBytes'] as number;
      const sampled = m['sampledPeakRssDelta'] as number;
      return {
        case: hash ? 'parse+validate+sha256' : 'parse+validate',
        'package MB': mb(pkg),
        'sampled peak RSS Δ MB': mb(sampled),
        '× package': Number((sampled / pkg).toFixed(2)),
        'maxRSS Δ MB (upper bound)': mb((m['maxRssAfter'] as number) - (m['rssBefore'] as number)),
        'heapUsed Δ MB (retained)': mb(m['heapUsedDelta'] as number),
        'external Δ MB (retained)': mb(m['externalDelta'] as number),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? '?'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.table(throughput(rounds));
  console.table(memory());
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

const childIndex = process.argv.indexOf('--memory-child');
if (childIndex > 0) {
  await memoryChild(process.argv[childIndex + 1] as string, process.argv.includes('--hash'));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await run();
}
