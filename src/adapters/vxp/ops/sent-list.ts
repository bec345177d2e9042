import type { VxpDeliveryState, VxpSentItem } from '../../../hub/vxp/vxp-service.ts';
import { listOk, type WireItem } from '../envelope.ts';
import {
  json,
  limitParam,
  messageKindParam,
  param,
  refuse,
  type VxpAnswer,
  type VxpCall,
} from '../vxp-call.ts';

/** The hub's delivery state as `sendStatus` words (the spec's example says `done` / "Đã gửi"). */
const SEND_STATUS: Readonly<Record<VxpDeliveryState, readonly [string, string]>> = {
  queued: ['initial', 'Chờ gửi'],
  sending: ['sending', 'Đang gửi'],
  retrying: ['retrying', 'Đang gửi lại'],
  delivered: ['done', 'Đã gửi'],
  forwarded: ['forwarded', 'Đã chuyển tiếp'],
  failed: ['fail', 'Gửi lỗi'],
  revoked: ['revoked', 'Đã thu hồi'],
};

/** edXML StatusCode as `receiveStatus` words, matching the SDK samples' status_<word>_<code>.edxml names. */
const RECEIVE_STATUS: Readonly<Record<string, readonly [string, string]>> = {
  '01': ['inbox', 'Đã đến'],
  '02': ['rejection', 'Từ chối tiếp nhận'],
  '03': ['acceptance', 'Đã tiếp nhận'],
  '04': ['assignment', 'Phân công'],
  '05': ['processing', 'Đang xử lý'],
  '06': ['done', 'Hoàn thành'],
  '13': ['cancellation', 'Lấy lại'],
  '15': ['change-acceptance', 'Đồng ý lấy lại'],
  '16': ['change-rejection', 'Từ chối lấy lại'],
};

/** A sent message's recipient in the SDK's StatusResult fields (spec §5.5); absent members are omitted. */
export function statusResultItem(item: VxpSentItem): WireItem {
  const [sendStatus, sendStatusDesc] = SEND_STATUS[item.delivery];
  const business = item.businessStatus;
  const receive =
    business === undefined ? undefined : (RECEIVE_STATUS[business.code] ?? [business.code, business.code]);
  return {
    serviceType: 'eDoc',
    messageType: item.kind,
    senderDocId: item.senderDocId,
    // The hub gives every recipient the same message id unless it says otherwise.
    receiverDocId: item.receiverDocId ?? item.senderDocId,
    fromCode: item.fromOrganId,
    toCode: item.toOrganId,
    title: item.title,
    notation: item.notation,
    sentTime: item.sentAt.toISOString(),
    receivedTime: item.deliveredAt?.toISOString(),
    sendStatus,
    sendStatusDesc,
    receiveStatus: receive?.[0],
    receiveStatusDesc: receive?.[1],
  };
}

/**
 * POST getSentEdocList: per recipient, delivery and business status of what the caller sent; of one
 * message when `docId` (the DocId sendEdoc returned) is signed, else of the most recent ones.
 */
export async function getSentEdocList(call: VxpCall): Promise<VxpAnswer> {
  const docId = param(call, 'docId');
  const kind = messageKindParam(call, undefined);
  const limit = limitParam(call);
  const rows = await call.port.listSent(call.system.nodeId, {
    ...(docId === undefined ? {} : { docId }),
    ...(kind === undefined ? {} : { kind }),
    limit,
  });
  if (rows === null) refuse('VXP_NOT_FOUND', 'this system sent no message with this docId');
  return json(listOk(rows.slice(0, limit).map(statusResultItem)));
}
