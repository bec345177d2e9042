import { defineCodes } from '../../core/index.ts';

/**
 * Every stable code the VXP adapter itself produces. On the VXP wire the HTTP status is always 200
 * (the SDK ignores it, and `sendEdoc` breaks on anything but 200/201); `http` below is the status
 * the same refusal would carry on the node API, kept so the hub's merged registry stays uniform.
 * The envelope shows the code at the start of `ErrorDesc` and a numeric family in `ErrorCode`
 * (see `error-code-map.ts`).
 */
export const vxpCodes = defineCodes({
  VXP_UNSIGNED: {
    http: 401,
    meaning: 'The request has no XroadVnpt-sign-header or no XroadVnpt-hash-header (or one of them twice).',
    vi: 'Yêu cầu chưa được ký theo cơ chế XroadVnpt',
    action: 'Call through the VXP SDK, or sign the request with the XroadVnpt-* scheme.',
  },
  VXP_BAD_SIGN_HEADER: {
    http: 401,
    meaning:
      'XroadVnpt-sign-header is not a JSON object of string members named XroadVnpt-<name>, or lacks systemid.',
    vi: 'Thông tin ký XroadVnpt của yêu cầu không đúng định dạng',
    action: 'Use an unmodified SDK; a hand-made client must send the Gson-style JSON the SDK sends.',
  },
  VXP_UNKNOWN_SYSTEM: {
    http: 401,
    meaning: 'The signed systemid is not a VXP system registered on this hub.',
    vi: 'Mã hệ thống chưa được đăng ký trên trục liên thông',
    action: 'Check the systemId configured in VnptProperties; the operator registers the system.',
  },
  VXP_BAD_SIGNATURE: {
    http: 401,
    meaning: 'XroadVnpt-hash-header is not the HMAC-SHA256 of the sign-header with the system secret.',
    vi: 'Mã xác thực của yêu cầu không khớp với khóa bí mật của hệ thống',
    action: 'Check the secret configured in VnptProperties against the one the operator issued.',
  },
  VXP_HEADER_MISMATCH: {
    http: 401,
    meaning:
      'A signed member has no request header with the same name and value, or the header has extra values.',
    vi: 'Thông tin đã ký không khớp với tiêu đề HTTP của yêu cầu',
    action: 'Do not let a proxy rewrite XroadVnpt-* headers; keep jsonHeaders values ASCII.',
  },
  VXP_IP_NOT_ALLOWED: {
    http: 403,
    meaning: "The request comes from an address outside the system's IP allow-list.",
    vi: 'Yêu cầu được gửi từ địa chỉ IP không được phép',
    action: 'Call from an allowed address, or ask the operator to update the allow-list.',
  },
  VXP_CLIENT_CERT_REQUIRED: {
    http: 401,
    meaning:
      "The system's node has TLS client certificates registered, and this call did not come over TLS with one of them.",
    vi: 'Yêu cầu không được gửi qua TLS bằng chứng thư số đã đăng ký cho hệ thống',
    action:
      'Configure the SDK to call the hub over HTTPS with the registered client certificate (the hub must terminate TLS itself: LIENTHONG_TLS_CERT, LIENTHONG_TLS_KEY).',
  },
  VXP_UNKNOWN_OPERATION: {
    http: 404,
    meaning: 'The last path segment is not a VXP operation this hub serves.',
    vi: 'Trục liên thông không hỗ trợ thao tác VXP được yêu cầu',
    action: 'Use the endpoint base URL only; the SDK appends the operation name.',
  },
  VXP_METHOD_NOT_ALLOWED: {
    http: 405,
    meaning: 'The operation was called with an HTTP method the SDK never uses for it.',
    vi: 'Thao tác được gọi bằng phương thức HTTP không phù hợp',
    action: 'Use POST (GET only for downloadEdoc).',
  },
  VXP_MISSING_PARAMETER: {
    http: 400,
    meaning: 'A parameter the operation needs (docId, status, messagetype, AgencyCode, ...) is not signed.',
    vi: 'Yêu cầu thiếu tham số bắt buộc của thao tác',
    action: 'Put the parameter in the jsonHeaders of the SDK call.',
  },
  VXP_WRONG_OPERATION: {
    http: 401,
    meaning:
      'The signed Content-Type is not the one the SDK signs for this operation (application/octet-stream for sendEdoc, application/json for the others): the headers were signed for another operation.',
    vi: 'Thông tin ký của yêu cầu không dành cho thao tác này',
    action: 'Call each operation through the SDK; never reuse the headers of one call for another.',
  },
  VXP_AMBIGUOUS_PARAMETER: {
    http: 400,
    meaning:
      'The same parameter is signed twice with different letter case and different values (e.g. docId and docid), usually a stale value the SDK carried over from an earlier call.',
    vi: 'Một tham số được ký hai lần với hai giá trị khác nhau',
    action: 'Spell the parameter the same way in every call on one SDK service instance.',
  },
  VXP_BAD_PARAMETER: {
    http: 400,
    meaning:
      'A parameter has a value the operation does not accept (e.g. messagetype other than edoc/status).',
    vi: 'Giá trị tham số không hợp lệ đối với thao tác này',
    action: 'Send one of the documented values.',
  },
  VXP_BAD_HASH_FILE: {
    http: 422,
    meaning:
      'The signed hash-file is missing or does not match the SHA-256 of the package (body minus the trailing CRLF).',
    vi: 'Thiếu mã băm của gói tin hoặc mã băm không khớp với nội dung',
    action: 'Resend the file unchanged through the SDK; a proxy must not alter the request body.',
  },
  VXP_EMPTY_PACKAGE: {
    http: 400,
    meaning: 'sendEdoc carried no package bytes.',
    vi: 'Gói tin gửi lên không có nội dung',
    action: 'Send a non-empty edXML file.',
  },
  VXP_PAYLOAD_TOO_LARGE: {
    http: 413,
    meaning: "The request body is larger than this endpoint's limit.",
    vi: 'Dung lượng yêu cầu vượt quá giới hạn cho phép',
    action: 'Ask the operator about the size limit, or send smaller attachments.',
  },
  VXP_BAD_BODY: {
    http: 400,
    meaning: 'The registerAgency body is not a JSON object with the expected members.',
    vi: 'Nội dung yêu cầu đăng ký cơ quan không đúng định dạng',
    action: 'Send {"id","pcode","code","name","mail","mobile","fax"} as valid JSON.',
  },
  VXP_MESSAGETYPE_MISMATCH: {
    http: 422,
    meaning:
      'The signed messagetype says edoc but the package is a status package, or says status but the package is a document.',
    vi: 'Loại gói tin khai báo không khớp với nội dung gói tin',
    action: 'Send documents with messagetype edoc and status packages with messagetype status.',
  },
  VXP_NOT_FOUND: {
    http: 404,
    meaning: "The docId is not in the calling system's inbox (or not one of its sent documents).",
    vi: 'Không tìm thấy văn bản trong hộp thư của hệ thống',
    action: 'Use a docId returned by getReceivedEdocList (or by sendEdoc for getSentEdocList).',
  },
  VXP_AGENCY_POLICY_REFUSED: {
    http: 403,
    meaning: 'This system may not register or delete agencies through VXP.',
    vi: 'Hệ thống không được phép đăng ký hoặc xóa cơ quan qua VXP',
    action: 'Ask the hub operator to register the agency, or to allow agency requests for this system.',
  },
  VXP_AGENCY_NOT_SERVED: {
    http: 403,
    meaning:
      'deleteAgency names an agency that this system does not serve (or that the directory does not hold).',
    vi: 'Cơ quan cần xóa không thuộc hệ thống này',
    action:
      'Ask only for agencies of your own system; other agencies are changed by their own system or the operator.',
  },
  VXP_INTERNAL: {
    http: 500,
    meaning: 'The hub failed while serving the call (for example its database was unreachable).',
    vi: 'Trục liên thông gặp sự cố khi xử lý yêu cầu',
    action: 'Retry later; the operator finds the cause in the hub log under the request id.',
  },
  // The hub as a VXP client of a server above it (vxp-client.ts): failures with no usable envelope.
  // A server's own refusal keeps the server's ErrorCode instead.
  VXP_CLIENT_UNREACHABLE: {
    http: 502,
    meaning:
      'The hub could not reach the upstream VXP server, or the connection broke before a complete answer (refused, reset, DNS, TLS).',
    vi: 'Không kết nối được tới máy chủ VXP cấp trên',
    action:
      'Nothing at first: the call is retried. If it persists, check the endpoint URL, DNS, firewall and TLS settings towards the server.',
  },
  VXP_CLIENT_TIMEOUT: {
    http: 504,
    meaning:
      'The upstream VXP server did not connect, answer or finish its answer within the configured time.',
    vi: 'Máy chủ VXP cấp trên không phản hồi kịp thời',
    action:
      'Nothing at first: the call is retried. If it persists, check the bandwidth and the server’s load.',
  },
  VXP_CLIENT_HTTP_UNAVAILABLE: {
    http: 502,
    meaning: 'The upstream VXP server (or a proxy before it) answered 408, 429 or 5xx.',
    vi: 'Máy chủ VXP cấp trên tạm thời không sẵn sàng',
    action: 'Nothing: the call is retried, after the Retry-After the server gave if any.',
  },
  VXP_CLIENT_HTTP_REFUSED: {
    http: 502,
    meaning:
      'The upstream VXP server answered an HTTP status other than 2xx, 408, 429 or 5xx (e.g. 404 or a redirect) without a VXP envelope.',
    vi: 'Máy chủ VXP cấp trên trả về mã trạng thái HTTP không mong đợi',
    action:
      'Check the configured endpoint: it must be the final base URL of the VXP service (no redirects), as its operator gives it.',
  },
  VXP_CLIENT_BAD_RESPONSE: {
    http: 502,
    meaning:
      'The upstream answer is not a VXP envelope, or lacks what the call needs (DocId, a data list, base64 package bytes).',
    vi: 'Phản hồi của máy chủ VXP cấp trên không đúng định dạng',
    action:
      'Retried, since a proxy page may be transient; if it persists, check that the endpoint is a VXP server.',
  },
  VXP_CLIENT_RESPONSE_TOO_LARGE: {
    http: 502,
    meaning: "The upstream answer (or the package it carries) exceeds the client's configured limit.",
    vi: 'Phản hồi của máy chủ VXP cấp trên vượt quá dung lượng cho phép',
    action: 'Raise the client limit if the package is legitimate; the same call will fail again until then.',
  },
});

/** A code of the VXP adapter. */
export type VxpCode = keyof typeof vxpCodes;
