// The composition root: reads the configuration, builds the pieces and wires them. Only entry
// points (the CLI, tests) import this file; it composes and decides nothing itself.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildHttpApp } from './adapters/http/build-http-app.ts';
import { consoleRoutes } from './adapters/http/console/console-routes.ts';
import { opsApi } from './adapters/http/ops-api.ts';
import { createVxpMount } from './adapters/vxp/index.ts';
import { createWebhookSender } from './adapters/webhook/index.ts';
import { type BuiltEngine, buildDeliveryEngine, schedulerBackendFor } from './app/delivery-engine.ts';
import { buildPeerAgent } from './app/peer-agent.ts';
import { type HubConfig, type HubRole, readEvidenceSigner, readTlsFiles } from './config.ts';
import { parseEdxml } from './edxml/index.ts';
import { codes } from './errors.ts';
import { startEvidenceKeeper } from './evidence/evidence-keeper.ts';
import { createEvidenceService, type EvidenceService } from './evidence/evidence-service.ts';
import { evidenceSignerFromPem } from './evidence/evidence-signer.ts';
import {
  createHubService,
  createPeerService,
  createRequestLimits,
  createStoreHubStore,
  createVxpService,
  type HubService,
  InboxNotifier,
  type PeerAgent,
} from './hub/index.ts';
import { type FirstStart, loadDirectoryIfEmpty } from './ops/first-start.ts';
import {
  type Alert,
  type AlertWebhook,
  checkReadiness,
  createAlertNotifier,
  createConsoleService,
  createHubMetrics,
  createOperatorService,
  type HubMetrics,
  type Readiness,
} from './ops/index.ts';
import { assertRoleFitsScheduler, type DeliveryEngine } from './queue/index.ts';
import { countTrustFiles, createSignatureVerifier, type SignatureVerifier } from './signature/index.ts';
import { type Database, hubIdOf, listVxpSystems, openDatabase } from './store/index.ts';

/** A running hub's parts, for `serve` and for tests. */
export interface Hub {
  readonly config: HubConfig;
  /** This hub's id in hop lists and traces (LIENTHONG_HUB_ID, or the one kept in its database). */
  readonly hubId: string;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly service: HubService;
  readonly logger: Logger;
  /** On the first start with an empty directory: the example directory's nodes and their new tokens. */
  readonly firstStart: FirstStart | null;
  /** Trust anchors found in the trust directory (0 means every signed package is refused). */
  readonly trustFiles: number;
  /** What this process runs: the API (`api`), the delivery workers (`worker`), or both (`all`). */
  readonly role: HubRole;
  /** The delivery engine of this process (relay everywhere; workers and reconciler unless `api`). */
  readonly engine: DeliveryEngine;
  /** This process's Prometheus registry (served at /metrics with the queue's export). */
  readonly metrics: HubMetrics;
  /** The loops towards the parent hub (null in an `api` process). */
  readonly peerAgent: PeerAgent | null;
  /** The evidence log: chaining, signed heads, proof bundles (docs/evidence.md). */
  readonly evidence: EvidenceService;
  /**
   * VXP systems that can authenticate from any address over plain HTTP: no IP allow-list and the hub
   * terminates no TLS. The SDK's signature can be replayed (docs/vxp.md), so `serve` warns about them.
   */
  readonly exposedVxpSystems: readonly string[];
  /** What /readyz answers: database, migrations, queue backend, trust store. */
  readiness(): Promise<Readiness>;
  /** Stops accepting, waits for requests in flight, closes workers and the database. */
  close(): Promise<void>;
}

