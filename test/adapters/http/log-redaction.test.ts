// A credential a client puts in the query string never reaches the log (audit point 8).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../src/adapters/http/build-http-app.ts';
import { redactUrl } from '../../../src/adapters/http/log-redaction.ts';
import { codes } from '../../../src/errors.ts';
import type { HubService } from '../../../src/hub/index.ts';

describe('log redaction', () => {
  it('keeps names and drops the values of credential-like query parameters', () => {
    expect(redactUrl('/v1/inbox?wait=5&token=lt_abc&limit=3')).toBe(
      '/v1/inbox?wait=5&token=[redacted]&limit=3',
    );
    expect(redactUrl('/x?access_token=a&API_KEY=b&Signature=c&secret=d&password=e')).toBe(
      '/x?access_token=[redacted]&API_KEY=[redacted]&Signature=[redacted]&secret=[redacted]&password=[redacted]',
    );
    expect(redactUrl('/x?%74oken=a')).toBe('/x?%74oken=[redacted]');
    expect(redactUrl('/x?%E0%A4%A=a')).toBe('/x?[redacted]');
    expect(redactUrl('/v1/inbox')).toBe('/v1/inbox');
  });

  it('the request log line of the hub carries the redacted URL, never the token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const app = await buildHttpApp({
      // Only the route-not-found path runs: the node API is mounted but never called.
      hub: { limits: { maxPackageBytes: 1024 * 1024 } } as HubService,
      codes,
      maxPackageBytes: 1024 * 1024,
      version: 'test',
      logger: pino({ level: 'info' }, sink),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/nothing?token=lt_do_not_log_me&wait=1' });
      expect(res.statusCode).toBe(404);
      const text = lines.join('');
      expect(text).toContain('/nothing?token=[redacted]&wait=1');
      expect(text).not.toContain('lt_do_not_log_me');
    } finally {
      await app.close();
    }
  });
});
