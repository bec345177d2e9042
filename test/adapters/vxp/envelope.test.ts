import { describe, expect, it } from 'vitest';
import { vxpCodes } from '../../../src/adapters/vxp/codes.ts';
import {
  compactItem,
  countFail,
  countOk,
  edocFail,
  edocOk,
  failEnvelope,
  listFail,
  listOk,
  plainFail,
  plainOk,
  sendEdocFail,
  sendEdocOk,
  toAsciiJson,
} from '../../../src/adapters/vxp/envelope.ts';
import { VXP_ERROR_FAMILIES, vxpErrorCode, vxpErrorDesc } from '../../../src/adapters/vxp/error-code-map.ts';

const isAscii = (s: string) => !/[^\x20-\x7e]/.test(s);
const failure = { code: 'EDXML_MISSING_ELEMENT', message: 'Thiếu trường To – “người nhận” 😀' };

describe('toAsciiJson', () => {
  it('escapes every non-ASCII unit and parses back to the same value', () => {
    const value = { a: 'Thành công', b: 'emoji 😀', c: 'line\u2028sep\u2029', d: 'ok' };
    const text = toAsciiJson(value);
    expect(isAscii(text)).toBe(true);
    expect(text).toContain('Th\\u00e0nh c\\u00f4ng');
    expect(text).toContain('\\ud83d\\ude00');
    expect(text).toContain('\\u2028');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps a lone surrogate escaped', () => {
    const text = toAsciiJson({ s: '\ud800x' });
    expect(isAscii(text)).toBe(true);
    expect(JSON.parse(text)).toEqual({ s: '\ud800x' });
  });
});

