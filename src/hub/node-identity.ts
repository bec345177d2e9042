import type { NodeRecord } from '../store/index.ts';
import type { NodeIdentity } from './hub-types.ts';

/** A stored node as the hub's services see the caller. */
export function identityOf(node: NodeRecord): NodeIdentity {
  return {
    id: node.id,
    kind: node.kind,
    organIds: node.organizations,
    subtreeRoots: node.subtreeRoots,
    signaturePolicy: node.signaturePolicy,
    clientCertificates: node.clientCertificates,
    limits: node.limits,
  };
}
