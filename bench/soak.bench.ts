// Soak under chaos. N signed packages (default 10 000; mixed sizes up to 5 MB; all five priorities of
// QĐ 28) sent by six e-office nodes through two `lienthong serve --role api` processes (round-robin,
// a failed call retried on the other) and delivered by two `--role worker` processes, on a private
// Postgres cluster and a private Redis, while a chaos script SIGKILLs workers and API processes,
// flushes and restarts Redis, restarts Postgres once and takes receivers down and up. Four nodes
// take pushes (webhook receivers that check the HMAC and deduplicate on Lienthong-Message-Id), two
// poll their inbox; every recipient answers each package it stores with a status 03, which goes
// back to the sender the same way, and webhook senders get a receipt for each delivery.
// It checks: nothing lost (every accepted package reached every recipient, every status its sender,
// byte-identical), each message id processed once by the deduplicating receivers (transport
// duplicates are counted, they are allowed), every trace complete (each recipient delivered, its 03
// on the sender's trace), every receipt back; and prints throughput, latencies and the faults.
//   npm run bench -- soak                      (node --import tsx bench/run.ts soak)
//   SOAK_PACKAGES=300 npm run bench -- soak    (a quick run; other knobs: SoakOptions below)
// Figures and the machine they came from: docs/benchmarks/soak.md.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Agent, request } from 'undici';
import type { InboxItem, MessageTrace, Receipt } from '../src/hub/index.ts';
import { createDevPki, type DevOrganization, signEdxml } from '../src/signature/index.ts';
import { createNode, generateWebhookSecret, openDatabase, setNodeWebhook } from '../src/store/index.ts';
import { samplePackage, sampleStatus } from '../test/support/edxml-samples.ts';
import { freePort } from '../test/support/hub-process.ts';
import { prng } from '../test/support/prng.ts';

