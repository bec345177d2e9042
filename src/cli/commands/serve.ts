import closeWithGrace from 'close-with-grace';
import type { Hub } from '../../app.ts';
import { createHub, VERSION } from '../../app.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import type { CliContext, CommandRegistrar } from '../cli-context.ts';
import { EXIT } from '../cli-context.ts';

function banner(hub: Hub, url: string): string {
  const { config } = hub;
  const lines = [
    `lienthong ${VERSION} hub listening on ${url}`,
    `  node API      ${url}/v1   (Authorization: Bearer <token>)`,
    `  OpenAPI docs  ${url}/docs`,
    `  health        ${url}/healthz`,
    `  database      ${config.databaseUrl ? 'Postgres server (DATABASE_URL)' : `embedded Postgres in ${config.dataDir}`}`,
    `  trust         ${config.trustDir} (${hub.trustFiles} certificate file(s))`,
  ];
  if (hub.trustFiles === 0) {
    lines.push(
      '  warning: no trust anchors: every signed package is refused as CERT_UNTRUSTED.',
      '           Create a development PKI with: npx lienthong pki dev --out data/pki',
    );
  }
  if (hub.firstStart) {
    lines.push('', `First start: loaded ${hub.firstStart.directory}. Node tokens (shown once, keep them):`);
    for (const { nodeId, token } of hub.firstStart.tokens) lines.push(`  ${nodeId.padEnd(28)} ${token}`);
  }
  return `${lines.join('\n')}\n`;
}

async function serve(ctx: CliContext, options: { port?: string; host?: string }): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...process.env,
      ...(options.port ? { PORT: options.port } : {}),
      ...(options.host ? { HOST: options.host } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      ctx.err(`${error.message}\n`);
      ctx.exitCode = EXIT.usage;
      return;
    }
    throw error;
  }
  const hub = await createHub(config);
  const address = await hub.app.listen({ port: config.port, host: config.host });
  ctx.out(banner(hub, address.replace('0.0.0.0', '127.0.0.1')));
  await new Promise<void>((resolve) => {
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) hub.logger.error({ err }, 'shutting down after an error');
      else hub.logger.info({ signal }, 'shutting down');
      await hub.close();
      resolve();
    });
  });
}

/** `lienthong serve`: runs the hub (HTTP API) until SIGINT/SIGTERM. */
export const registerServe: CommandRegistrar = (program, ctx) => {
  program
    .command('serve')
    .description(
      'Run the hub: the node API on PORT (default 8080) with the database that DATABASE_URL selects, or embedded Postgres under LIENTHONG_DATA_DIR (default ./data). On the first start the example directory is loaded and node tokens are printed once.',
    )
    .option('--port <port>', 'TCP port (overrides PORT)')
    .option('--host <host>', 'listen address (overrides HOST, default 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => serve(ctx, options));
};
