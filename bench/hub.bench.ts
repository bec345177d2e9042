// Accepted small signed packages per second through the node API (POST /v1/messages) with
// concurrent senders, and the latency of each POST (p50/p99), on real Postgres and on embedded
// Postgres. The hub is a real `lienthong serve` child process (signature verification in its worker
// threads, one database statement or transaction per package, info-level logs as in production);
// the senders are this process, as other machines would be. The packages are signed before the clock
// starts. Beside the rates: the hub process's CPU time per accepted package, and the load average.
//   node --import tsx bench/hub.bench.ts [--packages N] [--concurrency C] [--backends postgres,embedded]
// Figures and the machine they came from: docs/benchmarks/hub.md.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { createDevPki, signEdxml } from '../src/signature/index.ts';
import { createNode, openDatabase } from '../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../test/support/db.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';
import { spawnServe } from '../test/support/serve-process.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const WARM_UP = 100;

type Backend = 'postgres' | 'embedded';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function positive(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** User + system CPU time of a process (all its threads), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
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
  'hub CPU ms/pkg': number;
  errors: number;
}

async function measure(backend: Backend, packages: number, concurrency: number): Promise<Row> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-hub-'));
  const schema = backend === 'postgres' ? uniqueSchemaName('lt_bench_hub') : undefined;
  const env: NodeJS.ProcessEnv = {
    ...(schema
      ? { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema }
      : { DATABASE_URL: '', LIENTHONG_DATA_DIR: path.join(dir, 'data') }),
    REDIS_URL: '',
    LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
    LIENTHONG_VERIFY_THREADS: '2',
    LOG_LEVEL: 'info',
    PORT: '0',
  };
  const pki = await createDevPki({ organIds: [A, B], at: new Date() });
  await mkdir(path.join(dir, 'trust'));
  await writeFile(path.join(dir, 'trust', 'root.pem'), pki.rootCertPem);
  await writeFile(path.join(dir, 'trust', 'ca.pem'), pki.caCertPem);
  // The nodes are made before the hub opens the database (embedded: only one process may).
  const database = await openDatabase(
    schema ? { databaseUrl: TEST_DATABASE_URL, schema } : { dataDir: path.join(dir, 'data') },
  );
  const audit = { at: new Date(), actor: 'bench' };
  const token = (await createNode(database.db, { id: 'bench-a', organizations: [A], ...audit })).token;
  await createNode(database.db, { id: 'bench-b', organizations: [B], ...audit });
  await database.close();

  const signer = pki.organizations.find((o) => o.organId === A)!;
  const bodies: string[] = [];
  for (let i = 0; i < packages + WARM_UP; i += 1) {
    const xml = samplePackage({ from: A, to: [B], documentId: `${A},2026/11/25,${i}/BENCH-${backend}` });
    bodies.push(await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem }));
  }

  const hub = await spawnServe(env);
  const dispatcher = new Agent({ connections: concurrency, pipelining: 1 });
  try {
    const errorSamples: string[] = [];
    const post = async (body: string) => {
      const started = performance.now();
      const res = await request(`${hub.url}/v1/messages`, {
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
    // Warm up: JIT, worker threads, connection pools, prepared statements.
    let next = packages;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) await post(bodies[next++]!);
      }),
    );

    const latencies: number[] = [];
    let errors = 0;
    next = 0;
    const cpuBefore = cpuMs(hub.child.pid!);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < packages) {
          const { ms, ok } = await post(bodies[next++]!);
          latencies.push(ms);
          if (!ok) errors += 1;
        }
      }),
    );
    const elapsed = performance.now() - started;
    const hubCpu = cpuMs(hub.child.pid!) - cpuBefore;
    for (const sample of errorSamples) console.error(`${backend}: ${sample}`);
    latencies.sort((x, y) => x - y);
    return {
      backend: backend === 'postgres' ? 'postgres' : 'embedded (PGlite)',
      packages,
      concurrency,
      'package bytes': Buffer.byteLength(bodies[0]!),
      'accepted/s': Math.round((packages / elapsed) * 1000),
      'p50 ms': round1(percentile(latencies, 50)),
      'p99 ms': round1(percentile(latencies, 99)),
      'max ms': round1(latencies.at(-1) ?? 0),
      'hub CPU ms/pkg': round1(hubCpu / packages),
      errors,
    };
  } finally {
    await dispatcher.close();
    await hub.kill('SIGTERM');
    if (schema) await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const packages = positive('packages', 3000);
  const concurrency = positive('concurrency', 16);
  const backends = option('backends', 'postgres,embedded').split(',') as Backend[];
  const rows: Row[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (const backend of backends) {
    rows.push(
      await measure(backend, backend === 'embedded' ? Math.min(packages, 1500) : packages, concurrency),
    );
  }
  console.table(rows);
  console.log(
    `load average before ${loadBefore.toFixed(2)}, after ${os.loadavg()[0]!.toFixed(2)}; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
}

if (process.argv[1]?.endsWith('hub.bench.ts')) {
  await run();
}
