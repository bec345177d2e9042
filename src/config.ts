import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REQUEST_LIMITS, type RequestLimitSettings } from './hub/request-limits.ts';
import { type ConsoleSettings, DEFAULT_CONSOLE_SETTINGS } from './ops/console-settings.ts';

/** The example directory shipped with lienthong (found next to the sources, whatever the cwd). */
const SHIPPED_DIRECTORY = fileURLToPath(new URL('../config/directory.example.yaml', import.meta.url));

/** Which processes do what: `all` (default) serves the API and pushes; `api` and `worker` split them. */
export type HubRole = 'all' | 'api' | 'worker';
export const HUB_ROLES: readonly HubRole[] = ['all', 'api', 'worker'];

/** The delivery engine's settings (docs/operations.md lists the variables). */
export interface DeliveryConfig {
  /** `auto`: BullMQ on Redis with REDIS_URL, BullMQ's Postgres backend with DATABASE_URL, in-process on embedded Postgres; `in-process` forces the in-process scheduler (one process only) (LIENTHONG_SCHEDULER). */
  readonly scheduler: 'auto' | 'in-process';
  /** BullMQ queue name (LIENTHONG_QUEUE_NAME, default lienthong-deliveries). */
  readonly queueName: string;
  /** Redis key prefix (LIENTHONG_QUEUE_PREFIX, default bull). */
  readonly queuePrefix: string;
  /** Schema of BullMQ's tables on Postgres (LIENTHONG_QUEUE_SCHEMA, default bullmq, or <schema>_bullmq with LIENTHONG_DB_SCHEMA). */
  readonly queueSchema: string | null;
  /** Pushes at once per worker process (LIENTHONG_WORKER_CONCURRENCY, default 32). */
  readonly concurrency: number;
  /** Pushes at once to one node per worker process (LIENTHONG_PER_NODE_CONCURRENCY, default 4). */
  readonly perNodeConcurrency: number;
  /** Webhook connect timeout, ms (LIENTHONG_WEBHOOK_CONNECT_TIMEOUT_MS, default 10 000). */
  readonly connectTimeoutMs: number;
  /** Webhook answer (headers) timeout, ms (LIENTHONG_WEBHOOK_TIMEOUT_MS, default 30 000). */
  readonly headersTimeoutMs: number;
  /** Whole webhook request timeout, ms (LIENTHONG_WEBHOOK_REQUEST_TIMEOUT_MS, default 120 000). */
  readonly requestTimeoutMs: number;
  /** Keep-alive connections per receiver (LIENTHONG_WEBHOOK_CONNECTIONS, default 8). */
  readonly connectionsPerOrigin: number;
  /** Default retry policy; each node may override (`lienthong node set`). */
  readonly retryMaxAttempts: number;
  readonly retryMaxAgeSeconds: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Default breaker: failures in a row that pause a node, and the first pause, ms. */
  readonly breakerFailures: number;
  readonly breakerOpenMs: number;
  /** Outbox relay poll, ms (LIENTHONG_RELAY_INTERVAL_MS, default 200; commits also wake it). */
  readonly relayIntervalMs: number;
  /** Reconciler period, ms (LIENTHONG_RECONCILE_INTERVAL_MS, default 15 000). */
  readonly reconcileIntervalMs: number;
  /** BullMQ job lock, ms: a killed worker's job is taken back after about this (LIENTHONG_QUEUE_LOCK_MS, default 30 000). */
  readonly lockMs: number;
}

/** Hubs of hubs (docs/federation.md). */
export interface FederationConfig {
  /** How often this hub compares what it serves with what its parent holds, ms (LIENTHONG_DIRECTORY_REPORT_MS, default 30 000). */
  readonly reportIntervalMs: number;
}

