import type { QueuesReport } from '../../ops/index.ts';
import { type CommandRegistrar, EXIT } from '../cli-context.ts';
import { table } from '../table.ts';

const age = (ms: number | null) =>
  ms === null
    ? '-'
    : ms < 1000
      ? `${ms} ms`
      : ms < 120_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms / 60_000)} min`;

/** The running hub's address: --url, LIENTHONG_URL, or 127.0.0.1 on PORT (default 8080). */
function hubUrl(option: string | undefined): string {
  return (
    option ??
    process.env['LIENTHONG_URL'] ??
    `http://127.0.0.1:${process.env['PORT'] || '8080'}`
  ).replace(/\/+$/, '');
}

/** `lienthong queues`: the delivery queue's health, from a running hub's GET /ops/queues. */
export const registerQueues: CommandRegistrar = (program, ctx) => {
  program
    .command('queues')
    .description(
      'delivery queue health from a running hub (GET /ops/queues with LIENTHONG_OPERATOR_TOKEN): waiting, active, delayed, failed, oldest waiting, workers; deliveries by state; paused nodes',
    )
    .option('--url <url>', 'the hub (default LIENTHONG_URL, else http://127.0.0.1:$PORT or :8080)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { url?: string; json?: boolean }) => {
      const token = process.env['LIENTHONG_OPERATOR_TOKEN'];
      if (!token) {
        ctx.err("error: set LIENTHONG_OPERATOR_TOKEN to the hub's operator token\n");
        ctx.exitCode = EXIT.usage;
        return;
      }
      const url = `${hubUrl(options.url)}/ops/queues`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        ctx.err(`error: no hub answers at ${url}\n`);
        ctx.exitCode = EXIT.negative;
        return;
      }
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
        ctx.err(`error ${problem.code ?? response.status}: ${problem.detail ?? response.statusText}\n`);
        ctx.exitCode = EXIT.negative;
        return;
      }
      const report = (await response.json()) as QueuesReport;
      if (options.json) {
        ctx.out(`${JSON.stringify(report)}\n`);
        return;
      }
      ctx.out(
        table([
          ['QUEUE', 'BACKEND', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST WAITING', 'WORKERS'],
          ...report.queues.map((q) => [
            q.name,
            q.backend,
            String(q.waiting),
            String(q.active),
            String(q.delayed),
            String(q.failed),
            age(q.oldestWaitingAgeMs),
            String(q.workers),
          ]),
        ]),
      );
      const d = report.deliveries;
      ctx.out(
        `Postgres: ${d.queued} queued, ${d.sending} sending, ${d.retrying} retrying, ${d.failed} failed; outbox backlog ${report.outboxPending}.\n`,
      );
      ctx.out(
        report.pausedNodes.length === 0
          ? `No node paused (as seen by ${report.process.role} process ${report.process.pid}).\n`
          : `Paused nodes (process ${report.process.pid}): ${report.pausedNodes.map((n) => `${n.nodeId} ${n.state}${n.until ? ` until ${n.until}` : ''}`).join(', ')}\n`,
      );
    });
};
