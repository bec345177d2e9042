// What the examples/ tests share: a real hub in-process (Postgres + Redis, its own schema and
// queue prefix) listening on a free port, external toolchains that must be present (never skipped
// silently), and child processes whose stdout is read line by line.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createNode } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { acceptPackages, addEngineNode, REDIS_URL } from '../support/engine-harness.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** Fails (never skips) when a toolchain the test needs is missing, saying how CI installs it. */
export function requireTool(command: string, versionArgs: readonly string[], install: string): string {
  const run = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(
      `${command} is required by this test and was not found or failed (${run.error?.message ?? run.stderr}). Install it: ${install}`,
    );
  }
  return `${run.stdout}${run.stderr}`.trim().split('\n')[0] ?? '';
}

/** Runs a command to its end; rejects with its output when it exits non-zero. */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ out: string; err: string; code: number; signal?: NodeJS.Signals }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A child killed by a signal (the timeout's SIGKILL among them) says which, so a hang reads as one.
      resolve(signal === null ? { out, err, code: code ?? -1 } : { out, err, code: code ?? -1, signal });
    });
  });
}

/** A long-running child whose stdout lines are collected. */
export interface LineProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: () => string;
  /** Resolves with the first line (already printed or to come) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string>;
  stop(): Promise<void>;
}

export function startLineProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): LineProcess {
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.map((l) => l.replace(/\r$/, '')));
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    stderr: () => err,
    waitForLine(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (child.exitCode !== null) {
            done();
            reject(new Error(`${command} exited (${child.exitCode}) before ${what}: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; stdout: ${lines.join(' | ')}; stderr: ${err}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        child.once('exit', check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** A real hub (Postgres + Redis) in this process, listening on 127.0.0.1 at a free port. */
export interface ExampleHub {
  readonly hub: Hub;
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startExampleHub(prefix: string): Promise<ExampleHub> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `lienthong-${prefix}-`));
  const schema = uniqueSchemaName(`lt_${prefix}`);
  let hub: Hub | null = null;
  try {
    hub = await createHub(
      loadConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL,
        LIENTHONG_QUEUE_PREFIX: `lt-${prefix}-${randomBytes(4).toString('hex')}`,
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_VERIFY_THREADS: '1',
        LIENTHONG_RELAY_INTERVAL_MS: '50',
      }),
      { logger: pino({ level: 'silent' }), loadExampleDirectory: false, schema },
    );
    const url = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const started = hub;
    return {
      hub: started,
      url,
      dir,
      async close() {
        await started.close();
        await dropSchema(schema);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await hub?.close().catch(() => {});
    await dropSchema(schema).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A real push from the hub, caught by a plain receiver before any verifier sees it. */
export interface CapturedPush {
  readonly messageId: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Accepts one package for a webhook node whose receiver only records the first push; returns that push. */
export async function capturePush(
  hub: Hub,
  options: { readonly role: string; readonly secret: string },
): Promise<CapturedPush> {
  let captured: { headers: IncomingHttpHeaders; body: Buffer } | null = null;
  const capture = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured ??= { headers: req.headers, body: Buffer.concat(chunks) };
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = capture.address() as AddressInfo;
    const sender = await addEngineNode(hub.database.db, { role: 'sender' });
    const target = await addEngineNode(hub.database.db, {
      role: options.role,
      webhookUrl: `http://127.0.0.1:${port}/hook`,
      secret: options.secret,
    });
    const [messageId] = await acceptPackages(hub.database.db, sender, [target], 1);
    hub.engine.kick();
    await waitFor(() => captured !== null, 15_000, 'the captured push');
    const push = captured as unknown as { headers: IncomingHttpHeaders; body: Buffer };
    return { messageId: messageId as string, ...push };
  } finally {
    await new Promise((resolve) => capture.close(resolve));
  }
}

/**
 * A verifier in another language, run on the real push (ok), on it with one body byte changed
 * (mismatch) and on it signed ten minutes earlier (stale): each must print its verdict line.
 */
export async function expectVerdicts(
  push: CapturedPush,
  check: (name: string, headers: IncomingHttpHeaders, body: Buffer) => Promise<{ code: number; out: string }>,
): Promise<void> {
  const { messageId } = push;
  expect(await check('real', push.headers, push.body)).toMatchObject({
    code: 0,
    out: `ok ${messageId} package\n`,
  });
  const tampered = Buffer.from(push.body);
  tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 1, tampered.length - 2);
  expect(await check('body', push.headers, tampered)).toMatchObject({
    code: 1,
    out: `bad ${messageId} mismatch\n`,
  });
  const old = String(push.headers['lienthong-signature']).replace(
    /t=(\d+)/,
    (_, t) => `t=${Number(t) - 600}`,
  );
  expect(await check('stale', { ...push.headers, 'lienthong-signature': old }, push.body)).toMatchObject({
    code: 1,
    out: `bad ${messageId} stale\n`,
  });
}

/**
 * The two nodes every send/poll/ack example uses: a sender serving 000.00.00.G22 that takes the
 * unsigned example package (legacy-unsigned), and a polling recipient serving 000.00.00.Z08.
 */
export async function createExampleNodes(hub: Hub, prefix: string) {
  const db = hub.database.db;
  const at = new Date();
  const sender = await createNode(db, {
    id: `${prefix}-sender`,
    organizations: ['000.00.00.G22'],
    signaturePolicy: 'legacy-unsigned',
    at,
    actor: 'test',
  });
  const recipient = await createNode(db, {
    id: `${prefix}-poller`,
    organizations: ['000.00.00.Z08'],
    at,
    actor: 'test',
  });
  return { sender, recipient };
}
