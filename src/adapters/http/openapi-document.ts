import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import type { CodeTable } from '../../core/index.ts';
import { VXP_SCHEMAS, vxpPaths } from './openapi-vxp.ts';
import { ProblemSchema } from './schemas.ts';

/*
 * How the routes become the OpenAPI contract (docs/openapi.json, docs/api.md). The routes carry their
 * TypeBox schemas, operationId and security; the transforms here only change the document, never
 * what a route validates or answers:
 *   - an error response declared with ProblemSchema is documented as application/problem+json,
 *     referencing one shared `Problem` component whose `code` enumerates the code registry;
 *   - every authenticated operation also documents 400, 401, 429 and 500 as problems;
 *   - a route that declares `consumes` without a `body` reads the raw bytes itself (a content-type
 *     parser): its request body is documented as a binary string of those media types;
 *   - the VXP wildcard route is replaced by one path per VXP operation (openapi-vxp.ts).
 */

type Json = Record<string, unknown>;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';

/** The security schemes of the document (route schemas name them in `security`). */
export const SECURITY_SCHEMES = {
  nodeToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A node token (`lienthong node add` prints it once): the node API under /v1 and the hub-to-hub calls under /v1/hub.',
  },
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'LIENTHONG_OPERATOR_TOKEN: /ops/* and /metrics (also accepted as the password of HTTP Basic).',
  },
} as const;

const TAGS = [
  { name: 'node', description: 'The node API: send, inbox, fetch, acknowledge, trace (node token).' },
  {
    name: 'hub',
    description: 'Hub-to-hub calls between a child hub and its parent (node token of the peer).',
  },
  { name: 'operator', description: 'Operator API for scripts and Prometheus (operator token).' },
  { name: 'health', description: 'Liveness and readiness, without credentials.' },
  {
    name: 'vxp',
    description: 'The national-axis compatible endpoint (XroadVnpt-* HMAC headers; docs/vxp.md).',
  },
];

const STATUS_TEXT: Readonly<Record<string, string>> = {
  '400': 'Bad request',
  '401': 'Not authenticated',
  '403': 'Forbidden',
  '404': 'Not found',
  '409': 'Conflict',
  '413': 'Payload too large',
  '415': 'Unsupported media type',
  '422': 'Refused',
  '429': 'Too many requests (see Retry-After)',
  '500': 'Internal error',
  '503': 'Unavailable',
};

/** Error statuses every authenticated operation can answer, whatever it declares. */
const AUTHENTICATED_ERRORS = ['400', '401', '429', '500'];

const problemResponse = (status: string) => ({
  description: `${STATUS_TEXT[status] ?? 'Error'}: problem details with a stable code (docs/errors.md).`,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } },
});

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Options of {@link openapiTransforms}. */
export interface OpenapiTransformOptions {
  /** The code registry: the `code` enum of the Problem component. */
  readonly codes: CodeTable;
}

/** The `transform` and `transformObject` hooks of @fastify/swagger that shape the contract. */
export function openapiTransforms(
  options: OpenapiTransformOptions,
): Pick<FastifyDynamicSwaggerOptions, 'transform' | 'transformObject'> {
  // Base paths of the VXP wildcard routes seen by `transform` (normally just `/vxp`).
  const vxpPrefixes = new Set<string>();

  return {
    transform({ schema, url, route }) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // The VXP endpoint: `<base>/*` for every method, no schema. Documented operation by operation.
      if (url.endsWith('/*') && methods.includes('POST') && methods.includes('GET') && !schema) {
        vxpPrefixes.add(url.slice(0, -2));
        return { schema: { hide: true }, url };
      }
      if (!schema || schema.hide) return { schema, url };
      const response: Json = {};
      for (const [status, value] of Object.entries((schema.response ?? {}) as Json)) {
        response[status] = value === ProblemSchema ? problemResponse(status) : value;
      }
      if ((schema.security ?? []).length > 0) {
        for (const status of AUTHENTICATED_ERRORS) response[status] ??= problemResponse(status);
      }
      const rawBody =
        schema.consumes && !schema.body
          ? {
              body: {
                type: 'string',
                format: 'binary',
                description: 'The bytes as sent: read raw, never parsed as JSON.',
              },
            }
          : {};
      return { schema: { ...schema, ...rawBody, response } as FastifySchema, url };
    },

    transformObject(documentObject) {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
      const doc = documentObject.openapiObject as Json;
      const paths = (doc['paths'] ?? {}) as Record<string, Json>;
      let problem: Json | null = null;
      for (const item of Object.values(paths)) {
        for (const operation of Object.values(item)) {
          if (!isObject(operation) || !isObject(operation['responses'])) continue;
          for (const response of Object.values(operation['responses'])) {
            const media = isObject(response) && isObject(response['content']) ? response['content'] : null;
            const problemMedia = media?.[PROBLEM_MEDIA_TYPE];
            if (!isObject(problemMedia)) continue;
            if (problem === null && isObject(problemMedia['schema'])) problem = problemMedia['schema'];
            problemMedia['schema'] = { $ref: PROBLEM_REF };
          }
        }
      }
      for (const item of Object.values(paths)) {
        for (const operation of Object.values(item)) {
          if (!isObject(operation) || !Array.isArray(operation['parameters'])) continue;
          // A query parameter with a default is filled in by the hub: a client may leave it out.
          for (const parameter of operation['parameters'] as Json[]) {
            const schema = parameter['schema'];
            if (parameter['in'] !== 'path' && isObject(schema) && schema['default'] !== undefined) {
              parameter['required'] = false;
            }
          }
        }
      }
      for (const prefix of [...vxpPrefixes].sort()) Object.assign(paths, vxpPaths(prefix));
      doc['paths'] = paths;
      const components = (doc['components'] ?? {}) as Json;
      const schemas = (components['schemas'] ?? {}) as Json;
      schemas['Problem'] = problemComponent(problem, options.codes);
      if (vxpPrefixes.size > 0) Object.assign(schemas, VXP_SCHEMAS);
      components['schemas'] = schemas;
      components['securitySchemes'] = SECURITY_SCHEMES;
      doc['components'] = components;
      doc['tags'] = TAGS;
      // Every operation says which scheme it takes; there is no default.
      delete doc['security'];
      return doc;
    },
  };
}

/** The Problem schema as rendered in the document, with `code` restricted to the registry. */
function problemComponent(rendered: Json | null, codes: CodeTable): Json {
  const base = structuredClone(rendered ?? (JSON.parse(JSON.stringify(ProblemSchema)) as Json));
  delete base['$id'];
  const properties = (base['properties'] ?? {}) as Record<string, Json>;
  properties['code'] = { ...properties['code'], type: 'string', enum: Object.keys(codes) };
  base['properties'] = properties;
  base['description'] =
    'RFC 9457 problem details (application/problem+json) with the stable code of docs/errors.md.';
  return base;
}
