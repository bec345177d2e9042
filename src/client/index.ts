// lienthong/client: a client of the hub's node API and the webhook receiver's signature check.
// It stands alone (only Node's built-ins): `import { LienthongClient, verifyWebhook } from 'lienthong/client'`.
export { isLienthongApiError, LienthongApiError, LienthongIntegrityError } from './errors.ts';
export {
  type CallOptions,
  DEFAULT_RETRY,
  type InboxOptions,
  LienthongClient,
  type LienthongClientOptions,
  parseRetryAfter,
  type RetryOptions,
} from './lienthong-client.ts';
export type {
  AckResult,
  DeliveryTrace,
  FetchedMessage,
  Finding,
  InboxItem,
  MessageKind,
  Problem,
  Receipt,
  RecipientStatus,
  StatusEntry,
  Trace,
  TraceEvent,
  TraceHop,
} from './types.ts';
export {
  type VerifyWebhookInput,
  type VerifyWebhookReason,
  type VerifyWebhookResult,
  verifyWebhook,
  type WebhookHeaders,
} from './webhook.ts';
