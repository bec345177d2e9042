import type { AttemptDelivery, DeliveryOutcome, PushTarget, PushWork } from '../../queue/index.ts';
import { buildReceiptEvent, receiptWebhookRequest } from './receipt-event.ts';
import type { WebhookSender } from './webhook-sender.ts';

/**
 * One push to a node's webhook: a package or status as its exact bytes under the message's id; a
 * receipt as the JSON event built from its stored facts (the same bytes on every retry) under the
 * receipt's id.
 */
export function webhookPush(
  sender: WebhookSender,
  work: PushWork,
  target: PushTarget,
  attempt: number,
  now: Date,
): Promise<DeliveryOutcome> {
  if (work.target === 'delivery') {
    return sender.send({
      url: target.url,
      secret: target.secret,
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
  return sender.send(receiptWebhookRequest(receipt, target, attempt, now));
}

/** The engine's attempt when every push goes to a webhook (tests and tools without peer hubs). */
export function webhookPushAttempt(sender: WebhookSender): AttemptDelivery<PushWork> {
  return (work, attempt, now) =>
    work.via.kind === 'webhook'
      ? webhookPush(sender, work, work.via, attempt, now)
      : Promise.resolve({
          kind: 'permanent',
          attempt: {
            attempt,
            startedAt: now,
            durationMs: 0,
            httpStatus: null,
            errorCode: 'WEBHOOK_INVALID_URL',
            errorDetail: 'not a webhook',
          },
        });
}
