import type { AttemptDelivery, PushWork } from '../../queue/index.ts';
import { buildReceiptEvent, receiptWebhookRequest } from './receipt-event.ts';
import type { WebhookSender } from './webhook-sender.ts';

/**
 * The delivery engine's attempt over the webhook sender: a package or status is POSTed as its exact
 * bytes under the message's id; a receipt as the JSON event built from its stored facts (the same
 * bytes on every retry) under the receipt's id.
 */
export function webhookPushAttempt(sender: WebhookSender): AttemptDelivery<PushWork> {
  return (work, attempt, now) => {
    if (work.target === 'delivery') {
      return sender.send({
        url: work.webhook.url,
        secret: work.webhook.secret,
        messageId: work.messageId,
        kind: work.kind,
        attempt,
        body: work.body,
        now,
      });
    }
    const r = work.receipt;
    const receipt = buildReceiptEvent({
      eventId: r.id,
      event: r.event,
      occurredAt: r.occurredAt,
      messageId: r.messageId,
      messageKind: r.messageKind,
      documentId: r.documentId,
      from: r.fromOrganId,
      deliveryId: r.deliveryId,
      to: r.toOrganId,
      attempts: r.deliveryAttempts,
      error: r.errorCode === null ? null : { code: r.errorCode, httpStatus: r.httpStatus },
    });
    return sender.send(receiptWebhookRequest(receipt, work.webhook, attempt, now));
  };
}
