// The embedded database is reachable by the hub's own user only (audit point 1): it is served on a
// Unix socket in a 0700 folder, never on a TCP port any local account could connect to.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/index.ts';

/** Inodes of the TCP sockets this process listens on (from /proc: state 0A is LISTEN). */
function listeningTcpInodes(): Set<string> {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && fields[9] !== undefined) listening.add(fields[9]);
    }
  }
  const own = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && listening.has(inode)) own.add(inode);
  }
  return own;
}

/** Runs `code` in a node process as another user; resolves with what it printed. */
function runAs(uid: number, code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], {
      uid,
      gid: uid,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
}

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe('the embedded database socket', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'lienthong-socket-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('opens no TCP port: the socket is a Unix socket in a 0700 folder, published in a 0600 file', async () => {
    const dataDir = path.join(base, 'data');
    const before = listeningTcpInodes();
    const owner = await openDatabase({ dataDir, serveSocket: true });
    try {
      expect(listeningTcpInodes()).toEqual(before);
      const folder = path.join(dataDir, 'run');
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(folder, '.s.PGSQL.5432'))).isSocket()).toBe(true);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(dataDir, 'pgdata'))).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(dataDir, 'hub.socket.json'))).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(path.join(dataDir, 'hub.socket.json'), 'utf8'))).not.toHaveProperty(
        'port',
      );
      // The hub's own CLI still gets in, through the socket.
      const client = await openDatabase({ dataDir });
      expect(client.mode).toBe('embedded-client');
      expect((await client.db.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      await client.close();
    } finally {
      await owner.close();
    }
    expect(existsSync(path.join(dataDir, 'run', '.s.PGSQL.5432'))).toBe(false);
  });

  it('puts the socket in a private temp folder when the data directory path is too long for one', async () => {
    const dataDir = path.join(base, 'a-data-directory-with-a-long-name'.repeat(3), 'data');
    const owner = await openDatabase({ dataDir, serveSocket: true });
    let socketDir = '';
    try {
      socketDir = (
        JSON.parse(await readFile(path.join(dataDir, 'hub.socket.json'), 'utf8')) as { socketDir: string }
      ).socketDir;
      expect(socketDir.startsWith(path.join(os.tmpdir(), 'lienthong-db-'))).toBe(true);
      expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
      const client = await openDatabase({ dataDir });
      await client.close();
    } finally {
      await owner.close();
    }
    expect(existsSync(socketDir)).toBe(false);
  });

  // Another account is needed to show the folder keeps it out; only root can start a process as
  // one (CI runs as root). Without root, the 0700 mode checked above is what keeps others out.
  it.skipIf(!isRoot)(
    'refuses another local account at the socket (EACCES), as root starts it as nobody',
    async () => {
      const dataDir = path.join(base, 'data');
      const owner = await openDatabase({ dataDir, serveSocket: true });
      try {
        const socket = path.join(dataDir, 'run', '.s.PGSQL.5432');
        const answer = await runAs(
          NOBODY,
          `require('node:net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`,
        );
        expect(answer).toBe('EACCES');
        const listing = await runAs(
          NOBODY,
          `try { require('node:fs').readdirSync(${JSON.stringify(path.join(dataDir, 'pgdata'))}); console.log('READ'); } catch (e) { console.log(e.code); }`,
        );
        expect(listing).toBe('EACCES');
      } finally {
        await owner.close();
      }
    },
  );
});
