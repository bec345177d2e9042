// Runs `lienthong serve` as a child process (so it can be SIGKILLed) and reads its banner.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/lienthong.js', import.meta.url));

export interface HubProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Tokens printed on the first start (empty on later starts). */
  readonly tokens: Map<string, string>;
  readonly output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the hub and resolves once its banner says where it listens. */
export async function spawnHub(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), timeoutMs);
    const check = () => {
      const match = /hub listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] && (!out.includes('First start') || /First start[^\n]*\n(?:.*\n)*\s*$/.test(out))) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
  // Let the rest of the banner (tokens) arrive.
  await new Promise((r) => setTimeout(r, 200));
  const tokens = new Map<string, string>();
  const section = out.split('Node tokens')[1] ?? '';
  for (const line of section.split('\n')) {
    const m = /^\s+(\S+)\s+(lt_\S+)\s*$/.exec(line);
    if (m?.[1] && m[2]) tokens.set(m[1], m[2]);
  }
  return {
    url,
    child,
    tokens,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
