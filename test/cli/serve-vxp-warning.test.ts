// `serve` warns at start about VXP systems that anyone could replay from anywhere: no IP allow-list
// on a hub that does not serve TLS itself (audit point 3; docs/vxp.md, "The replay weakness").
import { afterAll, describe, expect, it } from 'vitest';
import { createNode, enableVxpSystem, openDatabase } from '../../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { spawnServe } from '../support/serve-process.ts';

describe('serve: the VXP exposure warning', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  const hubWith = async (systems: Array<{ id: string; allow: string[] }>) => {
    const schema = uniqueSchemaName('lt_vxp_warn');
    schemas.push(schema);
    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
    const audit = { at: new Date(), actor: 'test' };
    for (const [i, s] of systems.entries()) {
      await createNode(database.db, { id: s.id, organizations: [`000.00.0${i}.H22`], ...audit });
      await enableVxpSystem(database.db, { nodeId: s.id, ipAllowList: s.allow, ...audit });
    }
    await database.close();
    const hub = await spawnServe({ DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema, PORT: '0' });
    const output = hub.output();
    await hub.kill('SIGTERM');
    return output;
  };

  it('names the systems without an allow-list, and only them', async () => {
    const output = await hubWith([
      { id: 'vxp.open', allow: [] },
      { id: 'vxp.fenced', allow: ['10.20.0.0/16'] },
    ]);
    expect(output).toContain('warning: VXP system(s) vxp.open have no IP allow-list and the hub has no TLS');
    expect(output).not.toMatch(/VXP system\(s\)[^\n]*vxp\.fenced/);
  });

  it('says nothing when every system has an allow-list', async () => {
    const output = await hubWith([{ id: 'vxp.fenced', allow: ['203.0.113.10'] }]);
    expect(output).not.toContain('have no IP allow-list');
  });
});
