export { type WebhookCode, webhookCodes } from './codes.ts';
export { webhookPush, webhookPushAttempt } from './push-attempt.ts';
export {
  type BuiltReceipt,
  buildReceiptEvent,
  type ReceiptEvent,
  type ReceiptEventInput,
  type ReceiptEventType,
  receiptWebhookRequest,
} from './receipt-event.ts';
export { parseRetryAfter } from './retry-after.ts';
export {
  createWebhookSender,
  type WebhookKind,
  type WebhookRequest,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.ts';
export {
  bodySha256Hex,
  SIGNATURE_HEADER,
  type SignInput,
  signWebhook,
  type VerifyInput,
  type VerifyResult,
  verifyWebhookSignature,
} from './webhook-signature.ts';
