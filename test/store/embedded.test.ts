import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import { makeTempDataDir } from '../support/db.ts';

// One data directory for the whole file: a fresh PGlite directory runs initdb (seconds); reopening
// it is fast. Each test leaves it closed.
let dataDir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDataDir());
  const first = await openDatabase({ dataDir });
  await first.db.query(`CREATE TABLE IF NOT EXISTS probe (n int)`);
  await first.close();
});
afterAll(async () => {
  await cleanup();
});

describe('embedded data directory ownership', () => {
  it('keeps data across reopen and leaves no lock behind', async () => {
    const a = await openDatabase({ dataDir });
    expect(a.mode).toBe('embedded');
    expect(a.connectionString).toBeNull();
    expect(existsSync(path.join(dataDir, 'hub.lock'))).toBe(true);
    await a.db.query(`INSERT INTO probe VALUES (1)`);
    await a.close();
    expect(existsSync(path.join(dataDir, 'hub.lock'))).toBe(false);
    const b = await openDatabase({ dataDir });
    expect((await b.db.query(`SELECT * FROM probe WHERE n = 1`)).rowCount).toBe(1);
    await b.close();
  });

  it('serves the directory over a socket: a second opener becomes an embedded-client', async () => {
    const owner = await openDatabase({ dataDir, serveSocket: true });
    try {
      expect(owner.mode).toBe('embedded');
      const socket = JSON.parse(await readFile(path.join(dataDir, 'hub.socket.json'), 'utf8')) as {
        socketDir: string;
        pid: number;
      };
      expect(socket).toEqual({ socketDir: path.join(dataDir, 'run'), pid: process.pid });
      expect(owner.connectionString).toBe(
        `postgresql://postgres@localhost:5432/postgres?host=${encodeURIComponent(socket.socketDir)}`,
      );

      const client = await openDatabase({ dataDir });
      expect(client.mode).toBe('embedded-client');
      await client.db.tx(async (tx) => {
        await tx.query(`INSERT INTO probe VALUES (2)`);
      });
      await client.close();
      expect((await owner.db.query(`SELECT * FROM probe WHERE n = 2`)).rowCount).toBe(1);
    } finally {
      await owner.close();
    }
    expect(existsSync(path.join(dataDir, 'hub.socket.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'hub.lock'))).toBe(false);
  });

  it('answers STORE_DATA_DIR_BUSY when the owner does not serve a socket', async () => {
    const owner = await openDatabase({ dataDir });
    try {
      const error = await openDatabase({ dataDir, waitForOwnerMs: 300 }).catch((e: unknown) => e);
      expect(isLienthongError(error, 'STORE_DATA_DIR_BUSY')).toBe(true);
    } finally {
      await owner.close();
    }
  });

  it('answers STORE_DATA_DIR_BUSY when another live process holds the lock', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dataDir, 'hub.lock'), `${holder.pid}\n`);
      const error = await openDatabase({ dataDir, waitForOwnerMs: 300 }).catch((e: unknown) => e);
      expect(isLienthongError(error, 'STORE_DATA_DIR_BUSY')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details['holderPid']).toBe(holder.pid);
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });

  it('takes over a lock and a socket file left by a dead process', async () => {
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(path.join(dataDir, 'hub.lock'), `${dead.pid}\n`);
    await writeFile(
      path.join(dataDir, 'hub.socket.json'),
      JSON.stringify({ socketDir: path.join(dataDir, 'run'), pid: dead.pid }),
    );
    const db = await openDatabase({ dataDir, waitForOwnerMs: 300 });
    try {
      expect(db.mode).toBe('embedded');
      expect((await db.db.query(`SELECT * FROM probe`)).rowCount).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dataDir, 'hub.socket.json'))).toBe(false);
  });
});
