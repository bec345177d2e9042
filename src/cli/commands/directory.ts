import { readFile } from 'node:fs/promises';
import type { DirectoryImportReport } from '../../ops/index.ts';
// Leaf modules: the routing index loads the YAML and CSV parsers, which only `import` needs.
import { civilDateAt, isCivilDate, startOfCivilDate } from '../../routing/civil-date.ts';
import { directoryFormatOf } from '../../routing/directory-format.ts';
import type { DirectoryFormat } from '../../routing/index.ts';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import { type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';
import { table } from '../table.ts';

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
        reportUsage(ctx, 'give --format yaml|csv, or a file ending in .yaml, .yml or .csv');
        return;
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        reportUsage(ctx, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
        return;
      }
      const { parseDirectoryFile } = await import('../../routing/index.ts');
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
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const report = settled(
          ctx,
          options.json === true,
          await admin.directory.import(parsed.file, operatorAudit()),
        );
        if (report === undefined) return;
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
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const organizations = await admin.directory.organizations({ nodeId: options.node });
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
        reportUsage(ctx, '--at takes a day written YYYY-MM-DD');
        return;
      }
      const at = options.at ? startOfCivilDate(options.at) : new Date();
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const plan = await admin.directory.routes(organIds, at);
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