const BIN = fileURLToPath(new URL('../bin/lienthong.js', import.meta.url));
const PG_BIN = process.env['SOAK_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const SCHEMA = 'soak';
/** The six e-office systems, one organization each: the first four take pushes, the last two poll. */
const ORGANS = [
  '000.00.00.G22',
  '000.00.00.H41',
  '000.00.00.H29',
  '000.00.00.H26',
  '000.00.00.H01',
  '000.00.00.H13',
] as const;
const WEBHOOK_NODES = 4;
/** How long a client keeps retrying one call across both API processes before it counts as failed. */
const CLIENT_DEADLINE_MS = 300_000;

export interface SoakOptions {
  /** Packages sent (SOAK_PACKAGES, default 10 000). */
  readonly packages: number;
  /** Packages in flight at once, closed loop (SOAK_CONCURRENCY, default 8). */
  readonly concurrency: number;
  /** Share of packages of 1–5 MB (SOAK_BIG_SHARE, default 0.02). */
  readonly bigShare: number;
  /** Share of packages of 64–512 KB (SOAK_MEDIUM_SHARE, default 0.08); the rest are 2–20 KB. */
  readonly mediumShare: number;
  /** Run the chaos script (SOAK_CHAOS=0 turns it off, for a baseline). */
  readonly chaos: boolean;
  /** How long a receiver stays down (SOAK_DOWN_MS, default 15 000). */
  readonly downMs: number;
  /** How long to wait, once sending and chaos are over, for everything to arrive (SOAK_SETTLE_MS, default 900 000). */
  readonly settleMs: number;
  /** Seed of the plan: senders, recipients, priorities, sizes (SOAK_SEED, default 1). */
  readonly seed: number;
  /** Signing threads for the setup (SOAK_SIGN_THREADS, default 2). */
  readonly signThreads: number;
  /** Keep the temp directory (hub, Postgres and Redis logs) after the run (SOAK_KEEP=1; also kept on failure). */
  readonly keep: boolean;
  readonly log: (line: string) => void;
}

export function soakOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: not a number: ${raw}`);
    return value;
  };
  return {
    packages: Math.max(1, Math.round(num('SOAK_PACKAGES', 10_000))),
    concurrency: Math.max(1, Math.round(num('SOAK_CONCURRENCY', 8))),
    bigShare: num('SOAK_BIG_SHARE', 0.02),
    mediumShare: num('SOAK_MEDIUM_SHARE', 0.08),
    chaos: env['SOAK_CHAOS'] !== '0',
    downMs: num('SOAK_DOWN_MS', 15_000),
    settleMs: num('SOAK_SETTLE_MS', 900_000),
    seed: Math.round(num('SOAK_SEED', 1)),
    signThreads: Math.max(1, Math.round(num('SOAK_SIGN_THREADS', Math.min(2, os.cpus().length)))),
    keep: env['SOAK_KEEP'] === '1',
    log: (line) => console.log(line),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latencyText(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return '–';
  const f = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  return `p50 ${f(percentile(sorted, 50))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted.at(-1)!)} (${sorted.length})`;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
}

function runFile(
  file: string,
  args: readonly string[],
  options: { uid?: number; gid?: number; cwd?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The private Postgres cluster and Redis (never the shared ones: they are restarted and flushed)

interface PrivatePostgres {
  readonly url: string;
  readonly version: string;
  readonly logFile: string;
  /** `pg_ctl restart -m fast`: every connection is cut; returns how long it took. */
  restart(): Promise<number>;
  stop(): Promise<void>;
  /** For an exit handler: stops the cluster synchronously. */
  stopSync(): void;
}

/** initdb into `dir`, then a postmaster on a free loopback port with trust auth. As root, it runs as `postgres`. */
async function startPrivatePostgres(dir: string): Promise<PrivatePostgres> {
  // Postgres refuses to run as root: the cluster then belongs to the postgres user.
  const asUser: { uid?: number; gid?: number } =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
        }
      : {};
  await mkdir(dir, { recursive: true });
  if (asUser.uid !== undefined) {
    await chmod(path.dirname(dir), 0o755);
    await chown(dir, asUser.uid, asUser.gid ?? 0);
  }
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const as = { ...asUser, cwd: dir };
  await runFile(
    path.join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    as,
  );
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    // 2 API + 2 worker processes hold up to ~80 connections; restarts open new ones before the old close.
    '-c max_connections=300',
    '-c shared_buffers=256MB',
    '-c max_wal_size=4GB',
  ].join(' ');
  const pgCtl = path.join(PG_BIN, 'pg_ctl');
  await runFile(pgCtl, ['-D', data, '-l', logFile, '-o', settings, '-w', '-t', '120', 'start'], as);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const version =
    (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
  await client.end();
  let stopped = false;
  return {
    url,
    version,
    logFile,
    async restart() {
      const t = now();
      // -l again: without it the new postmaster writes to (and holds open) this call's stdout pipe.
      await runFile(
        pgCtl,
        ['-D', data, '-l', logFile, '-o', settings, '-m', 'fast', '-w', '-t', '120', 'restart'],
        as,
      );
      return now() - t;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await runFile(pgCtl, ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], as).catch(() => {});
    },
    stopSync() {
      if (stopped) return;
      stopped = true;
      try {
        execFileSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...as, stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    },
  };
}

interface PrivateRedis {
  readonly url: string;
  readonly version: string;
  flushAll(): Promise<void>;
  /** SIGKILL and start again on the same port, empty (no persistence): a crash of a cache-only Redis. */
  restart(): Promise<number>;
  close(): Promise<void>;
  killSync(): void;
}

async function startPrivateRedis(logFile: string): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const launch = async () => {
    const log = createWriteStream(logFile, { flags: 'a' });
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error('redis-server did not start');
        await sleep(50);
      }
    }
  };
  const kill = async () => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGKILL');
    await exited;
  };
  await launch();
  const info = new Redis(url);
  const version = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? '?';
  info.disconnect();
  return {
    url,
    version,
    async flushAll() {
      const redis = new Redis(url);
      try {
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
    },
    async restart() {
      const t = now();
      await kill();
      await launch();
      return now() - t;
    },
    close: kill,
    killSync() {
      const current = child as ChildProcess | null;
      if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Hub processes, supervised: an exit the chaos script did not cause is recorded and restarted

interface UnexpectedExit {
  readonly process: string;
  readonly at: number;
  readonly code: number | null;
  readonly signal: string | null;
}

interface HubProcess {
  readonly name: string;
  readonly url: string | null;
  readonly alive: boolean;
  start(): Promise<void>;
  /** Kills it on purpose (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; no restart. */
  stop(graceMs?: number): Promise<void>;
  killSync(): void;
}

function hubProcess(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  onUnexpectedExit: (exit: UnexpectedExit) => void,
): HubProcess {
  let child: ChildProcess | null = null;
  let url: string | null = null;
  let intended = false;
  let finished = false;
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const start = async () => {
    intended = false;
    log.write(`\n=== ${new Date().toISOString()} start ${name} ===\n`);
    const current = spawn(process.execPath, [BIN, 'serve', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    current.stdout?.pipe(log, { end: false });
    current.stderr?.pipe(log, { end: false });
    current.once('exit', (code, signal) => {
      log.write(`\n=== ${new Date().toISOString()} exit ${name} code=${code} signal=${signal} ===\n`);
      if (intended || finished) return;
      // Like a supervisor (systemd, Kubernetes): note it, start it again.
      onUnexpectedExit({ process: name, at: now(), code, signal });
      setTimeout(() => {
        if (!finished && child === current) void start().catch(() => {});
      }, 1_000);
    });
    let out = '';
    url = await new Promise<string | null>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start in 120 s (log ${logFile})`)),
        120_000,
      );
      const onData = (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const listening = /listening on (http:\/\/\S+)/.exec(out);
        const found = listening?.[1] ?? (/worker running/.test(out) ? null : undefined);
        if (found === undefined) return;
        clearTimeout(timer);
        current.stdout?.off('data', onData);
        resolve(found);
      };
      current.stdout?.on('data', onData);
      current.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} while starting (log ${logFile})`));
      });
    });
  };
  const waitExit = (current: ChildProcess) =>
    current.exitCode !== null || current.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => current.once('exit', () => resolve()));
  return {
    name,
    get url() {
      return url;
    },
    get alive() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    start,
    async kill(signal = 'SIGKILL') {
      const current = child;
      if (!current) return;
      intended = true;
      current.kill(signal);
      await waitExit(current);
    },
    async stop(graceMs = 20_000) {
      finished = true;
      const current = child;
      if (current && current.exitCode === null && current.signalCode === null) {
        current.kill('SIGTERM');
        const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
        await waitExit(current);
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(() => resolve()));
    },
    killSync() {
      finished = true;
      const current = child as ChildProcess | null;
      if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The client side: calls that fail over between the two API processes

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/** A failed try of a call: a network error or a 5xx/429 answer, with when it happened. */
interface ClientFailure {
  readonly at: number;
  readonly what: string;
}

interface HubClient {
  /** Tries the API processes in turn until an answer that is not 5xx/429 (or the deadline). */
  call(method: 'GET' | 'POST', pathname: string, token: string, body?: Buffer): Promise<Answer>;
  readonly failures: ClientFailure[];
  close(): Promise<void>;
}

function hubClient(urls: readonly string[]): HubClient {
  const agents = new Map<string, Agent>();
  const agentFor = (url: string) => {
    let agent = agents.get(url);
    if (!agent) {
      agent = new Agent({
        connections: 32,
        // Below the hub's 10 s: a socket the server is closing is never picked for a request.
        keepAliveTimeout: 5_000,
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      agents.set(url, agent);
    }
    return agent;
  };
  const failures: ClientFailure[] = [];
  let turn = 0;
  return {
    failures,
    async call(method, pathname, token, body) {
      const started = now();
      let index = turn++;
      for (let attempt = 0; ; attempt += 1) {
        const base = urls[index % urls.length]!;
        let retryAfterMs = 0;
        try {
          const res = await request(`${base}${pathname}`, {
            method,
            dispatcher: agentFor(base),
            headers: {
              authorization: `Bearer ${token}`,
              ...(body ? { 'content-type': 'application/xml' } : {}),
            },
            ...(body ? { body } : {}),
          });
          const bytes = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode < 500 && res.statusCode !== 429) return { status: res.statusCode, body: bytes };
          let code = '';
          try {
            code = String((JSON.parse(bytes.toString('utf8')) as { code?: unknown }).code ?? '');
          } catch {
            // Not problem+json.
          }
          failures.push({ at: now(), what: `HTTP ${res.statusCode}${code ? ` ${code}` : ''}` });
          const header = res.headers['retry-after'];
          if (typeof header === 'string' && /^\d+$/.test(header)) retryAfterMs = Number(header) * 1000;
        } catch (error) {
          const e = error as { code?: string; cause?: { code?: string } };
          failures.push({ at: now(), what: `network ${e.code ?? e.cause?.code ?? (error as Error).name}` });
        }
        if (now() - started > CLIENT_DEADLINE_MS) {
          throw new Error(
            `${method} ${pathname}: no answer from either API process in ${CLIENT_DEADLINE_MS} ms`,
          );
        }
        index += 1;
        await sleep(Math.max(retryAfterMs, Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)) * Math.random()));
      }
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close().catch(() => {})));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The plan: what each node sends to whom, signed beforehand (signing is not what is measured)

type SizeClass = 'small' | 'medium' | 'big';

/** One package to one recipient, and the status 03 that recipient sends back. */
interface DeliveryPlan {
  readonly recipient: number;
  /** The status package (signed by the recipient) and its SHA-256. */
  status: Buffer;
  statusSha256: string;
  /** When and under which id the recipient got the package. */
  packageArrivedAt: number;
  packageMessageId: string | null;
  /** The status: its id at the hub; when and under which id it reached the package's sender. */
  statusId: string | null;
  statusSentAt: number;
  statusAcceptedAt: number;
  statusBackAt: number;
  statusBackId: string | null;
}

interface PackagePlan {
  readonly sender: number;
  readonly priority: number;
  readonly size: SizeClass;
  readonly attachmentBytes: number;
  readonly documentId: string;
  readonly deliveries: DeliveryPlan[];
  body: Buffer;
  sha256: string;
  id: string | null;
  sentAt: number;
  acceptedAt: number;
}

function makePlan(options: SoakOptions, date: string): PackagePlan[] {
  const rand = prng(options.seed);
  const plan: PackagePlan[] = [];
  for (let index = 0; index < options.packages; index += 1) {
    const sender = Math.floor(rand() * ORGANS.length);
    const others = ORGANS.map((_, i) => i).filter((i) => i !== sender);
    const count = rand() < 0.7 ? 1 : rand() < 0.67 ? 2 : 3;
    const recipients: number[] = [];
    while (recipients.length < count) {
      const pick = others[Math.floor(rand() * others.length)]!;
      if (!recipients.includes(pick)) recipients.push(pick);
    }
    // QĐ 28 levels: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ; mostly ordinary.
    const p = rand();
    const priority = p < 0.7 ? 0 : p < 0.85 ? 1 : p < 0.93 ? 2 : p < 0.98 ? 3 : 4;
    const s = rand();
    const size: SizeClass =
      s < options.bigShare ? 'big' : s < options.bigShare + options.mediumShare ? 'medium' : 'small';
    // Attachment bytes; base64 makes the package a third larger.
    const target =
      size === 'big'
        ? 1_000_000 + rand() * 4_000_000
        : size === 'medium'
          ? 64_000 + rand() * 448_000
          : 2_000 + rand() * 18_000;
    plan.push({
      sender,
      priority,
      size,
      attachmentBytes: Math.floor((target * 3) / 4),
      documentId: `${ORGANS[sender]},${date},${index + 1}/SOAK`,
      deliveries: recipients.map((recipient) => ({
        recipient,
        status: Buffer.alloc(0),
        statusSha256: '',
        packageArrivedAt: 0,
        packageMessageId: null,
        statusId: null,
        statusSentAt: 0,
        statusAcceptedAt: 0,
        statusBackAt: 0,
        statusBackId: null,
      })),
      body: Buffer.alloc(0),
      sha256: '',
      id: null,
      sentAt: 0,
      acceptedAt: 0,
    });
  }
  return plan;
}

type SignTask =
  | {
      readonly kind: 'package';
      readonly id: number;
      readonly from: string;
      readonly to: readonly string[];
      readonly documentId: string;
      readonly priority: number;
      readonly attachmentBytes: number;
    }
  | {
      readonly kind: 'status';
      readonly id: number;
      readonly from: string;
      readonly responseFor: { readonly organId: string; readonly documentId: string };
    };

interface SignerWorkerData {
  readonly soakSigner: true;
  readonly organizations: ReadonlyArray<Pick<DevOrganization, 'organId' | 'keyPem' | 'certPem'>>;
}

/** A signing thread: builds each package or status (test/support/edxml-samples.ts) and signs it. */
function serveSigner(data: SignerWorkerData): void {
  const keys = new Map(data.organizations.map((o) => [o.organId, o]));
  parentPort?.on('message', (task: SignTask) => {
    void (async () => {
      const org = keys.get(task.from)!;
      const xml =
        task.kind === 'package'
          ? samplePackage({
              from: task.from,
              to: task.to,
              documentId: task.documentId,
              priority: task.priority,
              subject: `V/v soak ${task.documentId}`,
              attachments: [{ name: 'tailieu.pdf', bytes: randomBytes(task.attachmentBytes) }],
            })
          : sampleStatus({
              from: task.from,
              responseFor: task.responseFor,
              code: '03',
              description: 'Đã vào sổ văn bản đến',
            });
      const signed = await signEdxml(xml, { keyPem: org.keyPem, certPem: org.certPem });
      const bytes = new TextEncoder().encode(signed);
      parentPort?.postMessage({ id: task.id, bytes }, [bytes.buffer]);
    })();
  });
}

/** Signs every task on `threads` worker threads (each registers tsx itself, as the hub's verifier threads do). */
async function signAll(
  tasks: readonly SignTask[],
  organizations: readonly DevOrganization[],
  threads: number,
  log: (line: string) => void,
): Promise<Buffer[]> {
  const results: Buffer[] = new Array<Buffer>(tasks.length);
  const bootstrap = `(async () => {
    const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
    register();
    await import(${JSON.stringify(import.meta.url)});
  })();`;
  const data: SignerWorkerData = {
    soakSigner: true,
    organizations: organizations.map((o) => ({ organId: o.organId, keyPem: o.keyPem, certPem: o.certPem })),
  };
  let next = 0;
  let done = 0;
  let lastLog = now();
  const workers = Array.from(
    { length: threads },
    () => new Worker(bootstrap, { eval: true, workerData: data }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const feed = () => {
              while (inFlight < 3 && next < tasks.length) {
                worker.postMessage(tasks[next++]);
                inFlight += 1;
              }
              if (inFlight === 0) resolve();
            };
            worker.on('message', (reply: { id: number; bytes: Uint8Array }) => {
              results[reply.id] = Buffer.from(
                reply.bytes.buffer,
                reply.bytes.byteOffset,
                reply.bytes.byteLength,
              );
              inFlight -= 1;
              done += 1;
              if (now() - lastLog > 15_000) {
                lastLog = now();
                log(`  signed ${done} of ${tasks.length}`);
              }
              feed();
            });
            worker.once('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The receiving side: what each node stored, deduplicated on the message id

/** What a node stored under one message id, and how many copies of it came. */
interface Arrival {
  readonly sha256: string;
  copies: number;
}

interface Ledger {
  /** `${node}|${messageId}` → what the node stored. */
  readonly arrivals: Map<string, Arrival>;
  /** `${node}|${receiptId}` → copies; and `${messageId}|${organId}` → receipt events seen. */
  readonly receiptCopies: Map<string, number>;
  readonly receiptEvents: Map<string, string[]>;
  readonly problems: string[];
  /** Packages each node acted on (sent its status for): must be one per delivery. */
  processed: number;
  /** Items a polling node found again in its inbox after storing them (its ack had not landed). */
  relisted: number;
  badSignatures: number;
  /** A package or status a node stored (`head`: the first 32 KB of its bytes, where its headers are). */
  arrive(node: number, messageId: string, kind: string, head: string, sha256: string): void;
  /** A receipt event pushed to a sender node. */
  receipt(node: number, receiptId: string, json: string): void;
}

const DOCUMENT_ID = /<edXML:DocumentId>([^<]*)<\/edXML:DocumentId>/;
const FIRST_ORGAN = /<edXML:OrganId>([^<]*)<\/edXML:OrganId>/;

function createLedger(
  plan: readonly PackagePlan[],
  onFirstPackage: (p: PackagePlan, d: DeliveryPlan) => void,
): Ledger {
  const byDocument = new Map(plan.map((p) => [p.documentId, p]));
  const problem = (text: string) => {
    if (ledger.problems.length < 200) ledger.problems.push(text);
  };
  const ledger: Ledger = {
    arrivals: new Map(),
    receiptCopies: new Map(),
    receiptEvents: new Map(),
    problems: [],
    processed: 0,
    relisted: 0,
    badSignatures: 0,
    arrive(node, messageId, kind, head, sha256) {
      const key = `${node}|${messageId}`;
      const seen = ledger.arrivals.get(key);
      if (seen) {
        // A second copy: stored already, so not processed again (docs/webhooks.md).
        seen.copies += 1;
        if (seen.sha256 !== sha256)
          problem(`${messageId} at ${ORGANS[node]}: a second copy with other bytes`);
        return;
      }
      ledger.arrivals.set(key, { sha256, copies: 1 });
      const documentId = DOCUMENT_ID.exec(head)?.[1] ?? '';
      const p = byDocument.get(documentId);
      if (!p) {
        problem(`${kind} ${messageId} at ${ORGANS[node]}: unknown document "${documentId}"`);
        return;
      }
      if (kind === 'package') {
        const d = p.deliveries.find((x) => x.recipient === node);
        if (!d) return problem(`package ${p.documentId} reached ${ORGANS[node]}, not a recipient`);
        if (sha256 !== p.sha256) problem(`package ${p.documentId} at ${ORGANS[node]}: bytes differ`);
        if (d.packageMessageId !== null) {
          return problem(`package ${p.documentId} reached ${ORGANS[node]} under two ids`);
        }
        d.packageMessageId = messageId;
        d.packageArrivedAt = now();
        ledger.processed += 1;
        onFirstPackage(p, d);
      } else if (kind === 'status') {
        const from = FIRST_ORGAN.exec(head)?.[1] ?? '';
        const d = p.deliveries.find((x) => ORGANS[x.recipient] === from);
        if (!d || node !== p.sender)
          return problem(`status from ${from} on ${documentId} reached ${ORGANS[node]}`);
        if (sha256 !== d.statusSha256) problem(`status from ${from} on ${documentId}: bytes differ`);
        if (d.statusBackId !== null) return problem(`status from ${from} on ${documentId} under two ids`);
        d.statusBackId = messageId;
        d.statusBackAt = now();
      } else {
        problem(`${messageId}: unexpected kind ${kind}`);
      }
    },
    receipt(node, receiptId, json) {
      const key = `${node}|${receiptId}`;
      const copies = (ledger.receiptCopies.get(key) ?? 0) + 1;
      ledger.receiptCopies.set(key, copies);
      if (copies > 1) return;
      try {
        const r = JSON.parse(json) as {
          event?: string;
          message?: { id?: string };
          delivery?: { to?: string };
        };
        const about = `${r.message?.id}|${r.delivery?.to}`;
        ledger.receiptEvents.set(about, [...(ledger.receiptEvents.get(about) ?? []), String(r.event)]);
      } catch {
        problem(`receipt ${receiptId} at ${ORGANS[node]}: not JSON`);
      }
    },
  };
  return ledger;
}

interface WebhookEnd {
  readonly url: string;
  readonly isUp: boolean;
  down(): Promise<void>;
  up(): Promise<void>;
}

/**
 * A receiving e-office system on loopback: checks the HMAC as docs/webhooks.md says (on the SHA-256
 * of the raw body, five minutes of clock skew), stores what it is pushed, answers 200. Keeps only the
 * first 32 KB of each body (the headers it reads) and its hash, so 5 MB pushes cost no memory.
 */
async function startWebhookEnd(node: number, secret: string, ledger: Ledger): Promise<WebhookEnd> {
  let server: Server | null = null;
  let port = 0;
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      if (headBytes < 32_768) {
        head.push(chunk);
        headBytes += chunk.length;
      }
    });
    req.on('end', () => {
      const digest = hash.digest('hex');
      const messageId = String(req.headers['lienthong-message-id'] ?? '');
      const signature = String(req.headers['lienthong-signature'] ?? '');
      const parts = Object.fromEntries(signature.split(',').map((p) => p.split('=') as [string, string]));
      const expected = Buffer.from(
        createHmac('sha256', secret).update(`${parts['t']}.${messageId}.${digest}`).digest('hex'),
      );
      const v1 = Buffer.from(parts['v1'] ?? '');
      const fresh = Math.abs(Date.now() / 1000 - Number(parts['t'])) <= 300;
      if (!(fresh && expected.length === v1.length && timingSafeEqual(expected, v1))) {
        ledger.badSignatures += 1;
        res.writeHead(401).end();
        return;
      }
      const kind = String(req.headers['lienthong-kind'] ?? '');
      const text = Buffer.concat(head).toString('utf8');
      if (kind === 'receipt') ledger.receipt(node, messageId, text);
      else {
        ledger.arrive(node, messageId, kind, text, digest);
      }
      res.writeHead(200).end();
    });
  };
  const listen = async () => {
    const s = createServer(handle);
    s.keepAliveTimeout = 5_000;
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}/lienthong`,
    get isUp() {
      return server !== null;
    },
    async down() {
      const current = server;
      server = null;
      if (!current) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    async up() {
      if (server === null) await listen();
    },
  };
}

