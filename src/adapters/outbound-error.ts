// How a failed outbound HTTP exchange (a webhook push, a hand-over to a peer hub, a VXP call) is
// told apart: every client of the hub classifies the same thrown errors the same way.

/** Why no answer came. */
export type TransportReason =
  | 'connect-timeout'
  | 'headers-timeout'
  | 'timeout'
  | 'connection-refused'
  | 'dns'
  | 'tls'
  | 'invalid-request'
  | 'network';

const TLS_CODES = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** The socket or undici error code (ECONNREFUSED, UND_ERR_SOCKET, ...), looked up through `cause` chains. */
export function errorCodeOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  if (error instanceof Error && error.name === 'TimeoutError') return 'TimeoutError';
  return null;
}

/** Why a thrown error of undici (or of an abort signal) ended the exchange; only `invalid-request` is final. */
export function transportReasonOf(error: unknown): TransportReason {
  const code = errorCodeOf(error) ?? '';
  const name = error instanceof Error ? error.name : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect-timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'headers-timeout';
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_ABORTED' ||
    code === 'ABORT_ERR' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return 'timeout';
  }
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (TLS_CODES.test(code)) return 'tls';
  if (code === 'UND_ERR_INVALID_ARG') return 'invalid-request';
  return 'network';
}
