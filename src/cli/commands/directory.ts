import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { isLienthongError } from '../../core/index.ts';
import {
  civilDateAt,
  type DirectoryFormat,
  directoryFormatOf,
  isCivilDate,
  parseDirectoryFile,
  planRoutes,
  startOfCivilDate,
} from '../../routing/index.ts';
import {
  type Database,
  type DirectoryImportReport,
  databaseOptionsFromEnv,
  importDirectory,
  listOrganizations,
  loadDirectorySnapshot,
  withDatabase,
} from '../../store/index.ts';
import { type CliContext, type CommandRegistrar, EXIT } from '../cli-context.ts';

/** The actor recorded in events for commands run by an operator at a terminal. */
export function operatorActor(): string {
  try {
    return `operator:${os.userInfo().username}`;
  } catch {
    return 'operator:cli';
  }
}

/**
 * Runs a command against the database that DATABASE_URL / LIENTHONG_DATA_DIR select (while the
 * hub runs in embedded mode, through its local socket). A coded error becomes exit 1 with the
 * code on stderr, or `{ "error": { code, message, details } }` on stdout with --json.
 */
export async function runStoreCommand(
  ctx: CliContext,
  json: boolean,
  fn: (database: Database) => Promise<void>,
): Promise<void> {
  try {
    await withDatabase(databaseOptionsFromEnv(), fn);
  } catch (error) {
    if (!isLienthongError(error)) throw error;
    ctx.exitCode = EXIT.negative;
    if (json) {
      ctx.out(
        `${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`,
      );
    } else {
      ctx.err(`error ${error.code}: ${error.message}\n`);
    }
  }
}

/** Left-aligned columns for terminal tables. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length)))
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

function describeImport(file: string, report: DirectoryImportReport): string {
  const lines: string[] = [];
  const o = report.organizations;
  const n = report.nodes;
  lines.push(
    `${file}: organizations ${o.created.length} created, ${o.updated.length} updated, ${o.unchanged} unchanged; ` +
      `nodes ${n.created.length} created, ${n.updated.length} updated, ${n.unchanged} unchanged`,
  );
  for (const id of o.created) lines.push(`+ organization ${id}`);
  for (const u of o.updated) lines.push(`~ organization ${u.organId} (${u.fields.join(', ')})`);
  for (const id of n.created) lines.push(`+ node ${id} (no token yet: lienthong node token ${id})`);
  for (const u of n.updated) lines.push(`~ node ${u.nodeId} (${u.fields.join(', ')})`);
  for (const a of report.assignments)
    lines.push(`> ${a.organId} served by ${a.to}${a.from ? ` (was ${a.from})` : ''}`);
  if (report.signerBindingsAdded > 0)
    lines.push(`+ ${report.signerBindingsAdded} signer certificate binding(s)`);
  if (report.subtreeRootsAdded > 0) lines.push(`+ ${report.subtreeRootsAdded} child-hub subtree root(s)`);
  for (const w of report.warnings) lines.push(`! ${w.code} ${w.path}: ${w.message}`);
  if (!report.changed) lines.push('nothing changed');
  return `${lines.join('\n')}\n`;
}

/** `lienthong directory import|list|route`. */
export const registerDirectory: CommandRegistrar = (program, ctx) => {
  const directory = program.command('directory').description('the organizations and nodes this hub knows');

  directory
    .command('import')
    .description('apply a directory file (YAML or CSV); idempotent; prints what changed')
    .argument('<file>', 'directory file, e.g. config/directory.example.yaml')
    .option('--format <format>', 'yaml or csv (default: from the file name)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, options: { format?: string; json?: boolean }) => {
      const format = (options.format ?? directoryFormatOf(file)) as DirectoryFormat | null;
      if (format !== 'yaml' && format !== 'csv') {
        ctx.err('error: give --format yaml|csv, or a file ending in .yaml, .yml or .csv\n');
        ctx.exitCode = EXIT.usage;
        return;
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        ctx.err(`error: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}\n`);
        ctx.exitCode = EXIT.negative;
        return;
      }
      const parsed = parseDirectoryFile(text, format);
      if (!parsed.ok) {
        ctx.exitCode = EXIT.negative;
        if (options.json) {
          ctx.out(
            `${JSON.stringify({ error: { code: 'DIRECTORY_INVALID', message: 'The directory file has errors.', findings: parsed.findings } })}\n`,
          );
        } else {
          ctx.err(`error DIRECTORY_INVALID: ${file} has errors; nothing was imported\n`);
          for (const f of parsed.findings) ctx.err(`  ${f.severity} ${f.code} ${f.path}: ${f.message}\n`);
        }
        return;
      }
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const report = await importDirectory(db, parsed.file, { at: new Date(), actor: operatorActor() });
        const all = { ...report, warnings: [...parsed.findings, ...report.warnings] };
        ctx.out(options.json ? `${JSON.stringify(all)}\n` : describeImport(file, all));
      });
    });

  directory
    .command('list')
    .description('list organizations: organ id, level, name, serving node, validity, successor')
    .option('--node <id>', 'only the organizations this node serves')
    .option('--json', 'print one JSON object')
    .action(async (options: { node?: string; json?: boolean }) => {
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const organizations = await listOrganizations(db, options.node ? { nodeId: options.node } : {});
        if (options.json) {
          ctx.out(`${JSON.stringify({ organizations })}\n`);
          return;
        }
        const rows = organizations.map((o) => [
          o.organId,
          o.level,
          o.nodeId ?? '-',
          o.validFrom || o.validTo ? `${o.validFrom ?? '…'}..${o.validTo ?? '…'}` : '-',
          o.successorId ? `→ ${o.successorId}` : '-',
          `${o.name}${o.synthetic ? ' (synthetic id)' : ''}`,
        ]);
        ctx.out(table([['ORGAN ID', 'LEVEL', 'NODE', 'VALID', 'SUCCESSOR', 'NAME'], ...rows]));
        ctx.out(`${organizations.length} organization(s)\n`);
      });
    });

  directory
    .command('route')
    .description('show where mail for organ ids goes on a date (local node, successor, hub, or why not)')
    .argument('<organIds...>', 'recipient organ ids')
    .option('--at <day>', 'judge on this day (YYYY-MM-DD, Vietnam time; default today)')
    .option('--json', 'print one JSON object')
    .action(async (organIds: string[], options: { at?: string; json?: boolean }) => {
      if (options.at !== undefined && !isCivilDate(options.at)) {
        ctx.err('error: --at takes a day written YYYY-MM-DD\n');
        ctx.exitCode = EXIT.usage;
        return;
      }
      const at = options.at ? startOfCivilDate(options.at) : new Date();
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const plan = planRoutes(await loadDirectorySnapshot(db), organIds, { at });
        if (plan.decisions.some((d) => d.kind === 'unroutable')) ctx.exitCode = EXIT.negative;
        if (options.json) {
          ctx.out(`${JSON.stringify({ at: civilDateAt(at), decisions: plan.decisions })}\n`);
          return;
        }
        for (const d of plan.decisions) {
          ctx.out(
            d.kind === 'unroutable'
              ? `${d.addressedOrganId}: unroutable ${d.code} — ${d.reason}\n`
              : `${d.addressedOrganId}: ${d.kind} → node ${d.nodeId}, recipient ${d.recipientOrganId}${d.reason ? ` — ${d.reason}` : ''}\n`,
          );
        }
      });
    });
};
