import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function run(...args: string[]) {
  const c = capture();
  const code = await main(['node', 'lienthong', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

const schema = uniqueSchemaName('lt_cli_dir');
let temp: string;

beforeAll(async () => {
  process.env['DATABASE_URL'] = TEST_DATABASE_URL;
  process.env['LIENTHONG_DB_SCHEMA'] = schema;
  temp = await mkdtemp(path.join(os.tmpdir(), 'lienthong-cli-'));
});
afterAll(async () => {
  await dropSchema(schema);
  await rm(temp, { recursive: true, force: true });
});

describe('lienthong directory (Postgres via DATABASE_URL)', () => {
  it('imports the example directory, then reports nothing changed the second time', async () => {
    const first = await run('directory', 'import', 'config/directory.example.yaml');
    expect(first.code).toBe(0);
    expect(first.out.split('\n')[0]).toBe(
      'config/directory.example.yaml: organizations 158 created, 0 updated, 0 unchanged; nodes 3 created, 0 updated, 0 unchanged',
    );
    expect(first.out).toContain('+ node tuyenquang-eoffice');
    expect(first.out).toContain('> 000.00.00.G22 served by vpcp-eoffice');
    const second = await run('directory', 'import', 'config/directory.example.yaml', '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.out) as { changed: boolean; organizations: { unchanged: number } };
    expect(report.changed).toBe(false);
    expect(report.organizations.unchanged).toBe(158);
  });

  it('imports CSV and reports updates', async () => {
    const file = path.join(temp, 'changes.csv');
    await writeFile(
      file,
      'organ_id,name,level,node_id,valid_to,successor_id,synthetic\n' +
        '000.00.00.G22,"Văn phòng Chính phủ (VPCP)",central,vpcp-eoffice,,,\n' +
        '000.00.00.Q77,Cơ quan thử nghiệm,unit,csv-node,2025-06-30,000.00.00.G22,yes\n',
    );
    const result = await run('directory', 'import', file);
    expect(result.code).toBe(0);
    expect(result.out).toContain('~ organization 000.00.00.G22 (name)');
    expect(result.out).toContain('+ organization 000.00.00.Q77');
    expect(result.out).toContain('+ node csv-node');
  });

  it('refuses an invalid file with its findings and imports nothing (exit 1)', async () => {
    const file = path.join(temp, 'bad.yaml');
    await writeFile(file, 'organizations:\n  - { organId: 000.00.00.A01, name: x, level: town }\n');
    const text = await run('directory', 'import', file);
    expect(text.code).toBe(1);
    expect(text.err).toContain('error DIRECTORY_INVALID');
    expect(text.err).toContain('DIRECTORY_INVALID_FIELD organizations/0/level');
    const json = await run('directory', 'import', file, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      error: {
        code: 'DIRECTORY_INVALID',
        findings: [{ code: 'DIRECTORY_INVALID_FIELD', path: 'organizations/0/level' }],
      },
    });
    const list = await run('directory', 'list', '--json');
    expect(list.out).not.toContain('000.00.00.A01');
  });

  it('answers usage errors with exit 2', async () => {
    expect((await run('directory', 'import', 'directory.txt')).code).toBe(2);
    expect((await run('directory', 'route', '000.00.00.G22', '--at', '1/7/2025')).code).toBe(2);
    expect((await run('directory', 'import')).code).toBe(2);
  });

  it('lists organizations, all or per node', async () => {
    const all = await run('directory', 'list', '--json');
    const { organizations } = JSON.parse(all.out) as {
      organizations: Array<{ organId: string; synthetic: boolean }>;
    };
    expect(organizations.length).toBe(159);
    expect(organizations.find((o) => o.organId === '000.00.00.Z08')?.synthetic).toBe(true);
    const one = await run('directory', 'list', '--node', 'tuyenquang-xa-eoffice');
    expect(one.code).toBe(0);
    expect(one.out).toContain('691.00.01.Z08');
    expect(one.out).toContain('Ủy ban nhân dân phường Hà Giang 2 (synthetic id)');
    expect(one.out).toContain('2 organization(s)');
  });

  it('shows routes on a date, successors included; exit 1 when one is unroutable', async () => {
    const ok = await run('directory', 'route', '000.00.00.Y02', '--at', '2025-07-01', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({
      at: '2025-07-01',
      decisions: [{ kind: 'local', recipientOrganId: '000.00.00.Z08', nodeId: 'tuyenquang-eoffice' }],
    });
    const before = await run('directory', 'route', '000.00.00.Y02', '--at', '2025-06-30', '--json');
    expect(before.code).toBe(1);
    expect(JSON.parse(before.out)).toMatchObject({
      decisions: [{ kind: 'unroutable', code: 'ROUTE_NO_NODE' }],
    });
    const mixed = await run('directory', 'route', '024.00.02.Y02', '000.00.00.G22', '--at', '2025-07-01');
    expect(mixed.code).toBe(1);
    expect(mixed.out).toContain('024.00.02.Y02: unroutable ROUTE_EXPIRED_NO_SUCCESSOR');
    expect(mixed.out).toContain('000.00.00.G22: local → node vpcp-eoffice');
  });
});
