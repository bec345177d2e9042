import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `<data dir>/run/hub.json` (mode 0600): the URL a running `lienthong serve` listens on and its pid,
 * so that `lienthong queues` finds the hub on this machine without --url. Written after listen,
 * removed on shutdown; a file whose pid is gone is ignored.
 */
export interface HubUrlFile {
  readonly url: string;
  readonly pid: number;
}

/** The data directory as config.ts resolves it (LIENTHONG_DATA_DIR, default ./data). */
export function dataDirOf(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, env['LIENTHONG_DATA_DIR'] || 'data');
}

export function hubUrlFilePath(dataDir: string): string {
  return path.join(dataDir, 'run', 'hub.json');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function writeHubUrlFile(dataDir: string, url: string, pid = process.pid): Promise<void> {
  const file = hubUrlFilePath(dataDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ url, pid } satisfies HubUrlFile)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** The URL of the hub serving from `dataDir`, or null (no file, unreadable, or its process gone). */
export async function readHubUrlFile(dataDir: string): Promise<HubUrlFile | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(hubUrlFilePath(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const { url, pid } = (parsed ?? {}) as Partial<Record<keyof HubUrlFile, unknown>>;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  return { url, pid };
}

/** Removes the file if it is this process's (another hub may have started since). */
export async function removeHubUrlFile(dataDir: string, pid = process.pid): Promise<void> {
  let current: unknown;
  try {
    current = JSON.parse(await readFile(hubUrlFilePath(dataDir), 'utf8'));
  } catch {
    return;
  }
  if ((current as { pid?: unknown } | null)?.pid === pid) await rm(hubUrlFilePath(dataDir), { force: true });
}
