import type { CommandRegistrar } from '../cli-context.ts';
import type { ServeOptions } from './serve-run.ts';

/** `lienthong serve`: runs the hub (HTTP API and delivery workers, or one role) until SIGINT/SIGTERM. */
export const registerServe: CommandRegistrar = (program, ctx) => {
  program
    .command('serve')
    .description(
      'Run the hub: the node API on PORT (default 8080) and the delivery workers (webhook push), with the database that DATABASE_URL selects, or embedded Postgres under LIENTHONG_DATA_DIR (default ./data), and the queue on REDIS_URL (or in Postgres). On the first start the example directory is loaded and node tokens are printed once.',
    )
    .option('--port <port>', 'TCP port (overrides PORT; a worker listens only when given)')
    .option('--host <host>', 'listen address (overrides HOST, default 127.0.0.1)')
    .option(
      '--role <role>',
      'all (default): API and workers; api: the node API only (relays to the queue); worker: delivery workers only. Split roles need REDIS_URL or DATABASE_URL. Overrides LIENTHONG_ROLE.',
    )
    .action(async (options: ServeOptions) => {
      // The hub is loaded when it runs, not when `lienthong --help` lists the commands.
      const { serve } = await import('./serve-run.ts');
      await serve(ctx, options);
    });
};
