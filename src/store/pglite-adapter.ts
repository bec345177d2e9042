import type { PGlite, Results } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.ts';
import { TxGuard, transactionDb } from './session.ts';

const OID_BYTEA = 17;
const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

/**
 * PGlite's own parsers differ from pg's (int8 as BigInt or number, bytea as Uint8Array, date as
 * Date); these make embedded rows look exactly like server rows.
 */
export const pgliteParsers = {
  [OID_INT8]: (value: string) => value,
  [OID_NUMERIC]: (value: string) => value,
  [OID_DATE]: (value: string) => value,
  // Text format of bytea is '\x' followed by hex digits.
  [OID_BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
};

function normalise(result: Results): QueryResult<Record<string, unknown>> {
  const rows = result.rows as Record<string, unknown>[];
  return { rows, rowCount: rows.length > 0 ? rows.length : (result.affectedRows ?? 0) };
}

/** The `Db` port directly over a PGlite instance that only this process uses. */
export function pgliteDb(pglite: PGlite): Db {
  const guard = new TxGuard();
  return {
    query: async <R>(sql: string, params?: readonly unknown[]) => {
      guard.assertOutside();
      return normalise(await pglite.query(sql, params ? [...params] : undefined)) as QueryResult<R>;
    },
    tx: async <T>(fn: (tx: Db) => Promise<T>) => {
      guard.assertOutside();
      return pglite.transaction((pgTx) =>
        guard.run((scope) =>
          fn(
            transactionDb(
              async (sql, params) => normalise(await pgTx.query(sql, params ? [...params] : undefined)),
              scope,
            ),
          ),
        ),
      );
    },
  };
}

/**
 * The minimal pg.Client shape node-pg-migrate uses (`query(text, values)`), over PGlite. Without
 * values the text may hold several statements (a whole SQL migration), which PGlite only runs
 * through `exec`.
 */
export function pgliteMigrationClient(pglite: PGlite): {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
} {
  return {
    query: async (text, values) => {
      if (values && values.length > 0) return normalise(await pglite.query(text, values));
      const results = await pglite.exec(text);
      const last = results.at(-1);
      return last ? normalise(last) : { rows: [], rowCount: 0 };
    },
  };
}
