import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CodeTable } from '../../core/index.ts';
import type { LimitRefusal, VxpService, VxpSystem } from '../../hub/index.ts';
import {
  authenticationGate,
  declaredBytes,
  nodeRequestGate,
  retryAfter,
} from '../http/request-limit-hooks.ts';
import { presentedCertificateSha256 } from '../tls-peer.ts';
import type { VxpCode } from './codes.ts';
import { failEnvelope, type VxpFailure } from './envelope.ts';
import { operationForPath, type VxpOperation } from './operations.ts';
import { parseSignHeader, verifySignHeader } from './sign-header.ts';
import { checkSignedKeySet } from './signed-key-set.ts';
import type { SignedMember } from './signed-params.ts';
import { type VxpAnswer, type VxpCall, VxpRefusal, type VxpSettings } from './vxp-call.ts';

/** Options of the VXP endpoint. */
export interface VxpPluginOptions {
  /** The hub's VXP service. */
  readonly port: VxpService;
  /** Where the operations are mounted: `<basePath>/<operation>`. Default `/vxp`; `''` mounts at the root. */
  readonly basePath?: string;
  /** Largest sendEdoc package in bytes (the body may be 2 bytes longer: the SDK's CRLF). Default 50 MiB. */
  readonly maxPackageBytes?: number;
  /** Largest body of every other call (they send nothing, `{}`, or a short JSON). Default 64 KiB. */
  readonly maxSmallBodyBytes?: number;
  /** Most items per list answer, and the ceiling of a caller's `pageSize`. Default 500. */
  readonly listLimit?: number;
  /** `fail` reports after which the hub stops offering a message. Default 5. */
  readonly maxFailReports?: number;
  /** The clock (tests). Default `() => new Date()`. */
  readonly now?: () => Date;
  /** The code registry: a refusal's ErrorDesc carries its Vietnamese title after the code. */
  readonly codes?: CodeTable;
}

export const VXP_DEFAULTS = {
  basePath: '/vxp',
  maxPackageBytes: 50 * 1024 * 1024,
  maxSmallBodyBytes: 64 * 1024,
  listLimit: 500,
  maxFailReports: 5,
} as const;

/** What the onRequest hook established for the handler. */
interface Authenticated {
  readonly op: VxpOperation;
  readonly system: VxpSystem;
  readonly members: readonly SignedMember[];
}

function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The VXP-compatible endpoint as an encapsulated Fastify plugin: `app.register(vxpPlugin({ port }))`.
 *
 * Everything follows spec vxp-api.md §10: one wildcard route that dispatches on the last path segment;
 * bodies read raw whatever the Content-Type says (the SDK sends `application/json` with empty bodies);
 * authentication in `onRequest`, so nobody unauthenticated makes the hub buffer a large body; every
 * answer HTTP 200 with an ASCII-only envelope (downloadEdoc: raw bytes or an empty body).
 * `Expect: 100-continue` is answered by Node itself as long as nobody installs a `checkContinue`
 * listener on the server.
 */
