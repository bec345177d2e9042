// The delivery engine end to end, on each queue backend (BullMQ on Redis, BullMQ's Postgres backend
// on the hub's Postgres):
//   latency     signed packages POSTed to a running `lienthong serve` at a steady rate; for each,
//               the time from the POST to the moment its webhook push reached the receiver (p50,
//               p99), split into POST → 202 (the accept pipeline) and 202 → push (the delivery
//               engine); once with the sender on `legacy-unsigned` (no signature check: the delivery
//               path alone) and once with the signature verified (--verified-rate, default 200/s)
//   throughput  N small deliveries written to the store first, then one `lienthong serve` started:
//               deliveries per second from the first push received to the last
// The hub runs as a child process (`lienthong serve`), the receivers and the client in this one.
//   node --import tsx bench/delivery.bench.ts [--rate 200] [--verified-rate 200] [--seconds 15]
//        [--warmup 3] [--deliveries 10000] [--backends redis,postgres]
//        [--scenarios unsigned,verified,throughput] [--hub-env K=V,K=V]
// The latency streams start after a warm-up of --warmup seconds at the same rate (not counted).
// Figures and the machine they came from: docs/benchmarks/delivery.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createDevPki, signEdxml } from '../src/signature/index.ts';
import {
  createNode,
  generateWebhookSecret,
  insertAcceptedMessage,
  openDatabase,
  setNodeWebhook,
} from '../src/store/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';

const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const BIN = fileURLToPath(new URL('../bin/lienthong.js', import.meta.url));
const SENDER = '000.00.00.G22';
const RECIPIENTS = ['000.00.00.H41', '000.00.00.H29', '000.00.00.H26', '000.00.00.H01'];

type Backend = 'redis' | 'postgres';

