import { Command, CommanderError } from 'commander';
import { type CliContext, type CommandRegistrar, EXIT } from './cli-context.ts';
import { commandRegistrars } from './commands/index.ts';

/** Builds the `lienthong` program with every command group registered. */
export function buildProgram(
  ctx: CliContext,
  registrars: readonly CommandRegistrar[] = commandRegistrars,
): Command {
  const program = new Command('lienthong')
    .description('lienthong: the edXML document-exchange hub (packages in, verified, routed, delivered)')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
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
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
  if (argv.length <= 2) {
    ctx.out(program.helpInformation());
  }
  return ctx.exitCode;
}

function readVersion(): string {
  return process.env['npm_package_version'] ?? '0.1.0';
}
