import { describe, expect, it } from 'vitest';
import { hasError, isLienthongError, LienthongError } from '../../src/core/index.ts';

describe('LienthongError', () => {
  it('carries a code, where, details and findings', () => {
    const finding = { code: 'EDXML_BAD_DATE', severity: 'error', path: 'a/b', message: 'bad' } as const;
    const error = new LienthongError('EDXML_INVALID', 'invalid package', {
      where: 'edxml.parse',
      details: { documentId: 'x' },
      findings: [finding],
    });
    expect(error.code).toBe('EDXML_INVALID');
    expect(error.where).toBe('edxml.parse');
    expect(error.findings).toEqual([finding]);
    expect(isLienthongError(error, 'EDXML_INVALID')).toBe(true);
    expect(isLienthongError(error, 'OTHER')).toBe(false);
  });

  it('is recognised by code and name after crossing a structured clone', () => {
    const error = new LienthongError('X_CODE', 'm');
    const copy = structuredClone({ name: error.name, code: error.code, message: error.message });
    expect(isLienthongError(copy, 'X_CODE')).toBe(true);
    expect(isLienthongError(new Error('plain'))).toBe(false);
  });

  it('hasError looks only at error severity', () => {
    expect(hasError([{ code: 'A', severity: 'warning', path: '', message: '' }])).toBe(false);
    expect(hasError([{ code: 'A', severity: 'error', path: '', message: '' }])).toBe(true);
  });
});
