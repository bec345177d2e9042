// A real hub (createHub: configuration, database, verifier, service, the node API on its own app)
// plus the VXP endpoint mounted on a second HTTP app over the SAME database and HubService, built the
// way the composition root builds it: buildHttpApp({ …, mounts: [createVxpMount(database, service)] }).
// (src/app.ts does not mount it yet; when it does, tests can use the hub's own app.)
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../src/adapters/http/build-http-app.ts';
import { createVxpMount } from '../../src/adapters/vxp/index.ts';
import { codes } from '../../src/errors.ts';
import { createVxpService } from '../../src/hub/index.ts';
import { createNode, enableVxpSystem } from '../../src/store/index.ts';
import { type Backend, startTestHub, type TestHub } from '../support/hub-harness.ts';
import { VxpSdkClient } from '../support/vxp-sdk-client.ts';

/** A VXP system of the test hub; `token` is the same node's bearer token for /v1. */
export interface VxpTestSystem {
  readonly systemId: string;
  readonly secret: string;
  readonly token: string;
}

export interface VxpTestHub {
  /** The hub; `t.call` reaches its own app (the node API). */
  readonly t: TestHub;
  /** The app serving /vxp (and /v1) over the same service. */
  readonly vxpApp: FastifyInstance;
  readonly vxpOrigin: string;
  addSystem(input: {
    id: string;
    organizations: string[];
    signaturePolicy?: 'require' | 'legacy-unsigned';
  }): Promise<VxpTestSystem>;
  sdk(system: VxpTestSystem): VxpSdkClient;
  close(): Promise<void>;
}

export async function startVxpTestHub(options: {
  backend: Backend;
  organIds: string[];
}): Promise<VxpTestHub> {
  const t = await startTestHub(options);
  let vxpApp: FastifyInstance | undefined;
  try {
    const maxPackageBytes = t.hub.config.maxPackageBytes;
    vxpApp = await buildHttpApp({
      hub: t.hub.service,
      codes,
      maxPackageBytes,
      version: 'test',
      mounts: [
        createVxpMount(createVxpService({ db: t.hub.database.db, service: t.hub.service }), {
          maxPackageBytes,
        }),
      ],
    });
    const vxpOrigin = await vxpApp.listen({ port: 0, host: '127.0.0.1' });
    const app = vxpApp;
    return {
      t,
      vxpApp: app,
      vxpOrigin,
      async addSystem(input) {
        const at = new Date();
        const db = t.hub.database.db;
        const created = await createNode(db, {
          id: input.id,
          organizations: input.organizations,
          signaturePolicy: input.signaturePolicy ?? 'require',
          at,
          actor: 'test',
        });
        const { secret } = await enableVxpSystem(db, { nodeId: input.id, at, actor: 'test' });
        return { systemId: input.id, secret, token: created.token };
      },
      sdk: (system) =>
        new VxpSdkClient({ endpoint: `${vxpOrigin}/vxp`, systemId: system.systemId, secret: system.secret }),
      async close() {
        await app.close();
        await t.close();
      },
    };
  } catch (error) {
    await vxpApp?.close();
    await t.close();
    throw error;
  }
}
