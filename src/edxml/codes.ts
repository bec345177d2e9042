import { defineCodes } from '../core/index.ts';

/**
 * Every stable code the edXML codec produces. XML_* codes are about the XML itself (the signature
 * module defines XML_FORBIDDEN / XML_MALFORMED with the same meaning and HTTP status, 422, which
 * every XML_* code shares); EDXML_* codes are about the edXML structure and values.
 */
export const edxmlCodes = defineCodes({
  EDXML_PAYLOAD_TOO_LARGE: {
    http: 413,
    meaning: 'The package is larger than the configured maximum (64 MiB unless configured).',
    action: 'Send fewer or smaller attachments per package, or ask the operator for a larger limit.',
  },
  XML_FORBIDDEN: {
    http: 422,
    meaning: 'The XML contains a DOCTYPE, an entity declaration or a processing instruction.',
    action: 'Remove the DOCTYPE and any <!ENTITY>/<?pi?>; edXML needs none of them.',
  },
  XML_MALFORMED: {
    http: 422,
    meaning:
      'The input is not well-formed (namespace-aware) XML: truncated, mismatched tags, bad characters.',
    action:
      'Fix the producer so that it writes well-formed UTF-8 XML; check that the upload was not cut off.',
  },
  XML_UNSUPPORTED_ENCODING: {
    http: 422,
    meaning: 'The XML is not UTF-8 (UTF-16 byte-order mark, or another declared encoding).',
    action: 'Encode the package as UTF-8, as QCVN 102 requires.',
  },
  XML_TOO_DEEP: {
    http: 422,
    meaning: 'Elements are nested deeper than the configured bound (32 unless configured).',
    action: 'edXML is at most about a dozen levels deep; fix the producer.',
  },
  XML_TOO_MANY_NODES: {
    http: 422,
    meaning: 'The document has more elements, comments or attributes than the configured bound.',
    action: 'Split the recipients or attachments over several packages, or fix the producer.',
  },
  XML_TEXT_TOO_LARGE: {
    http: 422,
    meaning: 'A run of text outside an attachment body is larger than the configured bound (1 MiB).',
    action: 'Only attachment bodies may be large; remove the padding or misplaced data.',
  },
  XML_LEADING_GARBAGE: {
    http: 422,
    meaning: 'Text precedes the XML declaration or root element (a warning; an error in strict mode).',
    action: 'Make the producer write the XML declaration as the very first bytes.',
  },
  XML_UNBOUND_PREFIX: {
    http: 422,
    meaning:
      'A namespace prefix is used without a declaration in scope; `edXML:` is read as the edXML namespace (a warning; an error in strict mode).',
    action: 'Declare xmlns:edXML on the root element (or on each element that uses the prefix).',
  },
  XML_AMBIGUOUS: {
    http: 422,
    meaning:
      'The XML holds a construct that XML libraries read differently, so the value the signature covers would be ambiguous: an element inside a value, or a character reference inside an attachment body.',
    action: 'Write values as plain text without markup, and attachment bodies as plain base64.',
  },
  EDXML_WRONG_ROOT: {
    http: 422,
    meaning: 'The root element is not edXML.',
    action: 'Send an edXML package or status package (root element `edXML`).',
  },
  EDXML_WRONG_NAMESPACE: {
    http: 422,
    meaning:
      'An element is not in the edXML namespace http://www.mic.gov.vn/TBT/QCVN_102_2016 where one is required.',
    action: 'Put every edXML element in the QCVN 102 namespace (any prefix, or the default namespace).',
  },
  EDXML_MISSING_ELEMENT: {
    http: 422,
    meaning: 'A required element is missing or empty.',
    action: 'Fill in the element named in the finding path.',
  },
  EDXML_DUPLICATE_ELEMENT: {
    http: 422,
    meaning: 'An element that may occur once occurs several times, so its value is ambiguous.',
    action: 'Send the element once.',
  },
  EDXML_UNKNOWN_ELEMENT: {
    http: 422,
    meaning:
      'An edXML-namespace element that this place does not define (a warning; an error in strict mode).',
    action: 'Remove the element or check its spelling against QCVN 102.',
  },
  EDXML_UNEXPECTED_CONTENT: {
    http: 422,
    meaning:
      'Text where only elements belong, elements inside a value, or a body in a status package (a warning; an error in strict mode).',
    action: 'Remove the stray content.',
  },
  EDXML_BAD_DATE: {
    http: 422,
    meaning: 'A date is not yyyy/MM/dd, or a timestamp is not yyyy/MM/dd HH:mm:ss, or it is not a real day.',
    action:
      'Write dates as 2025/07/01 and timestamps as 2025/07/01 08:30:00 (Vietnam time unless an offset is given).',
  },
  EDXML_BAD_STATUS_CODE: {
    http: 422,
    meaning: 'StatusCode is not one of 01, 02, 03, 04, 05, 06, 13, 15, 16.',
    action: 'Use one of the status codes of QĐ 28/2018 (see the edXML spec page).',
  },
  EDXML_BAD_PRIORITY: {
    http: 422,
    meaning: 'OtherInfo/Priority is not 0–4.',
    action: 'Use 0 normal, 1 urgent, 2 very urgent, 3 express, 4 express with a set time.',
  },
  EDXML_BAD_BUSINESS_TYPE: {
    http: 422,
    meaning: 'Bussiness/BussinessDocType is not 0–3.',
    action: 'Use 0 new, 1 revoke, 2 update, 3 replace.',
  },
  EDXML_BUSINESS_INCOMPLETE: {
    http: 422,
    meaning: 'An update lacks BussinessDocumentInfo, or a replace lacks ReplacementInfoList.',
    action:
      'Add the part the business operation needs (update → BussinessDocumentInfo, replace → ReplacementInfoList).',
  },
  EDXML_BAD_VALUE: {
    http: 422,
    meaning:
      'A small enumerated field (Type, SteeringType, Paper, DocumentInfo, …) has an unexpected value (a warning; an error in strict mode).',
    action: 'Use the values listed in the edXML spec page.',
  },
  EDXML_TOO_LONG: {
    http: 422,
    meaning: 'A text field is longer than the QCVN 102 limit (a warning; an error in strict mode).',
    action: 'Shorten the field to the limit given in the finding.',
  },
  EDXML_ORGAN_ID_SHAPE: {
    http: 422,
    meaning:
      'An organ id does not look like a QĐ 20/2020 identifier (always a warning: the directory decides).',
    action: 'Check the id against the organization directory.',
  },
  EDXML_ATTACHMENT_MISMATCH: {
    http: 422,
    meaning:
      'A manifest Reference has no Attachment with the same ContentId (or several), or the other way round.',
    action:
      'List every attachment exactly once in the manifest and in AttachmentEncoded, with the same ContentId.',
  },
  EDXML_ATTACHMENT_META_MISMATCH: {
    http: 422,
    meaning:
      'A manifest Reference and its Attachment disagree on ContentType or AttachmentName (a warning; an error in strict mode).',
    action: 'Write the same ContentType and AttachmentName in both places.',
  },
  EDXML_BAD_BASE64: {
    http: 422,
    meaning: 'An attachment body is not valid base64 (bad characters, markup or misplaced padding).',
    action: 'Encode the attachment bytes with standard base64 (RFC 4648 §4); line breaks are allowed.',
  },
  EDXML_BASE64_UNPADDED: {
    http: 422,
    meaning: 'An attachment body lacks its trailing = padding (a warning; an error in strict mode).',
    action: 'Pad base64 to a multiple of 4 characters.',
  },
  EDXML_BAD_MODEL: {
    http: 400,
    meaning:
      'A JSON model given to the builder does not have the documented shape, or holds text XML cannot carry.',
    action: 'Follow the model shape shown by `lienthong edxml build --help`.',
  },
});

/** A code of the edXML codec. */
export type EdxmlCode = keyof typeof edxmlCodes;
