import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { CodeTable } from '../../core/index.ts';
import type { DirectoryReportBody, NodeIdentity, PeerReceipt, PeerService } from '../../hub/index.ts';
import { ORGANIZATION_LEVELS } from '../../routing/index.ts';
import { sendProblem } from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** Options of the hub-to-hub routes (registered inside the node API, behind its bearer auth). */
export interface HubApiOptions {
  readonly peers: PeerService;
  readonly codes: CodeTable;
  /** The node the node API's auth hook found. */
  readonly nodeOf: (request: FastifyRequest) => NodeIdentity;
}

const OrganId = Type.String({ minLength: 1, maxLength: 64 });

// Null first in every union of a request body: the hub's Ajv coerces types (for query strings),
// and it would turn a null into "" or 0 when the string or integer branch came first.
const HopSchema = Type.Object({
  hub: Type.String({ minLength: 1, maxLength: 128 }),
  acceptedAt: Type.Union([Type.Null(), Type.String({ maxLength: 40 })]),
  deliveredAt: Type.Union([Type.Null(), Type.String({ maxLength: 40 })]),
});

const PeerReceiptSchema = Type.Object({
  id: Type.String({ maxLength: 64 }),
  messageId: Type.String({ format: 'uuid' }),
  organId: OrganId,
  event: Type.Union([Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('forwarded')]),
  occurredAt: Type.String({ maxLength: 40 }),
  error: Type.Union([
    Type.Object({
      code: Type.String({ maxLength: 64 }),
      httpStatus: Type.Union([Type.Null(), Type.Integer()]),
    }),
    Type.Null(),
  ]),
  hops: Type.Array(HopSchema, { maxItems: 16 }),
});

const DirectoryReportSchema = Type.Object({
  baseVersion: Type.Union([Type.Null(), Type.Integer({ minimum: 0 })]),
  version: Type.Integer({ minimum: 1 }),
  add: Type.Array(
    Type.Object({
      organId: OrganId,
      name: Type.Optional(Type.String({ maxLength: 512 })),
      level: Type.Optional(Type.Union(ORGANIZATION_LEVELS.map((l) => Type.Literal(l)))),
      parentId: Type.Optional(Type.Union([OrganId, Type.Null()])),
    }),
    { maxItems: 200_000 },
  ),
  remove: Type.Array(OrganId, { maxItems: 200_000 }),
});

/** OpenAPI: a peer hub calls with the node token it was registered with. */
const security = [{ nodeToken: [] }];

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema };

/**
 * The hub-to-hub calls besides hand-overs (which are ordinary POST /v1/messages with the forward
 * headers): a child reports the organizations it serves; the next hub tells what became of
 * deliveries handed to it; a child this hub cannot reach pulls its receipts.
 */
export function hubApi(options: HubApiOptions) {
  const { peers, codes, nodeOf } = options;
  return async function hubApiPlugin(app: FastifyInstance): Promise<void> {
    app.put(
      '/directory',
      {
        schema: {
          operationId: 'reportDirectory',
          summary: 'A child hub reports the organizations it serves (versioned, whole or changes)',
          tags: ['hub'],
          security,
          body: DirectoryReportSchema,
          response: {
            200: Type.Object({
              applied: Type.Boolean(),
              version: Type.Integer(),
              assigned: Type.Integer(),
              unassigned: Type.Integer(),
            }),
            ...errors,
          },
        },
        bodyLimit: 64 * 1024 * 1024,
      },
      async (request, reply) => {
        const result = await peers.reportDirectory(nodeOf(request), request.body as DirectoryReportBody);
        if (!result.ok) return sendProblem(reply, codes, result.error);
        return { applied: true, ...result.value };
      },
    );

    app.post(
      '/receipts',
      {
        schema: {
          operationId: 'sendReceipts',
          summary: 'The next hub tells what became of deliveries handed to it',
          tags: ['hub'],
          security,
          body: Type.Object({ receipts: Type.Array(PeerReceiptSchema, { maxItems: 1000 }) }),
          response: {
            200: Type.Object({ applied: Type.Integer(), unchanged: Type.Integer(), unknown: Type.Integer() }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { receipts } = request.body as { receipts: PeerReceipt[] };
        const result = await peers.applyReceipts(nodeOf(request), receipts);
        return result.ok ? result.value : sendProblem(reply, codes, result.error);
      },
    );

    app.get(
      '/receipts',
      {
        schema: {
          operationId: 'pullReceipts',
          summary: 'Receipts waiting for the calling hub, when this hub cannot reach it (long-poll)',
          tags: ['hub'],
          security,
          querystring: Type.Object({ wait: Type.Integer({ minimum: 0, maximum: 30, default: 0 }) }),
          response: { 200: Type.Object({ receipts: Type.Array(PeerReceiptSchema) }), ...errors },
        },
      },
      async (request, reply) => {
        const { wait } = request.query as { wait: number };
        const result = await peers.pendingReceipts(nodeOf(request), wait * 1000);
        return result.ok ? { receipts: result.value } : sendProblem(reply, codes, result.error);
      },
    );

    app.post(
      '/receipts/ack',
      {
        schema: {
          operationId: 'ackReceipts',
          summary: 'The calling hub holds these receipts',
          tags: ['hub'],
          security,
          body: Type.Object({ ids: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 }) }),
          response: { 200: Type.Object({ acknowledged: Type.Integer() }), ...errors },
        },
      },
      async (request, reply) => {
        const { ids } = request.body as { ids: string[] };
        const result = await peers.ackReceipts(nodeOf(request), ids);
        return result.ok ? result.value : sendProblem(reply, codes, result.error);
      },
    );
  };
}
