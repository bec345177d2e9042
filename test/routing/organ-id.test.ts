import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilDateAt,
  isCivilDate,
  isInOrganSubtree,
  isOrganId,
  startOfCivilDate,
  subtreeSpecificity,
} from '../../src/routing/index.ts';

describe('organ ids', () => {
  it('accepts QĐ 20/2020 identifiers and refuses the rest', () => {
    for (const ok of ['000.00.00.G22', '000.00.00.H29', '00.99.W00', 'G22']) expect(isOrganId(ok)).toBe(true);
    for (const bad of ['', '000.00.00.g22', '000..00.G22', '.G22', 'G22.', '000 00 00 G22', 'A'.repeat(36)]) {
      expect(isOrganId(bad)).toBe(false);
    }
  });

  it('matches subtrees from the right, zeros standing for any lower level', () => {
    expect(isInOrganSubtree('123.45.67.H29', '000.00.00.H29')).toBe(true);
    expect(isInOrganSubtree('000.00.00.H29', '000.00.00.H29')).toBe(true);
    expect(isInOrganSubtree('123.45.67.H30', '000.00.00.H29')).toBe(false);
    expect(isInOrganSubtree('123.45.05.H29', '000.00.05.H29')).toBe(true);
    expect(isInOrganSubtree('123.45.06.H29', '000.00.05.H29')).toBe(false);
    expect(isInOrganSubtree('123.45.67.H29', '000.00.00.000')).toBe(false);
    expect(subtreeSpecificity('000.00.05.H29')).toBe(2);
    expect(subtreeSpecificity('000.00.00.000')).toBe(0);
  });

  it('puts every id of a level-1 group under that group (property)', () => {
    const group = (n: number) => fc.stringMatching(new RegExp(`^[0-9A-Z]{${n}}$`));
    fc.assert(
      fc.property(group(3), group(2), group(2), group(3), (l4, l3, l2, l1) => {
        const id = `${l4}.${l3}.${l2}.${l1}`;
        const rootHasLevel1 = !/^0+$/.test(l1);
        expect(isInOrganSubtree(id, `000.00.00.${l1}`)).toBe(rootHasLevel1);
      }),
    );
  });
});

describe('civil dates (Vietnam time, UTC+07:00)', () => {
  it('turns instants into Vietnam calendar days', () => {
    expect(civilDateAt(new Date('2025-06-30T16:59:59.999Z'))).toBe('2025-06-30');
    expect(civilDateAt(new Date('2025-06-30T17:00:00.000Z'))).toBe('2025-07-01');
    expect(startOfCivilDate('2025-07-01').toISOString()).toBe('2025-06-30T17:00:00.000Z');
  });

  it('refuses days that do not exist', () => {
    expect(isCivilDate('2025-02-28')).toBe(true);
    expect(isCivilDate('2024-02-29')).toBe(true);
    expect(isCivilDate('2025-02-29')).toBe(false);
    expect(isCivilDate('2025-7-1')).toBe(false);
  });
});
