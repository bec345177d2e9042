// What the hub benches share: a `lienthong serve` child process on a Postgres schema or an embedded
// data directory of its own, with a development PKI as trust store and two nodes (A and B) made
// before it starts (embedded: only one process may open the data directory).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDevPki, type DevOrganization } from '../src/signature/index.ts';
import { createNode, openDatabase } from '../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../test/support/db.ts';
import { type ServeProcess, spawnServe } from '../test/support/serve-process.ts';

export const A = '000.00.00.G22';
export const B = '000.00.00.H41';

export type Backend = 'postgres' | 'embedded';

export interface BenchHub {
  readonly hub: ServeProcess;
  /** The bearer tokens of node A (serves organization A) and node B. */
  readonly tokens: { readonly a: string; readonly b: string };
  /** The development certificate and key of organization A. */
  readonly signer: DevOrganization;
  /** Stops the hub and removes its schema or data directory. */
  close(): Promise<void>;
}

/** Starts a hub for a bench (`label` names its temp folder and schema). */
export async function startBenchHub(
  backend: Backend,
  label: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BenchHub> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `lienthong-bench-${label}-`));
  const schema = backend === 'postgres' ? uniqueSchemaName(`lt_bench_${label}`) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...(schema
      ? { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema }
      : { DATABASE_URL: '', LIENTHONG_DATA_DIR: path.join(dir, 'data') }),
    REDIS_URL: '',
    LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
    LIENTHONG_VERIFY_THREADS: '2',
    LOG_LEVEL: 'info',
    PORT: '0',
    ...extraEnv,
  };
  const pki = await createDevPki({ organIds: [A, B], at: new Date() });
  await mkdir(path.join(dir, 'trust'));
  await writeFile(path.join(dir, 'trust', 'root.pem'), pki.rootCertPem);
  await writeFile(path.join(dir, 'trust', 'ca.pem'), pki.caCertPem);
  const database = await openDatabase(
    schema ? { databaseUrl: TEST_DATABASE_URL, schema } : { dataDir: path.join(dir, 'data') },
  );
  const audit = { at: new Date(), actor: 'bench' };
  const a = (await createNode(database.db, { id: 'bench-a', organizations: [A], ...audit })).token;
  const b = (await createNode(database.db, { id: 'bench-b', organizations: [B], ...audit })).token;
  await database.close();
  const hub = await spawnServe(env);
  return {
    hub,
    tokens: { a, b },
    signer: pki.organizations.find((o) => o.organId === A)!,
    async close() {
      await hub.kill('SIGTERM');
      if (schema) await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// The bare-HTTP reference: a Fastify server in its own process (like the hub), on loopback, that
// reads each body as a buffer and answers 202 with a small JSON receipt: the least any Node HTTP
// service on this machine does with the same bodies.
const BARE_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.addContentTypeParser('application/xml', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
let n = 0;
app.post('/v1/messages', async (req, reply) => reply.code(202).send({ id: String(++n), bytes: req.body.length }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(address + '\\n');
`;

export interface BareServer {
  readonly url: string;
  readonly pid: number;
  close(): void;
}

/** Starts the bare Fastify reference (`env` joins the bench's environment, e.g. NODE_OPTIONS). */
export async function startBareFastify(env: NodeJS.ProcessEnv = {}): Promise<BareServer> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`bare Fastify exited ${code}`)));
  });
  return { url, pid: child.pid!, close: () => child.kill() };
}

/** Resident set size of a process, MB (all its threads, from /proc). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}