/** Options a test or the CLI may add to the configuration. */
export interface CreateHubOptions {
  readonly logger?: Logger;
  /** Server mode: a schema for the hub's tables (tests use one per file). */
  readonly schema?: string;
  /** Current time (tests). */
  readonly now?: () => Date;
  /** Load the example directory into an empty database (default true). */
  readonly loadExampleDirectory?: boolean;
  /** Overrides the configured role (`serve --role`). */
  readonly role?: HubRole;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function defaultLogger(config: HubConfig): Logger {
  return pino({
    level: config.logLevel,
    // Never log credentials or package bodies.
    redact: { paths: ['req.headers.authorization', 'req.headers["xroadvnpt-sign-header"]'], remove: true },
  });
}

/** Builds a hub from its configuration: database (migrated), directory, verifier, service, HTTP app, delivery engine. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? defaultLogger(config);
  const now = options.now ?? (() => new Date());
  const role = options.role ?? config.role;
  const schema = options.schema ?? config.dbSchema ?? undefined;
  // Refuse a split role that the queue cannot serve before the (slow) embedded database is opened;
  // buildDeliveryEngine checks again with what opening found (another process owning the data directory).
  assertRoleFitsScheduler(role, schedulerBackendFor(config, (config.databaseUrl && schema) || 'public'), {
    sharedDatabaseClient: false,
  });
  const tls = config.tls ? await readTlsFiles(config.tls) : undefined;
  const evidencePem = await readEvidenceSigner(config.evidence);
  // Built now: a key that cannot sign is refused at start, not at the first head ten minutes later.
  const evidenceSigner = evidencePem && evidenceSignerFromPem(evidencePem.keyPem, evidencePem.certificatePem);
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    ...(schema ? { schema } : {}),
    serveSocket: !config.databaseUrl,
    poolSize: config.dbPoolSize,
    txGuard: config.txGuard,
  });
  let verifier: SignatureVerifier | null = null;
  let delivery: BuiltEngine | null = null;
  let links: ReturnType<typeof buildPeerAgent> | null = null;
  let alertNotifier: { close(): Promise<void> } | null = null;
  let evidenceKeeper: { close(): Promise<void> } | null = null;
  try {
    const firstStart =
      options.loadExampleDirectory === false || role === 'worker' || config.exampleDirectory === null
        ? null
        : await loadDirectoryIfEmpty(
            database.db,
            config.exampleDirectory,
            { at: now(), actor: 'hub' },
            (file) => logger.warn({ file }, 'empty directory and no example directory file to load'),
          );
    const exposedVxpSystems =
      role === 'worker' || config.tls !== null
        ? []
        : (await listVxpSystems(database.db))
            .filter((s) => s.disabledAt === null && s.ipAllowList.length === 0)
            .map((s) => s.nodeId);
    if (exposedVxpSystems.length > 0) {
      logger.warn(
        { vxpSystems: exposedVxpSystems },
        'VXP systems without an IP allow-list on a hub without TLS: their captured requests can be replayed from anywhere',
      );
    }
    const hubId =
      config.hubId ?? (await hubIdOf(database.db, () => `hub-${randomBytes(5).toString('hex')}`, now()));
    const metrics = createHubMetrics({ role });
    const evidence = createEvidenceService({
      db: database.db,
      hubId,
      now,
      signer: evidenceSigner,
      tsaUrl: config.evidence.tsaUrl,
    });
    delivery = await buildDeliveryEngine(config, database, role, logger, metrics, hubId);
    const { engine, scheduler } = delivery;
    const trustFiles = countTrustFiles(config.trustDir);
    verifier = await createSignatureVerifier({
      trustPaths: trustFiles > 0 ? [config.trustDir] : [],
      threads: role === 'worker' ? 1 : config.verifyThreads,
    });
    const notifier = new InboxNotifier(1000, () => engine.kick());
    const service = createHubService({
      store: createStoreHubStore(database.db),
      parse: (bytes) =>
        parseEdxml(bytes, {
          strict: config.strict,
          maxBytes: config.maxPackageBytes,
          maxNodes: config.maxXmlNodes,
        }),
      verify: async (bytes, options) => {
        const started = performance.now();
        try {
          return await (verifier as SignatureVerifier).verify(bytes, options);
        } finally {
          metrics.verified((performance.now() - started) / 1000);
        }
      },
      observer: metrics.observer,
      notifier,
      now,
      maxPackageBytes: config.maxPackageBytes,
      requestLimits: createRequestLimits(config.limits),
      bindingAttributes: config.bindingAttributes,
      allowSha1: config.allowSha1,
      hubId,
    });
    const operator = createOperatorService({
      db: database.db,
      now,
      alertState: () => consoleService.alertState(),
      engine: {
        scheduler,
        queueName: config.delivery.queueName,
        breakers: engine.breakers,
        workers: role !== 'api',
        role,
        metrics,
        kick: () => engine.kick(),
        onMetricsError: (err) => logger.warn({ err }, 'queue metrics unavailable'),
      },
    });
    const consoleService = createConsoleService({
      db: database.db,
      operator,
      settings: config.console,
      trustDir: config.trustDir,
      now,
      kick: () => engine.kick(),
    });
    const peers = createPeerService({ db: database.db, hubId, now, notifier });
    const readiness = () => checkReadiness({ db: database.db, scheduler, trustAnchors: trustFiles });
    const app = await buildHttpApp({
      onResponse: (method, route, status, seconds) => metrics.request(method, route, status, seconds),
      readiness,
      hub: service,
      peers,
      codes,
      logger,
      version: VERSION,
      trustProxy: config.trustProxy,
      ...(tls ? { https: tls } : {}),
      mounts: [
        createVxpMount(createVxpService({ db: database.db, service }), { codes }),
        {
          prefix: '',
          plugin: opsApi({
            service: operator,
            codes,
            token: config.operatorToken,
            limits: service.limits.requests,
          }),
        },
        {
          prefix: '',
          plugin: consoleRoutes({
            service: consoleService,
            codes,
            secure: tls !== undefined,
            limits: service.limits.requests,
            now,
          }),
        },
      ],
    });
    await engine.start();
    if (role !== 'api') {
      links = buildPeerAgent({
        config,
        db: database.db,
        hub: service,
        peers,
        peerClient: delivery.peer,
        hubId,
        now,
        logger,
      });
      links.agent.start();
      evidenceKeeper = startEvidenceKeeper({
        service: evidence,
        chainIntervalMs: config.evidence.chainIntervalMs,
        headIntervalMs: config.evidence.headIntervalMs,
        onError: (err, what) =>
          logger.warn(
            { err },
            what === 'chain' ? 'evidence log: events not chained' : 'evidence log: head not signed',
          ),
        onSigned: (head) => {
          if (head.timestampProblem)
            logger.warn(
              { code: 'EVIDENCE_TSA_FAILED', seq: head.seq },
              `evidence head signed without a timestamp: ${head.timestampProblem}`,
            );
        },
      });
      if (config.console.alertWebhook) {
        alertNotifier = startAlertNotifier(config.console.alertWebhook, {
          hubId,
          now,
          logger,
          alerts: async () => (await consoleService.alertState()).alerts,
        });
      }
    }
    const [closeVerifier, closeDelivery, closeLinks, closeAlerts, closeEvidence] = [
      verifier,
      delivery,
      links,
      alertNotifier,
      evidenceKeeper,
    ];
    return {
      config,
      hubId,
      app,
      database,
      service,
      logger,
      firstStart,
      trustFiles,
      role,
      engine,
      metrics,
      peerAgent: links?.agent ?? null,
      evidence,
      exposedVxpSystems,
      readiness,
      async close() {
        await app.close();
        await closeLinks?.close();
        await closeAlerts?.close();
        await closeEvidence?.close();
        // Workers finish the pushes in flight and record them before the database goes.
        await closeDelivery.close();
        await closeVerifier.close();
        await database.close();
      },
    };
  } catch (error) {
    await links?.close().catch(() => {});
    await alertNotifier?.close().catch(() => {});
    await evidenceKeeper?.close().catch(() => {});
    await delivery?.close().catch(() => {});
    await verifier?.close();
    await database.close();
    throw error;
  }
}

/**
 * Sends alerts to LIENTHONG_ALERT_WEBHOOK_URL as they begin and end, signed like deliveries
 * (Lienthong-Signature with LIENTHONG_ALERT_WEBHOOK_SECRET, Lienthong-Kind: alert). Runs in the
 * processes that run workers.
 */
function startAlertNotifier(
  webhook: AlertWebhook,
  deps: {
    readonly hubId: string;
    readonly now: () => Date;
    readonly logger: Logger;
    readonly alerts: () => Promise<readonly Alert[]>;
  },
): { close(): Promise<void> } {
  const sender = createWebhookSender({});
  const notifier = createAlertNotifier({
    hubId: deps.hubId,
    intervalMs: webhook.intervalMs,
    alerts: deps.alerts,
    now: deps.now,
    onError: (err) => deps.logger.warn({ err }, 'alerts could not be computed'),
    send: async (notice) => {
      const outcome = await sender.send({
        url: webhook.url,
        secret: webhook.secret,
        messageId: notice.id,
        kind: 'alert',
        attempt: 1,
        body: Buffer.from(JSON.stringify(notice), 'utf8'),
        now: deps.now(),
        contentType: 'application/json',
      });
      if (outcome.kind !== 'delivered') {
        deps.logger.warn(
          { code: outcome.attempt.errorCode, status: outcome.attempt.httpStatus },
          'alert webhook refused',
        );
      }
      return outcome.kind === 'delivered';
    },
  });
  notifier.start();
  return {
    async close() {
      await notifier.close();
      await sender.close();
    },
  };
}
