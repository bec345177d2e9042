// Every code the signature area can emit is in its registry, and every registry row is used.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SignatureCode, signatureCodes } from '../../src/signature/index.ts';
import { repoRoot } from '../support/signature-docs.ts';

const VERDICT_CODES: readonly SignatureCode[] = [
  'OK',
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'SIGNATURE_SCOPE',
  'ALGORITHM_REJECTED',
  'CERT_UNTRUSTED',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_USAGE',
  'CERT_REVOKED',
  'XML_FORBIDDEN',
  'XML_MALFORMED',
];

function emittedCodes(): Set<string> {
  const dir = join(repoRoot, 'src', 'signature');
  const codes = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'codes.ts')) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const re of [
      /(?:finding|malformed|forbiddenResult)\(\s*'([A-Z_]+)'/g,
      /LienthongError\(\s*'([A-Z_]+)'/g,
      /code: '([A-Z_]+)'/g,
      /verdict\(\s*'([A-Z_]+)'/g,
    ]) {
      for (const m of text.matchAll(re)) codes.add(m[1] as string);
    }
  }
  return codes;
}

describe('signatureCodes', () => {
  it('holds every verdict code, each with an HTTP status, a meaning and an action', () => {
    for (const code of VERDICT_CODES) {
      const row = signatureCodes[code];
      expect(row, code).toBeDefined();
      expect(row.http).toBeGreaterThanOrEqual(200);
      expect(row.meaning.length).toBeGreaterThan(10);
      expect(row.action.length).toBeGreaterThan(3);
    }
  });

  it('holds every code the sources emit, and nothing they do not', () => {
    const emitted = emittedCodes();
    // Codes set through a variable (chain findings mapped from revocation notes) are listed here.
    for (const indirect of [
      'CRL_STALE',
      'CRL_INVALID',
      'SIGNATURE_SCOPE',
      'ALGORITHM_REJECTED',
      'XML_FORBIDDEN',
      'XML_MALFORMED',
      'SIGNATURE_MISSING',
      'CERT_UNTRUSTED',
    ]) {
      emitted.add(indirect);
    }
    for (const code of emitted) expect(Object.keys(signatureCodes), code).toContain(code);
    for (const code of Object.keys(signatureCodes))
      expect([...emitted, ...VERDICT_CODES], code).toContain(code);
  });
});
