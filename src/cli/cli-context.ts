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

/** The code every usage mistake is printed with (a bad flag, a missing argument, an unreadable file). */
export const USAGE_CODE = 'USAGE';

/**
 * Prints a usage mistake the one way every command does, `error USAGE: message` on stderr, and sets
 * exit 2. Refusals of the hub print their own code with exit 1 (admin-command.ts reportFailure).
 */
export function reportUsage(ctx: CliContext, message: string): void {
  ctx.err(`error ${USAGE_CODE}: ${message}\n`);
  ctx.exitCode = EXIT.usage;
}
