import { describe, expect, it } from 'vitest';
import { statusInconsistency } from '../../src/hub/status-consistency.ts';

const ctx = (
  previousCodes: string[],
  extra: { takeBackRequested?: boolean; businessType?: number | null } = {},
) => ({
  previousCodes,
  takeBackRequested: extra.takeBackRequested ?? false,
  businessType: extra.businessType ?? 0,
});

describe('statusInconsistency', () => {
  it('accepts the normal progression 01 → 03 → 04 → 05 → 06', () => {
    const seen: string[] = [];
    for (const code of ['01', '03', '04', '05', '06']) {
      expect(statusInconsistency(code, ctx(seen))).toBeNull();
      seen.push(code);
    }
  });

  it('accepts skipped steps and repeats', () => {
    expect(statusInconsistency('06', ctx(['01']))).toBeNull();
    expect(statusInconsistency('05', ctx(['01', '05']))).toBeNull();
  });

  it('flags 06 after 02 and any progress after a refusal', () => {
    expect(statusInconsistency('06', ctx(['02']))).toMatch(/after 02/);
    expect(statusInconsistency('03', ctx(['01', '02']))).toMatch(/after 02/);
  });

  it('flags a status going backwards and 02 after 06', () => {
    expect(statusInconsistency('03', ctx(['01', '05']))).toMatch(/backwards/);
    expect(statusInconsistency('02', ctx(['06']))).toMatch(/after 06/);
  });

  it('accepts 15/16 only as an answer to 13, a revoke or an update', () => {
    expect(statusInconsistency('15', ctx([]))).toMatch(/answers a take-back/);
    expect(statusInconsistency('16', ctx([], { takeBackRequested: true }))).toBeNull();
    expect(statusInconsistency('15', ctx([], { businessType: 1 }))).toBeNull();
    expect(statusInconsistency('16', ctx([], { businessType: 2 }))).toBeNull();
    expect(statusInconsistency('15', ctx([], { businessType: 3 }))).toMatch(/answers/);
  });
});
