// The VXP endpoint over the REAL hub (createHubService over the store, on a real database), mounted
// on the hub's HTTP app exactly as the composition root mounts it: buildHttpApp({ mounts:
// [createVxpMount(database, service)] }). /v1 and /vxp share one service and one database.
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../../src/adapters/http/build-http-app.ts';
import { createVxpMount, type VxpMountOptions } from '../../../src/adapters/vxp/index.ts';
import { parseEdxml } from '../../../src/edxml/index.ts';
import { codes } from '../../../src/errors.ts';
import { createHubService } from '../../../src/hub/create-hub-service.ts';
import type { HubService } from '../../../src/hub/hub-service.ts';
import { InboxNotifier } from '../../../src/hub/inbox-notifier.ts';
import { createVxpService } from '../../../src/hub/index.ts';
import { createStoreHubStore } from '../../../src/hub/store-hub-store.ts';
import { createNode, type Db, enableVxpSystem, type VxpAgencyPolicyValue } from '../../../src/store/index.ts';
import { openEmbeddedTestDatabase, openServerTestDatabase, type TestDatabase } from '../../support/db.ts';
import { VxpSdkClient } from '../../support/vxp-sdk-client.ts';

export const MAX_PACKAGE_BYTES = 8 * 1024 * 1024;

/** A VXP system registered for a test: its node id is its system id. */
export interface TestSystem {
  readonly systemId: string;
  readonly secret: string;
  /** The node's bearer token, for the /v1 side of the same node. */
  readonly token: string;
}

export interface HubPortHarness {
  readonly database: TestDatabase;
  readonly db: Db;
  readonly service: HubService;
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  addSystem(input: {
    id: string;
    organizations: string[];
    signaturePolicy?: 'require' | 'legacy-unsigned';
    agencyPolicy?: VxpAgencyPolicyValue;
    ipAllowList?: string[];
  }): Promise<TestSystem>;
  /** An SDK installation of a system, endpoint `<origin>/vxp`. */
  sdk(system: TestSystem): VxpSdkClient;
  /** A /v1 call as the system's node. */
  v1(method: string, path: string, system: TestSystem, body?: Uint8Array): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Legacy-unsigned systems only: the SDK samples carry placeholder signatures, so the verifier is never
 * reached (the signed flow runs in test/e2e/vxp-flow.test.ts on the full hub with a development PKI).
 */
export async function startHubPort(
  options: { backend?: 'postgres' | 'pglite'; mount?: VxpMountOptions } = {},
): Promise<HubPortHarness> {
  const database =
    options.backend === 'pglite' ? await openEmbeddedTestDatabase() : await openServerTestDatabase();
  const db = database.db;
  const service = createHubService({
    // No snapshot cache: systems registered by a test route at once.
    store: createStoreHubStore(db, { snapshotTtlMs: 0 }),
    parse: (bytes) => parseEdxml(bytes, { strict: false, maxBytes: MAX_PACKAGE_BYTES }),
    verify: async () => {
      throw new Error('this harness registers legacy-unsigned systems only');
    },
    notifier: new InboxNotifier(),
    now: () => new Date(),
    maxPackageBytes: MAX_PACKAGE_BYTES,
    bindingAttributes: [],
    allowSha1: false,
    hubId: 'test-hub',
  });
  const app = await buildHttpApp({
    hub: service,
    codes,
    maxPackageBytes: MAX_PACKAGE_BYTES,
    version: 'test',
    mounts: [
      createVxpMount(
        createVxpService({
          db: database.db,
          service,
          ...(options.mount?.now ? { now: options.mount.now } : {}),
        }),
        {
          maxPackageBytes: MAX_PACKAGE_BYTES,
          codes,
          ...options.mount,
        },
      ),
    ],
  });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    database,
    db,
    service,
    app,
    origin,
    async addSystem(input) {
      const at = new Date();
      const created = await createNode(db, {
        id: input.id,
        organizations: input.organizations,
        signaturePolicy: input.signaturePolicy ?? 'legacy-unsigned',
        at,
        actor: 'test',
      });
      const { secret } = await enableVxpSystem(db, {
        nodeId: input.id,
        ipAllowList: input.ipAllowList,
        agencyPolicy: input.agencyPolicy,
        at,
        actor: 'test',
      });
      return { systemId: input.id, secret, token: created.token };
    },
    sdk: (system) =>
      new VxpSdkClient({ endpoint: `${origin}/vxp`, systemId: system.systemId, secret: system.secret }),
    v1: (method, path, system, body) =>
      fetch(`${origin}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${system.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/xml' }),
        },
        ...(body === undefined ? {} : { body: Buffer.from(body) }),
      }),
    async close() {
      await app.close();
      await database.close();
    },
  };
}
