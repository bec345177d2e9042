import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findNulls,
  gsonString,
  JavaHashMap,
  javaStringHash,
  readLikeSdk,
  type SdkResponse,
  sdkTimestamp,
  VxpSdkClient,
} from '../../support/vxp-sdk-client.ts';

// The test client must itself reproduce the captures of spec vxp-api.md, or the endpoint tests
// built on it prove nothing. A bare node:http server records what arrives.

interface Captured {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

let server: http.Server;
let port = 0;
const captured: Captured[] = [];
const answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
  res.end('{"status":"OK","ErrorCode":"0","ErrorDesc":"","data":[]}');
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(extra: Partial<ConstructorParameters<typeof VxpSdkClient>[0]> = {}): VxpSdkClient {
  return new VxpSdkClient({
    endpoint: `http://127.0.0.1:${port}`,
    systemId: '00.99.W00',
    secret: 'test-secret-123',
    timestamp: '25112026T043048+0520',
    ...extra,
  });
}

const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0);
const header = (raw: string[], name: string) => raw[raw.findIndex((n, i) => i % 2 === 0 && n === name) + 1];

describe('Java HashMap order', () => {
  it('hashes like String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it.each([
    [
      ['timestamp', 'systemid', 'Content-Type', 'servicetype', 'messagetype'],
      'systemid;servicetype;messagetype;timestamp;Content-Type',
    ],
    [
      ['timestamp', 'systemid', 'Content-Type', 'status', 'docId'],
      'systemid;docId;timestamp;Content-Type;status',
    ],
    [
      ['timestamp', 'systemid', 'Content-Type', 'note', 'servicetype', 'bool', 'num'],
      'note;systemid;servicetype;bool;num;timestamp;Content-Type',
    ],
    [
      ['timestamp', 'systemid', 'Content-Type', 'from', 'servicetype', 'messagetype', 'hash-file'],
      'systemid;servicetype;messagetype;hash-file;from;timestamp;Content-Type',
    ],
  ])('reproduces the captured order for %j', (keys, order) => {
    const map = new JavaHashMap();
    for (const k of keys) map.put(k, 'v');
    expect(
      map
        .entries()
        .map(([k]) => k)
        .join(';'),
    ).toBe(order);
  });

  it('keeps every key across a resize (more than 12 entries)', () => {
    const map = new JavaHashMap();
    for (let i = 0; i < 15; i++) map.put(`k${i}`, String(i));
    expect(map.size).toBe(15);
    expect(new Set(map.entries().map(([k]) => k)).size).toBe(15);
  });
});

describe('Gson string and timestamp', () => {
  it('escapes only quotes, backslashes, controls and U+2028/9', () => {
    expect(gsonString(`a<b>&='"x\\y/z`)).toBe(`"a<b>&='\\"x\\\\y/z"`);
    expect(gsonString('Hà\n\u0001\u2028')).toBe('"Hà\\n\\u0001\\u2028"');
  });
  it('formats ddMMyyyyTHHmmss+SSSS with milliseconds, not a zone', () => {
    expect(sdkTimestamp(new Date(2026, 10, 25, 4, 30, 48, 520))).toBe('25112026T043048+0520');
  });
});

