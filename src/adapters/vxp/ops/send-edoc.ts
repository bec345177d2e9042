import { sendEdocOk } from '../envelope.ts';
import { extractSendEdocFile } from '../hash-file.ts';
import {
  json,
  messageKindParam,
  param,
  refuse,
  refuseWith,
  type VxpAnswer,
  type VxpCall,
} from '../vxp-call.ts';

/**
 * The signed `to` header. The SDK stores it with toString(), so it is JSON text: `"00.98.W00"` (with
 * the quotes) or `["a","b"]`. A bare value from a hand-made client is taken as one id. Advisory only:
 * the hub routes on the edXML To.
 */
export function parseDeclaredTo(value: string | undefined): string[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') return parsed.trim() === '' ? [] : [parsed.trim()];
    if (Array.isArray(parsed)) {
      return parsed.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
    }
    return typeof parsed === 'number' ? [value.trim()] : [];
  } catch {
    return [value];
  }
}

/**
 * POST sendEdoc (spec §5.1): body = file + CRLF; hash-file checked; then exactly the hub's accept
 * pipeline. A blind resend of the same bytes (JDK HttpURLConnection retries a POST once, §8) gets
 * the same DocId back: the port guarantees it and the answer looks the same.
 */
export async function sendEdoc(call: VxpCall): Promise<VxpAnswer> {
  const messageType = messageKindParam(call, undefined);
  if (messageType === undefined) refuse('VXP_MISSING_PARAMETER', 'parameter messagetype is required');
  const hashFile = param(call, 'hash-file');
  if (hashFile === undefined) refuse('VXP_BAD_HASH_FILE', 'hash-file is not signed');
  const extracted = extractSendEdocFile(call.body, hashFile);
  if (!extracted.ok) {
    refuse('VXP_BAD_HASH_FILE', 'hash-file does not match the package (the body without its trailing CRLF)');
  }
  if (extracted.file.length === 0) refuse('VXP_EMPTY_PACKAGE', 'the request carries no package bytes');
  const result = await call.port.submit({
    nodeId: call.system.nodeId,
    systemId: call.system.systemId,
    bytes: extracted.file,
    messageType,
    declaredFrom: param(call, 'from'),
    declaredTo: parseDeclaredTo(param(call, 'to')),
    hashFile,
    receivedAt: call.at,
    remoteAddress: call.remoteAddress,
  });
  if (!result.ok) refuseWith(result.error);
  return json(sendEdocOk(result.value.messageId));
}
