import {
  DELIVERY_STATES,
  type DeliveryListEntry,
  type DeliveryState,
  listDeliveries,
  listDeliveryAttempts,
  type RetryTarget,
  retryFailedDeliveries,
} from '../../store/index.ts';
import { type CommandRegistrar, EXIT } from '../cli-context.ts';
import { operatorActor, runStoreCommand, table } from './directory.ts';

function toJson(entry: DeliveryListEntry) {
  const d = entry.delivery;
  return {
    id: d.id,
    messageId: d.messageId,
    documentId: entry.documentId,
    fromOrganId: entry.senderOrganId,
    toOrganId: d.recipientOrganId,
    nodeId: d.nodeId,
    state: d.state,
    priority: d.priority,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredBy: d.deliveredBy,
    updatedAt: d.updatedAt.toISOString(),
    lastAttempt: entry.lastAttempt && {
      ...entry.lastAttempt,
      startedAt: entry.lastAttempt.startedAt.toISOString(),
      finishedAt: entry.lastAttempt.finishedAt?.toISOString() ?? null,
    },
  };
}

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
          ctx.err(`error: --state is one of ${DELIVERY_STATES.join(', ')}\n`);
          ctx.exitCode = EXIT.usage;
          return;
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
          ctx.err('error: --limit is a whole number in 1..10000\n');
          ctx.exitCode = EXIT.usage;
          return;
        }
        await runStoreCommand(ctx, options.json === true, async ({ db }) => {
          const entries = await listDeliveries(db, {
            state: options.state as DeliveryState | undefined,
            nodeId: options.node,
            messageId: options.message,
            limit,
          });
          if (options.json) {
            ctx.out(`${JSON.stringify({ deliveries: entries.map(toJson) })}\n`);
            return;
          }
          const rows = entries.map((e) => {
            const d = e.delivery;
            const a = e.lastAttempt;
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
              d.recipientOrganId,
              String(d.attempts),
              d.updatedAt.toISOString(),
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
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const attempts = await listDeliveryAttempts(db, id);
        if (options.json) {
          ctx.out(`${JSON.stringify({ id, attempts })}\n`);
          return;
        }
        const rows = attempts.map((a) => [
          String(a.attempt),
          a.startedAt.toISOString(),
          a.finishedAt ? `${a.finishedAt.getTime() - a.startedAt.getTime()} ms` : '-',
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
          ctx.err('error: give exactly one of ID, --node NODE, --all-failed\n');
          ctx.exitCode = EXIT.usage;
          return;
        }
        const target: RetryTarget =
          id !== undefined
            ? { deliveryId: id }
            : options.node !== undefined
              ? { nodeId: options.node }
              : { allFailed: true };
        await runStoreCommand(ctx, options.json === true, async ({ db }) => {
          const retried = await retryFailedDeliveries(db, target, { at: new Date(), actor: operatorActor() });
          if (options.json) {
            ctx.out(`${JSON.stringify({ retried: retried.map((d) => d.id) })}\n`);
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
