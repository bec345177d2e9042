// The serve command's work, loaded only when `lienthong serve` runs: it imports the whole hub.
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildHealthApp } from '../../adapters/http/health.ts';
import type { Hub } from '../../app.ts';
import { createHub, VERSION } from '../../app.ts';
import { ConfigError, HUB_ROLES, type HubRole, loadConfig } from '../../config.ts';
import { isLienthongError } from '../../core/index.ts';
import type { CliContext } from '../cli-context.ts';
import { EXIT, reportUsage } from '../cli-context.ts';
import { removeHubUrlFile, writeHubUrlFile } from '../hub-url-file.ts';

function deliveryLine(hub: Hub): string {
  const d = hub.config.delivery;
  const queue = hub.engine.scheduler.backend;
  const work =
    hub.role === 'api'
      ? 'relay only (workers run elsewhere)'
      : `${d.concurrency} pushes at once, ${d.perNodeConcurrency} per node`;
  return `  deliveries    ${queue} queue; ${work}`;
}

function banner(hub: Hub, url: string): string {
  const { config } = hub;
  const lines = [
    `lienthong ${VERSION} hub listening on ${url}${hub.role === 'all' ? '' : ` (role ${hub.role})`}`,
    `  node API      ${url}/v1   (Authorization: Bearer <token>)`,
    `  VXP API       ${url}/vxp  (national axis SDK endpoint)`,
    `  OpenAPI docs  ${url}/docs`,
    `  health        ${url}/livez, ${url}/readyz`,
    `  console       ${url}/console   (accounts: npx lienthong operator add --name NAME --role admin)`,
    `  operator API  ${url}/ops/queues, ${url}/metrics${config.operatorToken ? '' : '   (off: set LIENTHONG_OPERATOR_TOKEN)'}`,
    `  database      ${config.databaseUrl ? 'Postgres server (DATABASE_URL)' : `embedded Postgres in ${config.dataDir}`}`,
    deliveryLine(hub),
    `  trust         ${config.trustDir} (${hub.trustFiles} certificate and CRL file(s))`,
  ];
  if (hub.trustFiles === 0) {
    lines.push(
      '  warning: no trust anchors: every signed package is refused as CERT_UNTRUSTED.',
      '           Create a development PKI with: npx lienthong pki dev --out data/pki',
    );
  }
  if (hub.exposedVxpSystems.length > 0) {
    lines.push(
      `  warning: VXP system(s) ${hub.exposedVxpSystems.join(', ')} have no IP allow-list and the hub has no TLS:`,
      '           a captured SDK request can be replayed from anywhere. Set one with',
      '           `lienthong node set ID --vxp-allow-ip CIDR`, and serve HTTPS (docs/vxp.md, docs/security.md).',
    );
  }
  if (hub.firstStart) {
    lines.push('', `First start: loaded ${hub.firstStart.directory}. Node tokens (shown once, keep them):`);
    for (const { nodeId, token } of hub.firstStart.tokens) lines.push(`  ${nodeId.padEnd(28)} ${token}`);
  }
  return `${lines.join('\n')}\n`;
}

function workerBanner(hub: Hub, url: string | null, health: string | null = url): string {
  const lines = [
    `lienthong ${VERSION} worker running (role worker, pid ${process.pid})`,
    `  database      ${hub.config.databaseUrl ? 'Postgres server (DATABASE_URL)' : `embedded Postgres in ${hub.config.dataDir}`}`,
    deliveryLine(hub),
    health === null
      ? '  health        no port (LIENTHONG_HEALTH_PORT=off)'
      : `  health        ${health}/livez, ${health}/readyz`,
    url === null
      ? '  operator      no HTTP port (pass --port to serve /metrics and /ops/queues)'
      : `  operator      ${url}/ops/queues, ${url}/metrics`,
  ];
  return `${lines.join('\n')}\n`;
}

export interface ServeOptions {
  port?: string;
  host?: string;
  role?: string;
}

/** Runs the hub until SIGINT/SIGTERM (or reports why it cannot start). */
export async function serve(ctx: CliContext, options: ServeOptions): Promise<void> {
  if (options.role !== undefined && !(HUB_ROLES as readonly string[]).includes(options.role)) {
    reportUsage(ctx, `--role is one of ${HUB_ROLES.join(', ')}`);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...process.env,
      ...(options.port ? { PORT: options.port } : {}),
      ...(options.host ? { HOST: options.host } : {}),
      ...(options.role ? { LIENTHONG_ROLE: options.role } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) return reportUsage(ctx, error.message);
    throw error;
  }
  let hub: Hub;
  try {
    hub = await createHub(config);
  } catch (error) {
    if (error instanceof ConfigError) return reportUsage(ctx, error.message);
    if (
      isLienthongError(error, 'QUEUE_SHARED_SCHEDULER_REQUIRED') ||
      isLienthongError(error, 'QUEUE_BACKEND_UNAVAILABLE')
    ) {
      ctx.err(`error ${error.code}: ${error.message}\n`);
      ctx.exitCode = EXIT.usage;
      return;
    }
    throw error;
  }
  const role: HubRole = hub.role;
  let health: FastifyInstance | null = null;
  let urlFileWritten = false;
  if (role === 'worker' && !options.port) {
    // A worker serves no API; its small health port answers /livez and /readyz (with --port it
    // serves the whole app instead: /metrics and /ops/queues for its process too).
    let address: string | null = null;
    if (config.healthPort !== null) {
      health = await buildHealthApp({ version: VERSION, readiness: () => hub.readiness() });
      try {
        address = (await health.listen({ port: config.healthPort, host: config.host })).replace(
          '0.0.0.0',
          '127.0.0.1',
        );
      } catch (error) {
        await health.close().catch(() => {});
        await hub.close();
        reportUsage(
          ctx,
          `LIENTHONG_HEALTH_PORT: cannot listen on ${config.host}:${config.healthPort} (${(error as Error).message}); give each worker on this machine its own port, 0 for any, or off`,
        );
        return;
      }
    }
    ctx.out(workerBanner(hub, null, address));
  } else {
    const address = (await hub.app.listen({ port: config.port, host: config.host })).replace(
      '0.0.0.0',
      '127.0.0.1',
    );
    ctx.out(role === 'worker' ? workerBanner(hub, address) : banner(hub, address));
    // For `lienthong queues` on this machine; a hub that cannot write it still serves.
    await writeHubUrlFile(config.dataDir, address).then(
      () => (urlFileWritten = true),
      (err: unknown) => hub.logger.warn({ err }, 'cannot write run/hub.json'),
    );
  }
  await new Promise<void>((resolve) => {
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) hub.logger.error({ err }, 'shutting down after an error');
      else hub.logger.info({ signal }, 'shutting down');
      if (urlFileWritten) await removeHubUrlFile(config.dataDir).catch(() => {});
      await health?.close();
      await hub.close();
      resolve();
    });
  });
}
