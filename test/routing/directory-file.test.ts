import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directoryFormatOf, parseCsv, parseDirectoryFile } from '../../src/routing/index.ts';

const yaml = `
version: 1
organizations:
  - { organId: 000.00.00.G22, name: Văn phòng Chính phủ, level: central }
  - organId: 000.00.00.Y02
    name: Ủy ban nhân dân tỉnh Hà Giang
    level: province
    validTo: 2025-06-30
    successorId: 000.00.00.Z08
    synthetic: true
nodes:
  - id: vpcp-eoffice
    name: VPCP e-office
    signaturePolicy: require
    organizations: [000.00.00.G22]
    signerCertificates:
      - sha256: "AB:${'cd'.repeat(31)}"
`;

function codes(result: ReturnType<typeof parseDirectoryFile>): string[] {
  return result.findings.map((f) => `${f.code}@${f.path}`);
}

describe('parseDirectoryFile (YAML)', () => {
  it('reads organizations and nodes, leaving unstated node fields undefined', () => {
    const result = parseDirectoryFile(yaml, 'yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.findings).toEqual([]);
    expect(result.file.organizations).toEqual([
      {
        organId: '000.00.00.G22',
        name: 'Văn phòng Chính phủ',
        level: 'central',
        parentId: null,
        validFrom: null,
        validTo: null,
        successorId: null,
        synthetic: false,
      },
      {
        organId: '000.00.00.Y02',
        name: 'Ủy ban nhân dân tỉnh Hà Giang',
        level: 'province',
        parentId: null,
        validFrom: null,
        validTo: '2025-06-30',
        successorId: '000.00.00.Z08',
        synthetic: true,
      },
    ]);
    expect(result.file.nodes).toEqual([
      {
        id: 'vpcp-eoffice',
        name: 'VPCP e-office',
        kind: undefined,
        signaturePolicy: 'require',
        webhookUrl: undefined,
        organizations: ['000.00.00.G22'],
        subtreeRoots: [],
        signerCertificates: [{ sha256: `ab${'cd'.repeat(31)}`, organIds: null, subject: null }],
      },
    ]);
  });

  it('refuses bad fields with paths, and keeps going to report them all', () => {
    const bad = `
organizations:
  - { organId: "000 00 00 G22", name: x, level: central }
  - { organId: 000.00.00.G23, name: "", level: ward, validFrom: 2025-07-01, validTo: 2025-06-30 }
  - { organId: 000.00.00.G24, name: y, level: unit, validTo: 2025-02-30, successorId: 000.00.00.G24 }
  - { organId: 000.00.00.G25, name: z, level: unit, parentId: a/b }
nodes:
  - { id: "-bad", organizations: [000.00.00.G24, "x y"], kind: hub }
  - { id: ok, signaturePolicy: never, subtreeRoots: [000.00.00.H29] }
  - { id: child, kind: peer_hub, subtreeRoots: [000.00.00.h29] }
`;
    const result = parseDirectoryFile(bad, 'yaml');
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual(
      expect.arrayContaining([
        'DIRECTORY_INVALID_FIELD@organizations/0/organId',
        'DIRECTORY_INVALID_FIELD@organizations/1/name',
        'DIRECTORY_INVALID_FIELD@organizations/1/level',
        'DIRECTORY_INVALID_FIELD@organizations/1/validTo',
        'DIRECTORY_INVALID_FIELD@organizations/2/validTo',
        'DIRECTORY_INVALID_FIELD@organizations/2/successorId',
        'DIRECTORY_INVALID_FIELD@organizations/3/parentId',
        'DIRECTORY_INVALID_FIELD@nodes/0/id',
        'DIRECTORY_INVALID_FIELD@nodes/0/organizations/1',
        'DIRECTORY_INVALID_FIELD@nodes/0/kind',
        'DIRECTORY_INVALID_FIELD@nodes/1/signaturePolicy',
        'DIRECTORY_INVALID_FIELD@nodes/1/subtreeRoots',
        'DIRECTORY_INVALID_FIELD@nodes/2/subtreeRoots/0',
      ]),
    );
  });

  it('takes organ ids that are not QĐ 20/2020-shaped with a warning (the directory decides)', () => {
    const result = parseDirectoryFile(
      `
organizations:
  - { organId: vxp.saas.03, name: SaaS 03, level: unit, successorId: vxp.saas.04 }
  - { organId: 01.02.G22, name: Short form, level: unit }
nodes:
  - { id: saas, signaturePolicy: legacy-unsigned, organizations: [vxp.saas.03, vxp.saas.02] }
`,
      'yaml',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file.organizations.map((o) => [o.organId, o.successorId])).toEqual([
      ['vxp.saas.03', 'vxp.saas.04'],
      ['01.02.G22', null],
    ]);
    expect(result.file.nodes[0]?.organizations).toEqual(['vxp.saas.03', 'vxp.saas.02']);
    // One warning per id: the listed organization, and the node's id the file does not list.
    expect(result.findings.map((f) => [f.code, f.severity, f.path])).toEqual([
      ['DIRECTORY_ORGAN_ID_SHAPE', 'warning', 'organizations/0/organId'],
      ['DIRECTORY_ORGAN_ID_SHAPE', 'warning', 'nodes/0/organizations/1'],
    ]);
    const csv = parseDirectoryFile('organ_id,name,level,node_id\nvxp.saas.03,SaaS,unit,saas\n', 'csv');
    expect(codes(csv)).toEqual(['DIRECTORY_ORGAN_ID_SHAPE@line 2/organId']);
    expect(csv.ok).toBe(true);
  });

  it('refuses duplicates and organizations served by two nodes; warns about unknown fields', () => {
    const result = parseDirectoryFile(
      `
organizations:
  - { organId: 000.00.00.G22, name: a, level: central, colour: blue }
  - { organId: 000.00.00.G22, name: b, level: central }
nodes:
  - { id: a, organizations: [000.00.00.G22] }
  - { id: b, organizations: [000.00.00.G22] }
  - { id: b }
`,
      'yaml',
    );
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual(
      expect.arrayContaining([
        'DIRECTORY_UNKNOWN_FIELD@organizations/0/colour',
        'DIRECTORY_DUPLICATE@organizations/1/organId',
        'DIRECTORY_SERVED_TWICE@nodes/1/organizations',
        'DIRECTORY_DUPLICATE@nodes/2/id',
      ]),
    );
    expect(result.findings.find((f) => f.code === 'DIRECTORY_UNKNOWN_FIELD')?.severity).toBe('warning');
  });

  it('refuses text that is not YAML or not a mapping', () => {
    expect(codes(parseDirectoryFile('organizations: [', 'yaml'))).toEqual(['DIRECTORY_SYNTAX@']);
    expect(codes(parseDirectoryFile('- a\n- b\n', 'yaml'))).toEqual(['DIRECTORY_SYNTAX@']);
    expect(codes(parseDirectoryFile('version: 2\n', 'yaml'))).toEqual(['DIRECTORY_SYNTAX@version']);
  });
});

describe('parseDirectoryFile (CSV)', () => {
  const csv = [
    'organ_id,name,level,parent_id,node_id,valid_from,valid_to,successor_id,synthetic',
    '000.00.00.Z08,Ủy ban nhân dân tỉnh Tuyên Quang,province,,tq-eoffice,,,,true',
    '"000.00.00.Y02","Ủy ban nhân dân tỉnh Hà Giang, cũ",province,,,,2025-06-30,000.00.00.Z08,yes',
    '',
  ].join('\r\n');

  it('reads rows, quoted fields and derives nodes from node_id', () => {
    const result = parseDirectoryFile(csv, 'csv');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(
      result.file.organizations.map((o) => [o.organId, o.name, o.validTo, o.successorId, o.synthetic]),
    ).toEqual([
      ['000.00.00.Z08', 'Ủy ban nhân dân tỉnh Tuyên Quang', null, null, true],
      ['000.00.00.Y02', 'Ủy ban nhân dân tỉnh Hà Giang, cũ', '2025-06-30', '000.00.00.Z08', true],
    ]);
    expect(result.file.nodes).toEqual([
      { id: 'tq-eoffice', organizations: ['000.00.00.Z08'], subtreeRoots: [], signerCertificates: [] },
    ]);
  });

  it('reports rows with the wrong number of fields by line, and a header without the required columns', () => {
    expect(codes(parseDirectoryFile('organ_id,name,level\n000.00.00.G22,a\n', 'csv'))).toEqual([
      'DIRECTORY_SYNTAX@line 2',
    ]);
    expect(codes(parseDirectoryFile('id,name\n', 'csv'))).toEqual(['DIRECTORY_SYNTAX@line 1']);
  });

  it('picks the format from the file name', () => {
    expect(directoryFormatOf('x/directory.example.YAML')).toBe('yaml');
    expect(directoryFormatOf('a.yml')).toBe('yaml');
    expect(directoryFormatOf('a.csv')).toBe('csv');
    expect(directoryFormatOf('a.json')).toBeNull();
  });
});

describe('parseCsv', () => {
  it('round-trips any fields written with RFC 4180 quoting (property)', () => {
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const text = rows.map((r) => r.map(quote).join(',')).join('\n');
          expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
        },
      ),
    );
  });

  it('throws on an unterminated quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow();
  });
});
