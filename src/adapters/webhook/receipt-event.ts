import type { WebhookRequest } from './webhook-sender.ts';

/** What happened to a delivery, as told to the sender. */
export type ReceiptEventType = 'accepted' | 'forwarded' | 'delivered' | 'failed';

/** Facts for one receipt event; everything here is safe to show the sender. */
export interface ReceiptEventInput {
  /** Unique id of this event; sent as Lienthong-Message-Id, so receivers deduplicate on it. */
  readonly eventId: string;
  readonly event: ReceiptEventType;
  readonly occurredAt: Date;
  /** The hub's id of the message the receipt is about. */
  readonly messageId: string;
  readonly messageKind: 'package' | 'status';
  /** edXML DocumentId of that message, when it has one. */
  readonly documentId: string | null;
  /** Sender organization (organ id). */
  readonly from: string;
  /** The delivery: its id, recipient organization and attempts made so far. */
  readonly deliveryId: string;
  readonly to: string;
  readonly attempts: number;
  /** Why it failed (for `failed`); a stable code and the receiver's HTTP status if one came. */
  readonly error?: { readonly code: string; readonly httpStatus: number | null } | null;
}

/** The JSON document pushed to the sender (documented in docs/webhooks.md). */
export interface ReceiptEvent {
  readonly type: 'lienthong.receipt';
  readonly version: 1;
  readonly id: string;
  readonly event: ReceiptEventType;
  readonly occurredAt: string;
  readonly message: {
    readonly id: string;
    readonly kind: 'package' | 'status';
    readonly documentId: string | null;
    readonly from: string;
  };
  readonly delivery: { readonly id: string; readonly to: string; readonly attempts: number };
  readonly error: { readonly code: string; readonly httpStatus: number | null } | null;
}

/** A receipt event ready to push: the object, its exact bytes and the id to send it under. */
export interface BuiltReceipt {
  readonly event: ReceiptEvent;
  readonly messageId: string;
  readonly body: Uint8Array;
  readonly contentType: 'application/json';
}

/**
 * Builds the receipt event for a delivery. Pure: time comes in `occurredAt`. The bytes are made
 * once here and stored with the outbox entry, so every retry sends (and signs) the same bytes.
 */
export function buildReceiptEvent(input: ReceiptEventInput): BuiltReceipt {
  const event: ReceiptEvent = {
    type: 'lienthong.receipt',
    version: 1,
    id: input.eventId,
    event: input.event,
    occurredAt: input.occurredAt.toISOString(),
    message: { id: input.messageId, kind: input.messageKind, documentId: input.documentId, from: input.from },
    delivery: { id: input.deliveryId, to: input.to, attempts: input.attempts },
    error: input.error == null ? null : { code: input.error.code, httpStatus: input.error.httpStatus },
  };
  return {
    event,
    messageId: input.eventId,
    body: new TextEncoder().encode(JSON.stringify(event)),
    contentType: 'application/json',
  };
}

/** The push of a receipt through the ordinary webhook sender, to the sender node's webhook. */
export function receiptWebhookRequest(
  receipt: BuiltReceipt,
  target: { readonly url: string; readonly secret: string },
  attempt: number,
  now: Date,
): WebhookRequest {
  return {
    url: target.url,
    secret: target.secret,
    messageId: receipt.messageId,
    kind: 'receipt',
    attempt,
    body: receipt.body,
    now,
    contentType: receipt.contentType,
  };
}