/** Everything the hub reads from its environment, validated once and frozen. */
export interface HubConfig {
  /** TCP port of the HTTP API (PORT, default 8080). */
  readonly port: number;
  /** Listen address (HOST, default 127.0.0.1; use 0.0.0.0 in containers). */
  readonly host: string;
  /**
   * Where a `worker` process (which serves no API) answers /livez and /readyz (LIENTHONG_HEALTH_PORT,
   * default 8081; 0 = any free port; `off` = none).
   */
  readonly healthPort: number | null;
  /** Postgres server (DATABASE_URL); null = embedded Postgres (PGlite) under dataDir. */
  readonly databaseUrl: string | null;
  /** Schema of the hub's tables on a Postgres server (LIENTHONG_DB_SCHEMA, default public). */
  readonly dbSchema: string | null;
  /** Where embedded data lives (LIENTHONG_DATA_DIR, default ./data). */
  readonly dataDir: string;
  /** Redis for the delivery queues (REDIS_URL); null = scheduled from Postgres in-process. */
  readonly redisUrl: string | null;
  /** Trust anchors, intermediates and CRLs (LIENTHONG_TRUST_DIR, default <dataDir>/pki/trust). */
  readonly trustDir: string;
  /** Largest package accepted in bytes (LIENTHONG_MAX_PACKAGE_BYTES, default 64 MiB). */
  readonly maxPackageBytes: number;
  /** Most XML nodes (elements, attributes, comments) the codec reads in a package (LIENTHONG_MAX_XML_NODES, default 100 000). */
  readonly maxXmlNodes: number;
  /** Subject attributes that may carry the signer's organ id (LIENTHONG_BINDING_ATTRIBUTES, default OU,UID; empty = pinned certificates only). */
  readonly bindingAttributes: readonly string[];
  /** Accept RSA-SHA1 / SHA-1 digests from legacy signers (LIENTHONG_ALLOW_SHA1=1). */
  readonly allowSha1: boolean;
  /** Strict codec mode: length limits are errors (LIENTHONG_STRICT=1). */
  readonly strict: boolean;
  /**
   * Directory file loaded into an empty directory on first start (LIENTHONG_DIRECTORY). Default: the
   * shipped config/directory.example.yaml in the embedded quick start only; with DATABASE_URL
   * (production) nothing unless a file is named; `none` loads nothing.
   */
  readonly exampleDirectory: string | null;
  /** pino level (LOG_LEVEL, default info). */
  readonly logLevel: string;
  /** Signature worker threads (LIENTHONG_VERIFY_THREADS, default 2). */
  readonly verifyThreads: number;
  /** Connections of the API's pool on a Postgres server (LIENTHONG_DB_POOL, default 10); the delivery engine has its own. */
  readonly dbPoolSize: number;
  /** Connections of the delivery engine's pool (LIENTHONG_ENGINE_DB_POOL; default from the worker concurrency: 4..50, 2 for an `api` process). */
  readonly engineDbPoolSize: number | null;
  /**
   * Refuse the outer database handle inside a transaction on a Postgres server (LIENTHONG_TX_GUARD=1;
   * default off: it costs 15-20 % CPU under load; the tests turn it on; embedded always checks).
   */
  readonly txGuard: boolean;
  /** What this process runs (LIENTHONG_ROLE or `serve --role`, default all). */
  readonly role: HubRole;
  /** Bearer token (or Basic password) for /ops/*, /metrics and the queue board (LIENTHONG_OPERATOR_TOKEN); null = those answer 401. */
  readonly operatorToken: string | null;
  /** Serve HTTPS (LIENTHONG_TLS_CERT + LIENTHONG_TLS_KEY, PEM files); null = plain HTTP (a proxy in front terminates TLS). */
  readonly tls: TlsFiles | null;
  /**
   * Reverse proxies whose X-Forwarded-For gives the client's address (LIENTHONG_TRUST_PROXY: comma-
   * separated addresses or CIDRs, or `loopback`, `linklocal`, `uniquelocal`); empty = trust none.
   */
  readonly trustProxy: readonly string[];
  /** This hub's id in hop lists and traces (LIENTHONG_HUB_ID); null = the one generated on the first start and kept in the database. */
  readonly hubId: string | null;
  readonly federation: FederationConfig;
  readonly delivery: DeliveryConfig;
  /**
   * Per node: requests per second and burst (LIENTHONG_NODE_RATE, LIENTHONG_NODE_BURST), uploads and
   * bytes in flight (LIENTHONG_NODE_UPLOADS, LIENTHONG_NODE_UPLOAD_BYTES); the whole hub's bytes in
   * flight (LIENTHONG_UPLOAD_BYTES); failed authentications per client address and minute
   * (LIENTHONG_AUTH_FAILURES). 0 turns a limit off; `node set` overrides the per-node ones.
   */
  readonly limits: RequestLimitSettings;
  /** The operator console: overdue rules, alerts, sessions and lock-out (docs/console.md). */
  readonly console: ConsoleSettings;
  /** The evidence log (docs/evidence.md). */
  readonly evidence: EvidenceConfig;
}

