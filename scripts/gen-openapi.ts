// Writes docs/openapi.json, the HTTP contract, from the routes of a hub built without listening
// (embedded Postgres in a temp folder, nothing else needed). Run: npx tsx scripts/gen-openapi.ts
// test/contracts/openapi.test.ts fails when the committed file and the routes disagree.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createHub } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

/** Where the contract is committed. */
export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/**
 * The contract's own version (`info.version`): the /v1 API, not the hub's release. The live
 * document at /docs/json carries the running hub's version instead.
 */
export const CONTRACT_VERSION = '1.0.0';

const TOP_LEVEL = ['openapi', 'info', 'tags', 'paths', 'components'];

/** The value with every object's keys sorted (the top level in the usual OpenAPI order); arrays keep theirs. */
function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (typeof value !== 'object' || value === null) return value;
  const rank = (k: string) => (top && TOP_LEVEL.includes(k) ? TOP_LEVEL.indexOf(k) : TOP_LEVEL.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

/**
 * The contract as a plain object: the hub's /docs/json with the contract version. The routes do not
 * depend on the database: tests may pass a server DATABASE_URL and a schema (faster than embedded).
 */
export async function buildOpenApiDocument(
  options: { readonly env?: NodeJS.ProcessEnv; readonly schema?: string } = {},
): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-openapi-'));
  try {
    const hub = await createHub(
      loadConfig({
        LIENTHONG_DATA_DIR: path.join(dir, 'data'),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        ...options.env,
      }),
      {
        logger: pino({ level: 'silent' }),
        loadExampleDirectory: false,
        ...(options.schema ? { schema: options.schema } : {}),
      },
    );
    try {
      const res = await hub.app.inject({ method: 'GET', url: '/docs/json' });
      if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`);
      const doc = res.json() as Record<string, unknown> & { info: Record<string, unknown> };
      doc.info = { ...doc.info, version: CONTRACT_VERSION };
      return doc;
    } finally {
      await hub.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The committed form: pretty, keys sorted, one trailing newline. */
export function serialiseOpenApi(doc: unknown): string {
  return `${JSON.stringify(sortKeys(doc, true), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = serialiseOpenApi(await buildOpenApiDocument());
  await writeFile(OPENAPI_FILE, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)} (${text.length} bytes)\n`);
}
