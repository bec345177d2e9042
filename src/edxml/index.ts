export { type AttachmentMeta, EdxmlAttachment } from './attachment.ts';
export { buildEdxml, buildEdxmlBytes } from './build-edxml.ts';
export { type EdxmlCode, edxmlCodes } from './codes.ts';
export {
  type Business,
  type BusinessDocType,
  type BusinessDocumentInfo,
  type DocumentCode,
  type DocumentType,
  EDXML_NAMESPACE,
  type EdxmlKind,
  type EdxmlMessage,
  type EdxmlPackage,
  type EdxmlStatus,
  type Manifest,
  type ManifestReference,
  type MessageHeader,
  type Organization,
  type OtherInfo,
  type Priority,
  type PromulgationInfo,
  type Receiver,
  type ReplacementInfo,
  type ResponseFor,
  type SignatureBlock,
  type SignerInfo,
  STATUS_CODES,
  STATUS_NAMES_VI,
  type StaffInfo,
  type StatusCode,
  statusNameVi,
  type TraceHeader,
  XMLDSIG_NAMESPACE,
} from './model.ts';
export { type AttachmentJson, type JsonModelResult, messageFromJson, messageToJson } from './model-json.ts';
export {
  DEFAULT_LIMITS,
  type Inspection,
  inspectEdxml,
  type ParseOptions,
  type ParseResult,
  parseEdxml,
} from './parse-edxml.ts';
export { type AttachmentSummary, type MessageSummary, summarize } from './summarize.ts';
export { validateEdxml } from './validate-message.ts';
export { edxmlTimestampToDate, isEdxmlDate, isEdxmlTimestamp } from './value-checks.ts';
