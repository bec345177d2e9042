import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { CodeTable } from '../../core/index.ts';
import type { RequestLimits } from '../../hub/index.ts';
import {
  DELIVERY_STATES,
  type DeliveryState,
  type OperatorService,
  type RetryTarget,
} from '../../ops/index.ts';
import { operatorAuth } from './operator-auth.ts';
import { sendProblem } from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** Options of {@link opsApi}. */
export interface OpsApiOptions {
  readonly service: OperatorService;
  readonly codes: CodeTable;
  /** LIENTHONG_OPERATOR_TOKEN; null turns every operator route into a 401. */
  readonly token: string | null;
  /** Failed operator authentications per client address (LIENTHONG_AUTH_FAILURES). */
  readonly limits?: RequestLimits | undefined;
}

const QueueHealthSchema = Type.Object({
  name: Type.String(),
  backend: Type.String({ description: 'redis, postgres, postgres-embedded or in-process' }),
  waiting: Type.Integer(),
  active: Type.Integer(),
  delayed: Type.Integer(),
  failed: Type.Integer(),
  oldestWaitingAgeMs: Type.Union([Type.Integer(), Type.Null()]),
  workers: Type.Integer(),
});

const QueuesReportSchema = Type.Object({
  queues: Type.Array(QueueHealthSchema),
  outboxPending: Type.Integer(),
  deliveries: Type.Object({
    queued: Type.Integer(),
    sending: Type.Integer(),
    retrying: Type.Integer(),
    failed: Type.Integer(),
  }),
  pausedNodes: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      state: Type.Union([Type.Literal('open'), Type.Literal('half-open')]),
      until: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  process: Type.Object({ role: Type.String(), pid: Type.Integer() }),
  at: Type.String(),
  peers: Type.Array(
    Type.Object({
      id: Type.String(),
      role: Type.Union([Type.Literal('child'), Type.Literal('parent')]),
      protocol: Type.String(),
      url: Type.Union([Type.String(), Type.Null()]),
      organizations: Type.Integer(),
      subtreeRoots: Type.Array(Type.String()),
      lastContactAt: Type.Union([Type.String(), Type.Null()]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      lastErrorAt: Type.Union([Type.String(), Type.Null()]),
      backlog: Type.Integer({ description: 'Deliveries waiting to be handed to it.' }),
      receiptBacklog: Type.Integer(),
      oldestBacklogAt: Type.Union([Type.String(), Type.Null()]),
      breaker: Type.String({ description: 'closed, open, pull (it pulls from this hub) or unknown' }),
    }),
    { description: 'Peer hubs (hubs of hubs): children and the parent.' },
  ),
});

const OpsDeliverySchema = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  documentId: Type.String(),
  fromOrganId: Type.String(),
  toOrganId: Type.String(),
  nodeId: Type.String(),
  state: Type.String(),
  route: Type.String({ description: 'local, child-hub or parent-hub' }),
  priority: Type.Integer(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  deliveredBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
  lastAttempt: Type.Union([
    Type.Object({
      attempt: Type.Integer(),
      startedAt: Type.String(),
      finishedAt: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
      httpStatus: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      errorDetail: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

const unauthorized = { 401: ProblemSchema };

/** OpenAPI: every operator route takes the operator token. */
const security = [{ operatorToken: [] }];

/**
 * The operator HTTP surface for scripts and Prometheus, mounted at the root: GET /metrics, GET
 * /ops/queues, GET /ops/deliveries, GET /ops/messages/:id/trace, POST /ops/deliveries/retry. Every
 * route needs the operator token (see {@link operatorAuth}). People use the console (/console).
 */
export function opsApi(options: OpsApiOptions) {
  const { service, codes } = options;
  return async function opsApiPlugin(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', operatorAuth({ token: options.token, codes, limits: options.limits }));

    app.get(
      '/metrics',
      {
        schema: {
          operationId: 'getMetrics',
          summary: 'Prometheus metrics: process, delivery engine counters and BullMQ queue gauges',
          tags: ['operator'],
          security,
          produces: ['text/plain'],
          response: {
            200: { type: 'string', description: 'Prometheus text exposition 0.0.4' },
            ...unauthorized,
          },
        },
      },
      async (_request, reply) => {
        const text = await service.metrics();
        return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
      },
    );

    app.get(
      '/ops/queues',
      {
        schema: {
          operationId: 'getQueues',
          summary: 'Queue health: per queue waiting, active, delayed, failed, oldest waiting age, workers',
          description:
            'Also what Postgres says (deliveries by state, outbox backlog) and the nodes paused by the answering process.',
          tags: ['operator'],
          security,
          response: { 200: QueuesReportSchema, 503: ProblemSchema, ...unauthorized },
        },
      },
      async (_request, reply) => {
        const report = await service.queues();
        return report.ok ? report.value : sendProblem(reply, codes, report.error);
      },
    );

    app.get(
      '/ops/deliveries',
      {
        schema: {
          operationId: 'listDeliveries',
          summary: 'Deliveries by state and node, most recently changed first, with their last attempt',
          tags: ['operator'],
          security,
          querystring: Type.Object({
            state: Type.Optional(Type.Union(DELIVERY_STATES.map((s) => Type.Literal(s)))),
            node: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            documentId: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 300,
                description: 'Deliveries of messages with this DocumentId',
              }),
            ),
            message: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'Deliveries of this message' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          }),
          response: { 200: Type.Object({ items: Type.Array(OpsDeliverySchema) }), ...unauthorized },
        },
      },
      async (request) => {
        const query = request.query as {
          state?: DeliveryState;
          node?: string;
          documentId?: string;
          message?: string;
          limit: number;
        };
        return {
          items: await service.listDeliveries({
            state: query.state,
            nodeId: query.node,
            documentId: query.documentId,
            messageId: query.message,
            limit: query.limit,
          }),
        };
      },
    );

    app.get(
      '/ops/messages/:id/trace',
      {
        schema: {
          operationId: 'getMessageTrace',
          summary: 'The whole trace of a message: every delivery, attempt, business status and event',
          description:
            'Find the message id with GET /ops/deliveries?documentId=… . Times are ISO 8601 (UTC); the console shows the same in Vietnam time.',
          tags: ['operator'],
          security,
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: {
            200: Type.Object({}, { additionalProperties: true }),
            404: ProblemSchema,
            ...unauthorized,
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const trace = await service.trace(id);
        return (
          trace ?? sendProblem(reply, codes, { code: 'MESSAGE_NOT_FOUND', message: `No message ${id}.` })
        );
      },
    );

    app.post(
      '/ops/deliveries/retry',
      {
        schema: {
          operationId: 'retryDeliveries',
          summary: 'Queue failed deliveries again: one delivery, every failed one of a node, or all failed',
          tags: ['operator'],
          security,
          body: Type.Union([
            Type.Object(
              { deliveryId: Type.String({ minLength: 1, maxLength: 64 }) },
              { additionalProperties: false },
            ),
            Type.Object(
              { nodeId: Type.String({ minLength: 1, maxLength: 128 }) },
              { additionalProperties: false },
            ),
            Type.Object({ allFailed: Type.Literal(true) }, { additionalProperties: false }),
          ]),
          response: {
            200: Type.Object({ retried: Type.Array(Type.String()) }),
            404: ProblemSchema,
            409: ProblemSchema,
            ...unauthorized,
          },
        },
      },
      async (request, reply) => {
        const result = await service.retryDeliveries(request.body as RetryTarget, 'operator:http');
        return result.ok ? result.value : sendProblem(reply, codes, result.error);
      },
    );
  };
}
