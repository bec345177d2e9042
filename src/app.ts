// The composition root: reads the configuration, builds the pieces and wires them. Only entry
// points (the CLI, tests) import this file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildHttpApp } from './adapters/http/build-http-app.ts';
import type { HubConfig } from './config.ts';
import { parseEdxml } from './edxml/index.ts';
import { codes } from './errors.ts';
import { createHubService } from './hub/create-hub-service.ts';
import type { HubService } from './hub/hub-service.ts';
import { InboxNotifier } from './hub/inbox-notifier.ts';
import { createStoreHubStore } from './hub/store-hub-store.ts';
import { directoryFormatOf, parseDirectoryFile } from './routing/index.ts';
import { createSignatureVerifier, type SignatureVerifier } from './signature/index.ts';
import {
  type Database,
  importDirectory,
  issueMissingTokens,
  listOrganizations,
  openDatabase,
} from './store/index.ts';

/** A running hub's parts, for `serve` and for tests. */
export interface Hub {
  readonly config: HubConfig;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly service: HubService;
  readonly logger: Logger;
  /** On the first start with an empty directory: the example directory's nodes and their new tokens. */
  readonly firstStart: {
    readonly directory: string;
    readonly tokens: ReadonlyArray<{ nodeId: string; token: string }>;
  } | null;
  /** Trust anchors found in the trust directory (0 means every signed package is refused). */
  readonly trustFiles: number;
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
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function countTrustFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  const walk = (d: string) => {
    for (const entry of readdirSafe(d)) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(pem|crt|cer|der)$/i.test(entry.name)) count += 1;
    }
  };
  walk(dir);
  return count;
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function loadExampleIfEmpty(database: Database, config: HubConfig, logger: Logger, now: Date) {
  const existing = await listOrganizations(database.db);
  if (existing.length > 0) return null;
  const format = directoryFormatOf(config.exampleDirectory);
  if (!format || !existsSync(config.exampleDirectory)) {
    logger.warn({ file: config.exampleDirectory }, 'empty directory and no example directory file to load');
    return null;
  }
  const parsed = parseDirectoryFile(readFileSync(config.exampleDirectory, 'utf8'), format);
  if (!parsed.ok) {
    throw new Error(
      `${config.exampleDirectory}: ${parsed.findings.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    );
  }
  const audit = { at: now, actor: 'hub' };
  await importDirectory(database.db, parsed.file, audit);
  const tokens = await issueMissingTokens(database.db, audit);
  return { directory: config.exampleDirectory, tokens };
}

/** Builds a hub from its configuration: database (migrated), directory, verifier, service, HTTP app. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      // Never log credentials or package bodies.
      redact: { paths: ['req.headers.authorization', 'req.headers["xroadvnpt-sign-header"]'], remove: true },
    });
  const now = options.now ?? (() => new Date());
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    ...(options.schema || config.dbSchema ? { schema: options.schema ?? config.dbSchema ?? undefined } : {}),
    serveSocket: !config.databaseUrl,
  });
  let verifier: SignatureVerifier | null = null;
  try {
    const firstStart =
      options.loadExampleDirectory === false
        ? null
        : await loadExampleIfEmpty(database, config, logger, now());
    const trustFiles = countTrustFiles(config.trustDir);
    verifier = await createSignatureVerifier({
      trustPaths: trustFiles > 0 ? [config.trustDir] : [],
      threads: config.verifyThreads,
    });
    const verify = verifier.verify.bind(verifier);
    const store = createStoreHubStore(database.db);
    const service = createHubService({
      store,
      parse: (bytes) => parseEdxml(bytes, { strict: config.strict, maxBytes: config.maxPackageBytes }),
      verify,
      notifier: new InboxNotifier(),
      now,
      maxPackageBytes: config.maxPackageBytes,
      bindingAttributes: config.bindingAttributes,
      allowSha1: config.allowSha1,
    });
    const app = await buildHttpApp({
      hub: service,
      codes,
      logger,
      maxPackageBytes: config.maxPackageBytes,
      version: VERSION,
    });
    const closeVerifier = verifier;
    return {
      config,
      app,
      database,
      service,
      logger,
      firstStart,
      trustFiles,
      async close() {
        await app.close();
        await closeVerifier.close();
        await database.close();
      },
    };
  } catch (error) {
    await verifier?.close();
    await database.close();
    throw error;
  }
}
