// Ordinary bad input gets a clear 4xx with a stable code, never a 500 (audit points 5 and 6):
// ids that are not UUIDs, malformed JSON, unknown routes, and the bodies clients send with a call
// that has none (an empty form from Java's HttpURLConnection or `curl -d ''`, an empty JSON body).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../../../src/errors.ts';
import { samplePackage } from '../../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../../support/hub-harness.ts';
import { runCliIn } from '../../support/run-cli.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const OPERATOR = 'operator-token-of-the-bad-input-test';

describe('bad input on the HTTP API', () => {
  let t: TestHub;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await startTestHub({
      backend: 'server',
      organIds: [A, B],
      env: { LIENTHONG_OPERATOR_TOKEN: OPERATOR },
    });
    a = await t.addNode({ id: 'node-a', organizations: [A] });
    b = await t.addNode({ id: 'node-b', organizations: [B] });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const problem = async (res: Response) => {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return [res.status, ((await res.json()) as { code: string }).code] as const;
  };
  const send = async (n: number) => {
    const signed = await t.sign(
      samplePackage({ from: A, to: [B], documentId: `${A},2026/12/07,${n}/BAD` }),
      A,
    );
    const res = await t.call('POST', '/v1/messages', a, signed);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  it.each([
    ['GET', '/v1/messages/nosuch'],
    ['GET', '/v1/messages/nosuch/trace'],
    ['POST', '/v1/messages/nosuch/ack'],
    ['GET', "/v1/messages/'%20OR%201=1--"],
  ])('%s %s: 404 MESSAGE_NOT_FOUND for an id that is not a UUID', async (method, pathname) => {
    expect(await problem(await t.call(method, pathname, b))).toEqual([404, 'MESSAGE_NOT_FOUND']);
  });

  // Found by the fuzzing (test/fuzz): a NUL reached Postgres as a 500; the router answered its own
  // refusals outside problem+json.
  it.each([
    ['GET', '/v1/documents?documentId=a%00b'],
    ['GET', '/v1/messages/%FF'],
    ['GET', '/v1/messages/%ED%A0%80/trace'],
    ['GET', `/v1/messages/${'a'.repeat(101)}`],
  ])('%s %s: 400 BAD_REQUEST as problem+json', async (method, pathname) => {
    expect(await problem(await t.call(method, pathname, b))).toEqual([400, 'BAD_REQUEST']);
  });

  it('invalid JSON on /v1/messages: 400 BAD_REQUEST', async () => {
    const res = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a}`, 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(await problem(res)).toEqual([400, 'BAD_REQUEST']);
  });

  it('a package sent as another type: 415, never parsed', async () => {
    const res = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a}`, 'content-type': 'text/plain' },
      body: '<edXML/>',
    });
    expect(await problem(res)).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('unknown routes: 404 ROUTE_NOT_FOUND', async () => {
    expect(await problem(await t.call('GET', '/v1/nothing-here', a))).toEqual([404, 'ROUTE_NOT_FOUND']);
    expect(await problem(await t.call('DELETE', '/v1/messages', a))).toEqual([404, 'ROUTE_NOT_FOUND']);
    expect(await problem(await t.call('GET', '/nothing?token=x', null))).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it.each([
    ['an empty form body', { 'content-type': 'application/x-www-form-urlencoded' }, ''],
    ['an empty JSON body', { 'content-type': 'application/json' }, ''],
    ['no body and no type', {}, undefined],
    ['a stray text body', { 'content-type': 'text/plain' }, 'ok'],
  ])('ack accepts %s', async (_what, headers, body) => {
    const id = await send(Math.floor(Math.random() * 1e9));
    const res = await fetch(`${t.url}/v1/messages/${id}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b}`, ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ id, changed: true });
  });

  it('operator retry of an id that is not a UUID: 404 STORE_NOT_FOUND, and the CLI says so', async () => {
    const res = await fetch(`${t.url}/ops/deliveries/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryId: 'nosuch' }),
    });
    expect(await problem(res)).toEqual([404, 'STORE_NOT_FOUND']);
    const env = { DATABASE_URL: t.env['DATABASE_URL'], LIENTHONG_DB_SCHEMA: t.schema };
    const run = await runCliIn(env, 'deliveries', 'retry', 'nosuch');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('STORE_NOT_FOUND');
    expect(run.err).toContain('nosuch');
  });
  // Issue #15 part 8: an agency's staff read the refusal in their e-office system, in Vietnamese.
  it.each([
    ['no Accept-Language', undefined, 'MESSAGE_NOT_FOUND'],
    ['English first', 'en-US,en;q=0.9,vi;q=0.5', 'MESSAGE_NOT_FOUND'],
    ['Vietnamese', 'vi-VN,vi;q=0.9,en;q=0.8', codes['MESSAGE_NOT_FOUND']?.vi],
  ])(
    'a refusal with %s: the title follows the language, titleVi is always there',
    async (_what, lang, title) => {
      const res = await fetch(`${t.url}/v1/messages/nosuch`, {
        headers: { authorization: `Bearer ${b}`, ...(lang ? { 'accept-language': lang } : {}) },
      });
      expect(res.status).toBe(404);
      const body = (await res.json()) as { code: string; title: string; titleVi: string };
      expect(body.code).toBe('MESSAGE_NOT_FOUND');
      expect(body.title).toBe(title);
      expect(body.titleVi).toBe(codes['MESSAGE_NOT_FOUND']?.vi);
      expect(body.titleVi).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/i);
      expect(res.headers.get('content-language')).toBe(lang?.startsWith('vi') ? 'vi' : null);
    },
  );
});
