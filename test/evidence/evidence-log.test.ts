// The evidence log on both backends: events chained in order with the hash of the entry before, the
// database computing the same hash, refusing any change to the log and any entry that does not extend
// it, signed heads, and verify-log finding an entry changed behind the triggers' back.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyDigest, entryHash, GENESIS_HASH, messageDigest } from '../../src/evidence/entry-hash.ts';
import { createEvidenceService, type EvidenceService } from '../../src/evidence/evidence-service.ts';
import { appendEvent, appendEvents, evidenceEntries } from '../../src/store/index.ts';
import { acceptOnePackage, at } from '../store/store-fixtures.ts';
import { TEST_DATABASE_URL, type TestDatabase, testBackends } from '../support/db.ts';

describe.each(testBackends)('the evidence log on $name', ({ open }) => {
  let database: TestDatabase;
  let evidence: EvidenceService;
  beforeAll(async () => {
    database = await open();
    evidence = createEvidenceService({ db: database.db, hubId: 'hub-test', now: () => new Date() });
  });
  afterAll(async () => {
    await database?.close();
  });

  const refusedWith = async (sql: string, params: unknown[], pattern: RegExp) => {
    await expect(database.db.query(sql, params)).rejects.toThrow(pattern);
  };

  it('chains every event in order, each entry with the hash of the one before; the acceptance carries the verdict and the SHA-256', async () => {
    const sent = await acceptOnePackage(database.db);
    await appendEvent(database.db, {
      at: at(5),
      type: 'operator.test',
      actor: 'operator:tester',
      data: { why: 'a test' },
    });
    const added = await evidence.chainUntilNow();
    expect(added).toBeGreaterThanOrEqual(4); // node and organization events of the seed, acceptance, queued, the operator's
    expect(await evidence.chainPending()).toBe(0); // nothing twice

    const entries = await evidenceEntries(database.db, 1n, 1_000_000n);
    expect(entries.length).toBe(added);
    let prev = GENESIS_HASH;
    for (const [i, entry] of entries.entries()) {
      expect(entry.seq).toBe(BigInt(i + 1));
      expect(entry.prevHash.equals(prev)).toBe(true);
      expect(
        entry.hash.equals(
          entryHash(entry.seq, entry.prevHash, messageDigest(entry.messageId), bodyDigest(entry.body)),
        ),
      ).toBe(true);
      prev = entry.hash;
    }
    // The database's own formula gives the same hash (it is what the insert trigger checks).
    const aboutMessage = entries.find((e) => e.messageId === sent.message.id)!;
    const { rows } = await database.db.query<{ hash: Buffer }>(
      'SELECT lienthong_evidence_entry_hash($1, $2, $3, $4) AS hash',
      [aboutMessage.seq.toString(), aboutMessage.prevHash, aboutMessage.messageId, aboutMessage.body],
    );
    expect(Buffer.from(rows[0]!.hash).equals(aboutMessage.hash)).toBe(true);

    type Body = { type: string; message: string | null; data: { sha256?: string; verdict?: unknown } };
    const accepted = entries
      .map((e) => JSON.parse(e.body) as Body)
      .find((b) => b.type === 'message.accepted');
    expect(accepted).toMatchObject({ message: sent.message.id, data: { sha256: sent.message.sha256 } });
    expect(accepted!.data.verdict).toEqual(sent.message.verdict);
    const last = JSON.parse(entries.at(-1)!.body) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'operator.test', actor: 'operator:tester', data: { why: 'a test' } });
  });

  it('chains the events of one transaction in the order of their ids, across 9 999 → 10 000', async () => {
    // Ids that gain a digit inside one transaction: ordered as text, 10000 would come before 9995.
    await database.db.query('ALTER TABLE events ALTER COLUMN id RESTART WITH 9995');
    await appendEvents(
      database.db,
      Array.from({ length: 12 }, (_, i) => ({
        at: at(10),
        type: 'operator.batch',
        actor: 'operator:batch',
        data: { i },
      })),
    );
    await evidence.chainUntilNow();
    const batch = (await evidenceEntries(database.db, 1n, 1_000_000n))
      .map((e) => JSON.parse(e.body) as { type: string; event: string; data: { i: number } })
      .filter((b) => b.type === 'operator.batch');
    expect(batch.map((b) => b.data.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const ids = batch.map((b) => BigInt(b.event));
    expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1)));
  });

  it('refuses an update, a delete or a truncate of the log and of the signed heads', async () => {
    await appendEvent(database.db, { at: at(6), type: 'operator.test', actor: 'operator:tester' });
    const head = await evidence.signHead();
    expect(head).not.toBeNull();
    await refusedWith("UPDATE evidence_log SET body = '{}' WHERE seq = 1", [], /append-only/);
    await refusedWith('DELETE FROM evidence_log WHERE seq = $1', [head!.seq], /append-only/);
    await refusedWith('TRUNCATE evidence_log CASCADE', [], /append-only/);
    await refusedWith("UPDATE evidence_heads SET hub_id = 'other'", [], /append-only/);
    await refusedWith('DELETE FROM evidence_heads', [], /append-only/);
    await refusedWith('TRUNCATE evidence_heads', [], /append-only/);
    // The events the log is made of were append-only already.
    await refusedWith("UPDATE events SET actor = 'someone else'", [], /append-only/);
  });

  it('refuses an entry that does not extend the chain: a gap, another previous hash, a hash not of its content', async () => {
    const [last] = await evidenceEntries(
      database.db,
      BigInt((await evidence.verifyLog()).lastSeq!),
      1_000_000n,
    );
    const event = await appendEvent(database.db, {
      at: at(7),
      type: 'operator.test',
      actor: 'operator:tester',
    });
    const insert = (seq: bigint, prev: Buffer, hash: Buffer, body: string) =>
      database.db.query(
        'INSERT INTO evidence_log (seq, event_id, message_id, prev_hash, hash, body) VALUES ($1, $2, NULL, $3, $4, $5)',
        [seq.toString(), event.id, prev, hash, body],
      );
    const body = '{"forged":true}';
    const seq = last!.seq + 1n;
    await expect(
      insert(
        seq + 1n,
        last!.hash,
        entryHash(seq + 1n, last!.hash, messageDigest(null), bodyDigest(body)),
        body,
      ),
    ).rejects.toThrow(/does not follow/);
    await expect(
      insert(seq, GENESIS_HASH, entryHash(seq, GENESIS_HASH, messageDigest(null), bodyDigest(body)), body),
    ).rejects.toThrow(/hash of the entry before/);
    await expect(
      insert(seq, last!.hash, entryHash(seq, last!.hash, messageDigest(null), bodyDigest('{}')), body),
    ).rejects.toThrow(/not the hash of its content/);
    // The keeper's own entry for that event goes in.
    expect(await evidence.chainUntilNow()).toBe(1);
  });

  it('verify-log checks every entry and signed head, and finds an entry changed behind the triggers', async () => {
    await evidence.signHead();
    const clean = await evidence.verifyLog();
    expect(clean).toMatchObject({ valid: true, code: 'OK', pending: false });
    expect(clean.heads).toBeGreaterThanOrEqual(2);
    // Someone with the database owner's rights switches the triggers off and rewrites an entry.
    await database.db.query('ALTER TABLE evidence_log DISABLE TRIGGER USER');
    await database.db.query(
      `UPDATE evidence_log SET body = replace(body, 'operator:tester', 'operator:nobody') WHERE body LIKE '%operator:tester%'`,
    );
    await database.db.query('ALTER TABLE evidence_log ENABLE TRIGGER USER');
    const broken = await evidence.verifyLog();
    expect(broken).toMatchObject({ valid: false, code: 'EVIDENCE_LOG_BROKEN' });
    expect(broken.reason).toMatch(/^entry \d+ does not hash to its recorded hash/);
  });

  it('verify-log finds an entry rewritten with a hash made to fit, past the last signed head', async () => {
    const database2 = await open();
    try {
      const log = createEvidenceService({ db: database2.db, hubId: 'hub-test', now: () => new Date() });
      await appendEvent(database2.db, { at: at(11), type: 'operator.test', actor: 'operator:honest' });
      await log.chainUntilNow();
      expect(await log.verifyLog()).toMatchObject({ valid: true });
      const [last] = await evidenceEntries(
        database2.db,
        BigInt((await log.verifyLog()).lastSeq!),
        1_000_000n,
      );
      const body = last!.body.replace('operator:honest', 'operator:forger');
      const hash = entryHash(last!.seq, last!.prevHash, messageDigest(last!.messageId), bodyDigest(body));
      await database2.db.query('ALTER TABLE evidence_log DISABLE TRIGGER USER');
      await database2.db.query('UPDATE evidence_log SET body = $1, hash = $2 WHERE seq = $3', [
        body,
        hash,
        last!.seq.toString(),
      ]);
      await database2.db.query('ALTER TABLE evidence_log ENABLE TRIGGER USER');
      expect(await log.verifyLog()).toMatchObject({
        valid: false,
        reason: `entry ${last!.seq} does not say what event ${last!.eventId} says`,
      });
    } finally {
      await database2.close();
    }
  });
});