interface Poller {
  paused: boolean;
  stop(): Promise<void>;
}

/** A polling e-office system: long-polls its inbox, fetches what it has not stored, acknowledges. */
function startPoller(node: number, token: string, client: HubClient, ledger: Ledger): Poller {
  let stopped = false;
  const state: Poller = {
    paused: false,
    async stop() {
      stopped = true;
      await loop;
    },
  };
  const take = async (item: InboxItem) => {
    if (state.paused || stopped) return;
    const key = `${node}|${item.id}`;
    if (!ledger.arrivals.has(key)) {
      const answer = await client.call('GET', `/v1/messages/${item.id}`, token);
      if (answer.status !== 200) {
        ledger.problems.push(`fetch ${item.id} by ${ORGANS[node]}: HTTP ${answer.status}`);
        return;
      }
      const digest = sha256Hex(answer.body);
      if (digest !== item.sha256) ledger.problems.push(`fetch ${item.id}: sha256 differs from the inbox's`);
      ledger.arrive(node, item.id, item.kind, answer.body.subarray(0, 32_768).toString('utf8'), digest);
    } else {
      ledger.relisted += 1;
    }
    const ack = await client.call('POST', `/v1/messages/${item.id}/ack`, token);
    if (ack.status !== 200) ledger.problems.push(`ack ${item.id} by ${ORGANS[node]}: HTTP ${ack.status}`);
  };
  const loop = (async () => {
    while (!stopped) {
      if (state.paused) {
        await sleep(100);
        continue;
      }
      try {
        const answer = await client.call('GET', '/v1/inbox?wait=2&limit=100', token);
        if (answer.status !== 200) throw new Error(`inbox: HTTP ${answer.status}`);
        const { items } = JSON.parse(answer.body.toString('utf8')) as { items: InboxItem[] };
        await eachLimited(items, 4, take);
      } catch (error) {
        ledger.problems.push(`poller ${ORGANS[node]}: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  })();
  return state;
}

// ---------------------------------------------------------------------------------------------
// The run

interface Fault {
  readonly kind: string;
  readonly target: string;
  /** Seconds after the first package was sent. */
  readonly at: number;
  readonly ms: number;
}

export interface SoakResult {
  /** The figures, as printed (measure → value). */
  readonly table: ReadonlyArray<{ measure: string; value: string }>;
  readonly byPriority: ReadonlyArray<Record<string, string | number>>;
  readonly faults: readonly Fault[];
  /** Deliveries (package or status to one recipient) that never reached it. */
  readonly lost: number;
  /** Everything that is wrong (empty when the run passed). */
  readonly problems: readonly string[];
  readonly machine: string;
}

/** Sets everything up, runs the soak with its chaos, checks, and tears everything down. */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-soak-'));
  const procs: HubProcess[] = [];
  let postgres: PrivatePostgres | null = null;
  let redis: PrivateRedis | null = null;
  const closers: Array<() => Promise<void>> = [];
  // An interrupted bench (Ctrl-C) must not leave a postmaster or hubs behind.
  const killAll = () => {
    for (const p of procs) p.killSync();
    redis?.killSync();
    postgres?.stopSync();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    killAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAll);
  let failed = true;
  try {
    const result = await soakIn(dir, options, {
      onPostgres: (p) => {
        postgres = p;
      },
      onRedis: (r) => {
        redis = r;
      },
      procs,
      closers,
    });
    failed = result.problems.length > 0;
    return result;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await Promise.all(procs.map((p) => p.stop().catch(() => {})));
    await (redis as PrivateRedis | null)?.close().catch(() => {});
    await (postgres as PrivatePostgres | null)?.stop().catch(() => {});
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killAll);
    if (options.keep || failed) log(`logs kept in ${dir} (hub-*.log, pg/postgres.log, redis.log)`);
    else await rm(dir, { recursive: true, force: true });
  }
}

interface Owned {
  onPostgres(p: PrivatePostgres): void;
  onRedis(r: PrivateRedis): void;
  readonly procs: HubProcess[];
  readonly closers: Array<() => Promise<void>>;
}

async function soakIn(dir: string, options: SoakOptions, owned: Owned): Promise<SoakResult> {
  const loadBefore = os.loadavg();
  const setupStarted = now();
  const prepared = await prepare(options);
  const hub = await startHub(dir, prepared, options, owned);
  options.log(
    `setup ${seconds(now() - setupStarted)}: Postgres ${hub.postgres.version}, Redis ${hub.redis.version}, ` +
      `API ${hub.apiUrls.join(' ')} + 2 workers; ${prepared.plan.length} packages ` +
      `(${mb(prepared.packageBytes)}), ${prepared.deliveries.length} deliveries`,
  );
  const outcome = await drive(prepared, hub, options, owned);
  const checkStarted = now();
  const traces = await checkTraces(prepared, hub);
  options.log(`checked ${traces.checked} traces in ${seconds(now() - checkStarted)}`);
  const stored = await postgresSummary(hub.postgres.url);
  const verdict = evaluate(prepared, hub, outcome, traces, stored);
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const machine =
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
    `Node ${process.version}; PostgreSQL ${hub.postgres.version}; Redis ${hub.redis.version}; ` +
    `load average before ${load(loadBefore)}, after ${load(os.loadavg())}`;
  return { ...verdict, faults: outcome.faults, machine };
}

interface Prepared {
  readonly plan: readonly PackagePlan[];
  /** Every (package, recipient) pair. */
  readonly deliveries: ReadonlyArray<{ readonly p: PackagePlan; readonly d: DeliveryPlan }>;
  readonly packageBytes: number;
  readonly pki: Awaited<ReturnType<typeof createDevPki>>;
}

/** The plan, and every package and status signed beforehand. */
async function prepare(options: SoakOptions): Promise<Prepared> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const plan = makePlan(options, date);
  const pki = await createDevPki({ organIds: [...ORGANS], at: new Date() });
  const tasks: SignTask[] = [];
  for (const p of plan) {
    tasks.push({
      kind: 'package',
      id: tasks.length,
      from: ORGANS[p.sender]!,
      to: p.deliveries.map((d) => ORGANS[d.recipient]!),
      documentId: p.documentId,
      priority: p.priority,
      attachmentBytes: p.attachmentBytes,
    });
  }
  for (const p of plan) {
    for (const d of p.deliveries) {
      tasks.push({
        kind: 'status',
        id: tasks.length,
        from: ORGANS[d.recipient]!,
        responseFor: { organId: ORGANS[p.sender]!, documentId: p.documentId },
      });
    }
  }
  options.log(
    `signing ${plan.length} packages and ${tasks.length - plan.length} statuses on ${options.signThreads} threads`,
  );
  const signed = await signAll(tasks, pki.organizations, options.signThreads, options.log);
  let i = 0;
  for (const p of plan) {
    p.body = signed[i++]!;
    p.sha256 = sha256Hex(p.body);
  }
  for (const p of plan) {
    for (const d of p.deliveries) {
      d.status = signed[i++]!;
      d.statusSha256 = sha256Hex(d.status);
    }
  }
  return {
    plan,
    deliveries: plan.flatMap((p) => p.deliveries.map((d) => ({ p, d }))),
    packageBytes: plan.reduce((n, p) => n + p.body.length, 0),
    pki,
  };
}

interface RunningHub {
  readonly postgres: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly tokens: readonly string[];
  readonly ledger: Ledger;
  /** Packages a recipient has stored and must answer with its status. */
  readonly statusQueue: DeliveryPlan[];
  readonly ends: readonly WebhookEnd[];
  readonly apis: readonly HubProcess[];
  readonly workers: readonly HubProcess[];
  readonly apiUrls: readonly string[];
  readonly client: HubClient;
  readonly unexpectedExits: UnexpectedExit[];
}

/** Postgres, Redis, the trust store, the six nodes and their receivers, two API and two worker processes. */
async function startHub(
  dir: string,
  prepared: Prepared,
  options: SoakOptions,
  owned: Owned,
): Promise<RunningHub> {
  const postgres = await startPrivatePostgres(path.join(dir, 'pg'));
  owned.onPostgres(postgres);
  const redis = await startPrivateRedis(path.join(dir, 'redis.log'));
  owned.onRedis(redis);
  const trustDir = path.join(dir, 'trust');
  await mkdir(trustDir);
  await writeFile(path.join(trustDir, 'root.pem'), prepared.pki.rootCertPem);
  await writeFile(path.join(trustDir, 'ca.pem'), prepared.pki.caCertPem);

  const statusQueue: DeliveryPlan[] = [];
  const ledger = createLedger(prepared.plan, (_p, d) => statusQueue.push(d));
  const tokens: string[] = [];
  const ends: WebhookEnd[] = [];
  // The bench's own writes (migrations, nodes) go straight to the store, as bench/delivery does.
  const database = await openDatabase({ databaseUrl: postgres.url, schema: SCHEMA });
  try {
    for (const [i, organId] of ORGANS.entries()) {
      const nodeId = `${i < WEBHOOK_NODES ? 'push' : 'poll'}-${organId}`;
      const at = new Date();
      tokens.push(
        (await createNode(database.db, { id: nodeId, organizations: [organId], at, actor: 'bench' })).token,
      );
      if (i >= WEBHOOK_NODES) continue;
      const secret = generateWebhookSecret();
      const end = await startWebhookEnd(i, secret, ledger);
      ends.push(end);
      await setNodeWebhook(database.db, { nodeId, url: end.url, secret, at, actor: 'bench' });
    }
  } finally {
    await database.close();
  }
  owned.closers.push(async () => {
    for (const end of ends) await end.down();
  });

  const unexpectedExits: UnexpectedExit[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    LIENTHONG_DB_SCHEMA: SCHEMA,
    REDIS_URL: redis.url,
    LIENTHONG_HUB_ID: 'soak',
    LIENTHONG_TRUST_DIR: trustDir,
    LIENTHONG_DIRECTORY: 'none',
    LIENTHONG_HEALTH_PORT: '0',
    LIENTHONG_VERIFY_THREADS: '1',
    LIENTHONG_PER_NODE_CONCURRENCY: '8',
    // A push of 5 MB on loopback takes well under a second: a killed worker's pushes are taken over
    // after 40 s (the send lease) instead of 150 s, and a flushed or killed job returns sooner.
    LIENTHONG_WEBHOOK_TIMEOUT_MS: '10000',
    LIENTHONG_WEBHOOK_REQUEST_TIMEOUT_MS: '20000',
    LIENTHONG_QUEUE_LOCK_MS: '10000',
    LIENTHONG_RECONCILE_INTERVAL_MS: '5000',
    // Receivers are down for seconds, not hours: backoff capped at 10 s, the breaker's first pause 5 s,
    // so the run settles in minutes (the defaults, 30 min and 30 s, are for real outages).
    LIENTHONG_RETRY_BASE_DELAY_MS: '500',
    LIENTHONG_RETRY_MAX_DELAY_MS: '10000',
    LIENTHONG_BREAKER_OPEN_MS: '5000',
    // Per-node rate limits (when the hub has them) must not be what is measured.
    LIENTHONG_NODE_RATE: '100000',
    LIENTHONG_NODE_BURST: '100000',
    LOG_LEVEL: process.env['SOAK_LOG_LEVEL'] ?? 'warn',
  };
  const apiPorts = [await freePort(), await freePort()];
  const onExit = (exit: UnexpectedExit) => {
    unexpectedExits.push(exit);
    options.log(
      `!! ${exit.process} exited unexpectedly (code ${exit.code}, signal ${exit.signal}); restarting it`,
    );
  };
  const apis = apiPorts.map((port, i) =>
    hubProcess(
      `api-${i + 1}`,
      ['--role', 'api'],
      { ...env, PORT: String(port) },
      path.join(dir, `hub-api-${i + 1}.log`),
      onExit,
    ),
  );
  const workers = [1, 2].map((n) =>
    hubProcess(`worker-${n}`, ['--role', 'worker'], env, path.join(dir, `hub-worker-${n}.log`), onExit),
  );
  owned.procs.push(...apis, ...workers);
  await Promise.all([...apis, ...workers].map((p) => p.start()));
  const apiUrls = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  const client = hubClient(apiUrls);
  owned.closers.push(() => client.close());
  return {
    postgres,
    redis,
    tokens,
    ledger,
    statusQueue,
    ends,
    apis,
    workers,
    apiUrls,
    client,
    unexpectedExits,
  };
}

interface Outcome {
  /** When the first package was sent (performance.now()). */
  readonly t0: number;
  readonly accepted: number;
  readonly sendPhaseMs: number;
  /** From the first package sent until every delivery, status and receipt had arrived (or the deadline). */
  readonly allSettledMs: number;
  readonly duplicateAnswers: number;
  readonly faults: readonly Fault[];
  readonly problems: readonly string[];
}

/** Sends every package, answers each with a status, runs the chaos, and waits until everything arrived. */
async function drive(
  prepared: Prepared,
  hub: RunningHub,
  options: SoakOptions,
  owned: Owned,
): Promise<Outcome> {
  const { plan, deliveries } = prepared;
  const { client, ledger, tokens, statusQueue } = hub;
  const log = options.log;
  const pollers = [WEBHOOK_NODES, WEBHOOK_NODES + 1].map((n) => startPoller(n, tokens[n]!, client, ledger));
  owned.closers.push(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });
  const problems: string[] = [];
  const t0 = now();
  let accepted = 0;
  let sendingDone = false;
  let sendPhaseMs = 0;
  let duplicateAnswers = 0;

  const submit = async (body: Buffer, token: string, what: string): Promise<Receipt | null> => {
    try {
      const answer = await client.call('POST', '/v1/messages', token, body);
      if (answer.status !== 202) {
        problems.push(`${what}: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
        return null;
      }
      const receipt = JSON.parse(answer.body.toString('utf8')) as Receipt;
      if (receipt.duplicate) duplicateAnswers += 1;
      const unroutable = receipt.recipients.filter((r) => r.state !== 'queued');
      if (unroutable.length > 0) problems.push(`${what}: recipients ${JSON.stringify(unroutable)}`);
      return receipt;
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
      return null;
    }
  };

  // The senders: a closed loop of `concurrency` packages in flight.
  const senders = (async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < plan.length; i = next++) {
          const p = plan[i]!;
          p.sentAt = now();
          const receipt = await submit(p.body, tokens[p.sender]!, `package ${p.documentId}`);
          if (!receipt) continue;
          p.id = receipt.id;
          p.acceptedAt = now();
          accepted += 1;
        }
      }),
    );
    sendPhaseMs = now() - t0;
    sendingDone = true;
  })();

  // The recipients' systems answer what they stored with a 03, as many at once as the senders.
  let statusesStopped = false;
  const statusSenders = Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (!statusesStopped) {
        const d = statusQueue.shift();
        if (!d) {
          await sleep(20);
          continue;
        }
        d.statusSentAt = now();
        const receipt = await submit(d.status, tokens[d.recipient]!, `status from ${ORGANS[d.recipient]}`);
        if (!receipt) continue;
        d.statusId = receipt.id;
        d.statusAcceptedAt = now();
      }
    }),
  );

  const faults: Fault[] = [];
  let chaosDone = !options.chaos;
  const chaos = options.chaos
    ? runChaos({
        fraction: () => (sendingDone ? 1 : accepted / plan.length),
        t0,
        faults,
        log,
        workers: hub.workers,
        apis: hub.apis,
        redis: hub.redis,
        postgres: hub.postgres,
        ends: hub.ends,
        pollers,
        downMs: options.downMs,
      }).finally(() => {
        chaosDone = true;
      })
    : Promise.resolve();

  let lastProgress = now();
  let settleStarted = 0;
  let settledAt = 0;
  for (;;) {
    await sleep(1_000);
    const o = outstanding(deliveries, ledger);
    if (now() - lastProgress > 15_000) {
      lastProgress = now();
      log(
        `  ${seconds(now() - t0)}: accepted ${accepted}/${plan.length}; waiting for ${o.packages} deliveries, ` +
          `${o.statusesUnsent} statuses to send, ${o.statusesBack} to come back, ${o.receipts} receipts; ` +
          `faults ${faults.length}${chaosDone ? ' (chaos over)' : ''}`,
      );
    }
    if (sendingDone && chaosDone && o.packages + o.statusesUnsent + o.statusesBack + o.receipts === 0) {
      settledAt = now();
      break;
    }
    if (sendingDone && chaosDone && settleStarted === 0) settleStarted = now();
    if (settleStarted !== 0 && now() - settleStarted > options.settleMs) {
      problems.push(
        `not settled ${seconds(options.settleMs)} after sending and chaos ended: ${JSON.stringify(o)}`,
      );
      break;
    }
  }
  await senders;
  await chaos;
  // Pushes still in flight (second copies after a takeover) may land a little later: they count too.
  await sleep(2_000);
  statusesStopped = true;
  await statusSenders;
  for (const poller of pollers) poller.paused = true;
  return {
    t0,
    accepted,
    sendPhaseMs,
    allSettledMs: (settledAt || now()) - t0,
    duplicateAnswers,
    faults,
    problems,
  };
}

