import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';

/**
 * Message bodies kept beside the database instead of in it, by their SHA-256. Embedded Postgres
 * (PGlite, WebAssembly on the hub's own thread) takes a bytea parameter as hex text and keeps the
 * memory it grew: a 64 MB package cost minutes, blocked every other request, and left gigabytes
 * resident (audit #13, point 2). A file costs a write and an fsync. Postgres servers keep bodies
 * in `message_bodies`, where backups and replicas already have them.
 */
export interface BlobStore {
  /** Stores the bytes under their SHA-256 (hex), durably, before the row that names them commits. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under this SHA-256, or null. */
  get(sha256: string): Promise<Buffer | null>;
  /** Removes bytes no row names (an accept that was refused after they were written). */
  remove(sha256: string): Promise<void>;
}

/** Bodies from this size on go to the blob store, when the database has one; smaller ones stay rows. */
export const BLOB_THRESHOLD_BYTES = 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

function checkKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) {
    throw new LienthongError('STORE_INVALID_INPUT', 'a blob key is a lower-case SHA-256 in hex', {
      where: 'store/blob-store',
      details: { field: 'sha256' },
    });
  }
  return sha256;
}

/**
 * Blobs as files `<dir>/<first two hex digits>/<sha256>`, in folders only the hub's user may enter.
 * Written to a temporary name, synced, renamed, and the folder synced: after `put` resolves the
 * file survives a crash, and a reader never sees half of one.
 */
export function fileBlobStore(dir: string): BlobStore {
  const fileOf = (sha256: string) => path.join(dir, checkKey(sha256).slice(0, 2), sha256);
  const sync = async (target: string, flags: string) => {
    const handle = await open(target, flags);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  return {
    async put(sha256, bytes) {
      const file = fileOf(sha256);
      const existing = await stat(file).catch(() => null);
      if (existing?.size === bytes.byteLength) return; // the same bytes, stored before
      const folder = path.dirname(file);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = path.join(folder, `.${sha256}.${randomUUID()}.tmp`);
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
      await sync(folder, 'r');
    },
    async get(sha256) {
      try {
        return await readFile(fileOf(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(sha256) {
      await rm(fileOf(sha256), { force: true });
    },
  };
}

/** The SHA-256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A Db whose handles (and those of its transactions) carry the blob store, so the two functions
 * that write and read message bodies find it wherever the handle goes.
 */
export function withBlobs(db: Db, blobs: BlobStore): Db {
  return {
    blobs,
    query: (sql, params, options) => db.query(sql, params, options),
    tx: (fn) => db.tx((tx) => fn(withBlobs(tx, blobs))),
  };
}