export function vxpPlugin(options: VxpPluginOptions): FastifyPluginAsync {
  const port = options.port;
  const limits = port.limits.requests;
  const now = options.now ?? (() => new Date());
  const base = normaliseBasePath(options.basePath ?? VXP_DEFAULTS.basePath);
  const maxPackageBytes = options.maxPackageBytes ?? VXP_DEFAULTS.maxPackageBytes;
  const settings: VxpSettings = {
    listLimit: options.listLimit ?? VXP_DEFAULTS.listLimit,
    maxFailReports: options.maxFailReports ?? VXP_DEFAULTS.maxFailReports,
    maxSmallBodyBytes: options.maxSmallBodyBytes ?? VXP_DEFAULTS.maxSmallBodyBytes,
  };
  const bodyLimit = maxPackageBytes + 2;

  return async function vxp(app) {
    const authenticated = new WeakMap<FastifyRequest, Authenticated>();

    // Raw bytes for every content type, including none and an empty application/json.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    function answer(reply: FastifyReply, result: VxpAnswer, status = 200): FastifyReply {
      reply.code(status).header('cache-control', 'no-store');
      if (result.kind === 'bytes') return reply.type('application/octet-stream').send(result.body);
      return reply.type('application/json; charset=utf-8').send(result.body);
    }

    function refusal(shape: VxpOperation['shape'], failure: VxpFailure): VxpAnswer {
      // downloadEdoc: the SDK saves any non-empty body as the package, so a refusal is an empty body.
      if (shape === 'raw') return { kind: 'bytes', body: Buffer.alloc(0) };
      const title = options.codes?.[failure.code]?.vi;
      return {
        kind: 'json',
        body: failEnvelope(shape, title === undefined ? failure : { ...failure, title }),
      };
    }

    function refuseEarly(
      request: FastifyRequest,
      reply: FastifyReply,
      shape: VxpOperation['shape'],
      code: VxpCode,
      message: string,
      systemId?: string,
      status = 200,
    ): FastifyReply {
      request.log.warn({ vxp: { code, systemId, op: request.url.split('?', 1)[0] } }, 'vxp request refused');
      return answer(reply, refusal(shape, { code, message }), status);
    }

    /**
     * A limit: HTTP 429 with Retry-After and the operation's FAIL envelope (the SDK reads the JSON of
     * any status; our own VXP client and proxies read Retry-After).
     */
    function limited(
      request: FastifyRequest,
      reply: FastifyReply,
      shape: VxpOperation['shape'],
      refusal: LimitRefusal,
      systemId?: string,
    ): FastifyReply {
      retryAfter(reply, refusal);
      return refuseEarly(request, reply, shape, refusal.code as VxpCode, refusal.message, systemId, 429);
    }

    app.setErrorHandler(async (error, request, reply) => {
      const op = operationForPath(request.url);
      const tooLarge = (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const code: VxpCode = tooLarge ? 'VXP_PAYLOAD_TOO_LARGE' : 'VXP_INTERNAL';
      if (!tooLarge) request.log.error({ err: error }, 'vxp request failed');
      const message = tooLarge ? `the body exceeds ${bodyLimit} bytes` : 'the hub could not serve this call';
      return answer(reply, refusal(op?.shape ?? 'plain', { code, message }));
    });

    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      url: `${base}/*`,
      bodyLimit,
      onRequest: async (request, reply) => {
        const op = operationForPath(request.url);
        if (op === undefined) {
          return refuseEarly(request, reply, 'plain', 'VXP_UNKNOWN_OPERATION', 'no such VXP operation');
        }
        if (!op.methods.includes(request.method as 'GET' | 'POST')) {
          return refuseEarly(
            request,
            reply,
            op.shape,
            'VXP_METHOD_NOT_ALLOWED',
            `${op.name} takes ${op.methods.join(' or ')}`,
          );
        }
        const blocked = await authenticationGate(limits, request);
        if (blocked) return limited(request, reply, op.shape, blocked);
        const raw = request.raw.rawHeaders;
        const parsed = parseSignHeader(raw);
        if (!parsed.ok) {
          await limits?.authenticationFailed(request.ip);
          return refuseEarly(request, reply, op.shape, parsed.code, parsed.message);
        }
        const systemId = parsed.request.systemId;
        const checked = await port.authenticate({
          systemId,
          verify: (secret) => {
            const verified = verifySignHeader(parsed.request, secret, raw);
            return verified.ok ? null : verified;
          },
          remoteAddress: request.ip,
          presentedCertificate: presentedCertificateSha256(request.raw.socket),
        });
        if (!checked.ok) {
          await limits?.authenticationFailed(request.ip);
          const { code, message } = checked.error;
          return refuseEarly(request, reply, op.shape, code as VxpCode, message, systemId);
        }
        const system = checked.value;
        // Only after authentication: an unauthenticated caller learns nothing about the key sets.
        const keys = checkSignedKeySet(op.name, op.signs, parsed.request.members);
        if (!keys.ok) return refuseEarly(request, reply, op.shape, keys.code, keys.message, systemId);
        // Counted before the body is read, as on the node API (same node, same limits).
        const over = await nodeRequestGate(
          limits,
          request,
          reply,
          { id: system.nodeId, limits: system.limits },
          op.body === 'package' ? { bytes: declaredBytes(request, bodyLimit) } : null,
        );
        if (over) return limited(request, reply, op.shape, over, systemId);
        const declared = Number(request.headers['content-length'] ?? 0);
        const limit = op.body === 'package' ? bodyLimit : settings.maxSmallBodyBytes;
        if (declared > limit) {
          return refuseEarly(
            request,
            reply,
            op.shape,
            'VXP_PAYLOAD_TOO_LARGE',
            `the body exceeds ${limit} bytes`,
            systemId,
          );
        }
        authenticated.set(request, { op, system, members: parsed.request.members });
        return undefined;
      },
      handler: async (request, reply) => {
        const auth = authenticated.get(request);
        if (auth === undefined) throw new Error('vxp: handler reached without authentication');
        const call: VxpCall = {
          port,
          system: auth.system,
          members: auth.members,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          at: now(),
          remoteAddress: request.ip,
          settings,
        };
        try {
          return answer(reply, await auth.op.handler(call));
        } catch (error) {
          if (error instanceof VxpRefusal) {
            request.log.info(
              { vxp: { code: error.failure.code, systemId: auth.system.systemId, op: auth.op.name } },
              'vxp call refused',
            );
            return answer(reply, refusal(auth.op.shape, error.failure));
          }
          // Anything else is a fault of the hub: logged with its cause, never shown to the caller.
          request.log.error(
            { err: error, vxp: { op: auth.op.name, systemId: auth.system.systemId } },
            'vxp call failed',
          );
          return answer(
            reply,
            refusal(auth.op.shape, { code: 'VXP_INTERNAL', message: 'the hub could not serve this call' }),
          );
        }
      },
    });
  };
}
