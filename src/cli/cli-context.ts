import type { Command } from 'commander';

/** What a command needs from the process, so commands stay testable without spawning. */
export interface CliContext {
  /** Writes to standard output (a trailing newline is not added). */
  readonly out: (text: string) => void;
  /** Writes to standard error (a trailing newline is not added). */
  readonly err: (text: string) => void;
  /** Exit code the process ends with: 0 success, 1 a negative result (e.g. an error finding), 2 usage. */
  exitCode: number;
  /** The environment commands read (DATABASE_URL, LIENTHONG_DATA_DIR, …); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Adds one command group to the program. Each file in `commands/` exports one of these. */
export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, negative: 1, usage: 2 } as const;
