import { defineCodes } from '../core/index.ts';

/** Every stable code the queue area produces (scheduler adapters and the retry decision). */
export const queueCodes = defineCodes({
  QUEUE_INVALID_DELIVERY_ID: {
    http: 500,
    meaning:
      'A delivery id handed to the scheduler is empty, longer than 200 characters, or has characters other than letters, digits, ".", "_" and "-".',
    vi: 'Mã lượt chuyển phát không hợp lệ',
    action: 'A bug in the caller: delivery ids come from the store and must keep that shape.',
  },
  QUEUE_INVALID_OPTIONS: {
    http: 500,
    meaning: 'The scheduler was configured with an impossible value (concurrency below 1, unknown backend).',
    vi: 'Cấu hình hàng đợi chuyển phát không hợp lệ',
    action: 'Fix the queue settings (LIENTHONG_* environment or config file) and restart.',
  },
  QUEUE_ALREADY_STARTED: {
    http: 500,
    meaning: 'start() was called twice on the same scheduler instance.',
    vi: 'Bộ lập lịch chuyển phát đã được khởi động trước đó',
    action: 'A bug in the composition root: start each scheduler once.',
  },
  QUEUE_CLOSED: {
    http: 503,
    meaning: 'The scheduler is shutting down or closed and takes no more deliveries.',
    vi: 'Hàng đợi chuyển phát đang dừng, tạm thời không nhận thêm gói tin',
    action: 'Nothing: deliveries stay in Postgres and the reconciler schedules them after the restart.',
  },
  QUEUE_BACKEND_UNAVAILABLE: {
    http: 503,
    meaning: 'The queue backend (Redis or the BullMQ tables in Postgres) did not answer.',
    vi: 'Không kết nối được tới hệ thống hàng đợi',
    action:
      'Check REDIS_URL / DATABASE_URL and the service; deliveries are safe in Postgres and are re-scheduled once it is back.',
  },
  QUEUE_SHARED_SCHEDULER_REQUIRED: {
    http: 500,
    meaning:
      'The in-process scheduler lives in one process, so it cannot serve split roles (--role api / --role worker) or a second hub process on the same embedded data directory.',
    vi: 'Bộ lập lịch nội bộ không dùng chung được cho nhiều tiến trình',
    action:
      'Run one `lienthong serve` (role all) on embedded data, or set REDIS_URL (or DATABASE_URL) so that API and worker processes share a queue.',
  },
  QUEUE_HANDLER_ERROR: {
    http: 500,
    meaning: 'The delivery handler threw instead of returning an outcome; the item is offered again later.',
    vi: 'Xử lý chuyển phát gặp lỗi, sẽ được thực hiện lại sau',
    action: 'Look at the logged cause; the delivery itself is retried, nothing is lost.',
  },
  QUEUE_SEND_INTERRUPTED: {
    http: 503,
    meaning:
      'A push was interrupted: the worker that started it stopped (killed, crashed) before it could record the answer. Recorded as a retryable attempt when another worker takes the delivery over after its send lease ran out.',
    vi: 'Việc chuyển gói tin bị gián đoạn, gói tin sẽ được gửi lại',
    action:
      'Nothing: the delivery is pushed again with the same message id (receivers deduplicate on it). Look for the worker that died.',
  },
  QUEUE_GAVE_UP_MAX_ATTEMPTS: {
    http: 502,
    meaning: 'The delivery failed: it used up the maximum number of attempts for its node.',
    vi: 'Chuyển gói tin không thành công sau số lần thử tối đa',
    action: 'Check the receiving node, then retry the delivery from the operator API or CLI.',
  },
  QUEUE_GAVE_UP_MAX_AGE: {
    http: 502,
    meaning:
      'The delivery failed: it kept failing for longer than the maximum age for its node, or the node asked to wait (Retry-After) beyond it.',
    vi: 'Chuyển gói tin không thành công trong thời hạn tối đa cho phép',
    action: 'Check the receiving node, then retry the delivery from the operator API or CLI.',
  },
});

export type QueueCode = keyof typeof queueCodes;