// Two connections at once: the server only (embedded Postgres serves one session).
describe('the evidence log under concurrent writers (postgres)', () => {
  it('chains an event of a transaction still running once it commits, not skipped behind later ones', async () => {
    const { openServerTestDatabase } = await import('../support/db.ts');
    const database = await openServerTestDatabase();
    const evidence = createEvidenceService({ db: database.db, hubId: 'hub-a', now: () => new Date() });
    {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`SET search_path TO "${database.schema}"`);
        await client.query('BEGIN');
        await client.query(
          "INSERT INTO events (at, type, actor) VALUES (now(), 'operator.slow', 'operator:slow')",
        );
        await appendEvent(database.db, { at: at(8), type: 'operator.fast', actor: 'operator:fast' });
        await evidence.chainPending();
        const types = async () =>
          (await evidenceEntries(database.db, 1n, 1_000_000n)).map(
            (e) => (JSON.parse(e.body) as { type: string }).type,
          );
        // The running transaction holds back what came after it: the fast event waits too.
        expect(await types()).not.toContain('operator.fast');
        await client.query('COMMIT');
        await evidence.chainUntilNow();
        const after = await types();
        expect(after.slice(-2)).toEqual(['operator.slow', 'operator.fast']);
      } finally {
        await client.end();
      }
    }
    await database.close();
  });

  it('gives every event exactly one entry when events are written while two keepers chain', async () => {
    const { openServerTestDatabase } = await import('../support/db.ts');
    const database = await openServerTestDatabase({ poolSize: 8 });
    try {
      const keepers = [0, 1].map(() =>
        createEvidenceService({ db: database.db, hubId: 'hub-a', now: () => new Date() }),
      );
      let writing = true;
      const chaining = keepers.map(async (k) => {
        while (writing) await k.chainPending();
      });
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 25; i += 1)
            await appendEvent(database.db, {
              at: new Date(),
              type: 'operator.test',
              actor: `operator:w${w}`,
              data: { i, id: randomUUID() },
            });
        }),
      );
      writing = false;
      await Promise.all(chaining);
      await keepers[0]!.chainUntilNow();
      const { rows } = await database.db.query<{ events: string; entries: string; distinct_events: string }>(
        `SELECT (SELECT count(*) FROM events) AS events, count(*) AS entries, count(DISTINCT event_id) AS distinct_events FROM evidence_log`,
      );
      expect(rows[0]!.entries).toBe(rows[0]!.events);
      expect(rows[0]!.distinct_events).toBe(rows[0]!.events);
      expect(await keepers[1]!.verifyLog()).toMatchObject({ valid: true, entries: Number(rows[0]!.events) });
    } finally {
      await database.close();
    }
  }, 60_000);
});
