import { defineCodes } from '../core/index.ts';

/** Codes the hub's own checks produce (the codec, signature, store and routing areas have theirs). */
export const hubCodes = defineCodes({
  AUTH_REQUIRED: {
    http: 401,
    meaning: 'The request carries no bearer token, or an unknown or revoked one.',
    vi: 'Thiếu mã truy cập hoặc mã truy cập không hợp lệ',
    action:
      'Send `Authorization: Bearer <token>` with the token printed by `lienthong node add` / `node token`.',
  },
  CLIENT_CERT_REQUIRED: {
    http: 401,
    meaning:
      'The node has TLS client certificates registered, and this call did not come over TLS with one of them (none presented, or another certificate).',
    vi: 'Yêu cầu không được gửi qua TLS bằng chứng thư số đã đăng ký cho điểm kết nối',
    action:
      'Connect over HTTPS with the client certificate registered by `lienthong node add --client-cert` / `node client-cert ID --add`; the hub must terminate TLS itself (LIENTHONG_TLS_CERT, LIENTHONG_TLS_KEY).',
  },
  OPERATOR_AUTH_REQUIRED: {
    http: 401,
    meaning:
      'An operator endpoint (/ops/*, /metrics, the queue board) was called without the operator token, or the hub has none configured.',
    vi: 'Thiếu mã truy cập quản trị hoặc trục chưa bật chức năng quản trị',
    action:
      'Send `Authorization: Bearer <LIENTHONG_OPERATOR_TOKEN>` (or the token as the Basic password in a browser); set LIENTHONG_OPERATOR_TOKEN on the hub to turn operator functions on.',
  },
  RATE_LIMITED: {
    http: 429,
    meaning:
      'The node made more requests than its rate allows (LIENTHONG_NODE_RATE per second, bursts of LIENTHONG_NODE_BURST more, or its own `node set --rate/--burst`).',
    vi: 'Gửi quá nhiều yêu cầu trong thời gian ngắn',
    action:
      'Wait the seconds the Retry-After header says, then go on; poll the inbox with ?wait= instead of in a tight loop.',
  },
  UPLOAD_LIMITED: {
    http: 429,
    meaning:
      'Too many package uploads in flight: the node has LIENTHONG_NODE_UPLOADS uploads or LIENTHONG_NODE_UPLOAD_BYTES bytes under way, or the whole hub LIENTHONG_UPLOAD_BYTES.',
    vi: 'Có quá nhiều gói tin đang được tải lên cùng lúc',
    action: 'Send the next package when an earlier one is answered; retry after Retry-After seconds.',
  },
  AUTH_RATE_LIMITED: {
    http: 429,
    meaning:
      'Too many failed authentications from this client address (LIENTHONG_AUTH_FAILURES per minute): further attempts are refused without checking them.',
    vi: 'Xác thực không thành công quá nhiều lần từ địa chỉ này',
    action: 'Fix the token or secret, then retry after Retry-After seconds.',
  },
  PAYLOAD_TOO_LARGE: {
    http: 413,
    meaning: 'The package is larger than the hub accepts (LIENTHONG_MAX_PACKAGE_BYTES).',
    vi: 'Dung lượng gói tin vượt quá giới hạn trục liên thông tiếp nhận',
    action: 'Split attachments over several packages or ask the operator for a larger limit.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    http: 415,
    meaning: 'The body is not sent as application/xml (or text/xml).',
    vi: 'Nội dung gửi lên không được khai báo là XML',
    action: 'Send the edXML bytes with `Content-Type: application/xml`.',
  },
  SENDER_NOT_SERVED: {
    http: 403,
    meaning: "The package's From organization is not one the sending node serves.",
    vi: 'Cơ quan gửi trong gói tin không thuộc điểm kết nối này',
    action: 'Send only as organizations registered for your node; ask the operator to add the organization.',
  },
  SIGNATURE_NOT_REQUIRED_UNSIGNED: {
    http: 200,
    meaning: 'Accepted without signature verification: the node has the legacy-unsigned policy.',
    vi: 'Gói tin được tiếp nhận mà không kiểm tra chữ ký số',
    action: 'Nothing for the sender; operators should move the node to `require` once it signs packages.',
  },
  DOCUMENT_CONFLICT: {
    http: 409,
    meaning:
      'A new document (BussinessDocType 0) with this DocumentId was already accepted from this sender with different bytes.',
    vi: 'Mã văn bản đã được đơn vị gửi dùng cho một gói tin có nội dung khác',
    action: 'Use a new DocumentId, or send an update (2) or replace (3) package that refers to the original.',
  },
  STATUS_UNKNOWN_DOCUMENT: {
    http: 422,
    meaning:
      'A status package refers (ResponseFor) to a document the hub never carried for these organizations.',
    vi: 'Gói tin trạng thái tham chiếu đến văn bản không có trên trục liên thông',
    action: 'Check ResponseFor/DocumentId and ResponseFor/OrganId against the package the status answers.',
  },
  STATUS_NOT_ALLOWED: {
    http: 403,
    meaning:
      'The status code may not be sent by this organization for this document (e.g. 13 from someone other than the original sender, or a status from an organization that was not a recipient).',
    vi: 'Đơn vị không được phép gửi trạng thái này cho văn bản',
    action: 'Only recipients send 01–06, 15, 16; only the original sender sends 13.',
  },
  STATUS_INCONSISTENT: {
    http: 200,
    meaning:
      'Warning: the status code does not follow from the ones this recipient sent before (e.g. 06 after 02); it was accepted, carried and flagged on the trace.',
    vi: 'Trạng thái văn bản không phù hợp với các trạng thái đã gửi trước đó',
    action: 'Nothing for the hub; the agencies concerned should check their records.',
  },
  ORIGINAL_UNKNOWN: {
    http: 200,
    meaning:
      'Warning: a revoke, update or replace package refers to a document this hub never carried (it may have travelled another way).',
    vi: 'Văn bản gốc cần thu hồi, cập nhật hoặc thay thế chưa từng qua trục liên thông này',
    action: 'Check Bussiness/DocumentId; the package is delivered anyway.',
  },
  NO_ROUTABLE_RECIPIENT: {
    http: 422,
    meaning: 'None of the recipient organizations can be reached through this hub.',
    vi: 'Không chuyển được gói tin tới bất kỳ cơ quan nhận nào',
    action:
      'Check the To organ ids against the directory (`GET` the recipients in the answer for each reason).',
  },
  MESSAGE_NOT_FOUND: {
    http: 404,
    meaning: 'No such message, or the calling node is neither its sender nor one of its recipients.',
    vi: 'Không tìm thấy gói tin hoặc không có quyền truy cập gói tin',
    action: 'Use the id from the receipt or the inbox of your own node.',
  },
  FORWARD_NOT_ALLOWED: {
    http: 403,
    meaning:
      'The request carries hub-to-hub transport headers (Lienthong-Message-Id, Lienthong-Hops, Lienthong-Recipients), and the calling node is a system, not a peer hub.',
    vi: 'Điểm kết nối không phải trục liên thông nên không được chuyển tiếp gói tin',
    action:
      'Send packages without those headers; only peer hubs registered with `lienthong hub add` forward messages.',
  },
  HUB_LOOP: {
    http: 422,
    meaning:
      'The forwarded message already passed this hub (its id is in Lienthong-Hops): carrying it on would loop.',
    vi: 'Gói tin đã đi qua trục liên thông này, chuyển tiếp sẽ gây vòng lặp',
    action:
      'The hubs disagree about who serves a recipient: compare `lienthong hub list` and `directory route` on the hubs named in the details.',
  },
  HUB_TOO_MANY_HOPS: {
    http: 422,
    meaning: 'The forwarded message passed 8 hubs already; no chain of hubs in Vietnam is that long.',
    vi: 'Gói tin đã được chuyển tiếp qua quá nhiều trục liên thông',
    action: 'Look for a routing loop between the hubs named in the details.',
  },
  FORWARD_RECIPIENT_NOT_ADDRESSED: {
    http: 422,
    meaning: 'Lienthong-Recipients names an organization the package does not address (To).',
    vi: 'Cơ quan nhận được chỉ định không có trong danh sách nơi nhận của gói tin',
    action: 'The sending hub must name only recipients of the package; check its version and directory.',
  },
  HUB_MESSAGE_ID_CONFLICT: {
    http: 409,
    meaning:
      'This hub holds a message under the forwarded Lienthong-Message-Id with other bytes, or these bytes under another id.',
    vi: 'Mã gói tin chuyển tiếp bị trùng với gói tin có nội dung khác',
    action:
      'Message ids are the first hub’s; a conflict means two hubs gave one id to different packages — report it to both operators.',
  },
  HUB_NOT_A_CHILD: {
    http: 403,
    meaning: 'Only a child hub reports the organizations it serves, and receipts come only from a peer hub.',
    vi: 'Thao tác này chỉ dành cho trục liên thông cấp dưới hoặc trục ngang hàng đã đăng ký',
    action: 'Register the caller as a child hub on this hub (`lienthong hub add --role child`).',
  },
  HUB_DIRECTORY_VERSION: {
    http: 409,
    meaning:
      'A change report of the directory is based on a version this hub does not hold; the answer says which it holds.',
    vi: 'Báo cáo thay đổi danh bạ dựa trên phiên bản mà trục không lưu giữ',
    action: 'Send the whole set (a report without baseVersion); a lienthong child does so by itself.',
  },
  ROUTE_NOT_FOUND: {
    http: 404,
    meaning: 'No endpoint answers this method and path.',
    vi: 'Địa chỉ hoặc phương thức yêu cầu không được hỗ trợ',
    action: 'Compare the URL with the OpenAPI document served at /docs (the node API is under /v1).',
  },
  BAD_REQUEST: {
    http: 400,
    meaning: 'The request does not match the API schema (a parameter is missing or malformed).',
    vi: 'Yêu cầu thiếu tham số hoặc tham số không đúng định dạng',
    action: 'Compare the request with the OpenAPI document served at /docs.',
  },
  INTERNAL: {
    http: 500,
    meaning: 'An unexpected error inside the hub; nothing was accepted by this request.',
    vi: 'Trục liên thông gặp lỗi nội bộ, yêu cầu chưa được tiếp nhận',
    action: 'Retry later; operators find the request id in the logs.',
  },
  UNAVAILABLE: {
    http: 503,
    meaning: 'The hub is shutting down or overloaded; nothing was accepted by this request.',
    vi: 'Trục liên thông đang quá tải hoặc tạm dừng, yêu cầu chưa được tiếp nhận',
    action: 'Retry with backoff.',
  },
});

export type HubCode = keyof typeof hubCodes;
