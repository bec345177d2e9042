import { afterEach, describe, expect, it } from 'vitest';
import {
  buildReceiptEvent,
  createWebhookSender,
  receiptWebhookRequest,
  verifyWebhookSignature,
} from '../../../src/adapters/webhook/index.ts';
import { startLoopbackServer } from './loopback-server.ts';

const input = {
  eventId: 'rcpt-01J9Z8Q4T7',
  event: 'failed' as const,
  occurredAt: new Date('2026-05-04T08:15:30.120Z'),
  messageId: '6f1c2c8e-2a34-4d0b-9a53-6a3e3d1f0b7e',
  messageKind: 'package' as const,
  documentId: '000.00.00.H29,2026/05/04,123/UBND-VP',
  from: '000.00.00.H29',
  deliveryId: 'dlv-8842',
  to: '000.00.12.H29',
  attempts: 20,
  error: { code: 'QUEUE_GAVE_UP_MAX_ATTEMPTS', httpStatus: 503 },
};

describe('buildReceiptEvent', () => {
  it('produces the documented JSON shape, in this key order', () => {
    const built = buildReceiptEvent(input);
    expect(new TextDecoder().decode(built.body)).toBe(
      JSON.stringify({
        type: 'lienthong.receipt',
        version: 1,
        id: 'rcpt-01J9Z8Q4T7',
        event: 'failed',
        occurredAt: '2026-05-04T08:15:30.120Z',
        message: {
          id: '6f1c2c8e-2a34-4d0b-9a53-6a3e3d1f0b7e',
          kind: 'package',
          documentId: '000.00.00.H29,2026/05/04,123/UBND-VP',
          from: '000.00.00.H29',
        },
        delivery: { id: 'dlv-8842', to: '000.00.12.H29', attempts: 20 },
        error: { code: 'QUEUE_GAVE_UP_MAX_ATTEMPTS', httpStatus: 503 },
      }),
    );
    expect(built.messageId).toBe('rcpt-01J9Z8Q4T7');
    expect(built.contentType).toBe('application/json');
  });

  it('writes error: null when there is none, and drops unknown extra fields', () => {
    const { error: _none, ...delivered } = input;
    const built = buildReceiptEvent({ ...delivered, event: 'delivered', extra: 'x' } as typeof delivered & {
      event: 'delivered';
    });
    expect(built.event.error).toBeNull();
    expect(JSON.parse(new TextDecoder().decode(built.body))).not.toHaveProperty('extra');
  });

  it('is deterministic: the same input gives the same bytes (retries sign the same body)', () => {
    expect(buildReceiptEvent(input).body).toEqual(buildReceiptEvent(input).body);
  });
});

describe('receipt push through the webhook sender', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('arrives as signed JSON with Lienthong-Kind: receipt', async () => {
    const server = await startLoopbackServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const sender = createWebhookSender();
    closers.push(
      () => server.close(),
      () => sender.close(),
    );
    const built = buildReceiptEvent(input);
    const now = new Date();
    const outcome = await sender.send(
      receiptWebhookRequest(built, { url: server.url, secret: 'sender-secret' }, 2, now),
    );
    expect(outcome.kind).toBe('delivered');
    const [received] = server.requests;
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'lienthong-kind': 'receipt',
      'lienthong-message-id': 'rcpt-01J9Z8Q4T7',
      'lienthong-delivery-attempt': '2',
    });
    expect(JSON.parse(received!.body.toString('utf8'))).toEqual(built.event);
    const check = verifyWebhookSignature({
      secret: 'sender-secret',
      header: received?.headers['lienthong-signature'] as string,
      messageId: 'rcpt-01J9Z8Q4T7',
      body: received!.body,
      now,
    });
    expect(check.ok).toBe(true);
  });
});
