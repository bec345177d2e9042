import { defineCodes } from '../core/index.ts';

/** Stable codes of the routing area: route decisions and directory-file findings. */
export const routingCodes = defineCodes({
  ROUTE_UNKNOWN_ORGAN: {
    http: 422,
    meaning: 'The recipient organ id is not in the directory, and no child or parent hub covers it.',
    vi: 'Mã định danh cơ quan nhận không có trong danh bạ',
    action: 'Check the organ id in the package (To/OrganId); the operator can list the directory.',
  },
  ROUTE_INVALID_ORGAN_ID: {
    http: 422,
    meaning:
      'The recipient organ id is not an identifier (1-64 characters of 0-9 A-Z a-z . _ -, the first a letter or digit). Ids that are only not QĐ 20/2020-shaped are looked up in the directory.',
    vi: 'Mã định danh cơ quan nhận không hợp lệ',
    action: 'Correct To/OrganId in the package.',
  },
  ROUTE_EXPIRED_NO_SUCCESSOR: {
    http: 422,
    meaning: 'The recipient organization no longer exists on that date and has no successor.',
    vi: 'Cơ quan nhận không còn hoạt động và không có cơ quan kế thừa',
    action: 'Address the organization that took over its tasks; the operator can record a successor.',
  },
  ROUTE_NOT_YET_VALID: {
    http: 422,
    meaning: 'The recipient organization does not exist yet on that date (its validity starts later).',
    vi: 'Cơ quan nhận chưa bắt đầu hoạt động vào thời điểm này',
    action: 'Address the organization in office today, or send on or after its start date.',
  },
  ROUTE_LOOP: {
    http: 500,
    meaning: 'Following successors went round in a loop or past 16 steps; the directory is inconsistent.',
    vi: 'Chuỗi cơ quan kế thừa trong danh bạ bị lặp vòng hoặc quá dài',
    action: 'The operator must correct the successor chain named in the details.',
  },
  ROUTE_NO_NODE: {
    http: 422,
    meaning: 'The recipient organization is known, but no node of this hub serves it and no hub covers it.',
    vi: 'Cơ quan nhận chưa được gắn với điểm kết nối nào',
    action:
      'The operator must attach the organization to a node (`lienthong node add` or the directory file).',
  },
  ROUTE_BACK_TO_SENDER: {
    http: 422,
    meaning:
      'A hub received the message from a peer hub and its only route to this recipient leads back to that hub (the recipient is not below this hub): carrying it back would loop.',
    vi: 'Tuyến chuyển tới cơ quan nhận quay lại trục đã gửi đến, gây vòng lặp',
    action:
      'The hubs disagree about who serves the organization: check the child hub’s reported organizations and subtrees (`lienthong hub list`) on both.',
  },
  DIRECTORY_INVALID: {
    http: 422,
    meaning: 'The directory file has errors; nothing was imported.',
    vi: 'Tệp danh bạ có lỗi, chưa có dữ liệu nào được nhập',
    action: 'Fix the entries named in the findings and import again.',
  },
  DIRECTORY_SYNTAX: {
    http: 422,
    meaning: 'The directory file is not valid YAML or CSV, or its top level has the wrong shape.',
    vi: 'Tệp danh bạ không đúng định dạng YAML hoặc CSV',
    action: 'Compare the file with config/directory.example.yaml and docs/directory.md.',
  },
  DIRECTORY_INVALID_FIELD: {
    http: 422,
    meaning:
      'A field of a directory entry is missing or has a wrong value (organ id, level, date, kind, policy, thumbprint).',
    vi: 'Một mục trong danh bạ thiếu trường hoặc có giá trị không hợp lệ',
    action: 'Fix the field named by the finding path.',
  },
  DIRECTORY_DUPLICATE: {
    http: 422,
    meaning: 'The same organ id or node id appears twice in the directory file.',
    vi: 'Mã cơ quan hoặc mã điểm kết nối bị trùng trong tệp danh bạ',
    action: 'Keep one entry.',
  },
  DIRECTORY_SERVED_TWICE: {
    http: 422,
    meaning:
      'Two nodes in the directory file list the same organization; an organization has one serving node.',
    vi: 'Một cơ quan được gắn với hai điểm kết nối trong tệp danh bạ',
    action: 'Remove the organization from one of the nodes.',
  },
  DIRECTORY_UNKNOWN_FIELD: {
    http: 200,
    meaning: 'A directory entry has a field lienthong does not know; it is ignored.',
    vi: 'Mục danh bạ có trường không xác định, trường này bị bỏ qua',
    action: 'Check the spelling of the field (docs/directory.md lists them).',
  },
  DIRECTORY_ORGAN_ID_SHAPE: {
    http: 200,
    meaning:
      'An organ id is not shaped like a QĐ 20/2020 identifier (e.g. lower case, as some SaaS gateways use). It is imported and routed by the directory, but no child-hub subtree covers it.',
    vi: 'Mã định danh cơ quan không đúng cấu trúc theo QĐ 20/2020',
    action: 'Check the id against the national directory; nothing to do if the axis really uses it.',
  },
  DIRECTORY_DANGLING_REFERENCE: {
    http: 200,
    meaning:
      'A parent or successor organ id is neither in the file nor in the directory; routing treats it as unknown.',
    vi: 'Cơ quan cấp trên hoặc cơ quan kế thừa không có trong danh bạ',
    action: 'Add the organization, or accept that another hub knows it.',
  },
});

/** Every code of {@link routingCodes}. */
export type RoutingCode = keyof typeof routingCodes;

/** Codes an unroutable decision can carry. */
export type UnroutableCode =
  | 'ROUTE_UNKNOWN_ORGAN'
  | 'ROUTE_INVALID_ORGAN_ID'
  | 'ROUTE_EXPIRED_NO_SUCCESSOR'
  | 'ROUTE_NOT_YET_VALID'
  | 'ROUTE_LOOP'
  | 'ROUTE_NO_NODE'
  | 'ROUTE_BACK_TO_SENDER';
