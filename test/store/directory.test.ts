import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectoryFile, resolveRoute, startOfCivilDate } from '../../src/routing/index.ts';
import {
  createNode,
  getNode,
  getOrganization,
  importDirectory,
  listEvents,
  listOrganizations,
  listSignerBindings,
  loadDirectorySnapshot,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { at, T0 } from './store-fixtures.ts';

const FILE = `
version: 1
organizations:
  - { organId: 000.00.00.G22, name: Văn phòng Chính phủ, level: central }
  - { organId: 000.00.00.Z08, name: Ủy ban nhân dân tỉnh Tuyên Quang, level: province, synthetic: true }
  - { organId: 691.00.01.Z08, name: Ủy ban nhân dân phường Hà Giang 2, level: commune, parentId: 000.00.00.Z08, synthetic: true }
  - organId: 000.00.00.Y02
    name: Ủy ban nhân dân tỉnh Hà Giang
    level: province
    validTo: 2025-06-30
    successorId: 000.00.00.Z08
    synthetic: true
  - { organId: 024.00.02.Y02, name: Ủy ban nhân dân thành phố Hà Giang, level: district, validTo: 2025-06-30, parentId: 000.00.00.Y02, synthetic: true }
nodes:
  - id: vpcp-eoffice
    name: Hệ thống QLVB Văn phòng Chính phủ
    organizations: [000.00.00.G22]
    signerCertificates: [{ sha256: "${'ef'.repeat(32)}", subject: CN=VPCP }]
  - id: tuyenquang-eoffice
    signaturePolicy: legacy-unsigned
    organizations: [000.00.00.Z08, 691.00.01.Z08]
  - id: hcm-hub
    kind: peer_hub
    subtreeRoots: [000.00.00.H29]
`;

function parsed(text: string) {
  const result = parseDirectoryFile(text, 'yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.findings));
  return result.file;
}

describe.each(testBackends)('directory import and snapshot on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('imports organizations and nodes (without tokens) and reports what it created', async () => {
    const report = await importDirectory(database.db, parsed(FILE), { at: T0, actor: 'cli' });
    expect(report.changed).toBe(true);
    expect(report.organizations.created).toHaveLength(5);
    expect(report.nodes.created).toEqual(['vpcp-eoffice', 'tuyenquang-eoffice', 'hcm-hub']);
    expect(report.assignments).toEqual([
      { organId: '000.00.00.G22', from: null, to: 'vpcp-eoffice' },
      { organId: '000.00.00.Z08', from: null, to: 'tuyenquang-eoffice' },
      { organId: '691.00.01.Z08', from: null, to: 'tuyenquang-eoffice' },
    ]);
    expect(report.signerBindingsAdded).toBe(1);
    expect(report.subtreeRootsAdded).toBe(1);
    expect(report.warnings).toEqual([]);
    expect(await getNode(database.db, 'tuyenquang-eoffice')).toMatchObject({
      signaturePolicy: 'legacy-unsigned',
      activeTokens: 0,
      organizations: ['000.00.00.Z08', '691.00.01.Z08'],
    });
    expect(await getOrganization(database.db, '000.00.00.Y02')).toMatchObject({
      validTo: '2025-06-30',
      successorId: '000.00.00.Z08',
      synthetic: true,
      nodeId: null,
    });
    expect((await listEvents(database.db, { type: 'directory.imported' })).length).toBe(1);
  });

  it('is idempotent: the same file again changes nothing and writes no event', async () => {
    const eventsBefore = (await listEvents(database.db)).length;
    const report = await importDirectory(database.db, parsed(FILE), { at: at(60), actor: 'cli' });
    expect(report.changed).toBe(false);
    expect(report.organizations).toEqual({ created: [], updated: [], unchanged: 5 });
    expect(report.nodes).toEqual({ created: [], updated: [], unchanged: 3 });
    expect(report.assignments).toEqual([]);
    expect(report.signerBindingsAdded).toBe(0);
    expect((await listEvents(database.db)).length).toBe(eventsBefore);
  });

  it('reports updates field by field, moves organizations, never unassigns, warns about dangling references', async () => {
    const { token } = await createNode(database.db, {
      id: 'extra-node',
      organizations: ['000.00.00.G01'],
      at: at(100),
      actor: 'cli',
    });
    expect(token).toBeTruthy();
    const changed = FILE.replace('name: Văn phòng Chính phủ, level: central', 'name: VPCP, level: central')
      .replace('signaturePolicy: legacy-unsigned', 'signaturePolicy: require')
      .replace(
        'organizations: [000.00.00.Z08, 691.00.01.Z08]',
        'organizations: [000.00.00.Z08, 691.00.01.Z08, 000.00.00.G01, 000.00.00.G99]',
      )
      .replace('parentId: 000.00.00.Z08,', 'parentId: 000.00.00.X77,');
    const report = await importDirectory(database.db, parsed(changed), { at: at(120), actor: 'cli' });
    expect(report.organizations.updated).toEqual([
      { organId: '000.00.00.G22', fields: ['name'] },
      { organId: '691.00.01.Z08', fields: ['parentId'] },
    ]);
    expect(report.nodes.updated).toEqual([{ nodeId: 'tuyenquang-eoffice', fields: ['signaturePolicy'] }]);
    expect(report.placeholders).toEqual(['000.00.00.G99']);
    expect(report.assignments).toEqual([
      { organId: '000.00.00.G01', from: 'extra-node', to: 'tuyenquang-eoffice' },
      { organId: '000.00.00.G99', from: null, to: 'tuyenquang-eoffice' },
    ]);
    expect(report.warnings.map((w) => [w.code, w.path])).toEqual([
      ['DIRECTORY_DANGLING_REFERENCE', 'nodes/1/organizations'],
      ['DIRECTORY_DANGLING_REFERENCE', 'organizations/2/parentId'],
    ]);
    // A later file that no longer lists G01 under the node does not take it away.
    await importDirectory(database.db, parsed(FILE), { at: at(180), actor: 'cli' });
    expect((await getOrganization(database.db, '000.00.00.G01'))?.nodeId).toBe('tuyenquang-eoffice');
  });

  it('loads a snapshot that routes, including successors and child hubs', async () => {
    const snapshot = await loadDirectorySnapshot(database.db);
    const afterReform = startOfCivilDate('2025-07-01');
    expect(resolveRoute(snapshot, '000.00.00.Y02', { at: afterReform })).toMatchObject({
      kind: 'local',
      recipientOrganId: '000.00.00.Z08',
      nodeId: 'tuyenquang-eoffice',
      successors: ['000.00.00.Z08'],
    });
    expect(resolveRoute(snapshot, '024.00.02.Y02', { at: afterReform })).toMatchObject({
      code: 'ROUTE_EXPIRED_NO_SUCCESSOR',
    });
    expect(resolveRoute(snapshot, '011.22.33.H29', { at: afterReform })).toMatchObject({
      kind: 'child-hub',
      nodeId: 'hcm-hub',
    });
    expect(snapshot.nodes.get('hcm-hub')?.subtreeRoots).toEqual(['000.00.00.H29']);
    expect(snapshot.signerPins.get('000.00.00.G22')?.map((p) => p.certSha256)).toEqual(['ef'.repeat(32)]);
    expect(snapshot.organizationsByNode.get('vpcp-eoffice')).toEqual(['000.00.00.G22']);
    expect((await listSignerBindings(database.db, { organId: '000.00.00.G22' }))[0]?.subject).toBe('CN=VPCP');
    expect((await listOrganizations(database.db, { nodeId: 'vpcp-eoffice' })).map((o) => o.organId)).toEqual([
      '000.00.00.G22',
    ]);
  });

  it('imports and routes organ ids that are not QĐ 20/2020-shaped (a warning in the file, not a refusal)', async () => {
    const result = parseDirectoryFile(
      `
organizations:
  - { organId: vxp.saas.03, name: SaaS 03, level: unit }
  - { organId: vxp.saas.01, name: SaaS 01 (merged), level: unit, successorId: vxp.saas.03 }
nodes:
  - { id: saas-gateway, signaturePolicy: legacy-unsigned, organizations: [vxp.saas.03, vxp.saas.02] }
`,
      'yaml',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.findings));
    // One warning per id: the two listed organizations and the one the node alone names.
    expect(result.findings.map((f) => [f.code, f.path])).toEqual([
      ['DIRECTORY_ORGAN_ID_SHAPE', 'organizations/0/organId'],
      ['DIRECTORY_ORGAN_ID_SHAPE', 'organizations/1/organId'],
      ['DIRECTORY_ORGAN_ID_SHAPE', 'nodes/0/organizations/1'],
    ]);
    const report = await importDirectory(database.db, result.file, { at: at(60), actor: 'cli' });
    expect(report.placeholders).toEqual(['vxp.saas.02']);
    const snapshot = await loadDirectorySnapshot(database.db);
    const afterReform = startOfCivilDate('2025-07-01');
    expect(resolveRoute(snapshot, 'vxp.saas.01', { at: afterReform })).toMatchObject({
      kind: 'local',
      recipientOrganId: 'vxp.saas.03',
      nodeId: 'saas-gateway',
    });
    expect(resolveRoute(snapshot, 'vxp.saas.02', { at: afterReform })).toMatchObject({
      kind: 'local',
      nodeId: 'saas-gateway',
    });
  });
});
