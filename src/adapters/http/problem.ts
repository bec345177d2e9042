import type { FastifyReply } from 'fastify';
import type { CodeTable, Finding } from '../../core/index.ts';
import { problemLanguage } from './problem-language.ts';

/** RFC 9457 problem details with the hub's stable code, its findings and the request id. */
export interface Problem {
  readonly type: string;
  /** The stable code, or its Vietnamese title when the caller asked for Vietnamese (Accept-Language). */
  readonly title: string;
  /** The Vietnamese title, always: what an agency's staff read in their e-office system. */
  readonly titleVi?: string;
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
  const vi = codes[failure.code]?.vi;
  const inVietnamese = vi !== undefined && problemLanguage(reply.request.headers['accept-language']) === 'vi';
  const problem: Problem = {
    type: `urn:lienthong:error:${failure.code}`,
    title: inVietnamese ? vi : failure.code,
    ...(vi !== undefined ? { titleVi: vi } : {}),
    status,
    code: failure.code,
    detail: failure.message,
    findings: failure.findings ?? [],
    requestId: String(reply.request.id),
    ...(failure.details ? { details: failure.details } : {}),
  };
  if (inVietnamese) reply.header('content-language', 'vi');
  return reply.code(status).type('application/problem+json').send(problem);
}
