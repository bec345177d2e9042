import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { HubFailure } from './hub-failure.ts';
import type { NodeLimits } from './hub-types.ts';

/**
 * The hub's limits on what one node, or one client address, may make it do (audit point 4). They
 * are kept in this process's memory: with several API processes each enforces them on its own
 * share of the traffic, so a node's ceiling is the limit times the number of API processes.
 */
export interface RequestLimitSettings {
  /** Requests per second a node may make, sustained (LIENTHONG_NODE_RATE). */
  readonly nodeRate: number;
  /** Requests a node may make at once above its rate, refilled at the rate (LIENTHONG_NODE_BURST). */
  readonly nodeBurst: number;
  /** Package uploads of one node in flight at once (LIENTHONG_NODE_UPLOADS). */
  readonly nodeUploads: number;
  /** Bytes of one node's uploads in flight at once (LIENTHONG_NODE_UPLOAD_BYTES). */
  readonly nodeUploadBytes: number;
  /** Bytes of all uploads in flight at once, every node together (LIENTHONG_UPLOAD_BYTES). */
  readonly uploadBytes: number;
  /** Failed authentications one client address may make per minute (LIENTHONG_AUTH_FAILURES). */
  readonly authFailuresPerMinute: number;
}

/** Generous enough for the benchmarks (hundreds of packages per second from one node). */
export const DEFAULT_REQUEST_LIMITS: RequestLimitSettings = {
  nodeRate: 1000,
  nodeBurst: 2000,
  nodeUploads: 64,
  nodeUploadBytes: 128 * 1024 * 1024,
  uploadBytes: 256 * 1024 * 1024,
  authFailuresPerMinute: 30,
};

/** A refusal with how long the caller should wait (the `Retry-After` header, whole seconds). */
export type LimitRefusal = HubFailure & { readonly retryAfterSeconds: number };

export type LimitVerdict = { readonly ok: true } | { readonly ok: false; readonly error: LimitRefusal };

/** An upload counted in flight; `release` once its request is over (idempotent). */
export type UploadSlot =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly error: LimitRefusal };

export interface RequestLimits {
  readonly settings: RequestLimitSettings;
  /** Counts one request of the node against its rate. */
  takeRequest(nodeId: string, own: NodeLimits): Promise<LimitVerdict>;
  /** Counts an upload of `bytes` against the node's and the hub's uploads in flight. */
  startUpload(nodeId: string, bytes: number, own: NodeLimits): UploadSlot;
  /** Whether a client address may still try to authenticate. */
  mayAuthenticate(address: string): Promise<LimitVerdict>;
  /** Counts a failed authentication from the address. */
  authenticationFailed(address: string): Promise<void>;
}

const ok: LimitVerdict = { ok: true };

function refusal(code: string, message: string, waitMs: number): { ok: false; error: LimitRefusal } {
  return {
    ok: false,
    error: { code, message, findings: [], retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  };
}

export function createRequestLimits(settings: RequestLimitSettings): RequestLimits {
  // One limiter per distinct (rate, burst): nodes with their own settings get their own pair.
  const rateLimiters = new Map<string, BurstyRateLimiter>();
  const rateLimiterFor = (rate: number, burst: number) => {
    const key = `${rate}/${burst}`;
    let limiter = rateLimiters.get(key);
    if (limiter === undefined) {
      // The steady part allows `rate` per second; the burst part lends up to `burst` more, paid
      // back at the rate (over burst ÷ rate seconds).
      limiter = new BurstyRateLimiter(
        new RateLimiterMemory({ keyPrefix: `rate:${key}`, points: rate, duration: 1 }),
        new RateLimiterMemory({
          keyPrefix: `burst:${key}`,
          points: burst,
          duration: Math.max(1, Math.ceil(burst / rate)),
        }),
      );
      rateLimiters.set(key, limiter);
    }
    return limiter;
  };
  const authFailures = new RateLimiterMemory({
    keyPrefix: 'auth',
    points: settings.authFailuresPerMinute,
    duration: 60,
  });
  const inFlight = new Map<string, { uploads: number; bytes: number }>();
  let hubBytes = 0;

  return {
    settings,

    async takeRequest(nodeId, own) {
      const rate = own.rate ?? settings.nodeRate;
      const burst = own.burst ?? settings.nodeBurst;
      if (rate <= 0) return ok;
      try {
        await rateLimiterFor(rate, burst).consume(nodeId);
        return ok;
      } catch (result) {
        if (!(result instanceof RateLimiterRes)) throw result;
        return refusal(
          'RATE_LIMITED',
          `This node may make ${rate} requests per second (bursts of ${burst} more); slow down and retry.`,
          result.msBeforeNext,
        );
      }
    },

    startUpload(nodeId, bytes, own) {
      const uploads = own.uploads ?? settings.nodeUploads;
      const nodeBytes = own.uploadBytes ?? settings.nodeUploadBytes;
      const current = inFlight.get(nodeId) ?? { uploads: 0, bytes: 0 };
      if (uploads > 0 && current.uploads >= uploads) {
        return refusal('UPLOAD_LIMITED', `This node already has ${current.uploads} uploads in flight.`, 1000);
      }
      // A lone upload is always let through by the byte limits: the package size limit bounds it.
      if (nodeBytes > 0 && current.uploads > 0 && current.bytes + bytes > nodeBytes) {
        return refusal(
          'UPLOAD_LIMITED',
          `This node's uploads in flight would exceed ${nodeBytes} bytes; send the next package when one is answered.`,
          1000,
        );
      }
      if (settings.uploadBytes > 0 && hubBytes > 0 && hubBytes + bytes > settings.uploadBytes) {
        return refusal(
          'UPLOAD_LIMITED',
          'The hub is receiving as many bytes as it takes at once; retry in a moment.',
          1000,
        );
      }
      current.uploads += 1;
      current.bytes += bytes;
      inFlight.set(nodeId, current);
      hubBytes += bytes;
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          current.uploads -= 1;
          current.bytes -= bytes;
          hubBytes -= bytes;
          if (current.uploads === 0) inFlight.delete(nodeId);
        },
      };
    },

    async mayAuthenticate(address) {
      if (settings.authFailuresPerMinute <= 0) return ok;
      const seen = await authFailures.get(address);
      if (seen === null || seen.consumedPoints < settings.authFailuresPerMinute) return ok;
      return refusal(
        'AUTH_RATE_LIMITED',
        `Too many failed authentications from this address (${settings.authFailuresPerMinute} per minute).`,
        seen.msBeforeNext,
      );
    },

    async authenticationFailed(address) {
      if (settings.authFailuresPerMinute <= 0) return;
      await authFailures.consume(address).catch((result: unknown) => {
        if (!(result instanceof RateLimiterRes)) throw result;
      });
    },
  };
}
