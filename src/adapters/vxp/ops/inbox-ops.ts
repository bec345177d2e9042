import type { VxpInboxItem, VxpMessageKind } from '../../../hub/vxp/vxp-service.ts';
import { countOk, edocOk, listOk, type WireItem } from '../envelope.ts';
import {
  json,
  limitParam,
  messageKindParam,
  refuse,
  requireParam,
  type VxpAnswer,
  type VxpCall,
} from '../vxp-call.ts';

/** Urgent first, then oldest first; stable, so the hub's order decides among equals. */
export function urgentFirst(items: readonly VxpInboxItem[]): VxpInboxItem[] {
  return [...items].sort(
    (a, b) => b.priority - a.priority || a.receivedAt.getTime() - b.receivedAt.getTime(),
  );
}

const NEW_DESC: Readonly<Record<VxpMessageKind, string>> = {
  edoc: 'Văn bản mới',
  status: 'Trạng thái mới',
};

/** An inbox item in the SDK's Knobstick fields (spec §5.2): mixed camelCase and snake_case, never null. */
export function knobstickItem(item: VxpInboxItem): WireItem {
  return {
    docId: item.docId,
    serviceType: 'eDoc',
    messageType: item.kind,
    created_time: item.receivedAt.toISOString(),
    updated_time: item.updatedAt.toISOString(),
    from: item.fromOrganId,
    to: item.toOrganId,
    // `initial` for a new message; `fail` once the system reported it could not take it (still offered).
    status: item.failures > 0 ? 'fail' : 'initial',
    status_desc:
      item.failures > 0 ? `${NEW_DESC[item.kind]} (nhận lỗi ${item.failures} lần)` : NEW_DESC[item.kind],
  };
}

/**
 * POST getReceivedEdocList: the caller's pending messages of the requested messagetype (edoc when
 * absent). The `status`, `fromDate`, `toDate` filters some clients send are ignored on purpose: the
 * SDK carries a stale `status` (e.g. `done` from updateStatus) into every later call.
 */
export async function getReceivedEdocList(call: VxpCall): Promise<VxpAnswer> {
  const kind = messageKindParam(call, 'edoc');
  const items = await call.port.listPending(call.system.nodeId, { kind, limit: limitParam(call) });
  return json(listOk(urgentFirst(items).slice(0, limitParam(call)).map(knobstickItem)));
}

/** Bytes of a message addressed to the caller, or a VXP_NOT_FOUND refusal. */
async function bytesOf(call: VxpCall): Promise<Buffer> {
  const docId = requireParam(call, 'docId');
  const bytes = await call.port.getMessageBytes(call.system.nodeId, docId);
  if (bytes === null) refuse('VXP_NOT_FOUND', 'no message with this docId for this system');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** POST getEdoc: the exact package bytes as standard base64 (the `filePath` header is the client's own folder). */
export async function getEdoc(call: VxpCall): Promise<VxpAnswer> {
  return json(edocOk((await bytesOf(call)).toString('base64')));
}

/**
 * GET downloadEdoc: the raw bytes. The SDK saves any non-empty body as the package and calls it
 * SUCCESS, so every failure must be an EMPTY body (the dispatcher does that for refusals).
 */
export async function downloadEdoc(call: VxpCall): Promise<VxpAnswer> {
  return { kind: 'bytes', body: await bytesOf(call) };
}

export async function countReceiveEdoc(call: VxpCall): Promise<VxpAnswer> {
  return json(countOk(await call.port.countPending(call.system.nodeId, 'edoc')));
}

export async function countReceiveStatus(call: VxpCall): Promise<VxpAnswer> {
  return json(countOk(await call.port.countPending(call.system.nodeId, 'status')));
}
