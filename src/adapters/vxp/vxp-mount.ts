import type { FastifyInstance } from 'fastify';
import type { HubService } from '../../hub/hub-service.ts';
import type { Database } from '../../store/index.ts';
import { createHubVxpPort } from './hub-vxp-port.ts';
import { VXP_DEFAULTS, type VxpPluginOptions, vxpPlugin } from './vxp-plugin.ts';

/** Options of the VXP endpoint on the hub's HTTP app (the plugin's options without the port). */
export type VxpMountOptions = Omit<VxpPluginOptions, 'port'>;

/** One entry of buildHttpApp's `mounts`. */
export interface VxpMount {
  /** The base path the operations are served under, e.g. `/vxp` (`''`: at the root). */
  readonly prefix: string;
  readonly plugin: (app: FastifyInstance) => Promise<void>;
}

/**
 * The VXP-compatible endpoint over the real hub, ready for `buildHttpApp({ …, mounts: [mount] })`:
 * the port reads the same database and calls the same HubService as the node API, so a package sent
 * through one API is fetched and acknowledged through the other.
 */
export function createVxpMount(
  database: Pick<Database, 'db'>,
  service: HubService,
  options: VxpMountOptions = {},
): VxpMount {
  const port = createHubVxpPort({ db: database.db, service, ...(options.now ? { now: options.now } : {}) });
  const base = (options.basePath ?? VXP_DEFAULTS.basePath).trim().replace(/\/+$/, '');
  const prefix = base === '' || base.startsWith('/') ? base : `/${base}`;
  // The prefix comes from the mount; the plugin itself then serves at its own root.
  const plugin = vxpPlugin({ ...options, port, basePath: '' });
  return {
    prefix,
    plugin: async (app) => {
      await app.register(plugin);
    },
  };
}
