import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/store/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';

// The guarded behaviour is the db contract (test/contracts); this file covers the production switch.
describe('LIENTHONG_TX_GUARD', () => {
  const schema = uniqueSchemaName();
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, txGuard: false });
  });
  afterAll(async () => {
    await database.close();
    await dropSchema(schema);
  });

  it('is off unless set, on with 1', () => {
    expect(loadConfig({}).txGuard).toBe(false);
    expect(loadConfig({ LIENTHONG_TX_GUARD: '1' }).txGuard).toBe(true);
  });

  it('unguarded, the outer handle inside a transaction runs on another connection', async () => {
    const seen = await database.db.tx(
      async () => (await database.db.query<{ one: number }>('SELECT 1 AS one')).rows,
    );
    expect(seen).toEqual([{ one: 1 }]);
  });

  it('unguarded, a transaction handle used after its end is still refused', async () => {
    let leaked: Database['db'] | undefined;
    await database.db.tx(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toMatchObject({ code: 'STORE_TX_MISUSE' });
  });
});
