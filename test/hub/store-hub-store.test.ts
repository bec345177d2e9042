// The Postgres-backed HubStore's memory of nodes found by their bearer token: it saves a query on
// every request, and must not keep a revoked token working longer than the snapshot TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreHubStore } from '../../src/hub/store-hub-store.ts';
import { createNode, rotateNodeToken } from '../../src/store/index.ts';
import { openServerTestDatabase, type TestDatabase } from '../support/db.ts';

describe('createStoreHubStore: nodes by token', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openServerTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('remembers a node for the TTL; a rotated token stops working once it has passed', async () => {
    let clock = 1_000_000;
    const store = createStoreHubStore(database.db, { snapshotTtlMs: 1000, now: () => clock });
    const { token } = await createNode(database.db, {
      id: 'cache-a',
      organizations: ['000.00.00.A01'],
      at: new Date(),
      actor: 'test',
    });
    expect(await store.findNodeByToken(token)).toMatchObject({ id: 'cache-a', organIds: ['000.00.00.A01'] });

    const { token: fresh } = await rotateNodeToken(database.db, {
      nodeId: 'cache-a',
      at: new Date(),
      actor: 'test',
    });
    // Within the TTL the remembered node still answers (that is the saving) ...
    clock += 1000;
    expect((await store.findNodeByToken(token))?.id).toBe('cache-a');
    // ... and not a moment after it.
    clock += 1;
    expect(await store.findNodeByToken(token)).toBeNull();
    expect((await store.findNodeByToken(fresh))?.id).toBe('cache-a');
  });

  it('never remembers an unknown token, and forgets everything on invalidate()', async () => {
    const clock = 5_000_000;
    const store = createStoreHubStore(database.db, { snapshotTtlMs: 60_000, now: () => clock });
    expect(await store.findNodeByToken('lt_unknown')).toBeNull();
    const { token } = await createNode(database.db, {
      id: 'cache-b',
      organizations: ['000.00.00.A02'],
      at: new Date(),
      actor: 'test',
    });
    expect((await store.findNodeByToken(token))?.id).toBe('cache-b');
    await rotateNodeToken(database.db, { nodeId: 'cache-b', at: new Date(), actor: 'test' });
    store.invalidate();
    expect(await store.findNodeByToken(token)).toBeNull();
  });
});
