// Runs `lienthong ARGS…` in this process (src/cli/main.ts) and collects what it prints.
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(...args: string[]): Promise<CliRun> {
  return runCliIn(undefined, ...args);
}

/** The same against the database `env` names (DATABASE_URL + LIENTHONG_DB_SCHEMA, or LIENTHONG_DATA_DIR). */
export async function runCliIn(env: NodeJS.ProcessEnv | undefined, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'lienthong', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    ...(env ? { env } : {}),
  });
  return { code, out: out.join(''), err: err.join('') };
}
