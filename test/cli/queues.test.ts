// `lienthong queues` finds the running hub through <data dir>/run/hub.json (src/cli/hub-url-file.ts),
// which `lienthong serve` writes after listen and removes on shutdown.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hubUrlFilePath,
  readHubUrlFile,
  removeHubUrlFile,
  writeHubUrlFile,
} from '../../src/cli/hub-url-file.ts';
import { main } from '../../src/cli/main.ts';

const TOKEN = 'a-token-of-sixteen-chars';
const report = {
  queues: [],
  deliveries: { queued: 1, sending: 0, retrying: 0, failed: 0 },
  outboxPending: 0,
  pausedNodes: [],
};

let temp: string;
let server: Server;
let hubUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'lienthong-queues-'));
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(report));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(temp, { recursive: true, force: true });
});

async function run(env: NodeJS.ProcessEnv, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'lienthong', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('run/hub.json', () => {
  it('is written 0600 with the url and pid, read while the pid lives, removed by its own process', async () => {
    const dataDir = path.join(temp, 'file');
    await writeHubUrlFile(dataDir, 'http://127.0.0.1:18080');
    const file = hubUrlFilePath(dataDir);
    expect(file).toBe(path.join(dataDir, 'run', 'hub.json'));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      url: 'http://127.0.0.1:18080',
      pid: process.pid,
    });
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readHubUrlFile(dataDir)).toEqual({ url: 'http://127.0.0.1:18080', pid: process.pid });
    // Another process's file is left alone.
    await removeHubUrlFile(dataDir, process.pid + 1);
    expect(await readHubUrlFile(dataDir)).not.toBeNull();
    await removeHubUrlFile(dataDir);
    expect(await readHubUrlFile(dataDir)).toBeNull();
  });

  it('is ignored when its process is gone or it is not a hub URL', async () => {
    const dataDir = path.join(temp, 'stale');
    await writeHubUrlFile(dataDir, 'http://127.0.0.1:18080', 2 ** 22 + 12_345);
    expect(await readHubUrlFile(dataDir)).toBeNull();
    await writeFile(hubUrlFilePath(dataDir), JSON.stringify({ url: 'file:///etc', pid: process.pid }));
    expect(await readHubUrlFile(dataDir)).toBeNull();
    await writeFile(hubUrlFilePath(dataDir), 'not json');
    expect(await readHubUrlFile(dataDir)).toBeNull();
  });
});

describe('lienthong queues', () => {
  it('asks the hub named in <data dir>/run/hub.json when no --url or LIENTHONG_URL is given', async () => {
    const dataDir = path.join(temp, 'serving');
    await writeHubUrlFile(dataDir, hubUrl);
    seen.length = 0;
    const result = await run(
      { LIENTHONG_DATA_DIR: dataDir, LIENTHONG_OPERATOR_TOKEN: TOKEN, PORT: '9' },
      'queues',
      '--json',
    );
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toEqual(report);
    expect(seen).toEqual([`/ops/queues Bearer ${TOKEN}`]);
  });

  it('prefers --url and LIENTHONG_URL to the file, and falls back to PORT without a live hub', async () => {
    const dataDir = path.join(temp, 'serving');
    await writeHubUrlFile(dataDir, 'http://127.0.0.1:9');
    const env = { LIENTHONG_DATA_DIR: dataDir, LIENTHONG_OPERATOR_TOKEN: TOKEN };
    expect((await run({ ...env, LIENTHONG_URL: hubUrl }, 'queues', '--json')).code).toBe(0);
    expect((await run(env, 'queues', '--json', '--url', hubUrl)).code).toBe(0);
    // The hub that wrote the file is gone: PORT decides.
    await writeHubUrlFile(dataDir, 'http://127.0.0.1:9', 2 ** 22 + 12_345);
    const port = new URL(hubUrl).port;
    expect((await run({ ...env, PORT: port }, 'queues', '--json')).code).toBe(0);
    const away = await run({ ...env, PORT: '9' }, 'queues');
    expect(away.code).toBe(1);
    expect(away.err).toBe('error UNAVAILABLE: no hub answers at http://127.0.0.1:9/ops/queues\n');
  });

  it('needs the operator token (a usage mistake)', async () => {
    const result = await run({ LIENTHONG_DATA_DIR: temp }, 'queues');
    expect(result.code).toBe(2);
    expect(result.err).toBe("error USAGE: set LIENTHONG_OPERATOR_TOKEN to the hub's operator token\n");
  });
});
