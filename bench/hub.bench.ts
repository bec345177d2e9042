// Accepted small signed packages per second through the node API (POST /v1/messages) and the latency
// of each POST (p50/p99), on real Postgres and on embedded Postgres, under two loads:
//   closed loop  --concurrency senders, each sending its next package as soon as the last is
//                answered: the most the hub accepts (latency there is mostly the queue the senders
//                build themselves: concurrency / rate);
//   open loop    packages leaving at a steady --rate (Postgres; --embedded-rate for embedded) for
//                --seconds, whatever the answers, as many independent senders would: the latency
//                at that rate, counted from when each package was due.
// The hub is a real `lienthong serve` child process (signature verification in its worker threads,
// one database statement or transaction per package, info-level logs as in production); the
// senders are this process, as other machines would be. The packages are signed before the clock
// starts. Beside the rates: the hub process's CPU time per accepted package, and the load average.
//   node --import tsx bench/hub.bench.ts [--packages N] [--concurrency C] [--rate R]
//     [--embedded-rate R] [--seconds S] [--backends postgres,embedded]
// Figures and the machine they came from: docs/benchmarks/hub.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Agent, request } from 'undici';
import { signEdxml } from '../src/signature/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';
import { A, B, type Backend, startBareFastify, startBenchHub } from './bench-hub.ts';
import { option } from './bench-options.ts';

const WARM_UP = 100;

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
  load: string;
  packages: number;
  'package bytes': number;
  'accepted/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
  'hub CPU ms/pkg': number;
  errors: number;
  /** The bare-HTTP reference of the same run: a Fastify server that only reads the same bodies. */
  'bare Fastify/s'?: number;
  '× bare'?: string;
}

interface Sent {
  /** Client-side latency of each POST, ms. */
  readonly latencies: number[];
  readonly errors: number;
}

type Post = (body: string) => Promise<boolean>;

/** Closed loop: `concurrency` senders, each POSTing its next package as soon as the last is answered. */
async function closedLoop(post: Post, bodies: readonly string[], concurrency: number): Promise<Sent> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const started = performance.now();
        if (!(await post(body))) errors += 1;
        latencies.push(performance.now() - started);
      }
    }),
  );
  return { latencies, errors };
}

/**
 * Open loop: package i leaves at start + i / rate whatever the answers before it, as independent
 * senders would send. Latency counts from when the package was due, not from when the client got
 * round to sending it, so a sender held back by a slow hub is not hidden (coordinated omission).
 */
