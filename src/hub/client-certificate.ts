import type { HubFailure } from './hub-service.ts';
import type { NodeIdentity } from './hub-types.ts';

/**
 * The client-certificate rule, the same for every edge (node API, VXP API): a node with registered
 * TLS client certificates is only itself over a TLS connection that presented one of them — the
 * token or secret alone is not enough (a leaked token is useless without the private key). A node
 * with none registered authenticates with its credential alone. Pinning by SHA-256, as X-Road pins
 * its security servers' TLS certificates: no CA has to be trusted for it.
 *
 * `presentedSha256` is the SHA-256 (hex, lower case) of the certificate the TLS peer presented, or
 * null (plain HTTP, or TLS without a client certificate).
 */
export function clientCertificateRefusal(
  node: Pick<NodeIdentity, 'clientCertificates'>,
  presentedSha256: string | null,
): HubFailure | null {
  if (node.clientCertificates.length === 0) return null;
  if (presentedSha256 !== null && node.clientCertificates.includes(presentedSha256)) return null;
  // The message names neither the node nor its certificates: whoever holds a stolen token without
  // the key learns nothing more than that a certificate is needed.
  return {
    code: 'CLIENT_CERT_REQUIRED',
    message:
      presentedSha256 === null
        ? 'This node must call over TLS with its registered client certificate; none was presented.'
        : 'This node must call over TLS with its registered client certificate; another one was presented.',
    findings: [],
  };
}