const isWebhookNode = (n: number) => n < WEBHOOK_NODES;

/** The receipts a webhook sender must get: one per delivery of each of its messages (packages and statuses). */
function expectedReceipts(deliveries: Prepared['deliveries']): string[] {
  const keys: string[] = [];
  for (const { p, d } of deliveries) {
    if (p.id !== null && isWebhookNode(p.sender)) keys.push(`${p.id}|${ORGANS[d.recipient]}`);
    if (d.statusId !== null && isWebhookNode(d.recipient)) keys.push(`${d.statusId}|${ORGANS[p.sender]}`);
  }
  return keys;
}

/** What has not arrived yet. */
function outstanding(deliveries: Prepared['deliveries'], ledger: Ledger) {
  let packages = 0;
  let statusesUnsent = 0;
  let statusesBack = 0;
  for (const { p, d } of deliveries) {
    if (p.id === null || d.packageMessageId === null) packages += 1;
    if (d.statusId === null) statusesUnsent += 1;
    else if (d.statusBackId === null) statusesBack += 1;
  }
  const receipts = expectedReceipts(deliveries).filter((k) => !ledger.receiptEvents.has(k)).length;
  return { packages, statusesUnsent, statusesBack, receipts };
}

interface TraceCheck {
  readonly checked: number;
  readonly incomplete: number;
  readonly problems: readonly string[];
}

