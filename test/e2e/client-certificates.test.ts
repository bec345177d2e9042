// A hub serving HTTPS (LIENTHONG_TLS_CERT/KEY) over real TLS on loopback: a node with a registered
// client certificate is itself only with that certificate and its token; a node without one needs
// its token alone; the operator adds and removes client certificates with the CLI while the hub runs.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';
import { runCli } from '../support/run-cli.ts';
import { spawnServe } from '../support/serve-process.ts';
import { createTlsMaterial, type TlsFile, type TlsMaterial } from '../support/tls-certs.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

describe('TLS client certificates (Postgres, real TLS on loopback)', () => {
  let dir: string;
  let tls: TlsMaterial;
  let t: TestHub;
  const tokens: Record<string, string> = {};
  const agents: Agent[] = [];

  /** A call over TLS trusting the test CA, with `client` as client certificate (or none). */
  async function call(
    method: 'GET' | 'POST',
    pathname: string,
    token: string | null,
    client?: TlsFile | Agent,
    body?: string,
  ) {
    const dispatcher = client instanceof Agent ? client : agentFor(client);
    const res = await request(`${t.url}${pathname}`, {
      method,
      dispatcher,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/xml' } : {}),
      },
      ...(body ? { body } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: JSON.parse(text) as Record<string, unknown> };
  }

  /** A connection pool presenting `client` (or no certificate), trusting the test CA. */
  function agentFor(client?: TlsFile): Agent {
    const agent = new Agent({
      connect: { ca: tls.caPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) },
    });
    agents.push(agent);
    return agent;
  }

  /** The operator CLI against the hub's database (as `npx lienthong …` would run beside the hub). */
  async function cli(...args: string[]) {
    const saved = { url: process.env['DATABASE_URL'], schema: process.env['LIENTHONG_DB_SCHEMA'] };
    process.env['DATABASE_URL'] = t.env['DATABASE_URL'];
    process.env['LIENTHONG_DB_SCHEMA'] = t.schema;
    try {
      return await runCli(...args);
    } finally {
      for (const [key, value] of [
        ['DATABASE_URL', saved.url],
        ['LIENTHONG_DB_SCHEMA', saved.schema],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }
  const snapshotTtl = () => new Promise((resolve) => setTimeout(resolve, 1_100)); // nodes found by token are remembered 1 s

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-tls-'));
    tls = await createTlsMaterial(dir, 2);
    t = await startTestHub({
      backend: 'server',
      organIds: [A, B],
      env: { LIENTHONG_TLS_CERT: tls.server.certFile, LIENTHONG_TLS_KEY: tls.server.keyFile },
    });
    tokens['A'] = await t.addNode({
      id: 'node-a',
      organizations: [A],
      clientCertificates: [tls.clients[0]!.sha256],
    });
    tokens['B'] = await t.addNode({ id: 'node-b', organizations: [B] });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS', () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lets a node without client certificates in with its token alone, certificate or not', async () => {
    expect((await call('GET', '/v1/inbox', tokens['B']!)).status).toBe(200);
    expect((await call('GET', '/v1/inbox', tokens['B']!, tls.clients[1])).status).toBe(200);
  });

  it('asks a node with a registered certificate for that certificate and its token', async () => {
    const client = tls.clients[0]!;
    expect((await call('GET', '/v1/inbox', tokens['A']!, client)).status).toBe(200);
    const none = await call('GET', '/v1/inbox', tokens['A']!);
    expect([none.status, none.json['code']]).toEqual([401, 'CLIENT_CERT_REQUIRED']);
    const other = await call('GET', '/v1/inbox', tokens['A']!, tls.clients[1]);
    expect([other.status, other.json['code']]).toEqual([401, 'CLIENT_CERT_REQUIRED']);
    const noToken = await call('GET', '/v1/inbox', null, client);
    expect([noToken.status, noToken.json['code']]).toEqual([401, 'AUTH_REQUIRED']);

    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: `${A},2026/12/02,1/TLS` }), A);
    expect((await call('POST', '/v1/messages', tokens['A']!, undefined, pkg)).status).toBe(401);
    const sent = await call('POST', '/v1/messages', tokens['A']!, client, pkg);
    expect([sent.status, sent.json['duplicate']]).toEqual([202, false]);
  });

  it('takes client certificates added and removed by the operator while the hub runs', async () => {
    const [first, second] = [tls.clients[0]!, tls.clients[1]!];
    const swapped = await cli(
      'node',
      'client-cert',
      'node-a',
      '--add',
      second.certFile,
      '--remove',
      first.sha256,
      '--json',
    );
    expect([swapped.code, swapped.err]).toEqual([0, '']);
    expect(JSON.parse(swapped.out)).toEqual({
      id: 'node-a',
      clientCertificates: [second.sha256],
      notRegistered: [],
    });
    await snapshotTtl();
    expect((await call('GET', '/v1/inbox', tokens['A']!, second)).status).toBe(200);
    expect((await call('GET', '/v1/inbox', tokens['A']!, first)).status).toBe(401);

    const cleared = await cli('node', 'client-cert', 'node-a', '--remove', second.certFile);
    expect(cleared.code).toBe(0);
    expect(cleared.out).toContain('its token alone authenticates it');
    await snapshotTtl();
    expect((await call('GET', '/v1/inbox', tokens['A']!)).status).toBe(200);
  });

  it('registers client certificates with `node add --client-cert`', async () => {
    const added = await cli(
      'node',
      'add',
      '--id',
      'node-c',
      '--org',
      '000.00.00.G09',
      '--client-cert',
      tls.clients[1]!.certFile,
      '--json',
    );
    expect(added.code).toBe(0);
    const { token } = JSON.parse(added.out) as { token: string };
    expect((await call('GET', '/v1/inbox', token, tls.clients[1])).status).toBe(200);
    expect((await call('GET', '/v1/inbox', token)).json['code']).toBe('CLIENT_CERT_REQUIRED');
  });

  it('accepts a self-signed client certificate, and refuses a removed one on a connection already open', async () => {
    const own = tls.selfSigned;
    const d = await t.addNode({
      id: 'node-d',
      organizations: ['000.00.00.G10'],
      // A second certificate stays registered: with none left the token alone would do.
      clientCertificates: [own.sha256, 'd'.repeat(64)],
    });
    const kept = agentFor(own); // one keep-alive connection for the whole test
    expect((await call('GET', '/v1/inbox', d, kept)).status).toBe(200);
    expect((await cli('node', 'client-cert', 'node-d', '--remove', own.certFile)).code).toBe(0);
    expect((await cli('node', 'client-cert', 'node-d', '--add', tls.clients[1]!.certFile)).code).toBe(1); // node-c has it
    await snapshotTtl();
    const after = await call('GET', '/v1/inbox', d, kept);
    expect([after.status, after.json['code']]).toEqual([401, 'CLIENT_CERT_REQUIRED']);
  });

  it('says what is wrong with an operator command: certificate of another node, unknown node, removal of nothing', async () => {
    const taken = await cli('node', 'client-cert', 'node-b', '--add', tls.clients[1]!.certFile, '--json');
    expect(taken.code).toBe(1);
    expect(JSON.parse(taken.out)).toMatchObject({
      error: { code: 'CLIENT_CERT_IN_USE', details: { otherNodeId: 'node-c' } },
    });
    const inUse = await cli(
      'node',
      'add',
      '--id',
      'node-e',
      '--org',
      '000.00.00.G12',
      '--client-cert',
      tls.clients[1]!.certFile,
    );
    expect([inUse.code, inUse.err]).toEqual([1, expect.stringContaining('CLIENT_CERT_IN_USE')]);
    expect((await cli('node', 'list', '--json')).out).not.toContain('node-e'); // nothing half-made
    const unknown = await cli('node', 'client-cert', 'no-such-node');
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('STORE_NOT_FOUND')]);
    const nothing = await cli('node', 'client-cert', 'node-b', '--remove', 'f'.repeat(64), '--json');
    expect(nothing.code).toBe(1);
    expect(JSON.parse(nothing.out)).toEqual({
      id: 'node-b',
      clientCertificates: [],
      notRegistered: ['f'.repeat(64)],
    });
  });

  it('refuses a file that is not a certificate with a usage error, changing nothing', async () => {
    const bad = await cli('node', 'client-cert', 'node-b', '--add', tls.server.keyFile);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('is not a readable PEM certificate');
    const { nodes } = JSON.parse((await cli('node', 'list', '--json')).out) as {
      nodes: Array<{ id: string; clientCertificates: string[] }>;
    };
    expect(nodes.find((n) => n.id === 'node-b')?.clientCertificates).toEqual([]);
  });
});

describe('lienthong serve with TLS files it cannot use', () => {
  it('exits 2 naming the variable, before any database is opened', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-tls-serve-'));
    try {
      const started = spawnServe({
        DATABASE_URL: '',
        REDIS_URL: '',
        LIENTHONG_DB_SCHEMA: '',
        LIENTHONG_DATA_DIR: path.join(dir, 'data'),
        LIENTHONG_TLS_CERT: path.join(dir, 'missing.crt'),
        LIENTHONG_TLS_KEY: path.join(dir, 'missing.key'),
        PORT: '0',
      });
      const error = await started.then(
        async (serve) => {
          await serve.kill('SIGKILL'); // started after all: stop it, or it would outlive the suite
          return null;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/exited with 2/);
      expect(error?.message).toContain('LIENTHONG_TLS_CERT: cannot read');
      expect(existsSync(path.join(dir, 'data'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
