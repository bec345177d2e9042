// `lienthong node add … --vxp` (in process, on the real Postgres through DATABASE_URL and a unique
// schema): the node and its VXP credentials are created together, the secret is printed once (JSON
// member "vxpSecret"), stored for the HMAC, absent from every event, and authenticates SDK calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/adapters/http/build-http-app.ts';
import { createVxpMount } from '../../src/adapters/vxp/index.ts';
import { codes } from '../../src/errors.ts';
import type { HubService } from '../../src/hub/hub-service.ts';
import { createVxpService } from '../../src/hub/index.ts';
import { type Database, getNode, getVxpSystem, openDatabase } from '../../src/store/index.ts';
import { expectFail, expectOk } from '../adapters/vxp/harness.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { runCli } from '../support/run-cli.ts';
import { VxpSdkClient } from '../support/vxp-sdk-client.ts';

const schema = uniqueSchemaName('lt_vxp_cli');
let database: Database;

const run = runCli;

beforeAll(async () => {
  process.env['DATABASE_URL'] = TEST_DATABASE_URL;
  process.env['LIENTHONG_DB_SCHEMA'] = schema;
  database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
}, 60_000);
afterAll(async () => {
  await database?.close();
  await dropSchema(schema);
});

describe('lienthong node add --vxp', () => {
  it('creates a VXP system and prints its secret once (--json: vxpSecret)', async () => {
    const result = await run(
      'node',
      'add',
      '--id',
      '000.00.00.H22',
      '--org',
      '000.00.00.H22',
      '--signature-policy',
      'legacy-unsigned',
      '--vxp',
      '--vxp-allow-ip',
      '127.0.0.1',
      '--vxp-allow-ip',
      '10.20.0.0/16',
      '--vxp-agency-policy',
      'pending-approval',
      '--json',
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.out) as { id: string; token: string; vxpSecret: string };
    expect(Object.keys(printed)).toEqual(['id', 'token', 'vxpSecret']);
    expect(printed.vxpSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const system = await getVxpSystem(database.db, '000.00.00.H22');
    expect(system).toMatchObject({
      secret: printed.vxpSecret,
      ipAllowList: ['127.0.0.1', '10.20.0.0/16'],
      agencyPolicy: 'pending-approval',
      disabledAt: null,
    });
    const events = await database.db.query<{ text: string }>('SELECT data::text AS text FROM events');
    expect(events.rows.some((e) => e.text.includes(printed.vxpSecret))).toBe(false);

    // The printed secret authenticates the SDK (only the directory and agency calls need no service).
    const app = await buildHttpApp({
      // No HubService behind it: only what the mount and the node API read at start (the limits).
      hub: { limits: { maxPackageBytes: 1024 * 1024 } } as HubService,
      codes,
      maxPackageBytes: 1024 * 1024,
      version: 'test',
      mounts: [
        createVxpMount(
          createVxpService({
            db: database.db,
            service: { limits: { maxPackageBytes: 1024 * 1024 } } as HubService,
          }),
        ),
      ],
    });
    try {
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      const sdk = (secret: string) =>
        new VxpSdkClient({ endpoint: `${origin}/vxp`, systemId: '000.00.00.H22', secret });
      const agencies = expectOk(await sdk(printed.vxpSecret).getSynchronizeUnit());
      expect(agencies['data']).toEqual([
        expect.objectContaining({ code: '000.00.00.H22', centerCode: '000.00.00.H22' }),
      ]);
      expectFail(await sdk(`${printed.vxpSecret}x`).getAgenciesList(), 'VXP_BAD_SIGNATURE', '4');
    } finally {
      await app.close();
    }
  });

  it('prints the secret in text mode; without --vxp there is no VXP system', async () => {
    const text = await run('node', 'add', '--id', 'vxp-text', '--org', '000.00.00.G01', '--vxp');
    expect(text.code).toBe(0);
    const secret = (await getVxpSystem(database.db, 'vxp-text'))?.secret ?? 'missing';
    expect(text.out.split('\n')).toContain(secret);
    const plain = await run('node', 'add', '--id', 'plain', '--org', '000.00.00.G02', '--json');
    expect(Object.keys(JSON.parse(plain.out) as object)).toEqual(['id', 'token']);
    expect(await getVxpSystem(database.db, 'plain')).toBeNull();
  });

  it('answers usage errors with exit 2 and creates nothing', async () => {
    const cases = [
      ['--vxp-allow-ip', '10.0.0.1'],
      ['--vxp', '--vxp-allow-ip', 'not-an-address'],
      ['--vxp', '--vxp-allow-ip', '10.0.0.0/33'],
      ['--vxp', '--vxp-agency-policy', 'always'],
    ];
    for (const extra of cases) {
      expect(
        (await run('node', 'add', '--id', 'bad', '--org', '000.00.00.G03', ...extra)).code,
        extra.join(' '),
      ).toBe(2);
    }
    expect(await getNode(database.db, 'bad')).toBeNull();
  });
});