/** Every package's trace (each recipient delivered, its 03 recorded) and every status's, through the API. */
async function checkTraces(prepared: Prepared, hub: RunningHub): Promise<TraceCheck> {
  let checked = 0;
  let incomplete = 0;
  const problems: string[] = [];
  const fail = (text: string) => {
    incomplete += 1;
    if (problems.length < 20) problems.push(text);
  };
  const traceOf = async (id: string, token: string): Promise<MessageTrace | null> => {
    const answer = await hub.client.call('GET', `/v1/messages/${id}/trace`, token);
    checked += 1;
    if (answer.status === 200) return JSON.parse(answer.body.toString('utf8')) as MessageTrace;
    fail(`trace ${id}: HTTP ${answer.status}`);
    return null;
  };
  await eachLimited(
    prepared.plan.filter((p) => p.id !== null),
    8,
    async (p) => {
      const trace = await traceOf(p.id!, hub.tokens[p.sender]!);
      if (!trace) return;
      const missing = p.deliveries.flatMap((d) => {
        const line = trace.deliveries.find((x) => x.recipientOrganId === ORGANS[d.recipient]);
        if (line?.state !== 'delivered') return [`${ORGANS[d.recipient]} ${line?.state ?? 'missing'}`];
        const back = line.statuses.some((s) => s.code === '03' && s.statusMessageId === d.statusId);
        return back ? [] : [`${ORGANS[d.recipient]} without its 03`];
      });
      if (trace.deliveries.length !== p.deliveries.length)
        missing.push(`${trace.deliveries.length} deliveries`);
      if (missing.length > 0) fail(`trace ${p.id}: ${missing.join(', ')}`);
    },
  );
  await eachLimited(
    prepared.deliveries.filter(({ d }) => d.statusId !== null),
    8,
    async ({ p, d }) => {
      const trace = await traceOf(d.statusId!, hub.tokens[d.recipient]!);
      const line = trace?.deliveries[0];
      if (!trace) return;
      if (
        trace.deliveries.length !== 1 ||
        line?.recipientOrganId !== ORGANS[p.sender] ||
        line?.state !== 'delivered'
      ) {
        fail(
          `trace of status ${d.statusId}: ${JSON.stringify(trace.deliveries.map((x) => [x.recipientOrganId, x.state]))}`,
        );
      }
    },
  );
  return { checked, incomplete, problems };
}

