// The delivery engine over the real store, on every backend: relay → scheduler → worker → webhook
// receiver on loopback → outcome in Postgres (attempts, state, events, receipts for the sender).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ackDelivery,
  claimPushes,
  generateWebhookSecret,
  getDelivery,
  getMessageRaw,
  listDeliveries,
  listDeliveryAttempts,
  listEvents,
  listInbox,
  listReceiptsForMessage,
  retryFailedDeliveries,
  setNodeDeliverySettings,
} from '../../src/store/index.ts';
import {
  acceptPackages,
  addEngineNode,
  ENGINE_BACKENDS,
  type EngineEnv,
  openEngineEnv,
} from '../support/engine-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { waitFor } from './wait-for.ts';

for (const backend of ENGINE_BACKENDS) {
  describe(`delivery engine over the store (${backend})`, () => {
    // One database and queue namespace per backend; every test uses its own nodes and messages.
    let shared: EngineEnv | undefined;
    const cleanups: Array<() => Promise<void>> = [];
    beforeAll(async () => {
      shared = await openEngineEnv(backend);
    });
    afterAll(async () => {
      await shared?.close();
    });
    afterEach(async () => {
      await shared?.stopEngines();
      for (const c of cleanups.splice(0).reverse()) await c();
    });
    const env = async (): Promise<EngineEnv> => {
      if (!shared) throw new Error('no env');
      return shared;
    };
    const webhookNode = async (e: EngineEnv, role: string) => {
      const secret = generateWebhookSecret();
      const rx: WebhookReceiver = await startWebhookReceiver({ secret });
      cleanups.push(() => rx.close());
      const node = await addEngineNode(e.db, { role, webhookUrl: rx.url, secret });
      return { ...node, rx };
    };

    it('pushes to webhook nodes, leaves polling nodes to their inbox, and sends the sender receipts', async () => {
      const t0 = Date.now();
      const e = await env();
      const t1 = Date.now();
      const sender = await webhookNode(e, 'sender');
      const pushed = await webhookNode(e, 'pushed');
      const polling = await addEngineNode(e.db, { role: 'polling' });
      const ids = await acceptPackages(e.db, sender, [pushed, polling], 5);
      await e.engine();

      const t2 = Date.now();
      await waitFor(() => pushed.rx.accepted.size === 5, 20_000, 'five pushes');
      if (process.env['LT_TEST_DEBUG'])
        console.log('open', t1 - t0, 'setup', t2 - t1, 'push', Date.now() - t2);
      await waitFor(() => sender.rx.accepted.size === 5, 20_000, 'five receipts');
      expect([...pushed.rx.accepted.keys()].sort()).toEqual([...ids].sort());
      expect(pushed.rx.duplicates()).toEqual([]);
      expect(
        pushed.rx.receptions.every((r) => r.signatureOk && r.kind === 'package' && r.attempt === 1),
      ).toBe(true);

      // Bytes are sacred: the body is exactly what was accepted.
      const first = pushed.rx.receptions[0]!;
      expect(Buffer.from((await getMessageRaw(e.db, first.messageId))!).equals(first.body)).toBe(true);

      for (const id of ids) {
        const [toPushed] = await listDeliveries(e.db, { messageId: id, nodeId: pushed.nodeId });
        expect(toPushed?.delivery).toMatchObject({ state: 'delivered', deliveredBy: 'webhook', attempts: 1 });
        const attempts = await listDeliveryAttempts(e.db, toPushed!.delivery.id);
        expect(attempts).toHaveLength(1);
        expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'ok', httpStatus: 200 });
        const types = (await listEvents(e.db, { deliveryId: toPushed!.delivery.id })).map((ev) => ev.type);
        expect(types.filter((t) => t.startsWith('delivery.'))).toEqual([
          'delivery.queued',
          'delivery.sending',
          'delivery.delivered',
        ]);
        // A delivered receipt was written for the sender (a webhook node) and pushed.
        const receipts = await listReceiptsForMessage(e.db, id);
        expect(receipts.map((r) => r.event)).toEqual(['delivered']);
        await waitFor(async () => (await listReceiptsForMessage(e.db, id))[0]?.state === 'delivered', 5_000);
      }
      // The receipt JSON as documented.
      const receipt = JSON.parse(sender.rx.receptions[0]!.body.toString('utf8')) as Record<string, unknown>;
      expect(receipt).toMatchObject({
        type: 'lienthong.receipt',
        version: 1,
        event: 'delivered',
        error: null,
      });
      expect(sender.rx.receptions[0]!.kind).toBe('receipt');

      // The polling node's deliveries were not pushed and wait, queued, in its inbox.
      const inbox = await listInbox(e.db, { nodeId: polling.nodeId, limit: 50 });
      expect(inbox.map((i) => i.messageId).sort()).toEqual([...ids].sort());
      expect(inbox.every((i) => i.state === 'queued')).toBe(true);
    }, 60_000);

    it('retries 503 (Retry-After honoured), fails a 404 at once, and an operator retry delivers it', async () => {
      const e = await env();
      const sender = await addEngineNode(e.db, { role: 'sender' });
      const busy = await webhookNode(e, 'busy');
      const refusing = await webhookNode(e, 'refusing');
      busy.rx.setMode({ kind: 'status', status: 503, retryAfter: '1' });
      refusing.rx.setMode({ kind: 'status', status: 404 });
      const [busyMsg] = await acceptPackages(e.db, sender, [busy], 1);
      const [refusedMsg] = await acceptPackages(e.db, sender, [refusing], 1);
      await e.engine();

      await waitFor(() => busy.rx.receptions.length >= 1 && refusing.rx.receptions.length >= 1, 15_000);
      const t503 = busy.rx.receptions[0]!.at;
      busy.rx.setMode({ kind: 'ok' });
      await waitFor(() => busy.rx.accepted.size === 1, 15_000, 'busy delivered');
      const second = busy.rx.receptions.find((r) => r.status === 200)!;
      expect(second.attempt).toBe(2);
      expect(second.at - t503).toBeGreaterThanOrEqual(900); // Retry-After: 1

      const [failed] = await listDeliveries(e.db, { messageId: refusedMsg, state: 'failed' });
      expect(failed?.delivery.lastError).toBe('WEBHOOK_HTTP_REJECTED');
      expect(failed?.lastAttempt).toMatchObject({ httpStatus: 404, error: 'WEBHOOK_HTTP_REJECTED' });
      await waitFor(
        async () => (await listDeliveries(e.db, { messageId: busyMsg }))[0]?.delivery.state === 'delivered',
        5_000,
      );
      const [delivered] = await listDeliveries(e.db, { messageId: busyMsg });
      const attempts = await listDeliveryAttempts(e.db, delivered!.delivery.id);
      expect(attempts.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
        [1, 'retryable', 503],
        [2, 'ok', 200],
      ]);

      refusing.rx.setMode({ kind: 'ok' });
      const retried = await retryFailedDeliveries(
        e.db,
        { deliveryId: failed!.delivery.id },
        { at: new Date(), actor: 'operator:test' },
      );
      expect(retried.map((d) => d.state)).toEqual(['queued']);
      await waitFor(() => refusing.rx.accepted.size === 1, 15_000, 'retried delivery');
      await waitFor(async () => (await getDelivery(e.db, failed!.delivery.id))?.state === 'delivered', 5_000);
      const after = await getDelivery(e.db, failed!.delivery.id);
      expect(after).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(refusing.rx.receptions.at(-1)!.attempt).toBe(2);
    }, 60_000);

    it('gives up after the node’s maximum attempts and records why', async () => {
      const e = await env();
      const sender = await addEngineNode(e.db, { role: 'sender' });
      const down = await webhookNode(e, 'down');
      down.rx.setMode({ kind: 'status', status: 500 });
      await setNodeDeliverySettings(e.db, {
        nodeId: down.nodeId,
        settings: { retryMaxAttempts: 3, retryBaseDelayMs: 50, breakerFailureThreshold: 100 },
        at: new Date(),
        actor: 'test',
      });
      const [id] = await acceptPackages(e.db, sender, [down], 1);
      await e.engine();
      await waitFor(
        async () => (await listDeliveries(e.db, { messageId: id }))[0]?.delivery.state === 'failed',
        15_000,
      );
      const [entry] = await listDeliveries(e.db, { messageId: id });
      expect(entry?.delivery).toMatchObject({ attempts: 3, lastError: 'QUEUE_GAVE_UP_MAX_ATTEMPTS' });
      expect(down.rx.receptions.map((r) => r.attempt)).toEqual([1, 2, 3]);
      const types = (await listEvents(e.db, { deliveryId: entry!.delivery.id })).map((ev) => ev.type);
      expect(types.at(-1)).toBe('delivery.failed');
    }, 60_000);
  });
}

