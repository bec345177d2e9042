import type { Finding } from '../core/index.ts';
import { FindingSink } from './finding-sink.ts';
import {
  type Business,
  type EdxmlMessage,
  type EdxmlPackage,
  type EdxmlStatus,
  STATUS_CODES,
} from './model.ts';
import { checkAttachments } from './validate-attachments.ts';
import { PATHS, ValueChecks } from './value-checks.ts';

const H = PATHS.header;

function checkPackageHeader(m: EdxmlPackage, c: ValueChecks): void {
  const h = m.header;
  if (c.required(h.from.organId, `${H}/From/OrganId`)) c.organId(h.from.organId, `${H}/From/OrganId`);
  if (h.to.length === 0) c.sink.error('EDXML_MISSING_ELEMENT', `${H}/To`, 'at least one To is required');
  const seen = new Set<string>();
  h.to.forEach((to, i) => {
    const path = `${H}/To[${i + 1}]/OrganId`;
    if (!c.required(to.organId, path)) return;
    c.organId(to.organId, path);
    if (seen.has(to.organId))
      c.sink.warning('EDXML_DUPLICATE_ELEMENT', path, `${to.organId} is a recipient twice`);
    seen.add(to.organId);
  });
  c.required(h.documentId, `${H}/DocumentId`);
  if (c.present(h.code, `${H}/Code`)) {
    c.required(h.code?.codeNumber, `${H}/Code/CodeNumber`);
    c.required(h.code?.codeNotation, `${H}/Code/CodeNotation`);
    c.maxLength(h.code?.codeNumber, 11, `${H}/Code/CodeNumber`);
    c.maxLength(h.code?.codeNotation, 30, `${H}/Code/CodeNotation`);
  }
  if (c.present(h.promulgationInfo, `${H}/PromulgationInfo`)) {
    c.required(h.promulgationInfo?.promulgationDate, `${H}/PromulgationInfo/PromulgationDate`);
    c.date(h.promulgationInfo?.promulgationDate, `${H}/PromulgationInfo/PromulgationDate`);
    c.maxLength(h.promulgationInfo?.place, 50, `${H}/PromulgationInfo/Place`);
  }
  if (c.present(h.documentType, `${H}/DocumentType`)) {
    c.required(h.documentType?.type, `${H}/DocumentType/Type`);
    c.oneOf(h.documentType?.type, ['1', '2'], `${H}/DocumentType/Type`);
    c.maxLength(h.documentType?.typeName, 100, `${H}/DocumentType/TypeName`);
  }
  c.required(h.subject, `${H}/Subject`);
  c.maxLength(h.subject, 500, `${H}/Subject`);
  c.maxLength(h.content, 500, `${H}/Content`);
  c.date(h.dueDate, `${H}/DueDate`);
  h.toPlaces?.forEach((place, i) => {
    c.maxLength(place, 150, `${H}/ToPlaces/Place[${i + 1}]`);
  });
  const priority = h.otherInfo?.priority;
  if (priority !== undefined && ![0, 1, 2, 3, 4].includes(priority)) {
    c.sink.error('EDXML_BAD_PRIORITY', `${H}/OtherInfo/Priority`, `Priority ${String(priority)} is not 0–4`);
  }
  c.oneOf(h.steeringType, ['0', '1'], `${H}/SteeringType`);
  h.responseFor.forEach((r, i) => {
    c.organId(r.organId, `${H}/ResponseFor[${i + 1}]/OrganId`);
    c.date(r.promulgationDate, `${H}/ResponseFor[${i + 1}]/PromulgationDate`);
  });
}