async function openLoop(post: Post, bodies: readonly string[], rate: number): Promise<Sent> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < bodies.length; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(
      post(bodies[i]!).then((ok) => {
        if (!ok) errors += 1;
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors };
}

interface Plan {
  readonly packages: number;
  readonly concurrency: number;
  /** Steady rate of the open-loop run, packages/s; 0 = no such run. */
  readonly rate: number;
  readonly seconds: number;
}

// The reference: the bare Fastify server (bench-hub.ts) with the same bodies, senders and loop: the
// most any Node HTTP service on this machine could accept from these senders.
async function bareFastify(bodies: readonly string[], concurrency: number): Promise<number> {
  const bare = await startBareFastify();
  const { url } = bare;
  try {
    const dispatcher = new Agent({ connections: 64, pipelining: 1 });
    const post: Post = async (body) => {
      const res = await request(`${url}/v1/messages`, {
        method: 'POST',
        dispatcher,
        headers: { authorization: 'Bearer x', 'content-type': 'application/xml' },
        body,
      });
      await res.body.text();
      return res.statusCode === 202;
    };
    await closedLoop(post, bodies.slice(0, WARM_UP), concurrency);
    const started = performance.now();
    const { latencies, errors } = await closedLoop(post, bodies, concurrency);
    const elapsed = performance.now() - started;
    await dispatcher.close();
    return Math.round(((latencies.length - errors) / elapsed) * 1000);
  } finally {
    bare.close();
  }
}

async function measure(backend: Backend, plan: Plan): Promise<Row[]> {
  const { hub, tokens, signer, close } = await startBenchHub(backend, 'hub');
  const token = tokens.a;
  let seq = 0;
  const sign = async (count: number): Promise<string[]> => {
    const bodies: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const xml = samplePackage({
        from: A,
        to: [B],
        documentId: `${A},2026/11/25,${++seq}/BENCH-${backend}`,
      });
      bodies.push(await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem }));
    }
    return bodies;
  };
  const warmUp = await sign(WARM_UP);
  const saturating = await sign(plan.packages);
  const steady = await sign(Math.round(plan.rate * plan.seconds));

  const dispatcher = new Agent({ connections: 64, pipelining: 1 });
  try {
    const errorSamples: string[] = [];
    const post: Post = async (body) => {
      const res = await request(`${hub.url}/v1/messages`, {
        method: 'POST',
        dispatcher,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 202 && errorSamples.length < 3)
        errorSamples.push(`${res.statusCode} ${text.slice(0, 300)}`);
      return res.statusCode === 202;
    };
    const row = async (load: string, run: () => Promise<Sent>): Promise<Row> => {
      const cpuBefore = cpuMs(hub.child.pid!);
      const started = performance.now();
      const { latencies, errors } = await run();
      const elapsed = performance.now() - started;
      const hubCpu = cpuMs(hub.child.pid!) - cpuBefore;
      latencies.sort((x, y) => x - y);
      return {
        backend: backend === 'postgres' ? 'postgres' : 'embedded (PGlite)',
        load,
        packages: latencies.length,
        'package bytes': Buffer.byteLength(warmUp[0]!),
        'accepted/s': Math.round(((latencies.length - errors) / elapsed) * 1000),
        'p50 ms': round1(percentile(latencies, 50)),
        'p99 ms': round1(percentile(latencies, 99)),
        'max ms': round1(latencies.at(-1) ?? 0),
        'hub CPU ms/pkg': round1(hubCpu / latencies.length),
        errors,
      };
    };
    // Warm up: JIT, worker threads, connection pools, prepared statements.
    await closedLoop(post, warmUp, plan.concurrency);
    const closed = await row(`${plan.concurrency} senders, closed loop`, () =>
      closedLoop(post, saturating, plan.concurrency),
    );
    const bare = await bareFastify(saturating, plan.concurrency);
    const rows: Row[] = [
      { ...closed, 'bare Fastify/s': bare, '× bare': (closed['accepted/s'] / bare).toFixed(2) },
    ];
    if (steady.length > 0) {
      rows.push(await row(`steady ${plan.rate}/s, open loop`, () => openLoop(post, steady, plan.rate)));
    }
    for (const sample of errorSamples) console.error(`${backend}: ${sample}`);
    return rows;
  } finally {
    await dispatcher.close();
    await close();
  }
}

export async function run(): Promise<void> {
  const packages = positive('packages', 3000);
  const concurrency = positive('concurrency', 16);
  const seconds = positive('seconds', 10);
  const rates: Record<Backend, number> = {
    postgres: positive('rate', 300),
    embedded: positive('embedded-rate', 200),
  };
  const backends = option('backends', 'postgres,embedded').split(',') as Backend[];
  const rows: Row[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (const backend of backends) {
    rows.push(
      ...(await measure(backend, {
        packages: backend === 'embedded' ? Math.min(packages, 1500) : packages,
        concurrency,
        rate: rates[backend],
        seconds,
      })),
    );
  }
  console.table(rows);
  console.log(
    'targets (issue #16): Postgres closed loop >= 0.35× bare Fastify, and p99 < 50 ms at a steady 50 % of that rate; embedded >= 0.15×',
  );
  console.log(
    `load average before ${loadBefore.toFixed(2)}, after ${os.loadavg()[0]!.toFixed(2)}; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
}

if (process.argv[1]?.endsWith('hub.bench.ts')) {
  await run();
}
