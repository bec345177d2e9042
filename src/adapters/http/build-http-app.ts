import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { CodeTable } from '../../core/index.ts';
import type { HubService, PeerService } from '../../hub/index.ts';
import type { Readiness } from '../../ops/index.ts';
import { healthRoutes } from './health.ts';
import { requestForLog } from './log-redaction.ts';
import { nodeApi } from './node-api.ts';
import { openapiTransforms, SECURITY_SCHEMES } from './openapi-document.ts';
import { sendProblem } from './problem.ts';

/** What the HTTP edge needs; everything else is behind `hub`. */
export interface HttpAppDeps {
  readonly hub: HubService;
  /** The hub-to-hub calls under /v1/hub (receipts, directory reports); absent: not served. */
  readonly peers?: PeerService;
  /** The merged code registry (`src/errors.ts`). */
  readonly codes: CodeTable;
  /** A pino logger; when absent the app logs nothing (tests). */
  readonly logger?: Logger;
  /** Largest package accepted, in bytes (default: the hub's own limit). */
  readonly maxPackageBytes?: number;
  /** Reported by /healthz. */
  readonly version: string;
  /**
   * Serve HTTPS with this certificate (chain) and key. The server then asks every caller for a
   * client certificate without requiring one or any chain to a CA: a node with registered client
   * certificates is checked against them by hash (src/hub/client-certificate.ts), others need none.
   */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /**
   * Proxies whose X-Forwarded-For is believed (addresses or CIDRs, as proxy-addr reads them); empty:
   * none, the peer address is the client's (LIENTHONG_TRUST_PROXY).
   */
  readonly trustProxy?: readonly string[];
  /** What /readyz checks (database, migrations, queue, trust); absent: /readyz says ready. */
  readonly readiness?: () => Promise<Readiness>;
  /** Told of every answered request: method, route pattern (`unmatched` for none), status, seconds. */
  readonly onResponse?: (method: string, route: string, status: number, seconds: number) => void;
  /** Extra plugins mounted by the composition root (VXP API, operator API), each with its prefix. */
  readonly mounts?: ReadonlyArray<{ prefix: string; plugin: (app: FastifyInstance) => Promise<void> }>;
}

/**
 * One log line per request, when it is answered (method, URL, status, time), instead of Fastify's
 * two: every line is a write(2) on the accepting path, and the second one said nothing new.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      );
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}

/** Builds the hub's Fastify instance without listening: tests use `inject()`, `serve` calls `listen()`. */
export async function buildHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const maxPackageBytes = deps.maxPackageBytes ?? deps.hub.limits.maxPackageBytes;
  const app: FastifyInstance = Fastify({
    ...(deps.logger
      ? {
          loggerInstance: deps.logger.child({}, { serializers: { req: requestForLog } }),
          logController: new OneLinePerRequest(),
        }
      : { logger: false }),
    // A package is read whole before it is checked; keep slow senders from holding sockets forever.
    requestTimeout: 120_000,
    connectionTimeout: 0,
    keepAliveTimeout: 10_000,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true } },
    genReqId: () => crypto.randomUUID(),
    // The router's own refusals (a path that is not UTF-8 once decoded, a path segment longer than
    // the router takes) in the hub's problem+json with a code, like every other 4xx.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(reply, deps.codes, {
        code: 'BAD_REQUEST',
        message:
          error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'A path segment is longer than any id the hub has.'
            : 'The path is not valid: a percent-encoded part is not UTF-8.',
      }),
    // request.ip (the VXP allow-list, the limits per address) is X-Forwarded-For only through these.
    trustProxy: deps.trustProxy && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    ...(deps.https
      ? {
          https: { cert: deps.https.cert, key: deps.https.key, requestCert: true, rejectUnauthorized: false },
        }
      : {}),
  }) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'lienthong API',
        version: deps.version,
        description:
          'Send edXML packages and statuses, read your inbox, fetch, acknowledge and trace. Every /v1 call needs `Authorization: Bearer <token>` (nodeToken); /ops/* and /metrics need the operator token (operatorToken); a node with TLS client certificates registered must also call over HTTPS with one of them (401 CLIENT_CERT_REQUIRED otherwise). Errors are application/problem+json with a stable `code` (docs/errors.md). The VXP endpoint (/vxp/*) authenticates with XroadVnpt-* HMAC headers instead (docs/vxp.md).',
      },
      // The schemes the route schemas name in `security`; see openapi-document.ts for the rest.
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    ...openapiTransforms({ codes: deps.codes }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler(function errorHandler(error: FastifyError, request, reply) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(reply, deps.codes, {
        code: 'PAYLOAD_TOO_LARGE',
        message: `The package is larger than ${maxPackageBytes} bytes.`,
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE') {
      return sendProblem(reply, deps.codes, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the edXML bytes as application/xml.',
      });
    }
    // Whatever else Fastify refuses as the client's fault (malformed JSON, a bad Content-Length, a
    // schema mismatch) is a 400 with a stable code, never an internal error.
    const status = error.statusCode ?? 500;
    if (error.validation || (status >= 400 && status < 500)) {
      return sendProblem(reply, deps.codes, { code: 'BAD_REQUEST', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, deps.codes, {
      code: 'INTERNAL',
      message: 'Internal error; nothing was accepted.',
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      deps.codes,
      { code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
      404,
    ),
  );

  const onResponse = deps.onResponse;
  if (onResponse) {
    app.addHook('onResponse', async (request, reply) => {
      onResponse(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    });
  }

  await app.register(healthRoutes({ version: deps.version, readiness: deps.readiness ?? null }));

  await app.register(nodeApi({ hub: deps.hub, codes: deps.codes, maxPackageBytes, peers: deps.peers }), {
    prefix: '/v1',
  });
  for (const mount of deps.mounts ?? []) {
    await app.register(mount.plugin, { prefix: mount.prefix });
  }
  return app;
}
