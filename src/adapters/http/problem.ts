import type { FastifyReply } from 'fastify';
import type { CodeTable, Finding } from '../../core/index.ts';

/** RFC 9457 problem details with the hub's stable code, its findings and the request id. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly findings: readonly Finding[];
  readonly requestId: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Maps a stable code to its HTTP status through the registry; unknown codes are a 422 refusal. */
export function statusForCode(codes: CodeTable, code: string): number {
  return codes[code]?.http ?? 422;
}

/** Sends a problem+json answer for a refusal with a stable code. */
export function sendProblem(
  reply: FastifyReply,
  codes: CodeTable,
  failure: {
    code: string;
    message: string;
    findings?: readonly Finding[];
    details?: Readonly<Record<string, unknown>>;
  },
  status = statusForCode(codes, failure.code),
): FastifyReply {
  const problem: Problem = {
    type: `urn:lienthong:error:${failure.code}`,
    title: failure.code,
    status,
    code: failure.code,
    detail: failure.message,
    findings: failure.findings ?? [],
    requestId: String(reply.request.id),
    ...(failure.details ? { details: failure.details } : {}),
  };
  return reply.code(status).type('application/problem+json').send(problem);
}
