// Several lienthong hubs on loopback, chained into hubs of hubs: each hub a real `lienthong serve`
// process (or, for quick tests, createHub in this process) with its own database — a Postgres
// schema, or an embedded data folder — all trusting one development PKI made at test time.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDevPki, type DevOrganization, signEdxml } from '../../src/signature/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './db.ts';
import { freePort } from './hub-process.ts';
import { type CliRun, runCliIn } from './run-cli.ts';
import { type ServeProcess, spawnServe } from './serve-process.ts';

/** One development PKI for every organization of the federation, and the trust folder all hubs read. */
export interface FederationPki {
  readonly dir: string;
  readonly trustDir: string;
  readonly pki: ReadonlyMap<string, DevOrganization>;
  sign(xml: string, organId: string): Promise<string>;
  close(): Promise<void>;
}

export async function createFederationPki(organIds: readonly string[]): Promise<FederationPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-fed-'));
  const dev = await createDevPki({ organIds: [...organIds], at: new Date() });
  const trustDir = path.join(dir, 'trust');
  await mkdir(trustDir, { recursive: true });
  await writeFile(path.join(trustDir, 'root.pem'), dev.rootCertPem);
  await writeFile(path.join(trustDir, 'ca.pem'), dev.caCertPem);
  const pki = new Map(dev.organizations.map((o) => [o.organId, o]));
  return {
    dir,
    trustDir,
    pki,
    async sign(xml, organId) {
      const org = pki.get(organId);
      if (!org) throw new Error(`no development certificate for ${organId}`);
      return signEdxml(xml, { keyPem: org.keyPem, certPem: org.certPem });
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One hub of the federation. */
export interface FederationHub {
  readonly id: string;
  readonly url: string;
  /** The environment its CLI runs with (its database). */
  readonly env: NodeJS.ProcessEnv;
  /** The hub object, when it runs in this process. */
  readonly inProcess: Hub | null;
  cli(...args: string[]): Promise<CliRun>;
  /** A node serving organizations; its bearer token. */
  addNode(id: string, organizations: readonly string[]): Promise<string>;
  call(
    method: string,
    pathname: string,
    token: string | null,
    body?: string | Uint8Array,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** Stops it (a process: SIGKILL by default) and keeps its data. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
  /** What the process printed (empty in this process). */
  output(): string;
}

export interface FederationHubOptions {
  readonly id: string;
  readonly backend: 'server' | 'embedded';
  readonly trustDir: string;
  /** `process` (default): `lienthong serve` as a child process; `in-process`: createHub here. */
  readonly mode?: 'process' | 'in-process';
  /** More configuration. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The settings that make a test federation quick: short relay, reconcile and report intervals. */
const QUICK: NodeJS.ProcessEnv = {
  LIENTHONG_DIRECTORY: 'none',
  LIENTHONG_VERIFY_THREADS: '1',
  LIENTHONG_RELAY_INTERVAL_MS: '50',
  LIENTHONG_RECONCILE_INTERVAL_MS: '1000',
  LIENTHONG_DIRECTORY_REPORT_MS: '300',
  LIENTHONG_RETRY_BASE_DELAY_MS: '200',
  LIENTHONG_RETRY_MAX_DELAY_MS: '2000',
  LIENTHONG_BREAKER_OPEN_MS: '1000',
  LIENTHONG_WEBHOOK_CONNECT_TIMEOUT_MS: '2000',
  LIENTHONG_WEBHOOK_TIMEOUT_MS: '5000',
  // A hand-over cut off by a killed process is taken over after its lease: request time + as much.
  LIENTHONG_WEBHOOK_REQUEST_TIMEOUT_MS: '5000',
};

export async function startFederationHub(options: FederationHubOptions): Promise<FederationHub> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `lienthong-${options.id}-`));
  const schema = options.backend === 'server' ? uniqueSchemaName(`lt_fed_${options.id.toLowerCase()}`) : null;
  const port = await freePort();
  const database: NodeJS.ProcessEnv =
    schema !== null
      ? { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema }
      : { LIENTHONG_DATA_DIR: path.join(dir, 'data') };
  const env: NodeJS.ProcessEnv = {
    ...database,
    ...QUICK,
    LIENTHONG_HUB_ID: options.id,
    LIENTHONG_TRUST_DIR: options.trustDir,
    PORT: String(port),
    ...options.env,
  };
  const url = `http://127.0.0.1:${port}`;
  let proc: ServeProcess | null = null;
  let hub: Hub | null = null;
  const mode = options.mode ?? 'process';

  async function start() {
    if (mode === 'process') {
      proc = await spawnServe(env);
      return;
    }
    hub = await createHub(loadConfig(env), {
      logger: pino({ level: 'silent' }),
      ...(schema ? { schema } : {}),
    });
    await hub.app.listen({ port, host: '127.0.0.1' });
  }
  async function stop(signal: NodeJS.Signals = 'SIGKILL') {
    if (proc) await proc.kill(signal);
    if (hub) await hub.close();
    proc = null;
    hub = null;
  }
  await start();
  return {
    id: options.id,
    url,
    env: database,
    get inProcess() {
      return hub;
    },
    cli: (...args) => runCliIn(database, ...args),
    async addNode(id, organizations) {
      const run = await runCliIn(
        database,
        'node',
        'add',
        '--id',
        id,
        ...organizations.flatMap((o) => ['--org', o]),
        '--json',
      );
      if (run.code !== 0) throw new Error(`node add ${id} on ${options.id}: ${run.err}${run.out}`);
      return (JSON.parse(run.out) as { token: string }).token;
    },
    call(method, pathname, token, body, headers = {}) {
      return fetch(`${url}${pathname}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/xml' } : {}),
          ...headers,
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : new Uint8Array(body).buffer }
          : {}),
      });
    },
    stop,
    start,
    async close() {
      await stop('SIGTERM').catch(() => {});
      if (schema) await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    },
    output: () => (proc as ServeProcess | null)?.output() ?? '',
  };
}

/**
 * Links a child hub under a parent as an operator would, with the commands of docs/federation.md:
 * on the parent `hub add --role child`, on the child `hub add --role parent` with the token the
 * parent printed, then on the parent `hub set` with the token the child printed (omitted when the
 * parent cannot reach the child: it pulls).
 */
export async function linkHubs(
  parent: FederationHub,
  child: FederationHub,
  options: { readonly subtrees: readonly string[]; readonly parentReachesChild?: boolean },
): Promise<void> {
  const json = <T>(run: CliRun, what: string): T => {
    if (run.code !== 0) throw new Error(`${what}: ${run.err}${run.out}`);
    return JSON.parse(run.out) as T;
  };
  const forChild = json<{ token: string }>(
    await parent.cli(
      'hub',
      'add',
      '--id',
      child.id,
      '--role',
      'child',
      ...options.subtrees.flatMap((s) => ['--subtree', s]),
      '--json',
    ),
    `hub add ${child.id} on ${parent.id}`,
  );
  const forParent = json<{ token: string }>(
    await child.cli(
      'hub',
      'add',
      '--id',
      parent.id,
      '--role',
      'parent',
      '--url',
      parent.url,
      '--token',
      forChild.token,
      '--json',
    ),
    `hub add ${parent.id} on ${child.id}`,
  );
  if (options.parentReachesChild !== false) {
    json(
      await parent.cli('hub', 'set', child.id, '--url', child.url, '--token', forParent.token, '--json'),
      `hub set ${child.id} on ${parent.id}`,
    );
  } else {
    json(
      await parent.cli('hub', 'set', child.id, '--token', forParent.token, '--json'),
      `hub set ${child.id}`,
    );
  }
}

/** Polls until `check` is true; throws with `what` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