describe('requests on the wire', () => {
  it('reproduces worked example 1 (getReceivedEdocList) header by header', async () => {
    captured.length = 0;
    await client().getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' });
    const req = captured[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/getReceivedEdocList');
    expect(req?.body.length).toBe(0);
    expect(req?.rawHeaders).toEqual([
      'XroadVnpt-systemid',
      '00.99.W00',
      'XroadVnpt-servicetype',
      'eDoc',
      'XroadVnpt-messagetype',
      'edoc',
      'XroadVnpt-timestamp',
      '25112026T043048+0520',
      'Content-Type',
      'application/json',
      'XroadVnpt-Content-Type',
      'application/json',
      'XroadVnpt-sign-header-key',
      'systemid;servicetype;messagetype;timestamp;Content-Type',
      'XroadVnpt-sign-header',
      '{"XroadVnpt-systemid":"00.99.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"25112026T043048+0520","XroadVnpt-Content-Type":"application/json"}',
      'XroadVnpt-hash-header',
      'e292b966d73bd25bbc9a06eaa83833ace1ccbd1991f4f94c5e7049d0e4f98169',
      'User-Agent',
      'JAVASDKAgent/1.0.0 XRoad/VPCP',
      'XroadVnpt-version',
      '3.0.201608',
      'Content-Length',
      '0',
      'Host',
      `127.0.0.1:${port}`,
      'Connection',
      'Keep-Alive',
      'Accept-Encoding',
      'gzip,deflate',
    ]);
  });

  it('reproduces worked example 2 (sendEdoc of "hello"): body + CRLF, unpadded hash-file, URLConnection headers', async () => {
    captured.length = 0;
    const c = client({ timestamp: '25112026T043140+0454' });
    await c.sendEdoc({ from: '00.99.W00', servicetype: 'eDoc', messagetype: 'edoc' }, Buffer.from('hello'));
    const req = captured[0];
    expect(req?.url).toBe('/sendEdoc');
    expect(req?.body.toString('latin1')).toBe('hello\r\n');
    expect(names(req?.rawHeaders ?? [])).toEqual([
      'Content-Type',
      'XroadVnpt-systemid',
      'XroadVnpt-servicetype',
      'XroadVnpt-messagetype',
      'XroadVnpt-hash-file',
      'XroadVnpt-from',
      'XroadVnpt-timestamp',
      'XroadVnpt-Content-Type',
      'XroadVnpt-sign-header-key',
      'XroadVnpt-sign-header',
      'XroadVnpt-hash-header',
      'User-Agent',
      'XroadVnpt-version',
      'Cache-Control',
      'Pragma',
      'Host',
      'Accept',
      'Connection',
      'Content-Length',
    ]);
    const raw = req?.rawHeaders ?? [];
    expect(header(raw, 'XroadVnpt-hash-file')).toBe(
      '2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824',
    );
    expect(header(raw, 'XroadVnpt-hash-header')).toBe(
      '29624e94d4176b1724da2ef583febf86582525b2eba521025674f82b3995698f',
    );
    expect(header(raw, 'Content-Type')).toBe('application/octet-stream');
  });

  it('sends `to` with its JSON quotes, as the SDK stores it with toString()', async () => {
    captured.length = 0;
    await client().sendEdoc({ to: '00.98.W00' }, Buffer.from('x'));
    const raw = captured[0]?.rawHeaders ?? [];
    expect(header(raw, 'XroadVnpt-to')).toBe('"00.98.W00"');
    expect(header(raw, 'XroadVnpt-sign-header')).toContain('"XroadVnpt-to":"\\"00.98.W00\\""');
  });

  it('sends {} with Expect: 100-continue and carries earlier parameters and the same timestamp', async () => {
    captured.length = 0;
    const c = client();
    await c.getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' });
    const r = await c.getEdoc({ filePath: '/tmp/vxp-store', docId: 'abc' });
    await c.updateStatus({ status: 'done', docId: 'abc' });
    const getEdoc = captured[1];
    const update = captured[2];
    expect(getEdoc?.body.toString()).toBe('{}');
    expect(header(getEdoc?.rawHeaders ?? [], 'Expect')).toBe('100-continue');
    expect(r.gotContinue).toBe(true);
    expect(names(update?.rawHeaders ?? [])).toEqual(
      expect.arrayContaining([
        'XroadVnpt-servicetype',
        'XroadVnpt-messagetype',
        'XroadVnpt-filePath',
        'XroadVnpt-docId',
      ]),
    );
    expect(header(update?.rawHeaders ?? [], 'XroadVnpt-timestamp')).toBe('25112026T043048+0520');
  });

  it('sends downloadEdoc as GET without a body or Content-Length', async () => {
    captured.length = 0;
    await client().downloadEdoc({ docId: 'x', filePath: 'xml' });
    expect(captured[0]?.method).toBe('GET');
    expect(names(captured[0]?.rawHeaders ?? [])).not.toContain('Content-Length');
  });

  it('doubles the slash for sendEdoc only when the endpoint ends with "/"', async () => {
    captured.length = 0;
    const c = client({ endpoint: `http://127.0.0.1:${port}/vxp/` });
    await c.sendEdoc({}, Buffer.from('x'));
    await c.getAgenciesList({});
    expect(captured.map((r) => r.url)).toEqual(['/vxp//sendEdoc', '/vxp/getAgenciesList']);
  });

  it('sends the body anyway after the continue timeout when the server never answers 100', async () => {
    const silent = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"status":"OK","ErrorCode":"0","ErrorDesc":""}'));
    });
    silent.on('checkContinue', (req, res) => silent.emit('request', req, res));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const c = new VxpSdkClient({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      systemId: 's',
      secret: 'k',
      continueTimeoutMs: 300,
    });
    const r = await c.updateStatus({ status: 'done', docId: 'x' });
    await new Promise((resolve) => silent.close(resolve));
    expect(r.gotContinue).toBe(false);
    expect(r.bodyDelayMs).toBeGreaterThanOrEqual(250);
  });
});

describe('readLikeSdk', () => {
  const response = (text: string | Buffer): SdkResponse => {
    const body = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    return { status: 200, headers: {}, raw: body, body, gotContinue: false, bodyDelayMs: 0 };
  };
  it('nulls every field when an envelope member is missing, and sendEdoc without DocId', () => {
    expect(readLikeSdk('getEdoc', response('{"status":"OK","ErrorCode":"0"}')).status).toBeNull();
    expect(
      readLikeSdk('sendEdoc', response('{"status":"FAIL","ErrorCode":"1","ErrorDesc":"x"}')).status,
    ).toBeNull();
  });
  it('drops the whole list for one null item member', () => {
    const r = readLikeSdk(
      'getReceivedEdocList',
      response('{"status":"OK","ErrorCode":"0","ErrorDesc":"","data":[{"from":null}]}'),
    );
    expect(r.status).toBe('OK');
    expect(r.list).toBeNull();
  });
  it('mangles raw UTF-8 in sendEdoc answers, not escaped text', () => {
    const raw = readLikeSdk(
      'sendEdoc',
      response('{"status":"OK","ErrorCode":"0","ErrorDesc":"Thành","DocId":"1"}'),
    );
    expect(raw.errorDesc).toBe('Th\ufffd\ufffdnh');
    const escaped = readLikeSdk(
      'sendEdoc',
      response('{"status":"OK","ErrorCode":"0","ErrorDesc":"Th\\u00e0nh","DocId":"1"}'),
    );
    expect(escaped.errorDesc).toBe('Thành');
  });
  it('findNulls lists every null path', () => {
    expect(findNulls({ a: [1, null], b: { c: null }, d: 'x' })).toEqual(['$.a[1]', '$.b.c']);
  });
});
