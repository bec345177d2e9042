import { DELIVERY_STATES, type DeliveryState } from '../../ops/admin-inputs.ts';
import type { RetryTarget } from '../../ops/index.ts';
import { operatorActor, runAdminCommand, settled } from '../admin-command.ts';
import { type CommandRegistrar, reportUsage } from '../cli-context.ts';
import { table } from '../table.ts';

/** `lienthong deliveries list|retry|attempts`: what is on its way, what failed and why, and retrying it. */
export const registerDeliveries: CommandRegistrar = (program, ctx) => {
  const deliveries = program
    .command('deliveries')
    .description('deliveries of messages to recipient nodes: list them, see why they failed, retry them');

  deliveries
    .command('list')
    .description('deliveries, most recently changed first, with the last attempt (why a failed one failed)')
    .option('--state <state>', `${DELIVERY_STATES.join(' | ')}`)
    .option('--node <id>', 'only deliveries to this node')
    .option('--message <id>', 'only deliveries of this message')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .option('--json', 'print one JSON object: { "deliveries": [...] }')
    .action(
      async (options: { state?: string; node?: string; message?: string; limit: string; json?: boolean }) => {
        if (options.state !== undefined && !(DELIVERY_STATES as readonly string[]).includes(options.state)) {
          reportUsage(ctx, `--state is one of ${DELIVERY_STATES.join(', ')}`);
          return;
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
          reportUsage(ctx, '--limit is a whole number in 1..10000');
          return;
        }
        await runAdminCommand(ctx, options.json === true, async (admin) => {
          const entries = await admin.operator.listDeliveries({
            state: options.state as DeliveryState | undefined,
            nodeId: options.node,
            messageId: options.message,
            limit,
          });
          if (options.json) {
            ctx.out(`${JSON.stringify({ deliveries: entries })}\n`);
            return;
          }
          const rows = entries.map((d) => {
            const a = d.lastAttempt;
            const why = [
              d.lastError ?? (a?.error || ''),
              a?.httpStatus ? `HTTP ${a.httpStatus}` : '',
              a?.errorDetail ?? '',
            ]
              .filter((x) => x !== '')
              .join(' ');
            return [
              d.id,
              d.state,
              d.nodeId,
              d.toOrganId,
              String(d.attempts),
              d.updatedAt,
              why.length > 80 ? `${why.slice(0, 77)}...` : why || '-',
            ];
          });
          ctx.out(table([['DELIVERY', 'STATE', 'NODE', 'TO', 'ATTEMPTS', 'UPDATED', 'LAST ERROR'], ...rows]));
          ctx.out(`${entries.length} deliver${entries.length === 1 ? 'y' : 'ies'}\n`);
        });
      },
    );

  deliveries
    .command('attempts')
    .description('every attempt of one delivery: time, HTTP status, error, duration')
    .argument('<id>', 'delivery id')
    .option('--json', 'print one JSON object: { "attempts": [...] }')
    .action(async (id: string, options: { json?: boolean }) => {
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const attempts = await admin.operator.deliveryAttempts(id);
        if (options.json) {
          ctx.out(`${JSON.stringify({ id, attempts })}\n`);
          return;
        }
        const rows = attempts.map((a) => [
          String(a.attempt),
          a.startedAt,
          a.finishedAt ? `${Date.parse(a.finishedAt) - Date.parse(a.startedAt)} ms` : '-',
          a.outcome,
          a.httpStatus === null ? '-' : String(a.httpStatus),
          a.error ?? '-',
        ]);
        ctx.out(table([['#', 'STARTED', 'TOOK', 'OUTCOME', 'HTTP', 'ERROR'], ...rows]));
      });
    });

  deliveries
    .command('retry')
    .description("queue failed deliveries again (with a fresh retry budget): one, a node's, or all")
    .argument('[id]', 'a failed delivery id')
    .option('--node <id>', 'every failed delivery to this node')
    .option('--all-failed', 'every failed delivery')
    .option('--json', 'print one JSON object: { "retried": [ids] }')
    .action(
      async (id: string | undefined, options: { node?: string; allFailed?: boolean; json?: boolean }) => {
        const given = [id !== undefined, options.node !== undefined, options.allFailed === true].filter(
          Boolean,
        );
        if (given.length !== 1) {
          reportUsage(ctx, 'give exactly one of ID, --node NODE, --all-failed');
          return;
        }
        const target: RetryTarget =
          id !== undefined
            ? { deliveryId: id }
            : options.node !== undefined
              ? { nodeId: options.node }
              : { allFailed: true };
        await runAdminCommand(ctx, options.json === true, async (admin) => {
          const result = settled(
            ctx,
            options.json === true,
            await admin.operator.retryDeliveries(target, operatorActor()),
          );
          if (result === undefined) return;
          const { retried } = result;
          if (options.json) {
            ctx.out(`${JSON.stringify({ retried })}\n`);
            return;
          }
          ctx.out(
            retried.length === 0
              ? 'Nothing to retry: no failed delivery matched.\n'
              : `Queued ${retried.length} deliver${retried.length === 1 ? 'y' : 'ies'} again; a running hub pushes ${retried.length === 1 ? 'it' : 'them'} within a moment.\n`,
          );
        });
      },
    );
};
