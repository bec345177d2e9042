import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LimitRefusal, NodeLimits, RequestLimits } from '../../hub/index.ts';

/** What a limit hook decided: go on, or this refusal (answered 429 with Retry-After by the caller). */
export type LimitOutcome = LimitRefusal | null;

/** The declared size of the body, or `fallback` (the package limit) when it comes chunked. */
export function declaredBytes(request: FastifyRequest, fallback: number): number {
  const raw = request.headers['content-length'];
  const value = typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

/**
 * Before authentication: a client address that failed too often is refused without its credentials
 * being checked (they would cost a database read and an HMAC or hash each).
 */
export async function authenticationGate(
  limits: RequestLimits | undefined,
  request: FastifyRequest,
): Promise<LimitOutcome> {
  if (limits === undefined) return null;
  const verdict = await limits.mayAuthenticate(request.ip);
  return verdict.ok ? null : verdict.error;
}

/**
 * After authentication: the node's request rate, and for an upload its slot among the uploads in
 * flight, released when the answer has gone out or the connection closed (whichever comes first).
 */
export async function nodeRequestGate(
  limits: RequestLimits | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  node: { readonly id: string; readonly limits?: NodeLimits | undefined },
  upload: { readonly bytes: number } | null,
): Promise<LimitOutcome> {
  if (limits === undefined) return null;
  const own = node.limits ?? NO_OVERRIDES;
  const rate = await limits.takeRequest(node.id, own);
  if (!rate.ok) return rate.error;
  if (upload === null) return null;
  const slot = limits.startUpload(node.id, upload.bytes, own);
  if (!slot.ok) return slot.error;
  // The slot is freed when the answer has gone or the connection is gone, whichever comes first;
  // the connection may already be gone (it broke while the credentials were checked), and then no
  // 'close' would come any more to free it (found by the fuzzing: leaked slots refused every upload).
  const socket = request.raw.socket;
  if (reply.raw.destroyed || request.raw.destroyed || socket === null || socket.destroyed) {
    slot.release();
    return null;
  }
  // A kept-alive socket serves many requests: its listener goes with the answer.
  const release = () => {
    slot.release();
    socket.off('close', release);
  };
  reply.raw.once('close', release);
  socket.once('close', release);
  request.raw.once('close', () => {
    // A client that hangs up mid-body leaves no answer to wait for.
    if (!request.raw.complete) slot.release();
  });
  return null;
}

const NO_OVERRIDES: NodeLimits = { rate: null, burst: null, uploads: null, uploadBytes: null };

/** Sets Retry-After; the caller then sends the refusal in its own wire format with status 429. */
export function retryAfter(reply: FastifyReply, refusal: LimitRefusal): FastifyReply {
  return reply.header('retry-after', String(refusal.retryAfterSeconds));
}
