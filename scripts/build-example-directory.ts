// Builds config/directory.example.yaml from the directory fixtures (test/fixtures/directory):
// the central agencies of central-2025.csv, one province after the 2025 reform (Tuyên Quang, 08)
// with all its communes, a few of its pre-2025 predecessors, and three example nodes.
//
//   node --import tsx scripts/build-example-directory.ts [--fixtures DIR] [--out FILE]
//
// Organ ids: the central level-1 codes are real (000.00.00.G22 is the Government Office). The
// fixtures give no QĐ 20/2020 ids for provinces and communes, so those ids are SYNTHETIC, derived
// by the rule below and marked `synthetic: true` (docs/directory.md, "The example directory"):
//   province People's Committee, from 2025-07-01 ...... 000.00.00.Z<PP>
//   commune People's Committee, from 2025-07-01 ....... <c3c4c5>.<c1c2>.01.Z<PP>
//   province People's Committee, until 2025-06-30 ..... 000.00.00.Y<PP>   (old province code)
//   district People's Committee, until 2025-06-30 ..... <ddd>.00.02.Y<PP>
//   commune People's Committee, until 2025-06-30 ...... <c3c4c5>.<c1c2>.01.Y<PP>
// (PP: 2-digit province code, c1..c5: 5-digit commune code, ddd: 3-digit district code of the
// national classification of administrative units.) Z and Y are not level-1 series in use for
// People's Committees (those are H..), so a synthetic id cannot collide with a real one; Y and Z
// keep pre- and post-reform units apart although both reuse administrative codes.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseCsv, parseDirectoryFile } from '../src/routing/index.ts';

/** The province of the example: Tuyên Quang (08), formed from Hà Giang (02) and Tuyên Quang (08). */
export const EXAMPLE_PROVINCE = '08';
/** The new commune whose full-share predecessors are included with validTo 2025-06-30. */
export const EXAMPLE_PREDECESSORS_OF = '00691';
const REFORM_DAY = '2025-07-01';
const LAST_DAY_BEFORE = '2025-06-30';

type Row = Record<string, string>;

async function readTable(dir: string, file: string): Promise<Row[]> {
  const [header, ...records] = parseCsv(await readFile(path.join(dir, file), 'utf8'));
  if (!header) throw new Error(`${file} is empty`);
  return records.map((r) => Object.fromEntries(header.fields.map((h, i) => [h, r.fields[i] ?? ''])));
}

/** "Tỉnh Tuyên Quang" → "Ủy ban nhân dân tỉnh Tuyên Quang" (the unit-kind word in lower case). */
export function peoplesCommitteeName(unitName: string): string {
  const kinds = ['Thành phố', 'Thị trấn', 'Thị xã', 'Đặc khu', 'Tỉnh', 'Huyện', 'Quận', 'Phường', 'Xã'];
  const kind = kinds.find((k) => unitName.startsWith(`${k} `));
  const name = kind ? `${kind.toLowerCase()}${unitName.slice(kind.length)}` : unitName;
  return `Ủy ban nhân dân ${name}`;
}

export const provinceId = (letter: 'Z' | 'Y', pp: string) => `000.00.00.${letter}${pp}`;
export const communeId = (letter: 'Z' | 'Y', pp: string, code: string) =>
  `${code.slice(2)}.${code.slice(0, 2)}.01.${letter}${pp}`;
export const districtId = (pp: string, ddd: string) => `${ddd}.00.02.Y${pp}`;

interface Organization {
  organId: string;
  name: string;
  level: string;
  parentId?: string;
  validFrom?: string;
  validTo?: string;
  successorId?: string;
  synthetic?: boolean;
}

