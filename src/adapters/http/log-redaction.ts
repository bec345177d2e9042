import type { FastifyRequest } from 'fastify';

/** Query parameters whose values never reach a log line: a client may put a credential there. */
const SECRET_PARAM = /token|secret|pass|key|sig|auth|hash|session/i;

/**
 * The URL as logged: a query parameter that looks like a credential keeps its name and loses its
 * value (`?token=[redacted]`), so a client that puts its token in the URL does not leak it into
 * the hub's logs. A parameter whose name cannot be decoded is logged as [redacted], whole.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const path = url.slice(0, mark);
  const query = url.slice(mark + 1);
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return '[redacted]';
    }
    return SECRET_PARAM.test(name) && eq >= 0 ? `${rawName}=[redacted]` : part;
  });
  return `${path}?${parts.join('&')}`;
}

/** pino serializer for `req`: what Fastify logs by default, with the URL redacted. */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
