// What the examples/ tests share: a real hub in-process (Postgres + Redis, its own schema and
// queue prefix) listening on a free port, external toolchains that must be present (never skipped
// silently), and child processes whose stdout is read line by line.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { REDIS_URL } from '../support/engine-harness.ts';

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
): Promise<{ out: string; err: string; code: number }> {
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
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, err, code: code ?? -1 });
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
