// Request limits (audit point 4): a node's request rate with a burst, its uploads and bytes in
// flight, the hub's bytes in flight, failed authentications per client address; each answered 429
// with Retry-After, on the node API and on the VXP API, and overridable per node with `node set`.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../support/db.ts';
import { samplePackage } from '../../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../../support/hub-harness.ts';
import { runCliIn } from '../../support/run-cli.ts';
import { VxpSdkClient } from '../../support/vxp-sdk-client.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

interface Problem {
  code: string;
}

const problemOf = async (res: Response) => ((await res.json()) as Problem).code;

/**
 * An upload that sends its head and part of its body, then waits: it holds its place among the
 * uploads in flight until `finish` sends the rest (and resolves with the answer's status).
 */
function holdUpload(url: string, token: string, body: Buffer) {
  const target = new URL('/v1/messages', url);
  let answer!: Promise<number>;
  const request = http.request(target, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/xml',
      'content-length': String(body.length),
    },
  });
  answer = new Promise<number>((resolve, reject) => {
    request.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    request.on('error', reject);
  });
  request.write(body.subarray(0, 1024));
  return {
    answer,
    finish: () => {
      request.end(body.subarray(1024));
      return answer;
    },
  };
}

/** Waits until the hub has counted the held upload (its onRequest hook ran). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('request limits', () => {
  const hubs: TestHub[] = [];
  afterAll(async () => {
    for (const t of hubs) await t.close();
  });
  const start = async (env: NodeJS.ProcessEnv) => {
    const t = await startTestHub({ backend: 'server', organIds: [A, B], env });
    hubs.push(t);
    return t;
  };

  describe('a node over its rate', () => {
    let t: TestHub;
    let a: string;
    let b: string;
    beforeAll(async () => {
      t = await start({ LIENTHONG_NODE_RATE: '5', LIENTHONG_NODE_BURST: '5' });
      a = await t.addNode({ id: 'node-a', organizations: [A] });
      b = await t.addNode({ id: 'node-b', organizations: [B] });
    }, 60_000);

    it('gets 429 RATE_LIMITED with Retry-After once rate and burst are spent; other nodes do not', async () => {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 30; i++) {
        const res = await t.call('GET', '/v1/inbox', a);
        statuses.push(res.status);
        if (res.status === 429 && limited === undefined) limited = res;
        else await res.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s === 200).length).toBeLessThan(30);
      expect(limited).toBeDefined();
      expect(limited!.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await problemOf(limited!)).toBe('RATE_LIMITED');
      // The rate is the node's own: another node is served meanwhile.
      expect((await t.call('GET', '/v1/inbox', b)).status).toBe(200);
      // After Retry-After, the node is served again.
      await new Promise((resolve) => setTimeout(resolve, Number(limited!.headers.get('retry-after')) * 1000));
      expect((await t.call('GET', '/v1/inbox', a)).status).toBe(200);
    });

    it('`node set --rate 0` lifts the limit for one node, `--rate default` restores it', async () => {
      const env = { ...t.env, LIENTHONG_DB_SCHEMA: t.schema };
      const set = await runCliIn(env, 'node', 'set', 'node-a', '--rate', '0', '--json');
      expect(set.code, set.err).toBe(0);
      expect(JSON.parse(set.out)).toMatchObject({ limits: { rate: 0, burst: null } });
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the hub's token memory (1 s)
      const statuses = await Promise.all(
        Array.from({ length: 40 }, async () => (await t.call('GET', '/v1/inbox', a)).status),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      const reset = await runCliIn(env, 'node', 'set', 'node-a', '--rate', 'default');
      expect(reset.out).toContain('Limits: hub defaults.');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await Promise.all(
        Array.from({ length: 40 }, async () => (await t.call('GET', '/v1/inbox', a)).status),
      );
      expect(again).toContain(429);
    });

    it('refuses a limit that is not a whole number, naming the flag', async () => {
      const env = { ...t.env, LIENTHONG_DB_SCHEMA: t.schema };
      const bad = await runCliIn(env, 'node', 'set', 'node-a', '--burst', 'lots');
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('--burst takes a whole number or "default"');
    });
  });

  it('refuses an upload past the node’s uploads in flight, and lets it through once one is answered', async () => {
    const t = await start({ LIENTHONG_NODE_UPLOADS: '1' });
    const a = await t.addNode({ id: 'up-a', organizations: [A] });
    await t.addNode({ id: 'up-b', organizations: [B] });
    const signed = (n: number) =>
      t.sign(samplePackage({ from: A, to: [B], documentId: `${A},2026/12/07,${n}/UP` }), A);
    const held = holdUpload(t.url, a, Buffer.from(await signed(1)));
    await settle();
    const second = await t.call('POST', '/v1/messages', a, await signed(2));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await problemOf(second)).toBe('UPLOAD_LIMITED');
    // Calls without a body are not uploads.
    expect((await t.call('GET', '/v1/inbox', a)).status).toBe(200);
    expect(await held.finish()).toBe(202);
    expect((await t.call('POST', '/v1/messages', a, await signed(2))).status).toBe(202);
  });

  it('refuses an upload past the hub’s bytes in flight, whichever node sends it, and nothing is lost', async () => {
    const t = await start({ LIENTHONG_UPLOAD_BYTES: String(64 * 1024) });
    const a = await t.addNode({ id: 'bytes-a', organizations: [A] });
    const b = await t.addNode({ id: 'bytes-b', organizations: [B] });
    const big = (from: string, to: string, n: number) =>
      t.sign(
        samplePackage({
          from,
          to: [to],
          documentId: `${from},2026/12/07,${n}/BYTES`,
          attachments: [{ name: 'scan.pdf', bytes: randomBytes(40 * 1024) }],
        }),
        from,
      );
    const held = holdUpload(t.url, a, Buffer.from(await big(A, B, 1)));
    await settle();
    const other = await t.call('POST', '/v1/messages', b, await big(B, A, 2));
    expect(other.status).toBe(429);
    expect(await problemOf(other)).toBe('UPLOAD_LIMITED');
    expect(await held.finish()).toBe(202);
    const retried = await t.call('POST', '/v1/messages', b, await big(B, A, 2));
    expect(retried.status).toBe(202);
    const inbox = (await (await t.call('GET', '/v1/inbox', b)).json()) as { items: unknown[] };
    expect(inbox.items).toHaveLength(1);
  });

  it('frees the upload slot of a connection that broke while its token was being checked', async () => {
    // Found by the fuzzing: the slot was taken after authentication, and a connection already
    // gone by then never said 'close' again, so the slot stayed taken and every later upload got 429.
    const t = await start({ LIENTHONG_NODE_UPLOADS: '1' });
    const a = await t.addNode({ id: 'leak-a', organizations: [A] });
    await t.addNode({ id: 'leak-b', organizations: [B] });
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      // Hold authentication (the token is not in the hub's memory yet) until the client has gone.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${t.schema}".node_credentials IN ACCESS EXCLUSIVE MODE`);
      const url = new URL(t.url);
      const socket = net.connect(Number(url.port), url.hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${a}\r\n` +
          'Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<?xm\r\n',
      );
      await settle();
      socket.destroy();
      await settle();
      await admin.query('COMMIT');
    } finally {
      await admin.end();
    }
    await settle();
    const signed = await t.sign(samplePackage({ from: A, to: [B], documentId: `${A},2026/12/07,1/LEAK` }), A);
    expect((await t.call('POST', '/v1/messages', a, signed)).status).toBe(202);
  });

  it('answers 300 wrong tokens from one address with 429 AUTH_RATE_LIMITED after the limit', async () => {
    const t = await start({ LIENTHONG_AUTH_FAILURES: '10' });
    const good = await t.addNode({ id: 'auth-a', organizations: [A] });
    const codes: string[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await t.call('GET', '/v1/inbox', `lt_wrong_${i}`);
      codes.push(`${res.status} ${await problemOf(res)}`);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('401 AUTH_REQUIRED'));
    expect(codes.slice(10)).toEqual(Array(290).fill('429 AUTH_RATE_LIMITED'));
    // The address is refused before its credentials are looked at, a good token included.
    expect((await t.call('GET', '/v1/inbox', good)).status).toBe(429);
  });

  it('limits wrong operator tokens per address too (a browser asking without one is not counted)', async () => {
    const t = await start({ LIENTHONG_AUTH_FAILURES: '3', LIENTHONG_OPERATOR_TOKEN: 'the-operator-token' });
    const ops = (token: string | null) => t.call('GET', '/ops/queues', token);
    for (let i = 0; i < 5; i++) expect((await ops(null)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await ops(`wrong-${i}`)).status).toBe(401);
    const limited = await ops('the-operator-token');
    expect(limited.status).toBe(429);
    expect(await problemOf(limited)).toBe('AUTH_RATE_LIMITED');
  });

  it('limits VXP systems the same way: a wrong secret flood, then 429 with the FAIL envelope', async () => {
    const t = await start({ LIENTHONG_AUTH_FAILURES: '5' });
    const sdk = new VxpSdkClient({ endpoint: `${t.url}/vxp`, systemId: 'vxp.nobody', secret: 'wrong' });
    const answers: Array<[number, string]> = [];
    for (let i = 0; i < 8; i++) {
      const res = await sdk.call('countReceiveEdoc');
      const json = JSON.parse(res.body.toString('utf8')) as { ErrorDesc: string };
      answers.push([res.status, json.ErrorDesc.split(':', 1)[0] ?? '']);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill([200, 'VXP_BAD_SIGNATURE']));
    expect(answers.slice(5)).toEqual(Array(3).fill([429, 'AUTH_RATE_LIMITED']));
  });
});
