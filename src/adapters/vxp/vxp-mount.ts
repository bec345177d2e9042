import type { FastifyInstance } from 'fastify';
import type { VxpService } from '../../hub/index.ts';
import { VXP_DEFAULTS, type VxpPluginOptions, vxpPlugin } from './vxp-plugin.ts';

/** Options of the VXP endpoint on the hub's HTTP app (the plugin's options without the service). */
export type VxpMountOptions = Omit<VxpPluginOptions, 'port'>;

/** One entry of buildHttpApp's `mounts`. */
export interface VxpMount {
  /** The base path the operations are served under, e.g. `/vxp` (`''`: at the root). */
  readonly prefix: string;
  readonly plugin: (app: FastifyInstance) => Promise<void>;
}

/**
 * The VXP-compatible endpoint over the hub's VXP service, ready for `buildHttpApp({ …, mounts })`.
 * The composition root builds the service over the same database and HubService as the node API,
 * so a package sent through one API is fetched and acknowledged through the other.
 */
export function createVxpMount(service: VxpService, options: VxpMountOptions = {}): VxpMount {
  const base = (options.basePath ?? VXP_DEFAULTS.basePath).trim().replace(/\/+$/, '');
  const prefix = base === '' || base.startsWith('/') ? base : `/${base}`;
  // The prefix comes from the mount; the plugin itself then serves at its own root.
  const plugin = vxpPlugin({
    maxPackageBytes: service.limits?.maxPackageBytes,
    ...options,
    port: service,
    basePath: '',
  });
  return {
    prefix,
    plugin: async (app) => {
      await app.register(plugin);
    },
  };
}
