import { describe, expect, it } from 'vitest';
import {
  createDirectorySnapshot,
  type DirectoryNode,
  type DirectoryOrganization,
  planRoutes,
  resolveRoute,
  startOfCivilDate,
} from '../../src/routing/index.ts';

function org(organId: string, fields: Partial<DirectoryOrganization> = {}): DirectoryOrganization {
  return {
    organId,
    name: organId,
    level: 'unit',
    parentId: null,
    nodeId: null,
    validFrom: null,
    validTo: null,
    successorId: null,
    synthetic: false,
    ...fields,
  };
}

function node(id: string, fields: Partial<DirectoryNode> = {}): DirectoryNode {
  return { id, name: id, kind: 'system', signaturePolicy: 'require', subtreeRoots: [], ...fields };
}

const afterReform = startOfCivilDate('2025-07-01');
const lastDayBefore = new Date('2025-06-30T16:59:59.999Z'); // 23:59:59.999 on 30 June in Vietnam
const reformInstant = new Date('2025-06-30T17:00:00.000Z'); // 00:00 on 1 July in Vietnam

const snapshot = createDirectorySnapshot({
  organizations: [
    org('000.00.00.G22', { level: 'central', nodeId: 'vpcp' }),
    org('000.00.00.Z08', { level: 'province', nodeId: 'tq' }),
    org('000.00.00.Y02', {
      level: 'province',
      nodeId: 'hg-old',
      validTo: '2025-06-30',
      successorId: '000.00.00.Z08',
    }),
    org('024.00.02.Y02', { level: 'district', validTo: '2025-06-30' }),
    org('000.00.00.Z99', { validFrom: '2026-01-01', nodeId: 'tq' }),
    org('000.00.00.A01', { successorId: '000.00.00.A02' }),
    org('000.00.00.A02', { successorId: '000.00.00.A03', validTo: '2025-01-01' }),
    org('000.00.00.A03', { nodeId: 'vpcp' }),
    org('000.00.00.L01', { successorId: '000.00.00.L02' }),
    org('000.00.00.L02', { successorId: '000.00.00.L01' }),
    org('000.00.00.N01'),
    org('000.00.00.M01', { successorId: '000.00.00.M99' }),
    // Ids from the wild that are not QĐ 20/2020-shaped: the directory alone decides.
    org('vxp.saas.03', { nodeId: 'tq' }),
    org('vxp.saas.old', { successorId: 'vxp.saas.03' }),
  ],
  nodes: [node('vpcp'), node('tq', { signaturePolicy: 'legacy-unsigned' }), node('hg-old')],
});

describe('resolveRoute: local, successor, unknown', () => {
  it('routes a served organization to its node', () => {
    expect(resolveRoute(snapshot, '000.00.00.G22', { at: afterReform })).toEqual({
      kind: 'local',
      addressedOrganId: '000.00.00.G22',
      recipientOrganId: '000.00.00.G22',
      nodeId: 'vpcp',
      successors: [],
      known: true,
      reason: null,
    });
  });

  it('routes a merged organization to its successor from the day after validTo, and says so', () => {
    const decision = resolveRoute(snapshot, '000.00.00.Y02', { at: reformInstant });
    expect(decision).toMatchObject({
      kind: 'local',
      recipientOrganId: '000.00.00.Z08',
      nodeId: 'tq',
      successors: ['000.00.00.Z08'],
    });
    expect(decision.kind === 'local' && decision.reason).toContain('000.00.00.Z08');
  });

  it('keeps the predecessor on its last day (validTo is inclusive, Vietnam time)', () => {
    expect(resolveRoute(snapshot, '000.00.00.Y02', { at: lastDayBefore })).toMatchObject({
      kind: 'local',
      recipientOrganId: '000.00.00.Y02',
      nodeId: 'hg-old',
      successors: [],
    });
  });

  it('follows a chain of successors (a successor without validTo applies at once)', () => {
    expect(resolveRoute(snapshot, '000.00.00.A01', { at: afterReform })).toMatchObject({
      kind: 'local',
      recipientOrganId: '000.00.00.A03',
      successors: ['000.00.00.A02', '000.00.00.A03'],
    });
  });

  it('stops a successor loop with ROUTE_LOOP', () => {
    expect(resolveRoute(snapshot, '000.00.00.L01', { at: afterReform })).toMatchObject({
      kind: 'unroutable',
      code: 'ROUTE_LOOP',
    });
  });

  it('stops an over-long chain with ROUTE_LOOP', () => {
    const chain = Array.from({ length: 20 }, (_, i) =>
      org(`000.00.00.C${String(i).padStart(2, '0')}`, {
        successorId: `000.00.00.C${String(i + 1).padStart(2, '0')}`,
      }),
    );
    const long = createDirectorySnapshot({ organizations: chain, nodes: [] });
    expect(resolveRoute(long, '000.00.00.C00', { at: afterReform })).toMatchObject({ code: 'ROUTE_LOOP' });
  });

  it('reports an expired organization without successor', () => {
    expect(resolveRoute(snapshot, '024.00.02.Y02', { at: afterReform })).toMatchObject({
      kind: 'unroutable',
      code: 'ROUTE_EXPIRED_NO_SUCCESSOR',
    });
  });

  it('reports an organization that does not exist yet', () => {
    expect(resolveRoute(snapshot, '000.00.00.Z99', { at: afterReform })).toMatchObject({
      code: 'ROUTE_NOT_YET_VALID',
    });
    expect(resolveRoute(snapshot, '000.00.00.Z99', { at: startOfCivilDate('2026-01-01') })).toMatchObject({
      kind: 'local',
      nodeId: 'tq',
    });
  });

  it('tells unknown, malformed and unserved organ ids apart', () => {
    expect(resolveRoute(snapshot, '000.00.00.X01', { at: afterReform })).toMatchObject({
      code: 'ROUTE_UNKNOWN_ORGAN',
    });
    for (const notAnId of ['not an id', 'a/b', '', '000.00.00.G22\n', 'x'.repeat(65)]) {
      expect(resolveRoute(snapshot, notAnId, { at: afterReform }), notAnId).toMatchObject({
        code: 'ROUTE_INVALID_ORGAN_ID',
      });
    }
    expect(resolveRoute(snapshot, 'vxp.saas.99', { at: afterReform })).toMatchObject({
      code: 'ROUTE_UNKNOWN_ORGAN',
    });
    expect(resolveRoute(snapshot, '000.00.00.N01', { at: afterReform })).toMatchObject({
      code: 'ROUTE_NO_NODE',
    });
  });

  it('routes an id that is not QĐ 20/2020-shaped by directory lookup, successors included', () => {
    expect(resolveRoute(snapshot, 'vxp.saas.03', { at: afterReform })).toMatchObject({
      kind: 'local',
      nodeId: 'tq',
      recipientOrganId: 'vxp.saas.03',
    });
    expect(resolveRoute(snapshot, 'vxp.saas.old', { at: afterReform })).toMatchObject({
      kind: 'local',
      recipientOrganId: 'vxp.saas.03',
      successors: ['vxp.saas.03'],
    });
    // Ids compare exactly: case matters.
    expect(resolveRoute(snapshot, 'VXP.SAAS.03', { at: afterReform })).toMatchObject({
      code: 'ROUTE_UNKNOWN_ORGAN',
    });
  });

  it('treats a successor the directory does not know as unknown, keeping the chain', () => {
    expect(resolveRoute(snapshot, '000.00.00.M01', { at: afterReform })).toMatchObject({
      kind: 'unroutable',
      code: 'ROUTE_UNKNOWN_ORGAN',
      successors: ['000.00.00.M99'],
    });
  });
});