function checkBusiness(b: Business, c: ValueChecks): void {
  const B = PATHS.business;
  if (b.docType === undefined) {
    // An unreadable value was already reported by the reader.
    if (!c.sink.has('EDXML_BAD_BUSINESS_TYPE')) c.required(undefined, `${B}/BussinessDocType`);
  } else if (![0, 1, 2, 3].includes(b.docType)) {
    c.sink.error(
      'EDXML_BAD_BUSINESS_TYPE',
      `${B}/BussinessDocType`,
      `BussinessDocType ${String(b.docType)} is not 0–3`,
    );
  }
  if (b.docType === 2 && !b.documentInfo) {
    c.sink.error(
      'EDXML_BUSINESS_INCOMPLETE',
      `${B}/BussinessDocumentInfo`,
      'an update (type 2) needs BussinessDocumentInfo',
    );
  }
  if (b.docType === 3 && (b.replacements ?? []).length === 0) {
    c.sink.error(
      'EDXML_BUSINESS_INCOMPLETE',
      `${B}/ReplacementInfoList`,
      'a replace (type 3) needs ReplacementInfoList',
    );
  }
  c.oneOf(b.paper, ['0', '1'], `${B}/Paper`);
  const info = b.documentInfo;
  c.oneOf(info?.documentInfo, ['0', '1'], `${B}/BussinessDocumentInfo/DocumentInfo`);
  c.oneOf(info?.documentReceiver, ['0', '1'], `${B}/BussinessDocumentInfo/DocumentReceiver`);
  info?.receivers?.forEach((r, i) => {
    c.organId(r.organId, `${B}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]/OrganId`);
  });
  b.replacements?.forEach((r, i) => {
    const path = `${B}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
    c.required(r.documentId, `${path}/DocumentId`);
    r.organIds?.forEach((id, j) => {
      c.organId(id, `${path}/OrganIdList/OrganId[${j + 1}]`);
    });
  });
}

function checkTrace(m: EdxmlMessage, c: ValueChecks): void {
  if (m.kind === 'package' && m.traceHeaders.length === 0) {
    c.sink.warning(
      'EDXML_MISSING_ELEMENT',
      `${PATHS.trace}/TraceHeader`,
      'no TraceHeader: the sending hop is not recorded',
    );
  }
  m.traceHeaders.forEach((t, i) => {
    const path = `${PATHS.trace}/TraceHeader[${i + 1}]`;
    if (t.organId === undefined)
      c.sink.warning('EDXML_MISSING_ELEMENT', `${path}/OrganId`, 'the hop has no OrganId');
    c.organId(t.organId, `${path}/OrganId`);
    if (t.timestamp === undefined)
      c.sink.warning('EDXML_MISSING_ELEMENT', `${path}/Timestamp`, 'the hop has no Timestamp');
    c.timestamp(t.timestamp, `${path}/Timestamp`);
  });
}

function checkStatus(m: EdxmlStatus, c: ValueChecks): void {
  if (c.required(m.from.organId, `${H}/From/OrganId`)) c.organId(m.from.organId, `${H}/From/OrganId`);
  if (c.required(m.responseFor.organId, `${H}/ResponseFor/OrganId`))
    c.organId(m.responseFor.organId, `${H}/ResponseFor/OrganId`);
  c.required(m.responseFor.documentId, `${H}/ResponseFor/DocumentId`);
  c.date(m.responseFor.promulgationDate, `${H}/ResponseFor/PromulgationDate`);
  if (!STATUS_CODES.includes(m.statusCode)) {
    c.sink.error(
      'EDXML_BAD_STATUS_CODE',
      `${H}/StatusCode`,
      `StatusCode "${String(m.statusCode)}" is not in use`,
    );
  }
  if (c.required(m.timestamp, `${H}/Timestamp`)) c.timestamp(m.timestamp, `${H}/Timestamp`);
  if (m.statusCode === '02' && m.description === undefined) {
    c.sink.warning(
      'EDXML_MISSING_ELEMENT',
      `${H}/Description`,
      'a refusal (02) should say why in Description',
    );
  }
}

/** Validates a model into `sink` (used after reading, and for models built in memory). */
export function validateInto(message: EdxmlMessage, sink: FindingSink): void {
  const checks = new ValueChecks(sink);
  if (message.kind === 'status') checkStatus(message, checks);
  else {
    checkPackageHeader(message, checks);
    if (message.business) checkBusiness(message.business, checks);
    checkAttachments(message.manifest, message.attachments, checks);
  }
  checkTrace(message, checks);
}

/** Validates a model (e.g. one about to be built): the same rules as parsing applies. */
export function validateEdxml(message: EdxmlMessage, options: { strict?: boolean } = {}): Finding[] {
  const sink = new FindingSink(options.strict === true);
  validateInto(message, sink);
  return sink.deduplicated();
}
