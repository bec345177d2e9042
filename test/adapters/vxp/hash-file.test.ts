import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSendEdocFile, sdkHashFile } from '../../../src/adapters/vxp/hash-file.ts';
import { sdkFixturePath } from './fixtures.ts';

const CRLF = Buffer.from('\r\n');

describe('sdkHashFile', () => {
  it('renders each digest byte without zero padding (spec §3.5, "hello")', () => {
    const hello = Buffer.from('hello');
    expect(sdkHashFile(hello)).toBe('2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824');
    expect(sdkHashFile(hello)).toHaveLength(62);
    expect(createHash('sha256').update(hello).digest('hex')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });

  it('equals the standard hex when no byte is below 0x10', () => {
    // sha256("") = e3b0c442 98fc1c14 ... : the 0x1c and 0x14 bytes keep two digits.
    const empty = createHash('sha256').update('').digest();
    const expected = Array.from(empty, (b) => b.toString(16)).join('');
    expect(sdkHashFile(Buffer.alloc(0))).toBe(expected);
  });
});

describe('extractSendEdocFile', () => {
  const file = readFileSync(sdkFixturePath('edoc.edxml'));

  it('strips exactly one trailing CRLF and checks the SDK hash over the file', () => {
    const result = extractSendEdocFile(Buffer.concat([file, CRLF]), sdkHashFile(file));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file.equals(file)).toBe(true);
    expect(result.trailingCrlf).toBe(true);
    expect(result.form).toBe('sdk-unpadded');
  });

  it('keeps a CRLF that belongs to the file', () => {
    const withCrlf = Buffer.concat([file, CRLF]);
    const result = extractSendEdocFile(Buffer.concat([withCrlf, CRLF]), sdkHashFile(withCrlf));
    expect(result.ok && result.file.equals(withCrlf)).toBe(true);
  });

  it('accepts a bare file without the CRLF, and the standard 64-digit hex', () => {
    const bare = extractSendEdocFile(file, sdkHashFile(file));
    expect(bare).toMatchObject({ ok: true, trailingCrlf: false });
    const hex = createHash('sha256').update(file).digest('hex').toUpperCase();
    expect(extractSendEdocFile(Buffer.concat([file, CRLF]), hex)).toMatchObject({
      ok: true,
      form: 'standard-hex',
    });
  });

  it('refuses a wrong, empty or truncated hash-file', () => {
    const body = Buffer.concat([file, CRLF]);
    expect(extractSendEdocFile(body, sdkHashFile(Buffer.from('other')))).toEqual({ ok: false });
    expect(extractSendEdocFile(body, '')).toEqual({ ok: false });
    expect(extractSendEdocFile(body, sdkHashFile(file).slice(0, -1))).toEqual({ ok: false });
  });

  it('refuses a body changed after hashing', () => {
    const body = Buffer.concat([file, CRLF]);
    const hash = sdkHashFile(file);
    body[100] = (body[100] ?? 0) ^ 1;
    expect(extractSendEdocFile(body, hash)).toEqual({ ok: false });
  });

  it('matches every SDK sample package', () => {
    for (const name of [
      'edoc_new.edxml',
      'status_finish_06.edxml',
      'gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml',
    ]) {
      const bytes = readFileSync(sdkFixturePath(name));
      const result = extractSendEdocFile(Buffer.concat([bytes, CRLF]), sdkHashFile(bytes));
      expect(result.ok, path.basename(name)).toBe(true);
    }
  });
});
