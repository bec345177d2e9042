import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findNodeByToken,
  getNode,
  listSignerBindings,
  openDatabase,
  withDatabase,
} from '../../src/store/index.ts';
import { dropSchema, makeTempDataDir, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { runCli } from '../support/run-cli.ts';

const exec = promisify(execFile);

const run = runCli;

/** Runs the real `npx lienthong` in a child process with the given database environment. */
async function npx(env: Record<string, string | undefined>, ...args: string[]) {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  try {
    const { stdout, stderr } = await exec('npx', ['lienthong', ...args], { env: childEnv, timeout: 120_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

const schema = uniqueSchemaName('lt_cli_node');
const server = { databaseUrl: TEST_DATABASE_URL, schema };
let temp: Awaited<ReturnType<typeof makeTempDataDir>>;
let certFile: string;

beforeAll(async () => {
  process.env['DATABASE_URL'] = TEST_DATABASE_URL;
  process.env['LIENTHONG_DB_SCHEMA'] = schema;
  temp = await makeTempDataDir();
  certFile = path.join(temp.dir, 'signer.pem');
  await exec('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=Van thu thu nghiem/O=Lienthong test',
    '-days',
    '2',
    '-keyout',
    path.join(temp.dir, 'signer.key'),
    '-out',
    certFile,
  ]);
});
afterAll(async () => {
  await dropSchema(schema);
  await temp?.cleanup();
});

describe('lienthong node (Postgres via DATABASE_URL)', () => {
  it('adds a node with organizations, a pinned certificate and a policy; prints { id, token } once', async () => {
    const result = await run(
      'node',
      'add',
      '--id',
      'qlvb-tq',
      '--org',
      '000.00.00.Z08',
      '--org',
      '691.00.01.Z08',
      '--cert',
      certFile,
      '--signature-policy',
      'legacy-unsigned',
      '--json',
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.out) as { id: string; token: string };
    expect(Object.keys(printed)).toEqual(['id', 'token']);
    expect(printed.id).toBe('qlvb-tq');
    const der = new X509Certificate(await readFile(certFile)).raw;
    const thumbprint = createHash('sha256').update(der).digest('hex');
    await withDatabase(server, async ({ db }) => {
      const node = await findNodeByToken(db, printed.token);
      expect(node).toMatchObject({
        id: 'qlvb-tq',
        signaturePolicy: 'legacy-unsigned',
        organizations: ['000.00.00.Z08', '691.00.01.Z08'],
      });
      const pins = await listSignerBindings(db, { nodeId: 'qlvb-tq' });
      expect(pins.map((p) => [p.organId, p.certSha256])).toEqual([
        ['000.00.00.Z08', thumbprint],
        ['691.00.01.Z08', thumbprint],
      ]);
      expect(pins[0]?.subject).toContain('CN=Van thu thu nghiem');
    });
  });

  it('prints the token in text mode too, and refuses an existing id (exit 1)', async () => {
    const text = await run('node', 'add', '--id', 'qlvb-g22', '--org', '000.00.00.G22');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^lt_[A-Za-z0-9_-]{43}$/m);
    const again = await run('node', 'add', '--id', 'qlvb-g22', '--org', '000.00.00.G01', '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ error: { code: 'NODE_EXISTS' } });
    const taken = await run('node', 'add', '--id', 'other', '--org', '000.00.00.G22');
    expect(taken.code).toBe(1);
    expect(taken.err).toBe(
      'error ORG_SERVED_BY_OTHER_NODE: Organization 000.00.00.G22 is already served by node qlvb-g22; node other cannot serve it too.\n',
    );
    // Not QĐ 20/2020-shaped ids are accepted (see the embedded case); non-identifiers are not.
    for (const notAnId of ['000 00 00 G05', '000.00.00/G05']) {
      const bad = await run('node', 'add', '--id', 'bad-org', '--org', notAnId, '--json');
      expect(bad.code, notAnId).toBe(1);
      expect(JSON.parse(bad.out)).toMatchObject({ error: { code: 'STORE_INVALID_INPUT' } });
    }
  });

  it('answers usage errors with exit 2', async () => {
    expect(
      (await run('node', 'add', '--id', 'x', '--org', '000.00.00.G02', '--signature-policy', 'never')).code,
    ).toBe(2);
    expect((await run('node', 'add', '--id', 'x')).code).toBe(2);
    expect(
      (await run('node', 'add', '--id', 'x', '--org', '000.00.00.G02', '--cert', '/no/such.pem')).code,
    ).toBe(2);
    expect((await run('node', 'token')).code).toBe(2);
  });

  it('rotates a token: the old one stops working', async () => {
    const created = JSON.parse(
      (await run('node', 'add', '--id', 'rot', '--org', '000.00.00.G03', '--json')).out,
    ) as {
      token: string;
    };
    const rotated = await run('node', 'token', 'rot', '--json');
    expect(rotated.code).toBe(0);
    const { token } = JSON.parse(rotated.out) as { id: string; token: string };
    await withDatabase(server, async ({ db }) => {
      expect(await findNodeByToken(db, created.token)).toBeNull();
      expect((await findNodeByToken(db, token))?.id).toBe('rot');
    });
    const missing = await run('node', 'token', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('error STORE_NOT_FOUND');
  });

  it('lists nodes, as a table and as JSON (never a token)', async () => {
    const list = await run('node', 'list', '--json');
    const { nodes } = JSON.parse(list.out) as { nodes: Array<{ id: string; activeTokens: number }> };
    expect(nodes.map((n) => n.id)).toEqual(['qlvb-g22', 'qlvb-tq', 'rot']);
    expect(nodes.every((n) => n.activeTokens === 1)).toBe(true);
    expect(list.out).not.toMatch(/lt_[A-Za-z0-9_-]{43}/);
    const table = await run('node', 'list');
    expect(table.out).toContain('qlvb-tq');
    expect(table.out).toContain('legacy-unsigned');
    expect(table.out).toContain('3 node(s)');
  });

  it('works as a real `npx lienthong` process', async () => {
    const result = await npx(
      { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema },
      'node',
      'list',
      '--json',
    );
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out) as { nodes: unknown[] }).nodes).toHaveLength(3);
  });
});

describe('lienthong node (embedded data directory)', () => {
  it('opens the data directory itself when no hub holds it', async () => {
    const env = { DATABASE_URL: undefined, LIENTHONG_DB_SCHEMA: undefined, LIENTHONG_DATA_DIR: temp.dir };
    const result = await npx(env, 'node', 'add', '--id', 'alone', '--org', '000.00.00.G22', '--json');
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ id: 'alone' });
  }, 180_000);

  it('goes through the running hub when the hub holds the data directory', async () => {
    const hub = await openDatabase({ dataDir: temp.dir, serveSocket: true });
    try {
      const env = { DATABASE_URL: undefined, LIENTHONG_DB_SCHEMA: undefined, LIENTHONG_DATA_DIR: temp.dir };
      const result = await npx(
        env,
        'node',
        'add',
        '--id',
        'while-running',
        '--org',
        '000.00.00.G01',
        // An id that is not QĐ 20/2020-shaped, as the SDK's SaaS gateway sends (migration 0006).
        '--org',
        'vxp.saas.03',
        '--json',
      );
      expect(result.code, result.err).toBe(0);
      const { token } = JSON.parse(result.out) as { token: string };
      expect((await findNodeByToken(hub.db, token))?.id).toBe('while-running');
      expect((await getNode(hub.db, 'while-running'))?.organizations).toEqual([
        '000.00.00.G01',
        'vxp.saas.03',
      ]);
      expect((await getNode(hub.db, 'alone'))?.organizations).toEqual(['000.00.00.G22']);

      // In this process too: main() becomes an embedded-client of the open hub.
      delete process.env['DATABASE_URL'];
      process.env['LIENTHONG_DATA_DIR'] = temp.dir;
      const list = await run('node', 'list', '--json');
      expect((JSON.parse(list.out) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id)).toEqual([
        'alone',
        'while-running',
      ]);
    } finally {
      process.env['DATABASE_URL'] = TEST_DATABASE_URL;
      await hub.close();
    }
  }, 180_000);
});
