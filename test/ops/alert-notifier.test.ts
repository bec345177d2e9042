// Alerts sent to a webhook: once when they begin, once when they end, signed like deliveries.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Alert, type AlertNotice, createAlertNotifier } from '../../src/ops/index.ts';
import { createRootCa } from '../../src/signature/dev-pki.ts';
import { waitFor } from '../queue/wait-for.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const alert = (key: string): Alert => ({
  key,
  kind: 'node_silent',
  severity: 'warning',
  subject: key,
  detail: { minutes: 90, waiting: 0 },
  since: null,
});

describe('alert notifier', () => {
  it('tells what began and what ended, and tells it again after a refused send', async () => {
    let current: Alert[] = [alert('a'), alert('b')];
    const sent: AlertNotice[] = [];
    let accept = true;
    const notifier = createAlertNotifier({
      hubId: 'hub-test',
      intervalMs: 60_000,
      alerts: async () => current,
      send: async (notice) => {
        sent.push(notice);
        return accept;
      },
      now: () => new Date('2026-12-07T03:00:00Z'),
      onError: (error) => {
        throw error;
      },
    });
    await notifier.tick();
    expect(sent.map((n) => [n.raised.map((a) => a.key), n.resolved.map((a) => a.key)])).toEqual([
      [['a', 'b'], []],
    ]);
    await notifier.tick();
    expect(sent).toHaveLength(1);
    current = [alert('b'), alert('c')];
    accept = false;
    await notifier.tick();
    accept = true;
    await notifier.tick();
    expect(
      sent.slice(1).map((n) => [n.raised.map((a) => a.key), n.resolved.map((a) => a.key), n.active]),
    ).toEqual([
      [['c'], ['a'], 2],
      [['c'], ['a'], 2],
    ]);
    expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length);
    await notifier.close();
  });
});

describe('alert webhook of a running hub', () => {
  let hub: Hub | undefined;
  let receiver: WebhookReceiver | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await hub?.close();
    await receiver?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('posts a signed notice when a trust anchor expires within 60 days', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-alert-webhook-'));
    await mkdir(path.join(dir, 'trust'));
    const expiring = await createRootCa({
      subject: 'CN=Expiring Root, C=VN',
      at: new Date(),
      kind: 'ecdsa',
      days: 10,
    });
    await writeFile(path.join(dir, 'trust', 'expiring.pem'), expiring.cert.toString('pem'));
    const secret = `alert-${randomBytes(16).toString('hex')}`;
    receiver = await startWebhookReceiver({ secret });
    hub = await createHub(
      loadConfig({
        LIENTHONG_DATA_DIR: path.join(dir, 'data'),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_ALERT_WEBHOOK_URL: receiver.url,
        LIENTHONG_ALERT_WEBHOOK_SECRET: secret,
        LIENTHONG_ALERT_INTERVAL_MS: '1000',
      }),
      { logger: pino({ level: 'silent' }), loadExampleDirectory: false },
    );
    const r = receiver;
    await waitFor(() => r.receptions.some((x) => x.kind === 'alert'), 20_000, 'an alert notice');
    const reception = r.receptions.find((x) => x.kind === 'alert')!;
    expect(reception.signatureOk).toBe(true);
    const notice = JSON.parse(reception.body.toString('utf8')) as AlertNotice;
    expect(notice.id).toBe(reception.messageId);
    expect(notice.hub).toBe(hub.hubId);
    expect(notice.raised).toEqual([
      expect.objectContaining({ kind: 'certificate_expiring', subject: 'CN=Expiring Root, C=VN' }),
    ]);
    // Told once: the next passes have nothing new to say.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(r.receptions.filter((x) => x.kind === 'alert')).toHaveLength(1);
  }, 90_000);
});
