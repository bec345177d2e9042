import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CodeTable } from '../../core/index.ts';
import type { RequestLimits } from '../../hub/index.ts';
import { sendProblem } from './problem.ts';
import { authenticationGate, retryAfter } from './request-limit-hooks.ts';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The credential a request presents: a bearer token, or the password of HTTP Basic (browsers). */
function presented(header: string | undefined): string | null {
  if (typeof header !== 'string') return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/**
 * An onRequest hook that lets a request through only with the operator token, as
 * `Authorization: Bearer <token>` (scripts, Prometheus) or as the password of HTTP Basic (any user
 * name; the browser asks for it on the queue board). Compared as SHA-256 digests in constant time.
 * With no token configured every request is refused: operator functions are off until one is set.
 */
export function operatorAuth(options: {
  readonly token: string | null;
  readonly codes: CodeTable;
  /** Failed attempts per client address (a wrong token counts; none presented does not: browsers ask first). */
  readonly limits?: RequestLimits | undefined;
}) {
  const expected = options.token === null ? null : digest(options.token);
  return async function operatorAuthHook(request: FastifyRequest, reply: FastifyReply) {
    const blocked = await authenticationGate(options.limits, request);
    if (blocked) return sendProblem(retryAfter(reply, blocked), options.codes, blocked, 429);
    const given = presented(request.headers.authorization);
    if (expected !== null && given !== null && timingSafeEqual(digest(given), expected)) return undefined;
    if (given !== null) await options.limits?.authenticationFailed(request.ip);
    reply.header('www-authenticate', 'Bearer realm="lienthong operator", Basic realm="lienthong operator"');
    return sendProblem(reply, options.codes, {
      code: 'OPERATOR_AUTH_REQUIRED',
      message:
        expected === null
          ? 'Operator functions are off: set LIENTHONG_OPERATOR_TOKEN on the hub.'
          : 'The operator token is required (Authorization: Bearer <token>).',
    });
  };
}
