// Runs `lienthong serve [--role …]` as a child process (so it can be SIGKILLed) and waits for its
// banner: "hub listening on URL" (roles all and api) or "worker running" (role worker).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/lienthong.js', import.meta.url));

export interface ServeProcess {
  /** The HTTP address, or null for a worker without a port. */
  readonly url: string | null;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Sends the signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `lienthong serve` with `args` and the test's environment. */
export async function spawnServe(
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
  timeoutMs = 90_000,
): Promise<ServeProcess> {
  // LIENTHONG_BENCH_CPU_PROF=DIR: a CPU profile of the hub process into DIR (benches; Node refuses
  // --cpu-prof in NODE_OPTIONS).
  const profile = process.env['LIENTHONG_BENCH_CPU_PROF'];
  const nodeFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...nodeFlags, BIN, 'serve', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), timeoutMs);
    // Stops looking once the banner is seen: a hub under load writes a log line per request.
    const check = () => {
      const listening = /listening on (http:\/\/\S+)/.exec(out);
      const found = listening?.[1] ?? (/worker running/.test(out) ? null : undefined);
      if (found === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve(found);
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