type Counts = ReadonlyArray<{ readonly k: string; readonly n: number }>;

interface StoredCounts {
  readonly deliveriesByState: Counts;
  readonly attemptsByError: Counts;
  readonly receiptsByState: Counts;
  readonly messagesByKind: Counts;
}

/** What Postgres holds at the end (the bench's own connection). */
async function postgresSummary(url: string): Promise<StoredCounts> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows = async (sql: string) => (await db.query<{ k: string; n: number }>(sql)).rows;
    return {
      deliveriesByState: await rows(
        `SELECT state AS k, count(*)::int AS n FROM ${SCHEMA}.deliveries GROUP BY 1 ORDER BY 2 DESC`,
      ),
      attemptsByError: await rows(
        `SELECT coalesce(error, 'ok') AS k, count(*)::int AS n FROM ${SCHEMA}.delivery_attempts GROUP BY 1 ORDER BY 2 DESC`,
      ),
      receiptsByState: await rows(
        `SELECT state AS k, count(*)::int AS n FROM ${SCHEMA}.receipts GROUP BY 1 ORDER BY 2 DESC`,
      ),
      messagesByKind: await rows(
        `SELECT kind AS k, count(*)::int AS n FROM ${SCHEMA}.messages GROUP BY 1 ORDER BY 1`,
      ),
    };
  } finally {
    await db.end();
  }
}

