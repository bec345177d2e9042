import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type CodeTable, hasControlCharacters } from '../../core/index.ts';
import {
  type ForwardedFrom,
  formatForwardRecipients,
  type HubFailure,
  type HubService,
  type LimitRefusal,
  type NodeIdentity,
  type PeerService,
  parseForwardRecipients,
  parseHops,
} from '../../hub/index.ts';
import { presentedCertificateSha256 } from '../tls-peer.ts';
import { hubApi } from './hub-api.ts';
import { sendProblem } from './problem.ts';
import { authenticationGate, declaredBytes, nodeRequestGate, retryAfter } from './request-limit-hooks.ts';
import { InboxItemSchema, MessageIdParams, ProblemSchema, ReceiptSchema, TraceSchema } from './schemas.ts';

/** Options of the node API plugin. */
export interface NodeApiOptions {
  readonly hub: HubService;
  /** Registry used to map codes to HTTP statuses. */
  readonly codes: CodeTable;
  /** The transport limit: a body past it is not read (the hub's accept checks hold the rule). */
  readonly maxPackageBytes: number;
  /** The hub-to-hub calls (receipts, directory reports) under /v1/hub; absent: not served. */
  readonly peers?: PeerService | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The forward headers of a hand-over from a peer hub: absent (null), readable, or a refusal. Only
 * these three headers are read; a peer hub sends all three.
 */
function forwardOf(request: FastifyRequest): ForwardedFrom | null | HubFailure {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const id = header('lienthong-message-id');
  const hops = header('lienthong-hops');
  const recipients = header('lienthong-recipients');
  if (id === undefined && hops === undefined && recipients === undefined) return null;
  const bad = (what: string): HubFailure => ({ code: 'BAD_REQUEST', message: what, findings: [] });
  if (id === undefined || !UUID.test(id))
    return bad('Lienthong-Message-Id must be the UUID the first hub gave the message.');
  const hopList = parseHops(hops ?? '');
  if (hopList === null || hopList.length === 0)
    return bad('Lienthong-Hops must list the hubs passed, comma-separated.');
  const pairs = recipients === undefined ? null : parseForwardRecipients(recipients);
  if (recipients !== undefined && (pairs === null || pairs.length === 0)) {
    return bad('Lienthong-Recipients must list organ ids (addressed>resolved), comma-separated.');
  }
  return { messageId: id.toLowerCase(), hops: hopList, recipients: pairs };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route receives a package: it counts against the node's uploads in flight. */
    upload?: boolean;
  }

  interface FastifyRequest {
    /** The node the bearer token belongs to; set by the node API's auth hook. */
    lienthongNode: NodeIdentity | null;
  }
}

/** OpenAPI: every node API route takes the node's bearer token. */
const nodeSecurity = [{ nodeToken: [] }];

const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  429: ProblemSchema,
};

