import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodySha256Hex, signWebhook, verifyWebhookSignature } from '../../../src/adapters/webhook/index.ts';

const at = new Date('2026-05-04T08:15:30.900Z');
const body = new TextEncoder().encode('<edXMLEnvelope/>');

describe('signWebhook', () => {
  it('is t=<unix seconds>,v1=HMAC-SHA256(secret, "t.messageId.sha256hex(body)")', () => {
    const header = signWebhook({ secret: 's3cret', messageId: 'm-1', body, at });
    const t = 1_777_882_530;
    const expected = createHmac('sha256', 's3cret')
      .update(`${t}.m-1.${bodySha256Hex(body)}`)
      .digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
  });

  it('hashes the exact bytes', () => {
    expect(bodySha256Hex(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook({ secret: 's3cret', messageId: 'm-1', body, at });
  const base = { secret: 's3cret', header, messageId: 'm-1', body, now: at };

  it('accepts its own signature within the tolerance', () => {
    expect(verifyWebhookSignature(base)).toEqual({
      ok: true,
      signedAt: new Date('2026-05-04T08:15:30.000Z'),
    });
    expect(verifyWebhookSignature({ ...base, now: new Date(at.getTime() + 299_000) }).ok).toBe(true);
  });

  it('refuses stale or future timestamps', () => {
    expect(verifyWebhookSignature({ ...base, now: new Date(at.getTime() + 301_000) })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature({ ...base, now: new Date(at.getTime() - 301_000) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses another body, id or secret', () => {
    expect(verifyWebhookSignature({ ...base, body: new TextEncoder().encode('<x/>') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature({ ...base, messageId: 'm-2' }).ok).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: 'other' }).ok).toBe(false);
  });

  it('refuses malformed headers', () => {
    for (const bad of [
      undefined,
      '',
      't=1',
      'v1=ab',
      `t=x,v1=${'a'.repeat(64)}`,
      `t=1,v1=${'A'.repeat(64)}`,
      't=1,v1=abc',
    ]) {
      expect(verifyWebhookSignature({ ...base, header: bad })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('property: verifies every signature it makes, for any secret, id and bytes', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.uint8Array(),
        (secret, id, bytes) => {
          const h = signWebhook({ secret, messageId: id, body: bytes, at });
          expect(verifyWebhookSignature({ secret, header: h, messageId: id, body: bytes, now: at }).ok).toBe(
            true,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