function flow(fields: Record<string, string | boolean | readonly string[] | undefined>): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? scalar(k, v) : String(v)}`,
    );
  return `{ ${parts.join(', ')} }`;
}

function scalar(key: string, value: string): string {
  // Organ ids and keywords are plain; names and dates are quoted (dates so that YAML 1.1 readers keep them as text).
  return ['organId', 'parentId', 'successorId', 'level', 'id', 'kind', 'signaturePolicy'].includes(key)
    ? value
    : JSON.stringify(value);
}

/** The example directory as YAML text (deterministic: the same fixtures give the same bytes). */
export async function buildExampleDirectory(fixturesDir: string): Promise<string> {
  const central = await readTable(fixturesDir, 'central-2025.csv');
  const provinces = await readTable(fixturesDir, 'provinces-2025.csv');
  const communes = await readTable(fixturesDir, 'communes-2025.csv');
  const predecessors = await readTable(fixturesDir, 'communes-2025-predecessors.csv');

  const province = provinces.find((p) => p['code'] === EXAMPLE_PROVINCE);
  if (!province) throw new Error(`province ${EXAMPLE_PROVINCE} not in provinces-2025.csv`);
  const pp = EXAMPLE_PROVINCE;
  const provinceOrg = provinceId('Z', pp);
  const ourCommunes = communes
    .filter((c) => c['province_code'] === pp)
    .sort((a, b) => a['code']!.localeCompare(b['code']!));

  const organizations: Organization[] = [
    ...central.map((c) => ({ organId: `000.00.00.${c['level1_code']}`, name: c['name']!, level: 'central' })),
    {
      organId: provinceOrg,
      name: peoplesCommitteeName(province['name']!),
      level: 'province',
      validFrom: REFORM_DAY,
      synthetic: true,
    },
    ...ourCommunes.map((c) => ({
      organId: communeId('Z', pp, c['code']!),
      name: peoplesCommitteeName(c['name']!),
      level: 'commune',
      parentId: provinceOrg,
      validFrom: REFORM_DAY,
      synthetic: true,
    })),
  ];

  // Pre-2025: the provinces merged into this one, and the full-share predecessors of one commune
  // (each went wholly into that commune, so it is their successor), with the district they were in.
  const oldCodes = province['old_codes']!.split(';');
  const oldNames = province['old_names']!.split(';');
  oldCodes.forEach((code, i) => {
    organizations.push({
      organId: provinceId('Y', code),
      name: peoplesCommitteeName(oldNames[i]!),
      level: 'province',
      validTo: LAST_DAY_BEFORE,
      successorId: provinceOrg,
      synthetic: true,
    });
  });
  const successorOf = predecessors.filter(
    (p) => p['code'] === EXAMPLE_PREDECESSORS_OF && p['share'] === 'full',
  );
  const districts = new Map<string, Row>();
  for (const p of successorOf) {
    const sharedWithOthers = predecessors.some(
      (q) => q['old_code'] === p['old_code'] && q['code'] !== p['code'],
    );
    if (sharedWithOthers) continue;
    districts.set(`${p['old_province_code']}/${p['old_district_code']}`, p);
    organizations.push({
      organId: communeId('Y', p['old_province_code']!, p['old_code']!),
      name: peoplesCommitteeName(p['old_name']!),
      level: 'commune',
      parentId: districtId(p['old_province_code']!, p['old_district_code']!),
      validTo: LAST_DAY_BEFORE,
      successorId: communeId('Z', pp, p['code']!),
      synthetic: true,
    });
  }
  for (const d of [...districts.values()].sort((a, b) =>
    a['old_district_code']!.localeCompare(b['old_district_code']!),
  )) {
    // Districts were abolished: their tasks were split, so they have no successor.
    organizations.push({
      organId: districtId(d['old_province_code']!, d['old_district_code']!),
      name: peoplesCommitteeName(d['old_district_name']!),
      level: 'district',
      parentId: provinceId('Y', d['old_province_code']!),
      validTo: LAST_DAY_BEFORE,
      synthetic: true,
    });
  }

  const firstTwoCommunes = ourCommunes.slice(0, 2).map((c) => communeId('Z', pp, c['code']!));
  const lines = [
    '# Example directory of lienthong, generated by scripts/build-example-directory.ts from',
    '# test/fixtures/directory/ (do not edit by hand; rebuild instead).',
    '#',
    '# - Central agencies: real level-1 codes of Quyết định 09/2025/QĐ-TTg (central-2025.csv).',
    `# - ${province['name']} (${pp}) after the 2025 reform, with its ${ourCommunes.length} communes; pre-2025 predecessors`,
    `#   valid until ${LAST_DAY_BEFORE} with their successors, so that successor routing can be tried.`,
    '# - Organ ids marked synthetic: true are NOT real QĐ 20/2020 ids; they are derived from the',
    '#   administrative-unit codes by the rule in docs/directory.md ("The example directory").',
    '# - Nodes carry no tokens: the hub issues them on first start, or `lienthong node token ID`.',
    'version: 1',
    'organizations:',
    ...organizations.map(
      (o) =>
        `  - ${flow({
          organId: o.organId,
          name: o.name,
          level: o.level,
          parentId: o.parentId,
          validFrom: o.validFrom,
          validTo: o.validTo,
          successorId: o.successorId,
          synthetic: o.synthetic,
        })}`,
    ),
    'nodes:',
    `  - ${flow({ id: 'vpcp-eoffice', name: 'Hệ thống quản lý văn bản và điều hành của Văn phòng Chính phủ', kind: 'system', signaturePolicy: 'require', organizations: ['000.00.00.G22'] })}`,
    `  - ${flow({ id: 'tuyenquang-eoffice', name: `Hệ thống quản lý văn bản và điều hành ${province['name']!.replace('Tỉnh', 'tỉnh')}`, kind: 'system', signaturePolicy: 'require', organizations: [provinceOrg] })}`,
    '  # Two communes whose e-office still sends the SDK placeholder signature: accepted, never reported as verified.',
    `  - ${flow({ id: 'tuyenquang-xa-eoffice', name: 'Hệ thống quản lý văn bản cấp xã (thử nghiệm)', kind: 'system', signaturePolicy: 'legacy-unsigned', organizations: firstTwoCommunes })}`,
    '',
  ];
  const text = lines.join('\n');
  const check = parseDirectoryFile(text, 'yaml');
  if (!check.ok || check.findings.length > 0)
    throw new Error(`generated file does not parse: ${JSON.stringify(check.findings)}`);
  return text;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
  };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const fixtures = path.resolve(option('--fixtures', path.join(root, 'test', 'fixtures', 'directory')));
  const out = path.resolve(option('--out', path.join(root, 'config', 'directory.example.yaml')));
  const text = await buildExampleDirectory(fixtures);
  await writeFile(out, text);
  process.stdout.write(`wrote ${out} (${text.split('\n').length} lines)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
