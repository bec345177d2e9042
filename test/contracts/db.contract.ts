import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import type { Database, Db } from '../../src/store/index.ts';
import { MIGRATIONS_DIR, SQLSTATE, sqlState } from '../../src/store/index.ts';

/** What a backend provides to the contract. */
export interface DbContractOptions {
  readonly name: string;
  /** A fresh, migrated database; the contract closes it. */
  readonly create: () => Promise<Database>;
}

let tableCounter = 0;

async function freshTable(db: Db, columns: string): Promise<string> {
  tableCounter += 1;
  const name = `contract_${tableCounter}_${randomBytes(3).toString('hex')}`;
  await db.query(`CREATE TABLE ${name} (${columns})`);
  return name;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isLienthongError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

/**
 * The behaviour every `Db` adapter must show (pg.Pool on a server, PGlite direct, PGlite through
 * pglite-socket). Repositories rely on exactly these properties and nothing else.
 */
export function runDbContract({ name, create }: DbContractOptions): void {
  describe(`Db contract: ${name}`, () => {
    let database: Database;
    let db: Db;

    beforeAll(async () => {
      database = await create();
      db = database.db;
    });
    afterAll(async () => {
      await database?.close();
    });

    it('has applied every migration', async () => {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
      // Every migration file, in order (several areas add their own numbered files).
      const files = readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith('.sql'))
        .map((f) => f.replace(/\.sql$/, ''))
        .sort();
      expect(files).toEqual(
        expect.arrayContaining(['0001_directory', '0002_messages', '0005_delivery_engine']),
      );
      expect(rows.map((r) => r.name)).toEqual(files);
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['organizations', 'nodes', 'messages', 'deliveries', 'events', 'outbox']),
      );
    });

    it('returns int8 and numeric as string, bytea as Buffer, date as YYYY-MM-DD, timestamptz as Date', async () => {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS num, '\\x00ff10'::bytea AS bin,
                DATE '2025-06-30' AS day, TIMESTAMPTZ '2025-07-01T00:00:00+07:00' AS at,
                '{"a":[1,"x"]}'::jsonb AS doc, 7::int4 AS small, true AS flag,
                ARRAY['a','b']::text[] AS list, NULL::text AS nothing`,
      );
      const row = rows[0]!;
      expect(row['big']).toBe('9007199254740993');
      expect(row['num']).toBe('12.50');
      expect(Buffer.isBuffer(row['bin'])).toBe(true);
      expect((row['bin'] as Buffer).toString('hex')).toBe('00ff10');
      expect(row['day']).toBe('2025-06-30');
      expect(row['at']).toBeInstanceOf(Date);
      expect((row['at'] as Date).toISOString()).toBe('2025-06-30T17:00:00.000Z');
      expect(row['doc']).toEqual({ a: [1, 'x'] });
      expect(row['small']).toBe(7);
      expect(row['flag']).toBe(true);
      expect(row['list']).toEqual(['a', 'b']);
      expect(row['nothing']).toBeNull();
    });

    it('round-trips parameters: bytes exactly, dates, JSON text, arrays, nulls', async () => {
      const table = await freshTable(
        db,
        'id uuid PRIMARY KEY, b bytea, t timestamptz, j jsonb, a text[], n text',
      );
      const bytes = randomBytes(256 * 1024);
      const id = randomUUID();
      const at = new Date('2026-01-02T03:04:05.678Z');
      await db.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        bytes,
        at,
        JSON.stringify([{ k: 'ư' }]),
        ['x', 'y'],
        null,
      ]);
      const { rows } = await db.query<{ id: string; b: Buffer; t: Date; j: unknown; a: string[]; n: null }>(
        `SELECT * FROM ${table} WHERE id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toBe(id);
      expect(Buffer.compare(rows[0]!.b, bytes)).toBe(0);
      expect(rows[0]!.t.getTime()).toBe(at.getTime());
      expect(rows[0]!.j).toEqual([{ k: 'ư' }]);
      expect(rows[0]!.a).toEqual(['x', 'y']);
      expect(rows[0]!.n).toBeNull();
    });

    it('reports rowCount for SELECT, INSERT, UPDATE and DELETE', async () => {
      const table = await freshTable(db, 'n int');
      expect((await db.query(`INSERT INTO ${table} SELECT generate_series(1, 5)`)).rowCount).toBe(5);
      expect((await db.query(`UPDATE ${table} SET n = n + 1 WHERE n > 2`)).rowCount).toBe(3);
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(5);
      expect((await db.query(`DELETE FROM ${table} WHERE n = 6`)).rowCount).toBe(1);
      expect((await db.query(`UPDATE ${table} SET n = 0 WHERE n > 100`)).rowCount).toBe(0);
    });

    it('commits a transaction and returns its value', async () => {
      const table = await freshTable(db, 'n int');
      const value = await db.tx(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1), (2)`);
        return 'done';
      });
      expect(value).toBe('done');
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(2);
    });

    it('rolls a transaction back when the callback throws, and rethrows the same error', async () => {
      const table = await freshTable(db, 'n int');
      const boom = new Error('boom');
      await expect(
        db.tx(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(0);
    });

    it('rolls back a failed statement with its transaction, and the session stays usable', async () => {
      const table = await freshTable(db, 'n int PRIMARY KEY');
      const error = await db
        .tx(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
        })
        .catch((e: unknown) => e);
      expect(sqlState(error)).toBe(SQLSTATE.uniqueViolation);
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(0);
      await db.query(`INSERT INTO ${table} VALUES (2)`);
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(1);
    });

    it('nests with savepoints: an inner failure undoes only the inner part', async () => {
      const table = await freshTable(db, 'n int PRIMARY KEY');
      await db.tx(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
        const inner = await tx
          .tx(async (nested) => {
            await nested.query(`INSERT INTO ${table} VALUES (2)`);
            await nested.query(`INSERT INTO ${table} VALUES (1)`);
          })
          .catch((e: unknown) => e);
        expect(sqlState(inner)).toBe(SQLSTATE.uniqueViolation);
        await tx.tx(async (nested) => {
          await nested.query(`INSERT INTO ${table} VALUES (3)`);
        });
      });
      const { rows } = await db.query<{ n: number }>(`SELECT n FROM ${table} ORDER BY n`);
      expect(rows.map((r) => r.n)).toEqual([1, 3]);
    });

    it('refuses the outer handle inside a transaction (STORE_TX_MISUSE) instead of hanging', async () => {
      const table = await freshTable(db, 'n int');
      await expectCode(
        db.tx(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          await db.query(`SELECT 1`);
        }),
        'STORE_TX_MISUSE',
      );
      await expectCode(
        db.tx(async () => db.tx(async () => 1)),
        'STORE_TX_MISUSE',
      );
      expect((await db.query(`SELECT * FROM ${table}`)).rowCount).toBe(0);
    });

    it('refuses a transaction handle used after its transaction ended', async () => {
      let leaked: Db | undefined;
      await db.tx(async (tx) => {
        leaked = tx;
      });
      await expectCode(leaked!.query('SELECT 1'), 'STORE_TX_MISUSE');
    });

    it('keeps concurrent transactions whole (no lost update)', async () => {
      const table = await freshTable(db, 'id int PRIMARY KEY, n int NOT NULL');
      await db.query(`INSERT INTO ${table} VALUES (1, 0)`);
      await Promise.all(
        Array.from({ length: 10 }, () =>
          db.tx(async (tx) => {
            const { rows } = await tx.query<{ n: number }>(`SELECT n FROM ${table} WHERE id = 1 FOR UPDATE`);
            await tx.query(`UPDATE ${table} SET n = $1 WHERE id = 1`, [rows[0]!.n + 1]);
          }),
        ),
      );
      const { rows } = await db.query<{ n: number }>(`SELECT n FROM ${table} WHERE id = 1`);
      expect(rows[0]!.n).toBe(10);
    });

    it('surfaces SQLSTATE codes on errors outside transactions too', async () => {
      const table = await freshTable(db, 'n int PRIMARY KEY');
      await db.query(`INSERT INTO ${table} VALUES (1)`);
      const error = await db.query(`INSERT INTO ${table} VALUES (1)`).catch((e: unknown) => e);
      expect(sqlState(error)).toBe(SQLSTATE.uniqueViolation);
    });

    it('keeps the event log append-only', async () => {
      await db.query(`INSERT INTO events (at, type, actor) VALUES (now(), 'contract.test', 'test')`);
      const update = await db.query(`UPDATE events SET actor = 'someone else'`).catch((e: unknown) => e);
      expect(sqlState(update)).toBe(SQLSTATE.restrictViolation);
      const remove = await db.query(`DELETE FROM events`).catch((e: unknown) => e);
      expect(sqlState(remove)).toBe(SQLSTATE.restrictViolation);
      expect((await db.query(`SELECT * FROM events WHERE type = 'contract.test'`)).rowCount).toBe(1);
    });
  });
}