/** The versioned node API (`/v1`): send, inbox, fetch, ack, trace. Every route needs a bearer token. */
export function nodeApi(options: NodeApiOptions) {
  const { hub, codes, maxPackageBytes } = options;

  return async function nodeApiPlugin(app: FastifyInstance): Promise<void> {
    app.decorateRequest('lienthongNode', null);
    app.addContentTypeParser(
      ['application/xml', 'text/xml'],
      { parseAs: 'buffer', bodyLimit: maxPackageBytes },
      (_request, body, done) => done(null, body),
    );
    // A call without a body (ack) comes with whatever its client sends: nothing, an empty form
    // (Java's HttpURLConnection, `curl -d ''`), an empty JSON body. JSON is parsed when there is
    // some; any other type is kept unread (and refused by the routes that need XML or JSON).
    const json = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      return json(request, text, done);
    });
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, { unread: body }),
    );

    const limits = hub.limits.requests;
    const limited = (reply: FastifyReply, refusal: LimitRefusal) =>
      sendProblem(retryAfter(reply, refusal), codes, refusal, 429);
    app.addHook('onRequest', async function bearerAuth(request: FastifyRequest, reply: FastifyReply) {
      const blocked = await authenticationGate(limits, request);
      if (blocked) return limited(reply, blocked);
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      const node = await hub.authenticate(match?.[1] ?? null, presentedCertificateSha256(request.raw.socket));
      if (!node.ok) {
        await limits?.authenticationFailed(request.ip);
        return sendProblem(reply, codes, node.error);
      }
      request.lienthongNode = node.value;
      // Counted before the body is read: an upload over the limits is refused with its bytes unread.
      const upload = request.routeOptions.config.upload === true;
      const over = await nodeRequestGate(
        limits,
        request,
        reply,
        node.value,
        upload ? { bytes: declaredBytes(request, maxPackageBytes) } : null,
      );
      if (over) return limited(reply, over);
      return undefined;
    });

    // Ids, DocumentIds and organ ids never hold control characters, and Postgres cannot even store
    // NUL in text: such a query or path is the caller's mistake (400), not a fault of the hub.
    app.addHook('preValidation', async (request, reply) => {
      const values = [
        ...Object.values((request.query ?? {}) as Record<string, unknown>),
        ...Object.values((request.params ?? {}) as Record<string, unknown>),
      ].flat();
      if (values.some((v) => typeof v === 'string' && hasControlCharacters(v))) {
        return sendProblem(reply, codes, {
          code: 'BAD_REQUEST',
          message: 'The query or path holds control characters.',
        });
      }
      return undefined;
    });

    const fail = (reply: FastifyReply, error: HubFailure) => sendProblem(reply, codes, error);
    const nodeOf = (request: FastifyRequest): NodeIdentity => {
      if (!request.lienthongNode) throw new Error('auth hook did not run');
      return request.lienthongNode;
    };

    app.post(
      '/messages',
      {
        config: { upload: true },
        schema: {
          operationId: 'sendMessage',
          summary: 'Send an edXML package or status package',
          description:
            'Body: the edXML bytes (Content-Type: application/xml). Checked in order: size, codec, signature policy, sender served by the node, signer binding, routing; then stored in one transaction. The same bytes sent again return the first receipt with duplicate: true. A peer hub handing a message over adds Lienthong-Message-Id, Lienthong-Hops and Lienthong-Recipients (docs/federation.md).',
          tags: ['node'],
          security: nodeSecurity,
          // No `body` schema: the content-type parser hands over the bytes as sent (text/xml too).
          consumes: ['application/xml'],
          response: {
            202: ReceiptSchema,
            409: ProblemSchema,
            413: ProblemSchema,
            415: ProblemSchema,
            422: ProblemSchema,
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          return sendProblem(reply, codes, {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: 'Send the edXML bytes as application/xml.',
          });
        }
        const forward = forwardOf(request);
        if (forward !== null && 'code' in forward) return fail(reply, forward);
        const result = await hub.submit(nodeOf(request), body, forward === null ? {} : { forward });
        if (!result.ok) return fail(reply, result.error);
        request.log.info(
          { messageId: result.value.id, duplicate: result.value.duplicate, kind: result.value.kind },
          'message accepted',
        );
        return reply.code(202).send(result.value);
      },
    );

    app.get(
      '/inbox',
      {
        schema: {
          operationId: 'readInbox',
          summary: "The calling node's undelivered messages, most urgent first, then oldest",
          tags: ['node'],
          security: nodeSecurity,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            wait: Type.Integer({ minimum: 0, maximum: 30, default: 0, description: 'Long-poll seconds.' }),
            kind: Type.Optional(Type.Union([Type.Literal('package'), Type.Literal('status')])),
          }),
          response: { 200: Type.Object({ items: Type.Array(InboxItemSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const query = request.query as { limit: number; wait: number; kind?: 'package' | 'status' };
        const items = await hub.inbox(nodeOf(request), {
          limit: query.limit,
          waitMs: query.wait * 1000,
          ...(query.kind ? { kind: query.kind } : {}),
        });
        return { items };
      },
    );

    app.get(
      '/messages/:id',
      {
        schema: {
          operationId: 'fetchMessage',
          summary: 'The exact bytes of a message as received (sender or recipients only)',
          tags: ['node'],
          security: nodeSecurity,
          params: MessageIdParams,
          produces: ['application/xml'],
          response: { 200: { description: 'The edXML bytes', type: 'string' }, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const result = await hub.fetch(nodeOf(request), id);
        if (!result.ok) return fail(reply, result.error);
        const handOver = result.value.handOver;
        if (handOver) {
          reply
            .header('Lienthong-Hops', handOver.hops.join(','))
            .header('Lienthong-Recipients', formatForwardRecipients(handOver.recipients));
        }
        return reply
          .type('application/xml')
          .header('Lienthong-Message-Id', result.value.id)
          .header('Lienthong-Kind', result.value.kind)
          .header('Lienthong-Sha256', result.value.sha256)
          .send(Buffer.from(result.value.bytes));
      },
    );

    app.post(
      '/messages/:id/ack',
      {
        schema: {
          operationId: 'ackMessage',
          summary: 'Confirm the calling node stored the message (idempotent)',
          tags: ['node'],
          security: nodeSecurity,
          params: MessageIdParams,
          response: { 200: Type.Object({ id: Type.String(), changed: Type.Boolean() }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const body = request.body as { hub?: unknown; acceptedAt?: unknown } | undefined;
        const hop =
          typeof body?.hub === 'string'
            ? {
                hub: body.hub.slice(0, 128),
                acceptedAt: typeof body.acceptedAt === 'string' ? body.acceptedAt.slice(0, 40) : null,
                deliveredAt: null,
              }
            : undefined;
        const result = await hub.ack(nodeOf(request), id, hop);
        if (!result.ok) return fail(reply, result.error);
        return { id, changed: result.value.changed };
      },
    );

    app.get(
      '/messages/:id/trace',
      {
        schema: {
          operationId: 'traceMessage',
          summary: 'Per recipient: delivery state, timestamps and the business statuses received',
          tags: ['node'],
          security: nodeSecurity,
          params: MessageIdParams,
          response: { 200: TraceSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const result = await hub.trace(nodeOf(request), id);
        if (!result.ok) return fail(reply, result.error);
        return result.value;
      },
    );

    if (options.peers)
      await app.register(hubApi({ peers: options.peers, codes, nodeOf }), { prefix: '/hub' });

    app.get(
      '/documents',
      {
        schema: {
          operationId: 'traceDocument',
          summary: 'Traces of the messages your organizations sent with this DocumentId',
          tags: ['node'],
          security: nodeSecurity,
          querystring: Type.Object({ documentId: Type.String({ minLength: 1, maxLength: 512 }) }),
          response: { 200: Type.Object({ items: Type.Array(TraceSchema) }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const { documentId } = request.query as { documentId: string };
        const result = await hub.traceByDocument(nodeOf(request), documentId);
        if (!result.ok) return fail(reply, result.error);
        return { items: result.value };
      },
    );
  };
}
