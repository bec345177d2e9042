import type { QueuesReport } from '../../ops/index.ts';
import { type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';
import { dataDirOf, readHubUrlFile } from '../hub-url-file.ts';
import { table } from '../table.ts';

const age = (ms: number | null) =>
  ms === null
    ? '-'
    : ms < 1000
      ? `${ms} ms`
      : ms < 120_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms / 60_000)} min`;

/**
 * The running hub's address: --url, LIENTHONG_URL, the URL a `lienthong serve` on this machine wrote
 * to <data dir>/run/hub.json (while its process lives), or 127.0.0.1 on PORT (default 8080).
 */
async function hubUrl(option: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const url =
    option ??
    env['LIENTHONG_URL'] ??
    (await readHubUrlFile(dataDirOf(env)))?.url ??
    `http://127.0.0.1:${env['PORT'] || '8080'}`;
  return url.replace(/\/+$/, '');
}

/** `lienthong queues`: the delivery queue's health, from a running hub's GET /ops/queues. */
export const registerQueues: CommandRegistrar = (program, ctx) => {
  program
    .command('queues')
    .description(
      'delivery queue health from a running hub (GET /ops/queues with LIENTHONG_OPERATOR_TOKEN): waiting, active, delayed, failed, oldest waiting, workers; deliveries by state; paused nodes',
    )
    .option(
      '--url <url>',
      'the hub (default LIENTHONG_URL, else the URL `lienthong serve` wrote to <data dir>/run/hub.json, else http://127.0.0.1:$PORT or :8080)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: { url?: string; json?: boolean }) => {
      const env = ctx.env ?? process.env;
      const token = env['LIENTHONG_OPERATOR_TOKEN'];
      if (!token) {
        reportUsage(ctx, "set LIENTHONG_OPERATOR_TOKEN to the hub's operator token");
        return;
      }
      const url = `${await hubUrl(options.url, env)}/ops/queues`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        ctx.err(`error UNAVAILABLE: no hub answers at ${url}\n`);
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