/** The checks (nothing lost, processed once, traces, receipts, Postgres) and the figures. */
function evaluate(
  prepared: Prepared,
  hub: RunningHub,
  outcome: Outcome,
  traces: TraceCheck,
  stored: StoredCounts,
): Pick<SoakResult, 'table' | 'byPriority' | 'lost' | 'problems'> {
  const { plan, deliveries } = prepared;
  const { ledger, client, unexpectedExits } = hub;
  const { t0, accepted, faults } = outcome;
  const problems = [...outcome.problems, ...traces.problems];
  const count = (list: Counts, key: string) => list.find((r) => r.k === key)?.n ?? 0;
  const list = (counts: Counts) => counts.map((r) => `${r.k} ${r.n}`).join(', ');

  // Nothing lost: each package stored by each recipient, each status by the package's sender.
  let lost = 0;
  for (const { p, d } of deliveries) {
    if (p.id === null || d.packageMessageId !== p.id) lost += 1;
    if (d.statusId === null || d.statusBackId !== d.statusId) lost += 1;
  }
  const notAccepted = plan.length - accepted;
  if (lost > 0) problems.push(`${lost} deliveries lost (packages never accepted: ${notAccepted})`);
  const statusesAccepted = deliveries.filter(({ d }) => d.statusId !== null).length;
  if (
    count(stored.messagesByKind, 'package') !== accepted ||
    count(stored.messagesByKind, 'status') !== statusesAccepted
  ) {
    problems.push(
      `Postgres holds ${list(stored.messagesByKind)}; accepted ${accepted} packages, ${statusesAccepted} statuses`,
    );
  }
  const undelivered = stored.deliveriesByState.filter((r) => r.k !== 'delivered');
  if (undelivered.length > 0) problems.push(`deliveries not delivered in Postgres: ${list(undelivered)}`);
  const receipts = expectedReceipts(deliveries);
  const receiptsMissing = receipts.filter(
    (k) => !(ledger.receiptEvents.get(k) ?? []).includes('delivered'),
  ).length;
  if (receiptsMissing > 0)
    problems.push(`${receiptsMissing} of ${receipts.length} receipts did not come back`);
  const otherEvents = [...ledger.receiptEvents.values()].flat().filter((e) => e !== 'delivered');
  if (otherEvents.length > 0)
    problems.push(`receipt events other than delivered: ${otherEvents.slice(0, 10).join(', ')}`);
  // Each receiver stored only what was addressed to it, and acted on each package once.
  const expectedIds = new Set<string>();
  for (const { p, d } of deliveries) {
    if (p.id) expectedIds.add(`${d.recipient}|${p.id}`);
    if (d.statusId) expectedIds.add(`${p.sender}|${d.statusId}`);
  }
  const strays = [...ledger.arrivals.keys()].filter((k) => !expectedIds.has(k));
  if (strays.length > 0)
    problems.push(`${strays.length} messages stored where not addressed: ${strays.slice(0, 5).join(', ')}`);
  const storedPackages = deliveries.filter(({ d }) => d.packageMessageId !== null).length;
  if (ledger.processed !== storedPackages)
    problems.push(`processed ${ledger.processed} packages for ${storedPackages} stored`);
  if (ledger.badSignatures > 0) problems.push(`${ledger.badSignatures} pushes with a bad signature`);
  problems.push(...ledger.problems.filter((p) => !p.startsWith('poller ')));
  const pollerHiccups = ledger.problems.filter((p) => p.startsWith('poller ')).length;
  if (unexpectedExits.length > 0) {
    const exits = unexpectedExits.map(
      (e) => `${e.process} at ${seconds(e.at - t0)} (code ${e.code}, ${e.signal})`,
    );
    problems.push(`unexpected exits: ${exits.join('; ')}`);
  }
  // Failed client tries (network errors, 5xx), each put down to the faults whose window (the fault
  // and 30 s after it; 60 s after a crash) holds it. One with no fault near, or a 500 that no
  // Postgres restart explains, is the hub's.
  const events = [
    ...faults.map((f) => ({ kind: f.kind, from: t0 + f.at * 1000, to: t0 + f.at * 1000 + f.ms + 30_000 })),
    ...unexpectedExits.map((e) => ({ kind: `${e.process} crash`, from: e.at, to: e.at + 60_000 })),
  ];
  const failureKinds = new Map<string, number>();
  for (const failure of client.failures) {
    const causes = new Set(
      events.filter((e) => e.from <= failure.at && failure.at <= e.to).map((e) => e.kind),
    );
    const key = `${failure.what} (${causes.size > 0 ? `during ${[...causes].join(' + ')}` : 'no fault near'})`;
    failureKinds.set(key, (failureKinds.get(key) ?? 0) + 1);
  }
  for (const [k, n] of failureKinds) {
    if (k.includes('no fault near') || (k.includes('HTTP 500') && !k.includes('Postgres'))) {
      problems.push(`client saw ${k} ×${n}`);
    }
  }

  const duplicates = [...ledger.arrivals.values()].filter((a) => a.copies > 1);
  const duplicateCopies = duplicates.reduce((n, a) => n + a.copies - 1, 0);
  const receiptDuplicates = [...ledger.receiptCopies.values()].filter((n) => n > 1).length;
  const acceptMs = plan.filter((p) => p.id).map((p) => p.acceptedAt - p.sentAt);
  const deliveryMs = (via: 'webhook' | 'poll', filter: (p: PackagePlan) => boolean = () => true) =>
    deliveries
      .filter(({ p, d }) => p.id && d.packageMessageId && filter(p))
      .filter(({ d }) => (isWebhookNode(d.recipient) ? 'webhook' : 'poll') === via)
      // The push can arrive before the sender has read its 202: that counts as 0.
      .map(({ p, d }) => Math.max(0, d.packageArrivedAt - p.acceptedAt));
  const answered = deliveries.filter(({ p, d }) => p.id && d.statusId && d.statusBackAt);
  const statusAcceptMs = answered.map(({ d }) => d.statusAcceptedAt - d.statusSentAt);
  const statusTripMs = answered.map(({ d }) => Math.max(0, d.statusBackAt - d.statusAcceptedAt));
  const roundTripMs = answered.map(({ p, d }) => d.statusBackAt - p.acceptedAt);
  const faultsByKind = new Map<string, { n: number; ms: number }>();
  for (const f of faults) {
    const entry = faultsByKind.get(f.kind) ?? { n: 0, ms: 0 };
    entry.n += 1;
    entry.ms += f.ms;
    faultsByKind.set(f.kind, entry);
  }
  const sizes = { small: 0, medium: 0, big: 0 };
  for (const p of plan) sizes[p.size] += 1;
  const priorities = [0, 1, 2, 3, 4].map((level) => plan.filter((p) => p.priority === level).length);
  const acceptedBytes = plan.filter((p) => p.id).reduce((n, p) => n + p.body.length, 0);
  const statusBytes = deliveries.reduce((n, { d }) => n + d.status.length, 0);
  const perSecond = (n: number, ms: number) => (n / (ms / 1000)).toFixed(1);
  const largest = Math.max(...plan.map((p) => p.body.length));

  const table = [
    {
      measure: 'packages (2–20 KB / 64–512 KB / 1–5 MB)',
      value: `${plan.length} (${sizes.small} / ${sizes.medium} / ${sizes.big}), ${mb(prepared.packageBytes)}, largest ${mb(largest)}`,
    },
    { measure: 'priorities 0 / 1 / 2 / 3 / 4', value: priorities.join(' / ') },
    {
      measure: 'deliveries (4 webhook + 2 polling nodes)',
      value: `${deliveries.length} packages + ${deliveries.length} statuses 03 back (${mb(statusBytes)}) + ${receipts.length} receipts`,
    },
    {
      measure: `send phase (${plan.length} packages, closed loop)`,
      value: `${seconds(outcome.sendPhaseMs)}: ${perSecond(accepted, outcome.sendPhaseMs)} packages/s, ${(acceptedBytes / 1e6 / (outcome.sendPhaseMs / 1000)).toFixed(2)} MB/s`,
    },
    {
      measure: 'until everything arrived',
      value: `${seconds(outcome.allSettledMs)}: ${perSecond(accepted + statusesAccepted, outcome.allSettledMs)} messages accepted/s, ${perSecond(2 * deliveries.length + receipts.length, outcome.allSettledMs)} deliveries+receipts/s`,
    },
    { measure: 'accept latency (first try → 202)', value: latencyText(acceptMs) },
    { measure: 'delivery latency, push (202 → receiver)', value: latencyText(deliveryMs('webhook')) },
    { measure: 'delivery latency, poll (202 → fetched)', value: latencyText(deliveryMs('poll')) },
    { measure: 'status accept latency (first try → 202)', value: latencyText(statusAcceptMs) },
    { measure: 'status delivery latency (202 → at sender)', value: latencyText(statusTripMs) },
    {
      // Includes the time a stored package waits for the recipient's system to answer it (the
      // bench's status senders share the two API processes with the package senders).
      measure: 'round trip (package 202 → its 03 at the sender)',
      value: latencyText(roundTripMs),
    },
    {
      measure: 'faults injected',
      value:
        [...faultsByKind]
          .map(([k, v]) => `${k} ×${v.n}${k.includes('down') ? ` (${seconds(v.ms)} in all)` : ''}`)
          .join(', ') || 'none',
    },
    {
      measure: 'client tries that failed (then retried)',
      value: [...failureKinds].map(([k, n]) => `${k} ×${n}`).join('; ') || 'none',
    },
    { measure: "answers 'duplicate: true' to a retried POST", value: String(outcome.duplicateAnswers) },
    { measure: 'lost', value: `${lost}${notAccepted ? ` (${notAccepted} packages never accepted)` : ''}` },
    {
      measure: 'duplicates received (deduplicated by the receivers)',
      value: `${duplicateCopies} copies of ${duplicates.length} ids; receipts ${receiptDuplicates}; inbox re-listings ${ledger.relisted}`,
    },
    { measure: 'processed twice', value: String(Math.max(0, ledger.processed - deliveries.length)) },
    {
      measure: 'traces complete',
      value: `${traces.checked - traces.incomplete} of ${traces.checked} (each package: every recipient delivered with its 03; each status delivered)`,
    },
    { measure: 'receipts back', value: `${receipts.length - receiptsMissing} of ${receipts.length}` },
    { measure: 'deliveries in Postgres', value: list(stored.deliveriesByState) },
    { measure: 'push attempts by outcome', value: list(stored.attemptsByError) },
    { measure: 'receipts in Postgres', value: list(stored.receiptsByState) },
    {
      measure: 'unexpected process exits',
      value:
        unexpectedExits.length === 0
          ? '0'
          : unexpectedExits.map((e) => `${e.process} (${e.code ?? e.signal})`).join(', '),
    },
    { measure: 'inbox polls that failed (retried)', value: String(pollerHiccups) },
    { measure: 'verdict', value: problems.length === 0 ? 'PASS' : `FAIL (${problems.length} problems)` },
  ];
  const byPriority = [0, 1, 2, 3, 4].map((level) => {
    const push = deliveryMs('webhook', (p) => p.priority === level).sort((a, b) => a - b);
    const poll = deliveryMs('poll', (p) => p.priority === level).sort((a, b) => a - b);
    return {
      priority: level,
      packages: priorities[level]!,
      'push p50 ms': Math.round(percentile(push, 50)),
      'push p99 ms': Math.round(percentile(push, 99)),
      'poll p50 ms': Math.round(percentile(poll, 50)),
      'poll p99 ms': Math.round(percentile(poll, 99)),
    };
  });
  return { table, byPriority, lost, problems };
}

