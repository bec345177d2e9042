import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example directory shipped with lienthong (found next to the sources, whatever the cwd). */
const SHIPPED_DIRECTORY = fileURLToPath(new URL('../config/directory.example.yaml', import.meta.url));

/** Everything the hub reads from its environment, validated once and frozen. */
export interface HubConfig {
  /** TCP port of the HTTP API (PORT, default 8080). */
  readonly port: number;
  /** Listen address (HOST, default 127.0.0.1; use 0.0.0.0 in containers). */
  readonly host: string;
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
  /** Subject attributes that may carry the signer's organ id (LIENTHONG_BINDING_ATTRIBUTES, default OU,UID; empty = pinned certificates only). */
  readonly bindingAttributes: readonly string[];
  /** Accept RSA-SHA1 / SHA-1 digests from legacy signers (LIENTHONG_ALLOW_SHA1=1). */
  readonly allowSha1: boolean;
  /** Strict codec mode: length limits are errors (LIENTHONG_STRICT=1). */
  readonly strict: boolean;
  /** Directory file loaded into an empty directory on first start (LIENTHONG_DIRECTORY, default the shipped config/directory.example.yaml). */
  readonly exampleDirectory: string;
  /** pino level (LOG_LEVEL, default info). */
  readonly logLevel: string;
  /** Signature worker threads (LIENTHONG_VERIFY_THREADS, default 2). */
  readonly verifyThreads: number;
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
    databaseUrl: env['DATABASE_URL'] || null,
    dbSchema: env['LIENTHONG_DB_SCHEMA'] || null,
    dataDir,
    redisUrl: env['REDIS_URL'] || null,
    trustDir: path.resolve(cwd, env['LIENTHONG_TRUST_DIR'] || path.join(dataDir, 'pki', 'trust')),
    maxPackageBytes: integer(env, 'LIENTHONG_MAX_PACKAGE_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    bindingAttributes: Object.freeze(
      (attributes === undefined ? 'OU,UID' : attributes)
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0),
    ),
    allowSha1: flag(env, 'LIENTHONG_ALLOW_SHA1'),
    strict: flag(env, 'LIENTHONG_STRICT'),
    exampleDirectory: env['LIENTHONG_DIRECTORY']
      ? path.resolve(cwd, env['LIENTHONG_DIRECTORY'])
      : SHIPPED_DIRECTORY,
    logLevel: env['LOG_LEVEL'] || 'info',
    verifyThreads: integer(env, 'LIENTHONG_VERIFY_THREADS', 2, 1, 64),
  });
}