describe('envelopes', () => {
  const successes: [string, string, Record<string, unknown>][] = [
    ['sendEdocOk', sendEdocOk('doc-1'), { DocId: 'doc-1' }],
    ['listOk', listOk([]), { data: [] }],
    ['edocOk', edocOk('PD94'), { data: 'PD94' }],
    ['countOk', countOk(3), { count: 3 }],
    ['plainOk', plainOk(), {}],
  ];
  it.each(successes)(
    '%s carries status OK, ErrorCode "0", ErrorDesc and the payload',
    (_n, body, payload) => {
      expect(JSON.parse(body)).toEqual({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', ...payload });
    },
  );

  const failures: [string, string, Record<string, unknown>][] = [
    ['sendEdocFail', sendEdocFail(failure), { DocId: '' }],
    ['listFail', listFail(failure), { data: [] }],
    ['edocFail', edocFail(failure), { data: '' }],
    ['countFail', countFail(failure), { count: 0 }],
    ['plainFail', plainFail(failure), {}],
  ];
  it.each(failures)(
    '%s carries FAIL, a non-zero ErrorCode, the code in ErrorDesc and an empty payload',
    (_n, body, payload) => {
      expect(isAscii(body)).toBe(true);
      const json = JSON.parse(body) as Record<string, unknown>;
      expect(json).toMatchObject({ status: 'FAIL', ErrorCode: '2', ...payload });
      expect(String(json['ErrorDesc'])).toMatch(/^EDXML_MISSING_ELEMENT: /);
      expect(String(json['ErrorDesc'])).toContain('người nhận');
    },
  );

  it('failEnvelope picks the payload of each shape', () => {
    expect(JSON.parse(failEnvelope('docId', failure))).toHaveProperty('DocId', '');
    expect(JSON.parse(failEnvelope('list', failure))).toHaveProperty('data', []);
    expect(JSON.parse(failEnvelope('edoc', failure))).toHaveProperty('data', '');
    expect(JSON.parse(failEnvelope('count', failure))).toHaveProperty('count', 0);
    expect(Object.keys(JSON.parse(failEnvelope('plain', failure)))).toEqual([
      'status',
      'ErrorCode',
      'ErrorDesc',
    ]);
  });

  it('never emits null: null, undefined and non-finite members are dropped from items', () => {
    const body = listOk([
      { docId: 'a', from: null, to: undefined, n: Number.NaN, version: 4, deleted: false },
    ]);
    expect(body).not.toContain('null');
    expect(JSON.parse(body).data).toEqual([{ docId: 'a', version: 4, deleted: false }]);
    expect(compactItem({ x: Number.POSITIVE_INFINITY })).toEqual({});
  });

  it('countOk never sends a negative or fractional count', () => {
    expect(JSON.parse(countOk(-1)).count).toBe(0);
    expect(JSON.parse(countOk(2.5)).count).toBe(0);
  });
});

describe('error-code map', () => {
  it.each([
    ['XML_MALFORMED', VXP_ERROR_FAMILIES.invalidPackage],
    ['EDXML_MISSING_ELEMENT', VXP_ERROR_FAMILIES.invalidPackage],
    ['SIGNATURE_INVALID', VXP_ERROR_FAMILIES.packageSignature],
    ['CERT_EXPIRED', VXP_ERROR_FAMILIES.packageSignature],
    ['SIGNER_NOT_SENDER', VXP_ERROR_FAMILIES.packageSignature],
    ['SENDER_NOT_SERVED', VXP_ERROR_FAMILIES.forbidden],
    ['PAYLOAD_TOO_LARGE', VXP_ERROR_FAMILIES.tooLarge],
    ['ROUTE_UNKNOWN_ORGAN', VXP_ERROR_FAMILIES.routing],
    ['DOCUMENT_CONFLICT', VXP_ERROR_FAMILIES.conflict],
    ['SOMETHING_ELSE', VXP_ERROR_FAMILIES.internal],
    ['EDXML_PAYLOAD_TOO_LARGE', VXP_ERROR_FAMILIES.tooLarge],
    ['EDXML_UNKNOWN_ELEMENT', VXP_ERROR_FAMILIES.invalidPackage],
    ['ROUTE_UNKNOWN_ORGAN', VXP_ERROR_FAMILIES.routing],
    ['NO_ROUTABLE_RECIPIENT', VXP_ERROR_FAMILIES.routing],
    ['MESSAGE_NOT_FOUND', VXP_ERROR_FAMILIES.notFound],
    ['DIGEST_MISMATCH', VXP_ERROR_FAMILIES.packageSignature],
    ['REVOCATION_UNKNOWN', VXP_ERROR_FAMILIES.packageSignature],
    ['STATUS_NOT_ALLOWED', VXP_ERROR_FAMILIES.forbidden],
    ['AUTH_REQUIRED', VXP_ERROR_FAMILIES.authentication],
  ])('%s → ErrorCode %s', (code, family) => {
    expect(vxpErrorCode(code)).toBe(family);
  });

  it('maps every VXP_ code of the adapter, and never to "0"', () => {
    for (const code of Object.keys(vxpCodes)) {
      expect(vxpErrorCode(code), code).not.toBe('0');
    }
    expect(vxpErrorCode('VXP_BAD_SIGNATURE')).toBe(VXP_ERROR_FAMILIES.authentication);
    expect(vxpErrorCode('VXP_BAD_HASH_FILE')).toBe(VXP_ERROR_FAMILIES.invalidPackage);
    expect(vxpErrorCode('VXP_NOT_FOUND')).toBe(VXP_ERROR_FAMILIES.notFound);
  });

  it('puts the Vietnamese title right after the code when the failure has one', () => {
    const body = JSON.parse(sendEdocFail({ ...failure, title: 'Gói tin thiếu thông tin bắt buộc' }));
    expect(body['ErrorDesc']).toBe(
      'EDXML_MISSING_ELEMENT: Gói tin thiếu thông tin bắt buộc. Thiếu trường To – “người nhận” 😀',
    );
  });

  it('puts the code first in ErrorDesc and bounds its length', () => {
    expect(vxpErrorDesc('X_Y', '  why ')).toBe('X_Y: why');
    expect(vxpErrorDesc('X_Y', '')).toBe('X_Y');
    const long = vxpErrorDesc('X_Y', 'a'.repeat(5000));
    expect(long.length).toBe(1000);
    expect(long.endsWith('...')).toBe(true);
  });
});
