import { describe, expect, it } from 'vitest';
import { parseSignHeader, signHeaderHmac, verifySignHeader } from '../../../src/adapters/vxp/sign-header.ts';
import { lookupParam } from '../../../src/adapters/vxp/signed-params.ts';

// The captured request of spec vxp-api.md §3.3 (worked example 1), as Node's rawHeaders.
const SECRET = 'test-secret-123';
const SIGN_1 =
  '{"XroadVnpt-systemid":"00.99.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"25112026T043048+0520","XroadVnpt-Content-Type":"application/json"}';
const HASH_1 = 'e292b966d73bd25bbc9a06eaa83833ace1ccbd1991f4f94c5e7049d0e4f98169';

function example1(overrides: { sign?: string; hash?: string; extra?: string[] } = {}): string[] {
  return [
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
    overrides.sign ?? SIGN_1,
    'XroadVnpt-hash-header',
    overrides.hash ?? HASH_1,
    'User-Agent',
    'JAVASDKAgent/1.0.0 XRoad/VPCP',
    'XroadVnpt-version',
    '3.0.201608',
    'Content-Length',
    '0',
    ...(overrides.extra ?? []),
  ];
}

/** Signs a JSON text the way the SDK does and returns matching rawHeaders (values as latin1 of UTF-8). */
function signed(members: readonly (readonly [string, string])[], secret = SECRET): string[] {
  const json = `{${members.map(([k, v]) => `${JSON.stringify(`XroadVnpt-${k}`)}:${JSON.stringify(v)}`).join(',')}}`;
  const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const headers = members.flatMap(([k, v]) => [`XroadVnpt-${k}`, latin1(v)]);
  return [
    ...headers,
    'XroadVnpt-sign-header',
    latin1(json),
    'XroadVnpt-hash-header',
    signHeaderHmac(Buffer.from(json, 'utf8'), secret),
  ];
}

function parseOk(raw: string[]) {
  const parsed = parseSignHeader(raw);
  if (!parsed.ok) throw new Error(`expected a parse, got ${parsed.code}`);
  return parsed.request;
}

describe('parseSignHeader', () => {
  it('reads the members of the captured example in order, prefix removed', () => {
    const request = parseOk(example1());
    expect(request.systemId).toBe('00.99.W00');
    expect(request.members.map((m) => m.name)).toEqual([
      'systemid',
      'servicetype',
      'messagetype',
      'timestamp',
      'Content-Type',
    ]);
    expect(request.signHeaderBytes.toString('utf8')).toBe(SIGN_1);
    expect(request.hashHeader).toBe(HASH_1);
  });

  it('refuses a request without sign-header or hash-header', () => {
    const noHash = example1().filter(
      (_, i, all) => all[i] !== 'XroadVnpt-hash-header' && all[i - 1] !== 'XroadVnpt-hash-header',
    );
    expect(parseSignHeader(noHash)).toMatchObject({ ok: false, code: 'VXP_UNSIGNED' });
    expect(parseSignHeader(['Host', 'x'])).toMatchObject({ ok: false, code: 'VXP_UNSIGNED' });
  });

  it('refuses two sign-headers', () => {
    const raw = example1({ extra: ['XroadVnpt-sign-header', SIGN_1] });
    expect(parseSignHeader(raw)).toMatchObject({ ok: false, code: 'VXP_UNSIGNED' });
  });

  it.each([
    ['not JSON', '{"XroadVnpt-systemid":'],
    ['an array', '["XroadVnpt-systemid"]'],
    ['a number member', '{"XroadVnpt-systemid":"a","XroadVnpt-n":5}'],
    ['a null member', '{"XroadVnpt-systemid":"a","XroadVnpt-n":null}'],
    ['an unprefixed member', '{"XroadVnpt-systemid":"a","n":"5"}'],
    ['no systemid', '{"XroadVnpt-timestamp":"x"}'],
    ['an empty systemid', '{"XroadVnpt-systemid":""}'],
    ['two systemids that differ', '{"XroadVnpt-systemid":"a","XroadVnpt-SystemId":"b"}'],
  ])('refuses a sign-header that is %s', (_what, sign) => {
    expect(parseSignHeader(example1({ sign }))).toMatchObject({ ok: false, code: 'VXP_BAD_SIGN_HEADER' });
  });

  it('finds systemid case-insensitively', () => {
    const request = parseOk(signed([['SystemID', '00.99.W00']]));
    expect(request.systemId).toBe('00.99.W00');
  });
});

