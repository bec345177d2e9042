import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilDateAt,
  isCivilDate,
  isInOrganSubtree,
  isOrganId,
  isQd20OrganId,
  startOfCivilDate,
  subtreeSpecificity,
} from '../../src/routing/index.ts';

describe('organ ids', () => {
  it('accepts any identifier the hub can store and route, QĐ 20/2020-shaped or not', () => {
    const wild = ['vxp.saas.03', '01.02.G22', '28.22.H17', '001.00.20.TT2', '000.00.00.g22', 'null', 'a_b-c'];
    for (const ok of ['000.00.00.G22', '00.99.W00', 'G22', ...wild, 'A'.repeat(64)]) {
      expect(isOrganId(ok), ok).toBe(true);
    }
    const notIds = [
      '',
      '000 00 00 G22',
      '000.00.00.G22 ',
      'a/b',
      '.G22',
      '-G22',
      '_x',
      'G22,2015',
      'G22\n',
      'G\u0000',
      'Đ22',
      'A'.repeat(65),
    ];
    for (const bad of notIds) expect(isOrganId(bad), JSON.stringify(bad)).toBe(false);
  });

  it('tells QĐ 20/2020-shaped ids apart (for warnings and subtrees)', () => {
    for (const ok of ['000.00.00.G22', '000.00.00.H29', '00.99.W00', 'G22', '01.02.G22', '001.00.20.TT2']) {
      expect(isQd20OrganId(ok), ok).toBe(true);
    }
    const bad = [
      '',
      'vxp.saas.03',
      '000.00.00.g22',
      '000..00.G22',
      '.G22',
      'G22.',
      '000 00 00 G22',
      'A'.repeat(36),
    ];
    for (const id of bad) expect(isQd20OrganId(id), id).toBe(false);
  });

  it('puts only QĐ 20/2020-shaped ids in subtrees', () => {
    expect(isInOrganSubtree('vxp.saas.H29', '000.00.00.H29')).toBe(false);
    expect(isInOrganSubtree('001.02.03.h29', '000.00.00.h29')).toBe(false);
    expect(isInOrganSubtree('01.02.H29', '000.00.00.H29')).toBe(true);
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
