// The "pushable" rule is written once (src/store/delivery-state.ts) and derived from the table of
// transitions; the SQL that cannot import it (migrations: partial indexes, the receipt trigger) is
// checked against it here, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIMABLE_STATES,
  DELIVERY_STATES,
  DELIVERY_TRANSITIONS,
  PUSHABLE_STATES,
  pushableSql,
  RECEIPT_EVENTS,
  REVOCABLE_STATES,
  UNDELIVERED_STATES,
} from '../../src/store/index.ts';
import { openServerTestDatabase, type TestDatabase } from '../support/db.ts';

/** The quoted state names a SQL text mentions, in order of first mention. */
const statesIn = (sql: string) => [
  ...new Set(
    [...sql.matchAll(/'([a-z]+)'(?:::text)?/g)]
      .map((m) => m[1]!)
      .filter((s) => (DELIVERY_STATES as readonly string[]).includes(s)),
  ),
];

describe('delivery states', () => {
  it('derives claimable, pushable and revocable from the transitions', () => {
    const leadingTo = (to: string) =>
      DELIVERY_STATES.filter((s) => DELIVERY_TRANSITIONS[s].includes(to as never));
    expect([...CLAIMABLE_STATES].sort()).toEqual(leadingTo('sending').sort());
    expect([...PUSHABLE_STATES].sort()).toEqual([...leadingTo('sending'), 'sending'].sort());
    expect(UNDELIVERED_STATES).toBe(PUSHABLE_STATES);
    expect([...REVOCABLE_STATES].sort()).toEqual(leadingTo('revoked').sort());
    // Every pushable state can still end delivered; none of the settled ones is pushable.
    for (const s of PUSHABLE_STATES) expect(DELIVERY_TRANSITIONS[s]).toContain('delivered');
    for (const s of RECEIPT_EVENTS) expect(PUSHABLE_STATES).not.toContain(s);
  });

  it('writes the pushable SQL from the constant', () => {
    expect(statesIn(pushableSql('d')).sort()).toEqual([...PUSHABLE_STATES].sort());
  });
});

describe('the SQL of the migrations agrees with the constants', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openServerTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(['deliveries_inbox', 'deliveries_unfinished', 'receipts_unfinished', 'receipts_unfinished_node'])(
    'index %s covers exactly the pushable states',
    async (name) => {
      const { rows } = await database.db.query<{ indexdef: string }>(
        'SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = $2',
        [database.schema, name],
      );
      expect(rows).toHaveLength(1);
      expect(statesIn(rows[0]!.indexdef).sort()).toEqual([...PUSHABLE_STATES].sort());
    },
  );

  it('the receipt trigger fires on exactly the receipt events', async () => {
    const { rows } = await database.db.query<{ src: string }>(
      `SELECT p.prosrc AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = $1 AND p.proname = 'lienthong_delivery_receipt'`,
      [database.schema],
    );
    expect(rows).toHaveLength(1);
    const condition = /NEW\.state IN \(([^)]*)\)/.exec(rows[0]!.src)?.[1] ?? '';
    expect(statesIn(condition).sort()).toEqual([...RECEIPT_EVENTS].sort());
  });
});
