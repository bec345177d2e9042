import { defineCodes } from '../../core/index.ts';

/**
 * Every stable code the webhook sender records on an attempt (`AttemptRecord.errorCode`). `http`
 * is the status the hub would answer with if it surfaced the failure on its own API (502/504 for
 * a receiver that failed, 500 for the hub's own bug).
 */
export const webhookCodes = defineCodes({
  WEBHOOK_HTTP_RETRYABLE: {
    http: 502,
    meaning: 'The receiver answered 408, 429 or 5xx: it could not take the message now.',
    vi: 'Hệ thống nhận tạm thời chưa tiếp nhận được gói tin',
    action: 'Nothing: the hub retries with backoff and honours Retry-After. Receivers should fix the outage.',
  },
  WEBHOOK_HTTP_REJECTED: {
    http: 502,
    meaning: 'The receiver answered a 4xx other than 408/429: it refuses this message; the delivery fails.',
    vi: 'Hệ thống nhận từ chối tiếp nhận gói tin',
    action:
      'The receiving node checks its endpoint (URL path, authentication, signature check, size limit), then the operator retries the delivery.',
  },
  WEBHOOK_HTTP_REDIRECT: {
    http: 502,
    meaning:
      'The receiver answered 3xx. The hub does not follow redirects with signed documents; the delivery fails.',
    vi: 'Địa chỉ webhook của hệ thống nhận chuyển hướng sang địa chỉ khác',
    action:
      'Register the final webhook URL for the node (e.g. https instead of http), then retry the delivery.',
  },
  WEBHOOK_CONNECTION_REFUSED: {
    http: 502,
    meaning: 'Nothing accepted the connection at the webhook address.',
    vi: 'Hệ thống nhận không chấp nhận kết nối tại địa chỉ webhook',
    action: 'Nothing: retried with backoff. The receiving node checks that its service is up and reachable.',
  },
  WEBHOOK_DNS: {
    http: 502,
    meaning: "The webhook's host name did not resolve.",
    vi: 'Không phân giải được tên miền trong địa chỉ webhook',
    action: 'Check the node’s webhook URL and DNS; retried with backoff meanwhile.',
  },
  WEBHOOK_TLS: {
    http: 502,
    meaning: 'The TLS handshake failed (untrusted, expired or mismatched certificate).',
    vi: 'Không thiết lập được kết nối TLS do chứng thư số của hệ thống nhận không hợp lệ',
    action:
      'The receiving node fixes its certificate, or the operator adds its CA to the hub; retried meanwhile.',
  },
  WEBHOOK_NETWORK: {
    http: 502,
    meaning: 'The connection broke before an answer arrived (reset, closed socket, malformed answer).',
    vi: 'Kết nối tới hệ thống nhận bị ngắt trước khi có phản hồi',
    action: 'Nothing: retried with backoff. Receivers should answer only after they stored the message.',
  },
  WEBHOOK_CONNECT_TIMEOUT: {
    http: 504,
    meaning: 'Connecting (TCP and TLS) to the receiver took longer than the connect timeout.',
    vi: 'Quá thời gian chờ kết nối tới hệ thống nhận',
    action: 'Nothing: retried with backoff; a node that keeps timing out is paused by its circuit breaker.',
  },
  WEBHOOK_HEADERS_TIMEOUT: {
    http: 504,
    meaning: 'The receiver took longer than the headers timeout to answer.',
    vi: 'Hệ thống nhận không phản hồi trong thời gian chờ',
    action: 'Receivers should store the message and answer 2xx quickly, and process it afterwards.',
  },
  WEBHOOK_TIMEOUT: {
    http: 504,
    meaning: 'The whole request (upload included) took longer than the request timeout.',
    vi: 'Quá thời gian cho phép khi gửi gói tin tới hệ thống nhận',
    action: 'Check the bandwidth to the receiver; retried with backoff.',
  },
  WEBHOOK_INVALID_URL: {
    http: 502,
    meaning:
      "The node's webhook URL is not an absolute http(s) URL; nothing was sent and the delivery fails.",
    vi: 'Địa chỉ webhook của điểm kết nối không hợp lệ',
    action: "Correct the node's webhook URL, then retry the delivery.",
  },
  WEBHOOK_INVALID_REQUEST: {
    http: 500,
    meaning: 'A message id or an attempt number could not be put in an HTTP header; nothing was sent.',
    vi: 'Trục liên thông gặp lỗi nội bộ, gói tin chưa được gửi',
    action: 'A bug in the hub: report it with the delivery id.',
  },
});

export type WebhookCode = keyof typeof webhookCodes;
