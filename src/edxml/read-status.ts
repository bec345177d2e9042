import type { ElementNode } from './element-node.ts';
import {
  type EdxmlStatus,
  type SignatureBlock,
  STATUS_CODES,
  type StatusCode,
  type TraceHeader,
} from './model.ts';
import { compact, openOrganization, readResponseFor, readStaffInfo } from './read-common.ts';

export const STATUS_HEADER_CHILDREN = [
  'From',
  'ResponseFor',
  'StaffInfo',
  'StatusCode',
  'Description',
  'Timestamp',
];

/**
 * MessageHeader (or `Status`, one vendor's name) of a status package. An unusable StatusCode
 * leaves no status to describe: null, with the finding.
 */
export function readStatusHeader(
  header: ElementNode,
  traceHeaders: readonly TraceHeader[],
  signature: SignatureBlock | undefined,
): EdxmlStatus | null {
  const sink = header.sink;
  const code = header.text('StatusCode');
  if (code === undefined) {
    sink.error('EDXML_MISSING_ELEMENT', `${header.path}/StatusCode`, 'StatusCode is required');
    return null;
  }
  if (!(STATUS_CODES as readonly string[]).includes(code)) {
    sink.error(
      'EDXML_BAD_STATUS_CODE',
      `${header.path}/StatusCode`,
      `StatusCode "${code.slice(0, 20)}" is not in use`,
    );
    return null;
  }
  const from = header.child('From');
  if (!from) sink.error('EDXML_MISSING_ELEMENT', `${header.path}/From`, 'From is required');
  const responseFor = header.child('ResponseFor');
  if (!responseFor)
    sink.error('EDXML_MISSING_ELEMENT', `${header.path}/ResponseFor`, 'ResponseFor is required');
  return compact({
    kind: 'status' as const,
    from: from ? openOrganization(from.element, from.path, sink) : { organId: '' },
    responseFor: responseFor ? readResponseFor(responseFor.element, responseFor.path, sink) : {},
    staffInfo: readStaffInfo(header),
    statusCode: code as StatusCode,
    description: header.text('Description'),
    timestamp: header.text('Timestamp') ?? '',
    traceHeaders,
    signature,
  });
}
