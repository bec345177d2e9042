// The OpenAPI contract (docs/openapi.json) is generated from the routes and committed: regenerating
// it must give the same bytes, every operation has a unique operationId and a security requirement,
// POST /v1/messages takes application/xml, every error is application/problem+json with the code
// enum of the registry, and each VXP operation has its own path with its signed headers.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, OPENAPI_FILE, serialiseOpenApi } from '../../scripts/gen-openapi.ts';
import { VXP_OPERATIONS } from '../../src/adapters/vxp/index.ts';
import { codes } from '../../src/errors.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Document {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties: Record<string, { enum?: string[] }> }>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function operations(doc: Document): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

describe('OpenAPI contract (docs/openapi.json)', () => {
  const schema = uniqueSchemaName('lt_openapi');
  let generated: string;
  let doc: Document;

  beforeAll(async () => {
    generated = serialiseOpenApi(
      await buildOpenApiDocument({ env: { DATABASE_URL: TEST_DATABASE_URL }, schema }),
    );
    doc = JSON.parse(await readFile(OPENAPI_FILE, 'utf8')) as Document;
  }, 120_000);
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('is what the routes generate (run npx tsx scripts/gen-openapi.ts when this fails)', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    if (committed !== generated) {
      expect.fail(
        'docs/openapi.json differs from what the routes generate: run npx tsx scripts/gen-openapi.ts and commit it',
      );
    }
  });

  it('gives every operation a unique camelCase operationId and a security requirement', () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(20);
    const ids = ops.map(({ op }) => op.operationId);
    for (const { path, method, op } of ops) {
      expect([method, path, op.operationId]).toEqual([
        method,
        path,
        expect.stringMatching(/^[a-z][A-Za-z0-9]*$/),
      ]);
      expect([method, path, Array.isArray(op.security)]).toEqual([method, path, true]);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'sendMessage',
        'readInbox',
        'fetchMessage',
        'ackMessage',
        'traceMessage',
        'getQueues',
        'listDeliveries',
        'retryDeliveries',
        'getMessageTrace',
        'getMetrics',
        'livez',
        'readyz',
        'healthz',
      ]),
    );
  });

  it('documents the body of POST /v1/messages as application/xml bytes', () => {
    const send = doc.paths['/v1/messages']?.['post'];
    expect(send?.operationId).toBe('sendMessage');
    expect(send?.requestBody?.required).toBe(true);
    expect(send?.requestBody?.content['application/xml']?.schema).toMatchObject({
      type: 'string',
      format: 'binary',
    });
  });

  it('answers every error with the shared Problem as application/problem+json, its code one of the registry', () => {
    const problem = doc.components.schemas['Problem'];
    expect([...(problem?.properties['code']?.enum ?? [])].sort()).toEqual(Object.keys(codes).sort());
    let errors = 0;
    for (const { path, method, op } of operations(doc)) {
      if (path.startsWith('/vxp/') || path === '/readyz') continue; // VXP: envelopes; /readyz 503: the checks
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        errors++;
        expect([method, path, status, response.content]).toEqual([
          method,
          path,
          status,
          { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        ]);
      }
    }
    expect(errors).toBeGreaterThan(50);
  });

  it('has separate bearer schemes for node and operator tokens; health takes none', () => {
    expect(doc.components.securitySchemes['nodeToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes['operatorToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc).includes('security')).toBe(false);
    for (const { path, op } of operations(doc)) {
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      if (path.startsWith('/v1/')) expect([path, schemes]).toEqual([path, ['nodeToken']]);
      else if (path.startsWith('/ops/') || path === '/metrics')
        expect([path, schemes]).toEqual([path, ['operatorToken']]);
      else expect([path, schemes]).toEqual([path, []]);
    }
  });

  it('lists every VXP operation with its signed headers, body and envelope', () => {
    expect(Object.keys(doc.paths).some((p) => p.includes('{*}'))).toBe(false);
    for (const op of VXP_OPERATIONS.values()) {
      const item = doc.paths[`/vxp/${op.name}`];
      expect([op.name, Object.keys(item ?? {}).sort()]).toEqual([
        op.name,
        op.methods.map((m) => m.toLowerCase()).sort(),
      ]);
      for (const [method, operation] of Object.entries(item ?? {})) {
        const required = (operation.parameters ?? [])
          .filter((p) => p.in === 'header' && p.required)
          .map((p) => p.name);
        expect(required).toEqual(
          expect.arrayContaining([
            'XroadVnpt-systemid',
            'XroadVnpt-timestamp',
            'XroadVnpt-Content-Type',
            'XroadVnpt-sign-header',
            'XroadVnpt-hash-header',
            ...op.signs.params.map((p) => `XroadVnpt-${p}`),
          ]),
        );
        if (method !== 'get') {
          expect([op.name, Object.keys(operation.requestBody?.content ?? {})]).toEqual([
            op.name,
            [op.body === 'package' ? 'application/octet-stream' : 'application/json'],
          ]);
        }
        const ok = operation.responses['200']?.content ?? {};
        expect([op.name, Object.keys(ok)]).toEqual([
          op.name,
          [op.shape === 'raw' ? 'application/octet-stream' : 'application/json'],
        ]);
      }
    }
  });

  it('keeps the console out of the document', () => {
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/console'))).toBe(false);
  });
});
