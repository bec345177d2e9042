import { defineCodes } from '../core/index.ts';

/** Stable codes the store produces. Callers branch on these, never on message text. */
export const storeCodes = defineCodes({
  STORE_NOT_FOUND: {
    http: 404,
    meaning: 'The record (message, delivery, node or organization) does not exist.',
    vi: 'Không tìm thấy dữ liệu được yêu cầu',
    action: 'Check the id; list the records to find the right one.',
  },
  STORE_ILLEGAL_TRANSITION: {
    http: 409,
    meaning: 'The delivery is in a state from which the requested state cannot be reached.',
    vi: 'Không thể chuyển lượt chuyển phát sang trạng thái được yêu cầu',
    action: 'Read the delivery trace; the allowed transitions are in docs/directory.md ("Delivery states").',
  },
  STORE_TX_MISUSE: {
    http: 500,
    meaning: 'Code running inside a transaction used the outer database handle instead of the transaction.',
    vi: 'Lỗi lập trình khi truy cập cơ sở dữ liệu trong giao dịch',
    action: 'A programming error: pass the `tx` given to the callback to every repository call inside it.',
  },
  STORE_DATA_DIR_BUSY: {
    http: 503,
    meaning: 'Another process holds the embedded data directory and does not serve it over a local socket.',
    vi: 'Thư mục dữ liệu đang được một tiến trình khác sử dụng',
    action:
      'Stop the other process, or start the hub (it serves the directory to the CLI), or use DATABASE_URL.',
  },
  STORE_BLOB_MISSING: {
    http: 500,
    meaning:
      'A message body kept beside the embedded database (`<data dir>/blobs`) is missing: the data directory was copied or restored without it.',
    vi: 'Thiếu tệp nội dung gói tin trong thư mục dữ liệu',
    action: 'Restore `<data dir>/blobs` together with `<data dir>/pgdata`; back up the whole data directory.',
  },
  STORE_MIGRATION_FAILED: {
    http: 500,
    meaning: 'Applying the database migrations failed; nothing of the failed batch was applied.',
    vi: 'Cập nhật cấu trúc cơ sở dữ liệu không thành công',
    action: 'Read the cause in the log, fix the database or the migration, and start again.',
  },
  STORE_INVALID_INPUT: {
    http: 400,
    meaning: 'A value given to the store breaks a rule of the schema (format, range, reference).',
    vi: 'Dữ liệu cần lưu có giá trị không hợp lệ',
    action: 'Correct the value named in the details.',
  },
  CLIENT_CERT_IN_USE: {
    http: 409,
    meaning:
      'The TLS client certificate is already registered for another node: one certificate identifies one node.',
    vi: 'Chứng thư số TLS đã được đăng ký cho một điểm kết nối khác',
    action:
      'Give each node (system) its own client certificate, or remove it from the other node first (`lienthong node client-cert OTHER --remove`).',
  },
  NODE_EXISTS: {
    http: 409,
    meaning: 'A node with this id already exists.',
    vi: 'Mã điểm kết nối đã tồn tại',
    action: 'Choose another id, or rotate the existing node token with `lienthong node token ID`.',
  },
  ORG_SERVED_BY_OTHER_NODE: {
    http: 409,
    meaning: 'The organization is already served by another node; an organization has one serving node.',
    vi: 'Cơ quan đã được gắn với một điểm kết nối khác',
    action:
      'Move it explicitly in the directory file (the node that lists it wins), or pick another organization.',
  },
});

/** Every code of {@link storeCodes}. */
export type StoreCode = keyof typeof storeCodes;