interface Options {
  readonly rate: number;
  readonly verifiedRate: number;
  readonly seconds: number;
  /** Seconds at the rate before the measured stream (not counted). */
  readonly warmupSeconds: number;
  readonly deliveries: number;
  readonly backends: readonly Backend[];
  readonly scenarios: readonly string[];
  /** Extra environment for the hub (e.g. LIENTHONG_DB_POOL=30), from --hub-env K=V,K=V. */
  readonly hubEnv: Readonly<Record<string, string>>;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  return {
    rate: Number(get('rate', '200')),
    verifiedRate: Number(get('verified-rate', '200')),
    seconds: Number(get('seconds', '15')),
    warmupSeconds: Number(get('warmup', '3')),
    deliveries: Number(get('deliveries', '10000')),
    backends: get('backends', 'redis,postgres').split(',') as Backend[],
    scenarios: get('scenarios', 'unsigned,verified,throughput').split(','),
    hubEnv: Object.fromEntries(
      get('hub-env', '')
        .split(',')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  };
}

/** Receivers that note when each message id arrived (they answer 200 at once). */
async function startReceivers(count: number) {
  const arrivals = new Map<string, number>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        const id = String(req.headers['lienthong-message-id'] ?? '');
        if (String(req.headers['lienthong-kind']) !== 'receipt' && !arrivals.has(`${i}:${id}`)) {
          arrivals.set(`${i}:${id}`, at);
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
        res.writeHead(200).end();
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/lienthong`);
  }
  return {
    urls,
    arrivals,
    span: () => ({ first, last }),
    reset() {
      arrivals.clear();
      first = Number.POSITIVE_INFINITY;
      last = 0;
    },
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))),
  };
}

interface HubChild {
  readonly url: string;
  stop(): Promise<void>;
}

async function startHub(env: NodeJS.ProcessEnv): Promise<HubChild> {
  const profile = process.env['LT_BENCH_PROFILE']
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env['LT_BENCH_PROFILE']}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 120_000);
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => reject(new Error(`hub exited:\n${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function dropSchemas(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS "${schema}_bullmq" CASCADE`);
  await client.end();
}

async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

interface Setup {
  readonly env: NodeJS.ProcessEnv;
  readonly schema: string;
  readonly prefix: string;
  readonly tokens: Map<string, string>;
  readonly cleanup: () => Promise<void>;
}

/** A fresh schema with the sender (node-s) and one webhook node per receiver. */
async function setUp(
  backend: Backend,
  receiverUrls: readonly string[],
  trustDir: string,
  options: Options,
  senderPolicy: 'require' | 'legacy-unsigned' = 'require',
): Promise<Setup> {
  const schema = `lt_bench_delivery_${randomBytes(4).toString('hex')}`;
  const prefix = `lt-bench-${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl: DATABASE_URL, schema });
  const tokens = new Map<string, string>();
  const at = new Date();
  const sender = await createNode(database.db, {
    id: 'node-s',
    organizations: [SENDER],
    signaturePolicy: senderPolicy,
    at,
    actor: 'bench',
  });
  tokens.set('node-s', sender.token);
  for (let i = 0; i < RECIPIENTS.length; i += 1) {
    const id = `node-r${i}`;
    await createNode(database.db, { id, organizations: [RECIPIENTS[i]!], at, actor: 'bench' });
    await setNodeWebhook(database.db, {
      nodeId: id,
      url: receiverUrls[i]!,
      secret: generateWebhookSecret(),
      at,
      actor: 'bench',
    });
  }
  await database.close();
  return {
    schema,
    prefix,
    tokens,
    env: {
      DATABASE_URL,
      LIENTHONG_DB_SCHEMA: schema,
      ...(backend === 'redis' ? { REDIS_URL, LIENTHONG_QUEUE_PREFIX: prefix } : {}),
      LIENTHONG_TRUST_DIR: trustDir,
      LIENTHONG_VERIFY_THREADS: '2',
      LIENTHONG_WORKER_CONCURRENCY: '64',
      LIENTHONG_PER_NODE_CONCURRENCY: '16',
      PORT: '0',
      ...options.hubEnv,
    },
    cleanup: async () => {
      await dropSchemas(schema);
      if (backend === 'redis') await dropRedisPrefix(prefix);
    },
  };
}

interface LatencyRow {
  backend: string;
  scenario: string;
  'rate /s': number;
  sent: number;
  received: number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
  'POST→202 p50': number;
  'POST→202 p99': number;
  '202→push p50': number;
  '202→push p99': number;
}

async function latency(
  backend: Backend,
  options: Options,
  trustDir: string,
  signed: readonly string[],
  policy: 'require' | 'legacy-unsigned',
  rate: number,
) {
  const receivers = await startReceivers(RECIPIENTS.length);
  const setup = await setUp(backend, receivers.urls, trustDir, options, policy);
  const hub = await startHub(setup.env);
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  const token = setup.tokens.get('node-s')!;
  /** POSTs `bodies` at a steady `rate`; for each accepted id, when it was sent and when the 202 came. */
  const stream = async (bodies: readonly string[]) => {
    const sentAt = new Map<string, number>();
    const acceptedAt = new Map<string, number>();
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < bodies.length; i += 1) {
      // A steady rate: package i leaves at started + i / rate.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = performance.timeOrigin + performance.now();
      inflight.push(
        request(`${hub.url}/v1/messages`, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
          body: bodies[i]!,
        }).then(async (res) => {
          const body = (await res.body.json()) as { id?: string };
          if (res.statusCode !== 202 || !body.id) throw new Error(`accept failed: ${res.statusCode}`);
          sentAt.set(body.id, at);
          acceptedAt.set(body.id, performance.timeOrigin + performance.now());
        }),
      );
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 60_000;
    const arrived = () => {
      const ids = new Set([...receivers.arrivals.keys()].map((key) => key.slice(key.indexOf(':') + 1)));
      return [...sentAt.keys()].every((id) => ids.has(id));
    };
    while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return { sentAt, acceptedAt };
  };
  try {
    // Warm up first (JIT, connection pools, worker threads, prepared statements): the figures are
    // for the steady state the issue asks about, not for a process's first second.
    const warm = Math.round(rate * options.warmupSeconds);
    const total = Math.min(signed.length - warm, Math.round(rate * options.seconds));
    await stream(signed.slice(0, warm));
    const { sentAt, acceptedAt } = await stream(signed.slice(warm, warm + total));
    const latencies: number[] = [];
    const afterAccept: number[] = [];
    const acceptTimes: number[] = [];
    for (const [key, arrivedAt] of receivers.arrivals) {
      const id = key.slice(key.indexOf(':') + 1);
      const sent = sentAt.get(id);
      const accepted = acceptedAt.get(id);
      if (sent !== undefined) latencies.push(arrivedAt - sent);
      // The push can arrive before the client has read the 202: count that as 0.
      if (accepted !== undefined) afterAccept.push(Math.max(0, arrivedAt - accepted));
      if (sent !== undefined && accepted !== undefined) acceptTimes.push(accepted - sent);
    }
    latencies.sort((a, b) => a - b);
    afterAccept.sort((a, b) => a - b);
    acceptTimes.sort((a, b) => a - b);
    const row: LatencyRow = {
      backend,
      scenario:
        policy === 'require'
          ? 'signed package, signature verified'
          : 'signed package, sender legacy-unsigned (no verification)',
      'rate /s': rate,
      sent: total,
      received: latencies.length,
      'p50 ms': Math.round(percentile(latencies, 50)),
      'p99 ms': Math.round(percentile(latencies, 99)),
      'max ms': Math.round(latencies.at(-1) ?? Number.NaN),
      'POST→202 p50': Math.round(percentile(acceptTimes, 50)),
      'POST→202 p99': Math.round(percentile(acceptTimes, 99)),
      '202→push p50': Math.round(percentile(afterAccept, 50)),
      '202→push p99': Math.round(percentile(afterAccept, 99)),
    };
    return row;
  } finally {
    await agent.close();
    await hub.stop();
    await receivers.close();
    await setup.cleanup();
  }
}

interface ThroughputRow {
  backend: string;
  scenario: string;
  deliveries: number;
  received: number;
  'seconds first→last': number;
  'deliveries/s': number;
  /** The reference of the same run: a bare HTTP client POSTing as many small bodies to the same receivers. */
  'bare HTTP/s': number;
  '× bare': string;
}

// The reference: a bare undici client in its own process (like the hub), POSTing `total` small
// bodies round-robin to the receivers with the hub's default push concurrency (32), each with a
// message id header as a push has: the most pushes this machine could carry without queue, store,
// signing or retries.
const BARE_CLIENT = `
import { Agent, request } from 'undici';
const urls = JSON.parse(process.env.URLS);
const total = Number(process.env.TOTAL);
const dispatcher = new Agent({ connections: 64 });
let next = 0;
await Promise.all(Array.from({ length: 32 }, async () => {
  while (next < total) {
    const i = next++;
    const res = await request(urls[i % urls.length], {
      method: 'POST', dispatcher,
      headers: { 'content-type': 'application/xml', 'lienthong-message-id': 'bare-' + i, 'lienthong-kind': 'package' },
      body: '<edXMLEnvelope>bare ' + i + '</edXMLEnvelope>',
    });
    await res.body.text();
  }
}));
await dispatcher.close();
`;

async function bareHttp(
  urls: readonly string[],
  total: number,
  receivers: Awaited<ReturnType<typeof startReceivers>>,
): Promise<number> {
  receivers.reset();
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE_CLIENT], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, URLS: JSON.stringify(urls), TOTAL: String(total) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { first, last } = receivers.span();
  return Math.round(receivers.arrivals.size / ((last - first) / 1000));
}

async function throughput(backend: Backend, options: Options, trustDir: string): Promise<ThroughputRow> {
  const receivers = await startReceivers(RECIPIENTS.length);
  const setup = await setUp(backend, receivers.urls, trustDir, options);
  const messages = Math.ceil(options.deliveries / RECIPIENTS.length);
  const database = await openDatabase({ databaseUrl: DATABASE_URL, schema: setup.schema });
  const tasks: Promise<unknown>[] = [];
  for (let i = 0; i < messages; i += 1) {
    const documentId = `${SENDER},2026/11/25,${i}/BENCH`;
    tasks.push(
      insertAcceptedMessage(database.db, {
        kind: 'package',
        senderNodeId: 'node-s',
        senderOrganId: SENDER,
        documentId,
        businessDocType: 0,
        statusCode: null,
        priority: 0,
        raw: Buffer.from(`<edXMLEnvelope>${documentId}|${randomBytes(8).toString('hex')}</edXMLEnvelope>`),
        summary: { documentId },
        verdict: { policy: 'bench' },
        receivedAt: new Date(),
        actor: 'node:node-s',
        deliveries: RECIPIENTS.map((organId, r) => ({
          recipientOrganId: organId,
          addressedOrganId: organId,
          nodeId: `node-r${r}`,
          route: 'local' as const,
        })),
      }),
    );
    if (tasks.length >= 8) await Promise.all(tasks.splice(0));
  }
  await Promise.all(tasks);
  await database.close();
  const total = messages * RECIPIENTS.length;
  const hub = await startHub(setup.env);
  try {
    const deadline = Date.now() + 300_000;
    while (receivers.arrivals.size < total && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const { first, last } = receivers.span();
    const seconds = (last - first) / 1000;
    const received = receivers.arrivals.size;
    const rate = Math.round(received / seconds);
    await hub.stop();
    const bare = await bareHttp(receivers.urls, total, receivers);
    return {
      backend,
      scenario: 'store → webhook, 4 nodes, small bodies',
      deliveries: total,
      received,
      'seconds first→last': Number(seconds.toFixed(2)),
      'deliveries/s': rate,
      'bare HTTP/s': bare,
      '× bare': (rate / bare).toFixed(2),
    };
  } finally {
    await hub.stop().catch(() => {});
    await receivers.close();
    await setup.cleanup();
  }
}

/** Runs both scenarios on each backend and prints the tables. */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // Called by bench/run.ts with other benches' arguments: only ours are read.
  const options = parseArgs(argv);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-delivery-'));
  try {
    const pki = await createDevPki({ organIds: [SENDER, ...RECIPIENTS], at: new Date() });
    const trustDir = path.join(dir, 'trust');
    await import('node:fs/promises').then((fs) => fs.mkdir(trustDir));
    await writeFile(path.join(trustDir, 'root.pem'), pki.rootCertPem);
    await writeFile(path.join(trustDir, 'ca.pem'), pki.caCertPem);
    const signer = pki.organizations.find((o) => o.organId === SENDER)!;
    const count = Math.round(
      Math.max(options.rate, options.verifiedRate) * (options.seconds + options.warmupSeconds),
    );
    const signed: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const xml = samplePackage({
        from: SENDER,
        to: [RECIPIENTS[i % RECIPIENTS.length]!],
        documentId: `${SENDER},2026/11/25,${i}-${randomBytes(3).toString('hex')}/LAT`,
      });
      signed.push(await signEdxml(xml, { keyPem: signer.keyPem, certPem: signer.certPem }));
    }
    const latencyRows: LatencyRow[] = [];
    const throughputRows: ThroughputRow[] = [];
    for (const backend of options.backends) {
      // The whole path at the target rate without the signature check, then with it
      // (--verified-rate; lower it on a machine whose accepting path cannot take the rate).
      if (options.scenarios.includes('unsigned')) {
        latencyRows.push(await latency(backend, options, trustDir, signed, 'legacy-unsigned', options.rate));
      }
      if (options.scenarios.includes('verified')) {
        latencyRows.push(await latency(backend, options, trustDir, signed, 'require', options.verifiedRate));
      }
      if (options.scenarios.includes('throughput'))
        throughputRows.push(await throughput(backend, options, trustDir));
    }
    console.log(
      `load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.table(latencyRows);
    console.table(throughputRows);
    console.log(
      'targets (issue #16): >= 5 000 small webhook deliveries/s on Redis; accept → webhook p99 < 50 ms at 200/s',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (
  import.meta.url === new URL(process.argv[1] ?? '', 'file://').href ||
  process.argv[1]?.endsWith('delivery.bench.ts')
) {
  await run();
}