describe('delivery engine: a send left by a dead worker (in-process)', () => {
  let shared: EngineEnv | undefined;
  beforeAll(async () => {
    shared = await openEngineEnv('in-process');
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('is taken over only after its lease, with the interrupted attempt recorded', async () => {
    const e = shared!;
    const secret = generateWebhookSecret();
    const rx = await startWebhookReceiver({ secret });
    try {
      const sender = await addEngineNode(e.db, { role: 'sender' });
      const node = await addEngineNode(e.db, { role: 'rcpt', webhookUrl: rx.url, secret });
      const [messageId] = await acceptPackages(e.db, sender, [node], 1);
      const [entry] = await listDeliveries(e.db, { messageId });
      const id = entry!.delivery.id;
      // A worker began attempt 1 and died: `sending`, lease until 1.5 s from now.
      const began = await claimPushes(e.db, 'delivery', {
        ids: [id],
        at: new Date(),
        leaseUntil: new Date(Date.now() + 1_500),
        actor: 'test',
        interruptedError: 'QUEUE_SEND_INTERRUPTED',
      });
      expect(began.get(id)?.claimed).toBe(true);
      // The outbox row was consumed by nobody; the engine's reconciler finds the delivery.
      const startedAt = Date.now();
      await e.engine();
      await waitFor(() => rx.accepted.size === 1, 10_000, 'takeover push');
      expect(rx.receptions[0]!.at - startedAt).toBeGreaterThanOrEqual(1_000);
      expect(rx.receptions.map((r) => r.attempt)).toEqual([2]);
      await waitFor(async () => (await getDelivery(e.db, id))?.state === 'delivered', 5_000);
      const attempts = await listDeliveryAttempts(e.db, id);
      expect(attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
        [1, 'retryable', 'QUEUE_SEND_INTERRUPTED'],
        [2, 'ok', null],
      ]);
      const types = (await listEvents(e.db, { deliveryId: id })).map((ev) => ev.type);
      expect(types).toEqual([
        'delivery.queued',
        'delivery.sending',
        'delivery.queued',
        'delivery.sending',
        'delivery.delivered',
      ]);
    } finally {
      await e.stopEngines();
      await rx.close();
    }
  }, 60_000);

  it('leaves alone a delivery its node acknowledged from the inbox while it was waiting to retry', async () => {
    const e = shared!;
    const secret = generateWebhookSecret();
    const rx = await startWebhookReceiver({ secret, mode: { kind: 'status', status: 503, retryAfter: '2' } });
    try {
      const sender = await addEngineNode(e.db, { role: 'sender' });
      const node = await addEngineNode(e.db, { role: 'rcpt', webhookUrl: rx.url, secret });
      const [messageId] = await acceptPackages(e.db, sender, [node], 1);
      await e.engine();
      await waitFor(
        async () => (await listDeliveries(e.db, { messageId }))[0]?.delivery.state === 'retrying',
        10_000,
      );
      const acked = await ackDelivery(e.db, {
        nodeId: node.nodeId,
        messageId: messageId!,
        at: new Date(),
        actor: 'test',
      });
      expect(acked?.changed).toBe(true);
      rx.setMode({ kind: 'ok' });
      await new Promise((r) => setTimeout(r, 3_000));
      expect(rx.accepted.size).toBe(0);
      expect(rx.receptions).toHaveLength(1);
      const [entry] = await listDeliveries(e.db, { messageId });
      expect(entry?.delivery).toMatchObject({ state: 'delivered', deliveredBy: 'ack' });
    } finally {
      await e.stopEngines();
      await rx.close();
    }
  }, 60_000);
});
