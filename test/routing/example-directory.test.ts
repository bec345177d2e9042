import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildExampleDirectory,
  communeId,
  peoplesCommitteeName,
  provinceId,
} from '../../scripts/build-example-directory.ts';
import {
  createDirectorySnapshot,
  type DirectoryFile,
  parseDirectoryFile,
  resolveRoute,
  startOfCivilDate,
} from '../../src/routing/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examplePath = path.join(root, 'config', 'directory.example.yaml');
const fixtures = path.resolve(root, 'test', 'fixtures', 'directory');

async function example(): Promise<DirectoryFile> {
  const result = parseDirectoryFile(await readFile(examplePath, 'utf8'), 'yaml');
  expect(result.findings).toEqual([]);
  if (!result.ok) throw new Error('example directory does not parse');
  return result.file;
}

function snapshotOf(file: DirectoryFile) {
  const servedBy = new Map(file.nodes.flatMap((n) => n.organizations.map((o) => [o, n.id] as const)));
  return createDirectorySnapshot({
    organizations: file.organizations.map((o) => ({ ...o, nodeId: servedBy.get(o.organId) ?? null })),
    nodes: file.nodes.map((n) => ({
      id: n.id,
      name: n.name ?? n.id,
      kind: n.kind ?? 'system',
      signaturePolicy: n.signaturePolicy ?? 'require',
      subtreeRoots: n.subtreeRoots,
    })),
  });
}

describe('config/directory.example.yaml', () => {
  it('holds the central agencies (real ids), Tuyên Quang and its 124 communes (synthetic), and predecessors', async () => {
    const file = await example();
    const byId = new Map(file.organizations.map((o) => [o.organId, o]));
    expect(byId.get('000.00.00.G22')).toMatchObject({
      name: 'Văn phòng Chính phủ',
      level: 'central',
      synthetic: false,
    });
    expect(file.organizations.filter((o) => o.level === 'central')).toHaveLength(25);
    expect(file.organizations.filter((o) => o.level === 'central').every((o) => !o.synthetic)).toBe(true);
    expect(byId.get('000.00.00.Z08')).toMatchObject({
      level: 'province',
      synthetic: true,
      validFrom: '2025-07-01',
    });
    const communes = file.organizations.filter((o) => o.level === 'commune' && o.validTo === null);
    expect(communes).toHaveLength(124);
    expect(communes.every((c) => c.synthetic && c.parentId === '000.00.00.Z08')).toBe(true);
    const predecessors = file.organizations.filter((o) => o.validTo === '2025-06-30');
    expect(predecessors.length).toBeGreaterThanOrEqual(4);
    expect(predecessors.every((o) => o.synthetic)).toBe(true);
    expect(file.nodes.map((n) => [n.id, n.signaturePolicy])).toEqual([
      ['vpcp-eoffice', 'require'],
      ['tuyenquang-eoffice', 'require'],
      ['tuyenquang-xa-eoffice', 'legacy-unsigned'],
    ]);
  });

  it('demonstrates successor routing from 1 July 2025', async () => {
    const snapshot = snapshotOf(await example());
    const onFirstJuly = startOfCivilDate('2025-07-01');
    expect(resolveRoute(snapshot, '000.00.00.Y02', { at: onFirstJuly })).toMatchObject({
      kind: 'local',
      recipientOrganId: '000.00.00.Z08',
      nodeId: 'tuyenquang-eoffice',
    });
    // Phường Trần Phú (old 00691, Hà Giang) went wholly into Phường Hà Giang 2 (new 00691).
    expect(resolveRoute(snapshot, '691.00.01.Y02', { at: onFirstJuly })).toMatchObject({
      kind: 'local',
      recipientOrganId: '691.00.01.Z08',
      nodeId: 'tuyenquang-xa-eoffice',
    });
    expect(resolveRoute(snapshot, '024.00.02.Y02', { at: onFirstJuly })).toMatchObject({
      code: 'ROUTE_EXPIRED_NO_SUCCESSOR',
    });
    expect(resolveRoute(snapshot, '000.00.00.G22', { at: onFirstJuly })).toMatchObject({
      nodeId: 'vpcp-eoffice',
    });
    expect(resolveRoute(snapshot, '000.00.00.G09', { at: onFirstJuly })).toMatchObject({
      code: 'ROUTE_NO_NODE',
    });
  });

  it('follows the documented synthetic-id rule', () => {
    expect(provinceId('Z', '08')).toBe('000.00.00.Z08');
    expect(communeId('Z', '08', '02554')).toBe('554.02.01.Z08');
    expect(peoplesCommitteeName('Thành phố Hà Giang')).toBe('Ủy ban nhân dân thành phố Hà Giang');
    expect(peoplesCommitteeName('Đặc khu Côn Đảo')).toBe('Ủy ban nhân dân đặc khu Côn Đảo');
  });

  it('is exactly what the build script makes from the fixtures', async () => {
    expect(await buildExampleDirectory(fixtures)).toBe(await readFile(examplePath, 'utf8'));
  });
});