describe('resolveRoute: hubs of hubs', () => {
  const hubs = createDirectorySnapshot({
    organizations: [
      org('000.00.00.G22', { nodeId: 'vpcp' }),
      org('000.00.00.H29', { nodeId: 'hcm-hub' }),
      org('001.02.03.H29'),
      org('000.00.00.K01'),
    ],
    nodes: [
      node('vpcp'),
      node('hcm-hub', { kind: 'peer_hub', subtreeRoots: ['000.00.00.H29'] }),
      node('hcm-district-hub', { kind: 'peer_hub', subtreeRoots: ['000.00.05.H29'] }),
      node('national', { kind: 'parent_hub' }),
    ],
  });

  it('prefers a local node, then the child hub serving the organization explicitly', () => {
    expect(resolveRoute(hubs, '000.00.00.G22', { at: afterReform })).toMatchObject({
      kind: 'local',
      nodeId: 'vpcp',
    });
    expect(resolveRoute(hubs, '000.00.00.H29', { at: afterReform })).toMatchObject({
      kind: 'child-hub',
      nodeId: 'hcm-hub',
      known: true,
    });
  });

  it('routes by organ-id subtree, most specific root first, known or not', () => {
    expect(resolveRoute(hubs, '001.02.03.H29', { at: afterReform })).toMatchObject({
      kind: 'child-hub',
      nodeId: 'hcm-hub',
      known: true,
    });
    expect(resolveRoute(hubs, '007.01.05.H29', { at: afterReform })).toMatchObject({
      kind: 'child-hub',
      nodeId: 'hcm-district-hub',
      known: false,
    });
  });

  it('puts no id that is not QĐ 20/2020-shaped under a subtree: it goes to the parent hub', () => {
    expect(resolveRoute(hubs, 'saas.H29', { at: afterReform })).toMatchObject({
      kind: 'parent-hub',
      nodeId: 'national',
    });
    expect(resolveRoute(hubs, '01.02.H29', { at: afterReform })).toMatchObject({
      kind: 'child-hub',
      nodeId: 'hcm-hub',
    });
  });

  it('sends what no node or child covers to the parent hub, else nothing', () => {
    expect(resolveRoute(hubs, '000.00.00.G01', { at: afterReform })).toMatchObject({
      kind: 'parent-hub',
      nodeId: 'national',
      known: false,
    });
    expect(resolveRoute(hubs, '000.00.00.K01', { at: afterReform })).toMatchObject({
      kind: 'parent-hub',
      known: true,
    });
  });
});

describe('planRoutes', () => {
  it('folds a predecessor and its successor addressed together into one delivery', () => {
    const plan = planRoutes(snapshot, ['000.00.00.Z08', '000.00.00.Y02', '000.00.00.X01', '000.00.00.Z08'], {
      at: afterReform,
    });
    expect(plan.decisions.map((d) => d.kind)).toEqual(['local', 'local', 'unroutable']);
    expect(plan.deliveries.map((d) => d.recipientOrganId)).toEqual(['000.00.00.Z08']);
    expect([...plan.mergedInto]).toEqual([['000.00.00.Y02', '000.00.00.Z08']]);
  });
});
