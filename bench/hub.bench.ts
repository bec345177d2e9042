// Accepted small signed packages per second through the node API (POST /v1/messages) with
// concurrent senders, and the latency of each POST (p50/p99), on real Postgres and on embedded
// Postgres. Everything real: HTTP on loopback, signature verification in worker threads, one
// database transaction per package.
//   node --import tsx bench/hub.bench.ts [--packages N] [--concurrency C]
// Figures and the machine they came from: docs/benchmarks/hub.md.
import { Agent, request } from 'undici';
import { samplePackage } from '../test/support/edxml-samples.ts';
import { type Backend, startTestHub } from '../test/support/hub-harness.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Row {
  backend: string;
  packages: number;
  concurrency: number;
  'package bytes': number;
  'accepted/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
  errors: number;
}

async function measure(backend: Backend, packages: number, concurrency: number): Promise<Row> {
  const t = await startTestHub({ backend, organIds: [A, B], verifyThreads: 2 });
  try {
    const token = await t.addNode({ id: 'bench-a', organizations: [A] });
    await t.addNode({ id: 'bench-b', organizations: [B] });
    const bodies: string[] = [];
    for (let i = 0; i < packages + 50; i += 1) {
      bodies.push(
        await t.sign(
          samplePackage({ from: A, to: [B], documentId: `${A},2026/11/25,${i}/BENCH-${backend}` }),
          A,
        ),
      );
    }
    const errorSamples: string[] = [];
    const dispatcher = new Agent({ connections: concurrency, pipelining: 1 });
    const post = async (body: string) => {
      const started = performance.now();
      const res = await request(`${t.url}/v1/messages`, {
        method: 'POST',
        dispatcher,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 202 && errorSamples.length < 3)
        errorSamples.push(`${res.statusCode} ${text.slice(0, 300)}`);
      return { ms: performance.now() - started, ok: res.statusCode === 202 };
    };
    // Warm up: JIT, worker threads, connection pool.
    for (const body of bodies.slice(packages)) await post(body);

    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < packages) {
          const body = bodies[next++]!;
          const { ms, ok } = await post(body);
          latencies.push(ms);
          if (!ok) errors += 1;
        }
      }),
    );
    const elapsed = performance.now() - started;
    await dispatcher.close();
    for (const sample of errorSamples) console.error(`${backend}: ${sample}`);
    latencies.sort((x, y) => x - y);
    return {
      backend: backend === 'server' ? 'postgres' : 'embedded (PGlite)',
      packages,
      concurrency,
      'package bytes': Buffer.byteLength(bodies[0]!),
      'accepted/s': Math.round((packages / elapsed) * 1000),
      'p50 ms': Math.round(percentile(latencies, 50) * 10) / 10,
      'p99 ms': Math.round(percentile(latencies, 99) * 10) / 10,
      'max ms': Math.round((latencies.at(-1) ?? 0) * 10) / 10,
      errors,
    };
  } finally {
    await t.close();
  }
}

export async function run(): Promise<void> {
  const packages = arg('packages', 2000);
  const concurrency = arg('concurrency', 16);
  const rows: Row[] = [];
  rows.push(await measure('server', packages, concurrency));
  rows.push(await measure('embedded', Math.min(packages, 1000), concurrency));
  console.table(rows);
}

if (process.argv[1]?.endsWith('hub.bench.ts')) {
  await run();
}