describe('verifySignHeader', () => {
  it('accepts the captured request of worked example 1 (no timestamp freshness check)', () => {
    const raw = example1();
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('accepts worked example 2 (sendEdoc of "hello"), whose hash-file is 62 digits', () => {
    const sign =
      '{"XroadVnpt-systemid":"00.99.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-hash-file":"2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824","XroadVnpt-from":"00.99.W00","XroadVnpt-timestamp":"25112026T043140+0454","XroadVnpt-Content-Type":"application/octet-stream"}';
    const raw = [
      'Content-Type',
      'application/octet-stream',
      'XroadVnpt-systemid',
      '00.99.W00',
      'XroadVnpt-servicetype',
      'eDoc',
      'XroadVnpt-messagetype',
      'edoc',
      'XroadVnpt-hash-file',
      '2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824',
      'XroadVnpt-from',
      '00.99.W00',
      'XroadVnpt-timestamp',
      '25112026T043140+0454',
      'XroadVnpt-Content-Type',
      'application/octet-stream',
      'XroadVnpt-sign-header',
      sign,
      'XroadVnpt-hash-header',
      '29624e94d4176b1724da2ef583febf86582525b2eba521025674f82b3995698f',
    ];
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('refuses the wrong secret and a changed hash', () => {
    const raw = example1();
    expect(verifySignHeader(parseOk(raw), 'test-secret-124', raw)).toMatchObject({
      ok: false,
      code: 'VXP_BAD_SIGNATURE',
    });
    const flipped = example1({ hash: `${HASH_1.slice(0, -1)}8` });
    expect(verifySignHeader(parseOk(flipped), SECRET, flipped)).toMatchObject({ code: 'VXP_BAD_SIGNATURE' });
    const short = example1({ hash: HASH_1.slice(0, 10) });
    expect(verifySignHeader(parseOk(short), SECRET, short)).toMatchObject({ code: 'VXP_BAD_SIGNATURE' });
  });

  it('accepts an upper-case hash-header', () => {
    const raw = example1({ hash: HASH_1.toUpperCase() });
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('refuses a sign-header with one byte changed, even with the same meaning (no re-serialisation)', () => {
    const spaced = SIGN_1.replace('","XroadVnpt-servicetype"', '", "XroadVnpt-servicetype"');
    const raw = example1({ sign: spaced });
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toMatchObject({ code: 'VXP_BAD_SIGNATURE' });
  });

  it('refuses a signed member whose header is missing or differs', () => {
    const raw = example1();
    const withoutMessagetype = raw.filter(
      (_, i) => raw[i] !== 'XroadVnpt-messagetype' && raw[i - 1] !== 'XroadVnpt-messagetype',
    );
    expect(verifySignHeader(parseOk(raw), SECRET, withoutMessagetype)).toMatchObject({
      ok: false,
      code: 'VXP_HEADER_MISMATCH',
    });
    const changed = raw.map((v, i) => (raw[i - 1] === 'XroadVnpt-messagetype' ? 'status' : v));
    expect(verifySignHeader(parseOk(raw), SECRET, changed)).toMatchObject({ code: 'VXP_HEADER_MISMATCH' });
  });

  it('refuses an extra, unsigned value sent under a signed name', () => {
    const raw = example1({ extra: ['XroadVnpt-messagetype', 'status'] });
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toMatchObject({ code: 'VXP_HEADER_MISMATCH' });
  });

  it('matches header names case-insensitively (a proxy may lower-case them)', () => {
    const raw = example1().map((v, i) => (i % 2 === 0 ? v.toLowerCase() : v));
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('tolerates extra signed members carried over from earlier calls and unsigned headers', () => {
    const raw = [
      ...signed([
        ['systemid', '00.99.W00'],
        ['docId', 'abc'],
        ['filePath', '/tmp/vxp-store'],
        ['timestamp', '25112026T043129+0845'],
        ['Content-Type', 'application/json'],
        ['status', 'done'],
      ]),
      'XroadVnpt-unsigned',
      'whatever',
    ];
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('accepts two spellings of one name with different values, each sent as its own header', () => {
    const raw = signed([
      ['systemid', '00.99.W00'],
      ['docId', 'old'],
      ['docid', 'new'],
    ]);
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('verifies non-ASCII values sent as UTF-8 bytes', () => {
    const raw = signed([
      ['systemid', '00.99.W00'],
      ['note', 'Hà Nội'],
    ]);
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });

  it('refuses non-ASCII values truncated to their low byte (HttpClient with an explicit port)', () => {
    const json = '{"XroadVnpt-systemid":"00.99.W00","XroadVnpt-note":"Hà Nội"}';
    const truncate = (s: string) =>
      Array.from(s, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff)).join('');
    const raw = [
      'XroadVnpt-systemid',
      '00.99.W00',
      'XroadVnpt-note',
      truncate('Hà Nội'),
      'XroadVnpt-sign-header',
      truncate(json),
      'XroadVnpt-hash-header',
      signHeaderHmac(Buffer.from(json, 'utf8'), SECRET),
    ];
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toMatchObject({ ok: false });
  });

  it('tolerates the blanks an HTTP parser trims from a signed value', () => {
    const raw = signed([
      ['systemid', '00.99.W00'],
      ['name', 'padded '],
    ]).map((v) => (v === 'padded ' ? 'padded' : v));
    expect(verifySignHeader(parseOk(raw), SECRET, raw)).toEqual({ ok: true });
  });
});

describe('lookupParam', () => {
  const members = [
    { name: 'systemid', value: 'S' },
    { name: 'docId', value: 'A' },
    { name: 'DOCID', value: 'A' },
    { name: 'status', value: 'done' },
    { name: 'AgencyCode', value: 'X' },
    { name: 'agencycode', value: 'Y' },
  ];
  it('matches names case-insensitively', () => {
    expect(lookupParam(members, 'agencyCode')).toEqual({
      kind: 'ambiguous',
      spellings: ['AgencyCode', 'agencycode'],
    });
    expect(lookupParam(members, 'docid')).toEqual({ kind: 'present', value: 'A' });
    expect(lookupParam(members, 'STATUS')).toEqual({ kind: 'present', value: 'done' });
    expect(lookupParam(members, 'messagetype')).toEqual({ kind: 'absent' });
  });
});
