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
    vi: 'Dung lượng gói tin vượt quá giới hạn cho phép',
    action: 'Send fewer or smaller attachments per package, or ask the operator for a larger limit.',
  },
  XML_FORBIDDEN: {
    http: 422,
    meaning: 'The XML contains a DOCTYPE, an entity declaration or a processing instruction.',
    vi: 'Nội dung XML chứa khai báo DOCTYPE, ENTITY hoặc chỉ thị xử lý bị cấm',
    action: 'Remove the DOCTYPE and any <!ENTITY>/<?pi?>; edXML needs none of them.',
  },
  XML_MALFORMED: {
    http: 422,
    meaning:
      'The input is not well-formed (namespace-aware) XML: truncated, mismatched tags, bad characters.',
    vi: 'Nội dung XML sai cú pháp hoặc không đầy đủ',
    action:
      'Fix the producer so that it writes well-formed UTF-8 XML; check that the upload was not cut off.',
  },
  XML_UNSUPPORTED_ENCODING: {
    http: 422,
    meaning: 'The XML is not UTF-8 (UTF-16 byte-order mark, or another declared encoding).',
    vi: 'Gói tin không dùng bảng mã UTF-8',
    action: 'Encode the package as UTF-8, as QCVN 102 requires.',
  },
  XML_TOO_DEEP: {
    http: 422,
    meaning: 'Elements are nested deeper than the configured bound (32 unless configured).',
    vi: 'Cấu trúc XML lồng nhau quá nhiều cấp',
    action: 'edXML is at most about a dozen levels deep; fix the producer.',
  },
  XML_TOO_MANY_NODES: {
    http: 422,
    meaning: 'The document has more elements, comments or attributes than the configured bound.',
    vi: 'Gói tin có quá nhiều phần tử, thuộc tính hoặc chú thích XML',
    action: 'Split the recipients or attachments over several packages, or fix the producer.',
  },
  XML_TEXT_TOO_LARGE: {
    http: 422,
    meaning: 'A run of text outside an attachment body is larger than the configured bound (1 MiB).',
    vi: 'Một đoạn nội dung ngoài tệp đính kèm quá dài',
    action: 'Only attachment bodies may be large; remove the padding or misplaced data.',
  },
  XML_LEADING_GARBAGE: {
    http: 422,
    meaning: 'Text precedes the XML declaration or root element (a warning; an error in strict mode).',
    vi: 'Có nội dung thừa trước phần khai báo XML',
    action: 'Make the producer write the XML declaration as the very first bytes.',
  },
  XML_UNBOUND_PREFIX: {
    http: 422,
    meaning:
      'A namespace prefix is used without a declaration in scope; `edXML:` is read as the edXML namespace (a warning; an error in strict mode).',
    vi: 'Gói tin dùng tiền tố không gian tên chưa được khai báo',
    action: 'Declare xmlns:edXML on the root element (or on each element that uses the prefix).',
  },
  XML_AMBIGUOUS: {
    http: 422,
    meaning:
      'The XML holds a construct that XML libraries read differently, so the value the signature covers would be ambiguous: an element inside a value, or a character reference inside an attachment body.',
    vi: 'Gói tin chứa cấu trúc XML có thể được hiểu theo nhiều cách',
    action: 'Write values as plain text without markup, and attachment bodies as plain base64.',
  },
  EDXML_WRONG_ROOT: {
    http: 422,
    meaning: 'The root element is not edXML.',
    vi: 'Phần tử gốc của gói tin không phải edXML',
    action: 'Send an edXML package or status package (root element `edXML`).',
  },
  EDXML_WRONG_NAMESPACE: {
    http: 422,
    meaning:
      'An element is not in the edXML namespace http://www.mic.gov.vn/TBT/QCVN_102_2016 where one is required.',
    vi: 'Phần tử không thuộc không gian tên edXML theo QCVN 102',
    action: 'Put every edXML element in the QCVN 102 namespace (any prefix, or the default namespace).',
  },
  EDXML_MISSING_ELEMENT: {
    http: 422,
    meaning: 'A required element is missing or empty.',
    vi: 'Gói tin thiếu phần tử bắt buộc hoặc phần tử bắt buộc để trống',
    action: 'Fill in the element named in the finding path.',
  },
  EDXML_DUPLICATE_ELEMENT: {
    http: 422,
    meaning: 'An element that may occur once occurs several times, so its value is ambiguous.',
    vi: 'Một phần tử chỉ được xuất hiện một lần nhưng bị lặp lại',
    action: 'Send the element once.',
  },
  EDXML_UNKNOWN_ELEMENT: {
    http: 422,
    meaning:
      'An edXML-namespace element that this place does not define (a warning; an error in strict mode).',
    vi: 'Gói tin có phần tử edXML không được quy định tại vị trí này',
    action: 'Remove the element or check its spelling against QCVN 102.',
  },
  EDXML_UNEXPECTED_CONTENT: {
    http: 422,
    meaning:
      'Text where only elements belong, elements inside a value, or a body in a status package (a warning; an error in strict mode).',
    vi: 'Gói tin có nội dung thừa hoặc đặt sai vị trí',
    action: 'Remove the stray content.',
  },
  EDXML_BAD_DATE: {
    http: 422,
    meaning: 'A date is not yyyy/MM/dd, or a timestamp is not yyyy/MM/dd HH:mm:ss, or it is not a real day.',
    vi: 'Ngày tháng không đúng định dạng hoặc không hợp lệ',
    action:
      'Write dates as 2025/07/01 and timestamps as 2025/07/01 08:30:00 (Vietnam time unless an offset is given).',
  },
  EDXML_BAD_STATUS_CODE: {
    http: 422,
    meaning: 'StatusCode is not one of 01, 02, 03, 04, 05, 06, 13, 15, 16.',
    vi: 'Mã trạng thái văn bản không hợp lệ',
    action: 'Use one of the status codes of QĐ 28/2018 (see the edXML spec page).',
  },
  EDXML_BAD_PRIORITY: {
    http: 422,
    meaning: 'OtherInfo/Priority is not 0–4.',
    vi: 'Độ khẩn của văn bản không hợp lệ',
    action: 'Use 0 normal, 1 urgent, 2 very urgent, 3 express, 4 express with a set time.',
  },
  EDXML_BAD_BUSINESS_TYPE: {
    http: 422,
    meaning: 'Bussiness/BussinessDocType is not 0–3.',
    vi: 'Loại nghiệp vụ văn bản (mới, thu hồi, cập nhật, thay thế) không hợp lệ',
    action: 'Use 0 new, 1 revoke, 2 update, 3 replace.',
  },
  EDXML_BUSINESS_INCOMPLETE: {
    http: 422,
    meaning: 'An update lacks BussinessDocumentInfo, or a replace lacks ReplacementInfoList.',
    vi: 'Gói tin cập nhật hoặc thay thế văn bản thiếu thông tin bắt buộc',
    action:
      'Add the part the business operation needs (update → BussinessDocumentInfo, replace → ReplacementInfoList).',
  },
  EDXML_BAD_VALUE: {
    http: 422,
    meaning:
      'A small enumerated field (Type, SteeringType, Paper, DocumentInfo, …) has an unexpected value (a warning; an error in strict mode).',
    vi: 'Một trường thông tin có giá trị không hợp lệ',
    action: 'Use the values listed in the edXML spec page.',
  },
  EDXML_TOO_LONG: {
    http: 422,
    meaning: 'A text field is longer than the QCVN 102 limit (a warning; an error in strict mode).',
    vi: 'Một trường thông tin vượt quá độ dài quy định tại QCVN 102',
    action: 'Shorten the field to the limit given in the finding.',
  },
  EDXML_ORGAN_ID_SHAPE: {
    http: 422,
    meaning:
      'An organ id does not look like a QĐ 20/2020 identifier (always a warning: the directory decides).',
    vi: 'Mã định danh cơ quan không đúng cấu trúc theo QĐ 20/2020',
    action: 'Check the id against the organization directory.',
  },
  EDXML_ATTACHMENT_MISMATCH: {
    http: 422,
    meaning:
      'A manifest Reference has no Attachment with the same ContentId (or several), or the other way round.',
    vi: 'Danh sách tệp đính kèm không khớp với các tệp đính kèm trong gói tin',
    action:
      'List every attachment exactly once in the manifest and in AttachmentEncoded, with the same ContentId.',
  },
  EDXML_ATTACHMENT_META_MISMATCH: {
    http: 422,
    meaning:
      'A manifest Reference and its Attachment disagree on ContentType or AttachmentName (a warning; an error in strict mode).',
    vi: 'Tên hoặc kiểu tệp đính kèm không khớp giữa danh sách và nội dung tệp',
    action: 'Write the same ContentType and AttachmentName in both places.',
  },
  EDXML_BAD_BASE64: {
    http: 422,
    meaning: 'An attachment body is not valid base64 (bad characters, markup or misplaced padding).',
    vi: 'Nội dung tệp đính kèm không đúng định dạng base64',
    action: 'Encode the attachment bytes with standard base64 (RFC 4648 §4); line breaks are allowed.',
  },
  EDXML_BASE64_UNPADDED: {
    http: 422,
    meaning: 'An attachment body lacks its trailing = padding (a warning; an error in strict mode).',
    vi: 'Nội dung tệp đính kèm thiếu ký tự đệm base64 ở cuối',
    action: 'Pad base64 to a multiple of 4 characters.',
  },
  EDXML_BAD_MODEL: {
    http: 400,
    meaning:
      'A JSON model given to the builder does not have the documented shape, or holds text XML cannot carry.',
    vi: 'Dữ liệu JSON dùng để tạo gói tin không đúng cấu trúc',
    action: 'Follow the model shape shown by `lienthong edxml build --help`.',
  },
});

/** A code of the edXML codec. */
export type EdxmlCode = keyof typeof edxmlCodes;