// ---------------------------------------------------------------------------------------------
// Chaos

interface ChaosTargets {
  /** Share of the packages accepted so far (1 once sending is over). */
  fraction(): number;
  readonly t0: number;
  readonly faults: Fault[];
  readonly log: (line: string) => void;
  readonly workers: readonly HubProcess[];
  readonly apis: readonly HubProcess[];
  readonly redis: PrivateRedis;
  readonly postgres: PrivatePostgres;
  readonly ends: readonly WebhookEnd[];
  readonly pollers: readonly Poller[];
  readonly downMs: number;
}

/**
 * The chaos script: each fault when a share of the packages has been accepted (so a short run and a
 * long one see the same sequence), at least 5 s after the one before ended.
 */
async function runChaos(c: ChaosTargets): Promise<void> {
  const record = async (kind: string, target: string, action: () => Promise<unknown>) => {
    const start = now();
    c.log(`  chaos ${seconds(start - c.t0)}: ${kind} (${target})`);
    await action();
    c.faults.push({ kind, target, at: (start - c.t0) / 1000, ms: now() - start });
  };
  const killAndRestart = (p: HubProcess, kind: string) =>
    record(kind, p.name, async () => {
      await p.kill('SIGKILL');
      await sleep(2_000);
      await p.start();
    });
  const receiverDown = (index: number) =>
    record('webhook receiver down', `node ${ORGANS[index]}`, async () => {
      await c.ends[index]!.down();
      await sleep(c.downMs);
      await c.ends[index]!.up();
    });
  const steps: Array<[number, () => Promise<void>]> = [
    [0.06, () => killAndRestart(c.workers[0]!, 'worker SIGKILL')],
    [0.12, () => receiverDown(1)],
    [0.2, () => killAndRestart(c.apis[0]!, 'API SIGKILL')],
    [0.28, () => record('Redis FLUSHALL', 'redis', () => c.redis.flushAll())],
    [
      0.35,
      () =>
        record('polling receiver down', `node ${ORGANS[WEBHOOK_NODES]}`, async () => {
          c.pollers[0]!.paused = true;
          await sleep(c.downMs);
          c.pollers[0]!.paused = false;
        }),
    ],
    [0.43, () => record('Postgres restart', 'pg_ctl restart -m fast', () => c.postgres.restart())],
    [0.5, () => killAndRestart(c.workers[1]!, 'worker SIGKILL')],
    [
      0.58,
      () =>
        record('webhook receiver down', `nodes ${ORGANS[2]} and ${ORGANS[3]}`, async () => {
          await Promise.all([c.ends[2]!.down(), c.ends[3]!.down()]);
          await sleep(c.downMs);
          await Promise.all([c.ends[2]!.up(), c.ends[3]!.up()]);
        }),
    ],
    [0.66, () => killAndRestart(c.apis[1]!, 'API SIGKILL')],
    [0.73, () => record('Redis FLUSHALL', 'redis', () => c.redis.flushAll())],
    [
      0.8,
      () =>
        record('worker SIGKILL', 'both workers at once', async () => {
          await Promise.all(c.workers.map((w) => w.kill('SIGKILL')));
          await sleep(2_000);
          await Promise.all(c.workers.map((w) => w.start()));
        }),
    ],
    [0.87, () => record('Redis restart (empty)', 'redis', () => c.redis.restart())],
    [0.93, () => receiverDown(0)],
  ];
  let lastEnd = 0;
  for (const [fraction, step] of steps) {
    while (c.fraction() < fraction || now() - lastEnd < 5_000) await sleep(100);
    await step();
    lastEnd = now();
  }
}

/** `npm run bench -- soak`: runs with the SOAK_* environment, prints the tables, fails if anything is lost. */
export async function run(): Promise<void> {
  const options = soakOptionsFromEnv();
  const result = await soak(options);
  console.log(`\nmachine: ${result.machine}`);
  console.log('faults (seconds after the first package):');
  for (const f of result.faults)
    console.log(`  ${f.at.toFixed(1).padStart(7)} s  ${f.kind} — ${f.target} (${seconds(f.ms)})`);
  console.table(result.table);
  console.log('delivery latency by priority (202 → receiver):');
  console.table(result.byPriority);
  if (result.problems.length > 0) {
    console.log('problems:');
    for (const p of result.problems) console.log(`  - ${p}`);
    throw new Error(`soak failed: ${result.lost} lost, ${result.problems.length} problems`);
  }
}

if (!isMainThread && (workerData as Partial<SignerWorkerData> | null)?.soakSigner === true) {
  serveSigner(workerData as SignerWorkerData);
} else if (isMainThread && process.argv[1]?.endsWith('soak.bench.ts')) {
  await run();
}
