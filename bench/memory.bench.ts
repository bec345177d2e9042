// Memory per in-flight package (issue #16): N large signed packages (default five of 60 MB) sent at
// once to a real `lienthong serve` child process whose V8 heap is capped (default 1 GB,
// --max-old-space-size through NODE_OPTIONS), on a Postgres server and on embedded Postgres. The
// hub's RSS is sampled every 10 ms from /proc; `MB per package` is (peak − RSS before) ÷ accepted, and
// `× size` divides it by one package's size. The reference beside it, measured in the same run with
// the same bodies and heap cap: a bare Fastify server that only reads each body into a buffer (the
// least any Node HTTP service holds per package). A refused or failed package is counted in the
// table, never hidden.
//   node --import tsx bench/memory.bench.ts [--mb 60] [--count 5] [--heap-mb 1024] [--backends postgres,embedded]
//   npm run bench -- memory
// Figures and the machine they came from: docs/benchmarks/memory.md.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Agent, request } from 'undici';
import { signEdxml } from '../src/signature/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';
import { A, B, type Backend, rssMb, startBareFastify, startBenchHub } from './bench-hub.ts';
import { option } from './bench-options.ts';

const round1 = (n: number) => Math.round(n * 10) / 10;

interface Row {
  server: string;
  packages: number;
  'package MB': number;
  accepted: number;
  failed: number;
  'RSS before MB': number;
  'RSS peak MB': number;
  'MB per package': number;
  '× size': number;
  seconds: number;
}

/** Samples a process's RSS every 10 ms until stopped; the highest seen. */
function samplePeak(pid: number) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone: its failure shows in the answers.
    }
  }, 10);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Sends every body at once; the answers' status codes (0 = no answer). */
async function sendAll(url: string, token: string, bodies: readonly string[]): Promise<number[]> {
  const dispatcher = new Agent({ connections: bodies.length, bodyTimeout: 600_000, headersTimeout: 600_000 });
  try {
    return await Promise.all(
      bodies.map(async (body) => {
        try {
          const res = await request(`${url}/v1/messages`, {
            method: 'POST',
            dispatcher,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
            body,
          });
          const text = await res.body.text();
          if (res.statusCode !== 202) console.error(`  ${res.statusCode} ${text.slice(0, 200)}`);
          return res.statusCode;
        } catch (error) {
          console.error(`  no answer: ${(error as Error).message}`);
          return 0;
        }
      }),
    );
  } finally {
    await dispatcher.close();
  }
}

async function measureOne(
  server: string,
  pid: number,
  send: () => Promise<number[]>,
  bodies: readonly string[],
): Promise<Row> {
  const before = rssMb(pid);
  const peak = samplePeak(pid);
  const started = performance.now();
  const codes = await send();
  const seconds = (performance.now() - started) / 1000;
  const top = peak();
  const accepted = codes.filter((c) => c === 202).length;
  const size = Buffer.byteLength(bodies[0]!) / 1e6;
  // Per package that was in flight: refused ones are answered before their bodies are read.
  const perPackage = (top - before) / Math.max(accepted, 1);
  return {
    server,
    packages: bodies.length,
    'package MB': round1(size),
    accepted,
    failed: bodies.length - accepted,
    'RSS before MB': before,
    'RSS peak MB': top,
    'MB per package': round1(perPackage),
    '× size': Math.round((perPackage / size) * 100) / 100,
    seconds: round1(seconds),
  };
}

async function measure(backend: Backend, megabytes: number, count: number, heapMb: number): Promise<Row[]> {
  const nodeOptions = { NODE_OPTIONS: `--max-old-space-size=${heapMb}` };
  // The hub's upload limits (by default 128 MiB of one node's uploads and 256 MiB of all uploads in
  // flight) would refuse some of the packages with UPLOAD_LIMITED before they take memory: raised
  // here so that all of them are in flight at once, which is what is measured.
  const inFlight = String(Math.ceil(count * megabytes * 1.1 * 1e6));
  const { hub, tokens, signer, close } = await startBenchHub(backend, 'memory', {
    ...nodeOptions,
    LIENTHONG_NODE_UPLOAD_BYTES: inFlight,
    LIENTHONG_UPLOAD_BYTES: inFlight,
  });
  const sign = (documentId: string, attachment: Uint8Array) =>
    signEdxml(
      samplePackage({ from: A, to: [B], documentId, attachments: [{ name: 'scan.pdf', bytes: attachment }] }),
      { keyPem: signer.keyPem, certPem: signer.certPem },
    );
  try {
    // Warm the hub (verifier, connections, first write) with one small package.
    await sendAll(hub.url!, tokens.a, [await sign(`${A},2026/12/08,0/WARM`, randomBytes(2048))]);
    // Base64 grows the attachment by 4/3: this many raw bytes give a package of about `megabytes`.
    const bodies: string[] = [];
    for (let i = 0; i < count; i += 1)
      bodies.push(
        await sign(`${A},2026/12/08,${i + 1}/MEM`, randomBytes(Math.floor((megabytes * 1e6 * 3) / 4))),
      );
    const label = backend === 'postgres' ? 'lienthong, postgres' : 'lienthong, embedded (PGlite)';
    const row = await measureOne(label, hub.child.pid!, () => sendAll(hub.url!, tokens.a, bodies), bodies);
    const bare = await startBareFastify(nodeOptions);
    try {
      const reference = await measureOne(
        'bare Fastify (reference)',
        bare.pid,
        () => sendAll(bare.url, 'x', bodies),
        bodies,
      );
      return [row, reference];
    } finally {
      bare.close();
    }
  } finally {
    await close();
  }
}

export async function run(): Promise<void> {
  const megabytes = Number(option('mb', '60'));
  const count = Number(option('count', '5'));
  const heapMb = Number(option('heap-mb', '1024'));
  const backends = option('backends', 'postgres,embedded').split(',') as Backend[];
  const rows: Row[] = [];
  for (const backend of backends) rows.push(...(await measure(backend, megabytes, count, heapMb)));
  console.table(rows);
  console.log(
    `target (issue #16): every package accepted with a ${heapMb} MB heap, and MB per package <= 1.5× its size`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