/** The evidence log: how often events are chained and the head signed, and with which key. */
export interface EvidenceConfig {
  /** How often the hub chains new events (LIENTHONG_EVIDENCE_CHAIN_MS, default 1 000). */
  readonly chainIntervalMs: number;
  /** How often the hub signs the chain's head when it moved (LIENTHONG_EVIDENCE_HEAD_MS, default 10 min). */
  readonly headIntervalMs: number;
  /** The signing key and certificate, PEM files (LIENTHONG_EVIDENCE_KEY + _CERT); null = the key kept in the database. */
  readonly signerFiles: { readonly keyFile: string; readonly certFile: string } | null;
  /** An RFC 3161 timestamping authority that timestamps each signed head (LIENTHONG_TSA_URL); null = none. */
  readonly tsaUrl: string | null;
}

/** The hub's own TLS certificate (chain) and key; it then also asks callers for client certificates. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A configuration value that cannot be used, with the variable's name. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

/** Reads the configuration from `env` (default: process.env); relative paths resolve against `cwd`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HubConfig {
  const dataDir = path.resolve(cwd, env['LIENTHONG_DATA_DIR'] || 'data');
  const attributes = env['LIENTHONG_BINDING_ATTRIBUTES'];
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    healthPort:
      env['LIENTHONG_HEALTH_PORT'] === 'off' ? null : integer(env, 'LIENTHONG_HEALTH_PORT', 8081, 0, 65535),
    databaseUrl: env['DATABASE_URL'] || null,
    dbSchema: env['LIENTHONG_DB_SCHEMA'] || null,
    dataDir,
    redisUrl: env['REDIS_URL'] || null,
    trustDir: path.resolve(cwd, env['LIENTHONG_TRUST_DIR'] || path.join(dataDir, 'pki', 'trust')),
    maxPackageBytes: integer(env, 'LIENTHONG_MAX_PACKAGE_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxXmlNodes: integer(env, 'LIENTHONG_MAX_XML_NODES', 100_000, 1_000, 10_000_000),
    bindingAttributes: Object.freeze(
      (attributes === undefined ? 'OU,UID' : attributes)
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0),
    ),
    allowSha1: flag(env, 'LIENTHONG_ALLOW_SHA1'),
    strict: flag(env, 'LIENTHONG_STRICT'),
    exampleDirectory: firstStartDirectory(env, cwd),
    logLevel: env['LOG_LEVEL'] || 'info',
    verifyThreads: integer(env, 'LIENTHONG_VERIFY_THREADS', 2, 1, 64),
    dbPoolSize: integer(env, 'LIENTHONG_DB_POOL', 10, 1, 500),
    engineDbPoolSize: env['LIENTHONG_ENGINE_DB_POOL']
      ? integer(env, 'LIENTHONG_ENGINE_DB_POOL', 4, 1, 500)
      : null,
    txGuard: flag(env, 'LIENTHONG_TX_GUARD'),
    role: oneOf(env, 'LIENTHONG_ROLE', HUB_ROLES, 'all'),
    operatorToken: operatorToken(env),
    tls: tlsFiles(env, cwd),
    hubId: hubId(env),
    trustProxy: trustProxy(env),
    federation: Object.freeze({
      reportIntervalMs: integer(env, 'LIENTHONG_DIRECTORY_REPORT_MS', 30_000, 100, 86_400_000),
    }),
    delivery: loadDeliveryConfig(env),
    limits: loadLimits(env),
    console: loadConsoleSettings(env),
    evidence: loadEvidenceConfig(env, cwd),
  });
}

function loadEvidenceConfig(env: NodeJS.ProcessEnv, cwd: string): EvidenceConfig {
  const key = env['LIENTHONG_EVIDENCE_KEY'] || '';
  const cert = env['LIENTHONG_EVIDENCE_CERT'] || '';
  if (key !== '' && cert === '')
    throw new ConfigError('LIENTHONG_EVIDENCE_CERT', 'set it together with LIENTHONG_EVIDENCE_KEY');
  if (cert !== '' && key === '')
    throw new ConfigError('LIENTHONG_EVIDENCE_KEY', 'set it together with LIENTHONG_EVIDENCE_CERT');
  return Object.freeze({
    chainIntervalMs: integer(env, 'LIENTHONG_EVIDENCE_CHAIN_MS', 1_000, 10, 3_600_000),
    headIntervalMs: integer(env, 'LIENTHONG_EVIDENCE_HEAD_MS', 600_000, 100, 86_400_000),
    signerFiles:
      key === ''
        ? null
        : Object.freeze({ keyFile: path.resolve(cwd, key), certFile: path.resolve(cwd, cert) }),
    tsaUrl: tsaUrl(env),
  });
}

function tsaUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env['LIENTHONG_TSA_URL'] || '';
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('LIENTHONG_TSA_URL', `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError('LIENTHONG_TSA_URL', 'use an http:// or https:// URL');
  return url.toString();
}

/** The evidence signing key and certificate as PEM text, read once at start (a missing file is a configuration error). */
export async function readEvidenceSigner(
  config: EvidenceConfig,
): Promise<{ readonly keyPem: string; readonly certificatePem: string } | undefined> {
  if (config.signerFiles === null) return undefined;
  const read = async (variable: string, file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        variable,
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  return {
    keyPem: await read('LIENTHONG_EVIDENCE_KEY', config.signerFiles.keyFile),
    certificatePem: await read('LIENTHONG_EVIDENCE_CERT', config.signerFiles.certFile),
  };
}

function loadConsoleSettings(env: NodeJS.ProcessEnv): ConsoleSettings {
  const d = DEFAULT_CONSOLE_SETTINGS;
  const workdayEnd = env['LIENTHONG_WORKDAY_END'] || '17:00';
  const hm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(workdayEnd);
  if (!hm)
    throw new ConfigError('LIENTHONG_WORKDAY_END', `expected HH:mm (Vietnam time), got "${workdayEnd}"`);
  const webhookUrl = env['LIENTHONG_ALERT_WEBHOOK_URL'] || '';
  const webhookSecret = env['LIENTHONG_ALERT_WEBHOOK_SECRET'] || '';
  if (webhookUrl !== '') {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      throw new ConfigError('LIENTHONG_ALERT_WEBHOOK_URL', 'not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError('LIENTHONG_ALERT_WEBHOOK_URL', 'use an http(s) URL');
    }
    if (webhookSecret.length < 16) {
      throw new ConfigError(
        'LIENTHONG_ALERT_WEBHOOK_SECRET',
        'set a secret of at least 16 characters with the URL',
      );
    }
  }
  return Object.freeze({
    overdue: Object.freeze({
      expressMinutes: integer(env, 'LIENTHONG_OVERDUE_EXPRESS_MINUTES', d.overdue.expressMinutes, 1, 10_080),
      veryUrgentHours: integer(env, 'LIENTHONG_OVERDUE_VERY_URGENT_HOURS', d.overdue.veryUrgentHours, 1, 720),
      urgentHours: integer(env, 'LIENTHONG_OVERDUE_URGENT_HOURS', d.overdue.urgentHours, 1, 720),
      workdayEndMinutes: Number(hm[1]) * 60 + Number(hm[2]),
    }),
    alerts: Object.freeze({
      nodeSilenceMinutes: integer(
        env,
        'LIENTHONG_ALERT_NODE_SILENCE_MINUTES',
        d.alerts.nodeSilenceMinutes,
        1,
        525_600,
      ),
      nodeFailuresPerHour: integer(
        env,
        'LIENTHONG_ALERT_NODE_FAILURES',
        d.alerts.nodeFailuresPerHour,
        1,
        1_000_000,
      ),
      expiryDays: integer(env, 'LIENTHONG_ALERT_EXPIRY_DAYS', d.alerts.expiryDays, 0, 3650),
      peerUnreachableMinutes: integer(
        env,
        'LIENTHONG_ALERT_PEER_MINUTES',
        d.alerts.peerUnreachableMinutes,
        0,
        525_600,
      ),
    }),
    alertWebhook:
      webhookUrl === ''
        ? null
        : Object.freeze({
            url: webhookUrl,
            secret: webhookSecret,
            intervalMs: integer(env, 'LIENTHONG_ALERT_INTERVAL_MS', 60_000, 1_000, 86_400_000),
          }),
    sessionMinutes: integer(env, 'LIENTHONG_CONSOLE_SESSION_MINUTES', d.sessionMinutes, 1, 10_080),
    maxLoginFailures: integer(env, 'LIENTHONG_CONSOLE_MAX_FAILURES', d.maxLoginFailures, 1, 1000),
    lockMinutes: integer(env, 'LIENTHONG_CONSOLE_LOCK_MINUTES', d.lockMinutes, 1, 10_080),
  });
}

function loadLimits(env: NodeJS.ProcessEnv): RequestLimitSettings {
  const d = DEFAULT_REQUEST_LIMITS;
  return Object.freeze({
    nodeRate: integer(env, 'LIENTHONG_NODE_RATE', d.nodeRate, 0, 1_000_000),
    nodeBurst: integer(env, 'LIENTHONG_NODE_BURST', d.nodeBurst, 0, 1_000_000),
    nodeUploads: integer(env, 'LIENTHONG_NODE_UPLOADS', d.nodeUploads, 0, 10_000),
    nodeUploadBytes: integer(
      env,
      'LIENTHONG_NODE_UPLOAD_BYTES',
      d.nodeUploadBytes,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    uploadBytes: integer(env, 'LIENTHONG_UPLOAD_BYTES', d.uploadBytes, 0, Number.MAX_SAFE_INTEGER),
    authFailuresPerMinute: integer(env, 'LIENTHONG_AUTH_FAILURES', d.authFailuresPerMinute, 0, 1_000_000),
  });
}

function firstStartDirectory(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const named = env['LIENTHONG_DIRECTORY'];
  if (named === 'none') return null;
  if (named) return path.resolve(cwd, named);
  // The example directory (with a node that accepts unsigned packages) is for the quick start only.
  return env['DATABASE_URL'] ? null : SHIPPED_DIRECTORY;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: NodeJS.ProcessEnv): readonly string[] {
  const raw = (env['LIENTHONG_TRUST_PROXY'] ?? '').trim();
  if (raw === '' || raw === 'off' || raw === '0' || raw === 'false') return Object.freeze([]);
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const validBits =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 6 ? 128 : 32));
    if (!(PROXY_NAMES.has(entry) || (isIP(address) !== 0 && validBits && extra === undefined))) {
      throw new ConfigError(
        'LIENTHONG_TRUST_PROXY',
        `"${entry}" is not an address, a CIDR or one of loopback, linklocal, uniquelocal (trusting every proxy is not offered: name yours)`,
      );
    }
  }
  return Object.freeze(entries);
}

