import { AsyncLocalStorage } from 'node:async_hooks';
import { LienthongError } from '../core/index.ts';
import type { Db, QueryOptions, QueryResult } from './db.ts';

/** Runs one statement on a connection that is already inside a transaction. */
export type Execute = (
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
) => Promise<QueryResult<Record<string, unknown>>>;

interface TxScope {
  open: boolean;
}

/** What a pool adapter asks of its guard: {@link TxGuard}, or {@link UNGUARDED}. */
export interface TransactionGuard {
  assertOutside(): void;
  run<T>(body: (scope: TxScope) => Promise<T>): Promise<T>;
}

/**
 * Guards a root `Db` against the one mistake that hangs embedded Postgres: using the outer handle
 * from code running inside one of its transactions (PGlite serialises everything on one session,
 * so the outer query waits for the transaction, which waits for the query). The same mistake on
 * a pool silently breaks atomicity, so every adapter refuses it the same way.
 *
 * The price: AsyncLocalStorage turns on Node's promise hooks for the whole process, which cost a
 * busy Postgres hub 15-20 % of its CPU (bench/federation). So a production hub on a Postgres server
 * runs {@link UNGUARDED} (LIENTHONG_TX_GUARD unset) and the test suite runs guarded.
 */
export class TxGuard implements TransactionGuard {
  readonly #scopes = new AsyncLocalStorage<TxScope>();

  /** Throws when the caller runs inside an open transaction of this database. */
  assertOutside(): void {
    if (this.#scopes.getStore()?.open) {
      throw new LienthongError(
        'STORE_TX_MISUSE',
        'The outer database handle was used inside a transaction; use the tx passed to the callback.',
        { where: 'store' },
      );
    }
  }

  /** Runs `body` as the inside of a transaction; `scope.open` turns false when it ends. */
  async run<T>(body: (scope: TxScope) => Promise<T>): Promise<T> {
    const scope: TxScope = { open: true };
    try {
      return await this.#scopes.run(scope, () => body(scope));
    } finally {
      scope.open = false;
    }
  }
}

/** No check: the transaction's scope still closes when it ends, so a leaked `tx` is refused. */
export const UNGUARDED: TransactionGuard = {
  assertOutside: () => {},
  run: async (body) => {
    const scope: TxScope = { open: true };
    try {
      return await body(scope);
    } finally {
      scope.open = false;
    }
  },
};

/** The `Db` handed to a transaction callback: statements on its connection, savepoints for nesting. */
export function transactionDb(execute: Execute, scope: TxScope): Db {
  let savepoints = 0;
  const ensureOpen = () => {
    if (!scope.open) {
      throw new LienthongError('STORE_TX_MISUSE', 'The transaction has already ended.', { where: 'store' });
    }
  };
  const tx: Db = {
    query: async <R>(sql: string, params?: readonly unknown[], options?: QueryOptions) => {
      ensureOpen();
      return (await execute(sql, params, options)) as QueryResult<R>;
    },
    tx: async <T>(fn: (inner: Db) => Promise<T>) => {
      ensureOpen();
      savepoints += 1;
      const name = `lt_savepoint_${savepoints}`;
      await execute(`SAVEPOINT ${name}`);
      try {
        const result = await fn(tx);
        await execute(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await execute(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
  return tx;
}
