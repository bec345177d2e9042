import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { type CliContext, type CommandRegistrar, EXIT, USAGE_CODE } from './cli-context.ts';

/** Builds the `lienthong` program with the given command groups (main() passes every one). */
export function buildProgram(ctx: CliContext, registrars: readonly CommandRegistrar[]): Command {
  const program = new Command('lienthong')
    .description('lienthong: the edXML document-exchange hub (packages in, verified, routed, delivered)')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError()
    .configureOutput({
      writeOut: ctx.out,
      writeErr: ctx.err,
      // Commander's own mistakes (unknown option, missing argument) in the shape of every CLI error.
      outputError: (text, write) => write(text.replace(/^error: /, `error ${USAGE_CODE}: `)),
    });
  for (const register of registrars) register(program, ctx);
  program.exitOverride();
  for (const command of program.commands) exitOverrideDeep(command);
  return program;
}

function exitOverrideDeep(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideDeep(sub);
}

/** Runs the CLI with `argv` as `process.argv` (node, script, ...args) and resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io?: Partial<Pick<CliContext, 'out' | 'err' | 'env'>>,
): Promise<number> {
  const ctx: CliContext = {
    out: io?.out ?? ((text) => process.stdout.write(text)),
    err: io?.err ?? ((text) => process.stderr.write(text)),
    exitCode: EXIT.ok,
    ...(io?.env ? { env: io.env } : {}),
  };
  // The command modules load the whole hub (over a second): `--version` alone does without them.
  const versionOnly = argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V');
  const registrars = versionOnly ? [] : (await import('./commands/index.ts')).commandRegistrars;
  const program = buildProgram(ctx, registrars);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // A command group without its subcommand prints its help to stderr (exitCode 1): a usage mistake.
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    throw error;
  }
  if (argv.length <= 2) {
    // Bare `lienthong`: no command is a usage mistake, the help goes to stderr.
    ctx.err(program.helpInformation());
    return EXIT.usage;
  }
  return ctx.exitCode;
}

/** package.json's version: two levels up from src/cli/ and from dist/cli/ alike. */
function readVersion(): string {
  const pkg = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(pkg) as { version: string }).version;
}