function hubId(env: NodeJS.ProcessEnv): string | null {
  const id = env['LIENTHONG_HUB_ID'];
  if (id === undefined || id === '') return null;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id)) {
    throw new ConfigError('LIENTHONG_HUB_ID', 'use 1-128 of A-Z a-z 0-9 . _ : - (first a letter or digit)');
  }
  return id;
}

function tlsFiles(env: NodeJS.ProcessEnv, cwd: string): TlsFiles | null {
  const cert = env['LIENTHONG_TLS_CERT'] || '';
  const key = env['LIENTHONG_TLS_KEY'] || '';
  if (cert === '' && key === '') return null;
  if (cert === '') throw new ConfigError('LIENTHONG_TLS_CERT', 'set it together with LIENTHONG_TLS_KEY');
  if (key === '') throw new ConfigError('LIENTHONG_TLS_KEY', 'set it together with LIENTHONG_TLS_CERT');
  return Object.freeze({ certFile: path.resolve(cwd, cert), keyFile: path.resolve(cwd, key) });
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function operatorToken(env: NodeJS.ProcessEnv): string | null {
  const token = env['LIENTHONG_OPERATOR_TOKEN'];
  if (token === undefined || token === '') return null;
  if (token.length < 16) throw new ConfigError('LIENTHONG_OPERATOR_TOKEN', 'use at least 16 characters');
  return token;
}

function loadDeliveryConfig(env: NodeJS.ProcessEnv): DeliveryConfig {
  const queueName = env['LIENTHONG_QUEUE_NAME'] || 'lienthong-deliveries';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(queueName)) {
    throw new ConfigError('LIENTHONG_QUEUE_NAME', 'letters, digits, "_" and "-" only');
  }
  const queueSchema = env['LIENTHONG_QUEUE_SCHEMA'] || null;
  if (queueSchema !== null && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(queueSchema)) {
    throw new ConfigError('LIENTHONG_QUEUE_SCHEMA', 'a plain SQL identifier');
  }
  const headersTimeoutMs = integer(env, 'LIENTHONG_WEBHOOK_TIMEOUT_MS', 30_000, 100, 600_000);
  return Object.freeze({
    scheduler: oneOf(env, 'LIENTHONG_SCHEDULER', ['auto', 'in-process'] as const, 'auto'),
    queueName,
    queuePrefix: env['LIENTHONG_QUEUE_PREFIX'] || 'bull',
    queueSchema,
    concurrency: integer(env, 'LIENTHONG_WORKER_CONCURRENCY', 32, 1, 1000),
    perNodeConcurrency: integer(env, 'LIENTHONG_PER_NODE_CONCURRENCY', 4, 1, 100),
    connectTimeoutMs: integer(env, 'LIENTHONG_WEBHOOK_CONNECT_TIMEOUT_MS', 10_000, 100, 120_000),
    headersTimeoutMs,
    requestTimeoutMs: integer(
      env,
      'LIENTHONG_WEBHOOK_REQUEST_TIMEOUT_MS',
      Math.max(120_000, headersTimeoutMs),
      100,
      3_600_000,
    ),
    connectionsPerOrigin: integer(env, 'LIENTHONG_WEBHOOK_CONNECTIONS', 8, 1, 256),
    retryMaxAttempts: integer(env, 'LIENTHONG_RETRY_MAX_ATTEMPTS', 20, 1, 1000),
    retryMaxAgeSeconds: integer(env, 'LIENTHONG_RETRY_MAX_AGE_SECONDS', 72 * 3600, 1, 31_536_000),
    retryBaseDelayMs: integer(env, 'LIENTHONG_RETRY_BASE_DELAY_MS', 2_000, 1, 86_400_000),
    retryMaxDelayMs: integer(env, 'LIENTHONG_RETRY_MAX_DELAY_MS', 30 * 60_000, 1, 86_400_000),
    breakerFailures: integer(env, 'LIENTHONG_BREAKER_FAILURES', 5, 1, 1000),
    breakerOpenMs: integer(env, 'LIENTHONG_BREAKER_OPEN_MS', 30_000, 1, 86_400_000),
    relayIntervalMs: integer(env, 'LIENTHONG_RELAY_INTERVAL_MS', 200, 10, 60_000),
    reconcileIntervalMs: integer(env, 'LIENTHONG_RECONCILE_INTERVAL_MS', 15_000, 100, 3_600_000),
    lockMs: integer(env, 'LIENTHONG_QUEUE_LOCK_MS', 30_000, 1_000, 600_000),
  });
}

/**
 * The hub's TLS certificate and key, read and checked once at start, before any database is opened:
 * an unreadable file or a key that does not fit the certificate is a configuration error (exit 2),
 * not a failure after the first start has issued and printed tokens.
 */
export async function readTlsFiles(files: TlsFiles): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (variable: string, file: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ConfigError(
        variable,
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  const cert = await read('LIENTHONG_TLS_CERT', files.certFile);
  const key = await read('LIENTHONG_TLS_KEY', files.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(
      'LIENTHONG_TLS_KEY',
      `the certificate and key cannot be used together (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return { cert, key };
}
