import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The two files that say who owns an embedded data directory. PGlite must be opened by exactly one
 * process (two would corrupt it), so the owner holds `hub.lock`; when it serves the directory to
 * other processes it also publishes `hub.socket.json`.
 */
export const LOCK_FILE = 'hub.lock';
export const SOCKET_FILE = 'hub.socket.json';

/**
 * Where another process can reach the owner's PGlite (pglite-socket, Postgres wire protocol): a Unix
 * socket `.s.PGSQL.5432` in `socketDir`, a folder only the hub's own user may enter (0700). No TCP
 * port: any local account could connect to one, and the database holds every secret of the hub.
 */
export interface SocketInfo {
  readonly socketDir: string;
  readonly pid: number;
}

/** The socket's name in its folder: what a Postgres client looks for at `host=<folder>`, port 5432. */
export const SOCKET_NAME = '.s.PGSQL.5432';
export const SOCKET_PORT = 5432;

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The published socket of the owner, or null when there is none or the file is unreadable. */
export async function readSocketFile(dataDir: string): Promise<SocketInfo | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path.join(dataDir, SOCKET_FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { socketDir, pid } = parsed as Record<string, unknown>;
    if (typeof socketDir !== 'string' || !path.isAbsolute(socketDir) || typeof pid !== 'number') return null;
    return { socketDir, pid };
  } catch {
    return null;
  }
}

/** Publishes the socket atomically (write then rename), so a reader never sees half a file. */
export async function writeSocketFile(dataDir: string, info: SocketInfo): Promise<void> {
  const target = path.join(dataDir, SOCKET_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  await rename(temporary, target);
}

/** Removes the socket file if it is still ours. */
export async function removeSocketFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readSocketFile(dataDir);
  if (current === null || current.pid === pid) await rm(path.join(dataDir, SOCKET_FILE), { force: true });
}

/** Result of trying to take the lock. */
export type LockAttempt =
  | { readonly acquired: true }
  | { readonly acquired: false; readonly holderPid: number };

/** Creates `hub.lock` with our pid unless it exists; a lock left by a dead process is taken over. */
export async function tryLock(dataDir: string, isOwnedHere: boolean): Promise<LockAttempt> {
  // The data directory holds the database files and the socket: the hub's user only.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let round = 0; round < 2; round += 1) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { acquired: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holderPid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    // Our own pid in the lock while this process holds nothing means a previous life of this
    // process id (a container restarted as pid 1): stale, like a dead pid.
    const stale = !isProcessAlive(holderPid) || (holderPid === process.pid && !isOwnedHere);
    if (!stale) return { acquired: false, holderPid };
    await rm(lockPath, { force: true });
    await rm(path.join(dataDir, SOCKET_FILE), { force: true });
  }
  return { acquired: false, holderPid: -1 };
}

/** Removes the lock if it is ours. */
export async function unlock(dataDir: string): Promise<void> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const holderPid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
  if (holderPid === process.pid) await rm(lockPath, { force: true });
}
