import { parseEdxml } from '../../edxml/index.ts';
import type { VxpMessageKind } from './vxp-port.ts';

/**
 * Largest package whose kind is read with the codec before the hub runs its pipeline. The check
 * parses the package a second time (the hub's pipeline parses it again), which costs about 3 ms for
 * the SDK's 370 KB sample; above this size the package is a document: a status package has no body
 * and no attachments, and the national axis' status packages are 2 KB.
 */
export const KIND_CHECK_MAX_BYTES = 2 * 1024 * 1024;

/**
 * What the bytes are, in the SDK's words: `edoc` (a document package) or `status`; undefined when the
 * codec refuses them (the hub's pipeline then refuses them with the codec's own code).
 */
export function packageKindOf(bytes: Uint8Array): VxpMessageKind | undefined {
  if (bytes.byteLength > KIND_CHECK_MAX_BYTES) return 'edoc';
  const parsed = parseEdxml(bytes, { strict: false, maxBytes: KIND_CHECK_MAX_BYTES });
  if (!parsed.ok) return undefined;
  return parsed.message.kind === 'status' ? 'status' : 'edoc';
}
