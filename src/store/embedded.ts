import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type pg from 'pg';
import { LienthongError } from '../core/index.ts';
import { fileBlobStore, withBlobs } from './blob-store.ts';
import type { Database, Db } from './db.ts';
import {
  isProcessAlive,
  readSocketFile,
  removeSocketFile,
  SOCKET_NAME,
  SOCKET_PORT,
  type SocketInfo,
  tryLock,
  unlock,
  writeSocketFile,
} from './embedded-files.ts';
import { applyMigrations } from './migrate.ts';
import { createPool, poolDb } from './pg-adapter.ts';
import { pgliteDb, pgliteParsers } from './pglite-adapter.ts';

/** Options of {@link openEmbedded}. */
export interface EmbeddedOptions {
  /** Absolute data directory, or ':memory:'. */
  readonly dataDir: string;
  readonly migrate: boolean;
  readonly serveSocket: boolean;
  readonly waitForOwnerMs: number;
}

/** Data directories this process owns, and whether it serves them over a socket. */
const ownedHere = new Map<string, { serving: boolean }>();

/** Longest Unix socket path (sun_path is 108 bytes on Linux, with its terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * Connections a process opens to the socket. pglite-socket queues each protocol message on its
 * own (it keeps one connection's messages together only inside an explicit transaction), so two
 * connections running parameterised statements at once can interleave Parse and Bind ("unnamed
 * prepared statement does not exist", or a statement bound to the other's parameters). One
 * connection per process keeps this process's statements whole; PGlite runs one statement at a
 * time anyway. Two processes (the hub and a CLI command) can still meet: keep CLI use light.
 */
const SOCKET_POOL_SIZE = 1;

/**
 * Opens embedded Postgres. If another process (or this one) already owns the data directory and
 * serves it, connects to that as a pg client (`embedded-client`); otherwise takes the lock and
 * opens PGlite itself (`embedded`).
 *
 * When serving, this process reaches its own PGlite through the socket as well. A direct PGlite
 * handle next to the socket server is unsafe: pglite-socket takes only PGlite's per-query lock, so
 * its clients' statements would run inside an open transaction of the direct handle (and the
 * other way round) — PGlite has one session. Through the socket every connection's transaction is
 * kept whole. Measured (docs/benchmarks/store.md): single INSERTs cost about 1.6x through the
 * socket, the store's real operations (insertAcceptedMessage, inbox, snapshot) about the same.
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Database> {
  if (options.dataDir === ':memory:') return own(null, options);
  const dataDir = path.resolve(options.dataDir);
  const deadline = Date.now() + options.waitForOwnerMs;
  for (;;) {
    const socket = await readSocketFile(dataDir);
    if (socket && isProcessAlive(socket.pid) && (socket.pid !== process.pid || ownedHere.has(dataDir))) {
      return connectClient(dataDir, socket);
    }
    if (ownedHere.has(dataDir)) throw busy(dataDir, process.pid);
    const lock = await tryLock(dataDir, false);
    if (lock.acquired) {
      try {
        return await own(dataDir, options);
      } catch (error) {
        await unlock(dataDir);
        throw error;
      }
    }
    // The holder may still be starting (initdb takes seconds) and publish its socket shortly.
    if (Date.now() >= deadline) throw busy(dataDir, lock.holderPid);
    await sleep(200);
  }
}

/**
 * The database handle with large message bodies kept as files in `<dataDir>/blobs` (blob-store.ts):
 * PGlite must not carry them. In memory (tests) they stay rows.
 */
function beside(dataDir: string | null, db: Db): Db {
  return dataDir === null ? db : withBlobs(db, fileBlobStore(path.join(dataDir, 'blobs')));
}

function busy(dataDir: string, holderPid: number): LienthongError {
  return new LienthongError(
    'STORE_DATA_DIR_BUSY',
    'Another process holds the embedded data directory and does not serve it.',
    { where: 'store/embedded', details: { dataDir, holderPid } },
  );
}

