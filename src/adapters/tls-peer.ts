import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

// One computation per connection: a keep-alive connection carries many calls, its peer stays the same.
const presented = new WeakMap<Socket, string | null>();

/**
 * SHA-256 (hex, lower case) of the DER certificate the TLS peer of `socket` presented, or null on
 * plain HTTP or when the client sent none. The hub requests a client certificate without requiring
 * a chain to any CA (see src/hub/client-certificate.ts), so the certificate is identified by its
 * hash, never by its subject.
 */
// Only the certificate itself counts, never `socket.authorized`: on a resumed TLS 1.3 session Node
// may report `authorized` without any certificate. A resumed session returns the certificate of the
// handshake that created it, whose key was proven then; a session made without one returns none.
export function presentedCertificateSha256(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket)) return null;
  const known = presented.get(socket);
  if (known !== undefined) return known;
  const raw = socket.getPeerCertificate(false)?.raw;
  const sha256 = raw && raw.length > 0 ? createHash('sha256').update(raw).digest('hex') : null;
  presented.set(socket, sha256);
  return sha256;
}