async function connectClient(dataDir: string, socket: SocketInfo): Promise<Database> {
  const connectionString = socketConnectionString(socket.socketDir);
  // One connection: see SOCKET_POOL_SIZE.
  const pool = createPool({ connectionString, max: SOCKET_POOL_SIZE });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new LienthongError(
      'STORE_DATA_DIR_BUSY',
      'The process that holds the embedded data directory does not answer on its socket.',
      {
        where: 'store/embedded',
        details: { dataDir, holderPid: socket.pid, socketDir: socket.socketDir },
        cause: error,
      },
    );
  }
  return {
    db: beside(dataDir, poolDb(pool)),
    mode: 'embedded-client',
    connectionString,
    schema: 'public',
    dataDir,
    close: async () => {
      await pool.end();
    },
  };
}

/** node-postgres reaches a Unix socket through `host=<folder>`: `<folder>/.s.PGSQL.<port>`. */
function socketConnectionString(socketDir: string): string {
  return `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
}

/**
 * The folder of the socket: `<dataDir>/run`, or a new folder under the system's temp folder when
 * that path would be too long for a Unix socket (or there is no data directory). Either way it is
 * 0700: another local account can neither connect to the socket nor see it.
 */
async function socketFolder(dataDir: string | null): Promise<{ dir: string; temporary: boolean }> {
  if (dataDir !== null) {
    const dir = path.join(dataDir, 'run');
    if (Buffer.byteLength(path.join(dir, SOCKET_NAME)) <= MAX_SOCKET_PATH) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      return { dir, temporary: false };
    }
  }
  return { dir: await mkdtemp(path.join(os.tmpdir(), 'lienthong-db-')), temporary: true };
}

async function own(dataDir: string | null, options: EmbeddedOptions): Promise<Database> {
  const pglite = await PGlite.create(dataDir === null ? 'memory://' : path.join(dataDir, 'pgdata'), {
    parsers: pgliteParsers,
  });
  try {
    // The database files hold every secret of the hub (VXP and webhook secrets): its user only,
    // also when the data directory was made by someone else with a wider mode.
    if (dataDir !== null) await chmod(path.join(dataDir, 'pgdata'), 0o700);
    if (options.migrate) await applyMigrations({ kind: 'pglite', pglite });
  } catch (error) {
    await pglite.close().catch(() => {});
    throw error;
  }
  if (dataDir !== null) ownedHere.set(dataDir, { serving: options.serveSocket });
  const release = async () => {
    await pglite.close();
    if (dataDir !== null) {
      ownedHere.delete(dataDir);
      await unlock(dataDir);
    }
  };
  if (!options.serveSocket) {
    return {
      db: beside(dataDir, pgliteDb(pglite)),
      mode: 'embedded',
      connectionString: null,
      schema: 'public',
      dataDir,
      close: release,
    };
  }
  const folder = await socketFolder(dataDir);
  const socketPath = path.join(folder.dir, SOCKET_NAME);
  // We hold the lock: a socket file here was left by a process that died.
  await rm(socketPath, { force: true });
  const server = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 64 });
  const removeFolder = async () => {
    if (folder.temporary) await rm(folder.dir, { recursive: true, force: true });
    else await rm(socketPath, { force: true });
  };
  let pool: pg.Pool | null = null;
  try {
    await server.start();
    const connectionString = socketConnectionString(folder.dir);
    pool = createPool({ connectionString, max: SOCKET_POOL_SIZE });
    if (dataDir !== null) await writeSocketFile(dataDir, { socketDir: folder.dir, pid: process.pid });
    const ownPool = pool;
    return {
      db: beside(dataDir, poolDb(ownPool)),
      mode: 'embedded',
      connectionString,
      schema: 'public',
      dataDir,
      close: async () => {
        if (dataDir !== null) await removeSocketFile(dataDir);
        await ownPool.end();
        await server.stop();
        await removeFolder();
        await release();
      },
    };
  } catch (error) {
    await pool?.end().catch(() => {});
    await server.stop().catch(() => {});
    await removeFolder().catch(() => {});
    await release().catch(() => {});
    throw error;
  }
}
