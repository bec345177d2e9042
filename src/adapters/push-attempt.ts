import type { PeerEndpoint } from '../hub/index.ts';
import type {
  AttemptDelivery,
  AttemptRecord,
  DeliveryOutcome,
  DeliveryPushWork,
  PushWork,
} from '../queue/index.ts';
import type { PeerClient } from './peer/index.ts';
import { createVxpClient, type VxpClient, type VxpClientOptions } from './vxp/index.ts';
import { type WebhookSender, webhookPush } from './webhook/index.ts';

/** What the delivery engine's attempts go through. */
export interface PushChannels {
  readonly webhook: WebhookSender;
  readonly peer: PeerClient;
  /** Options of the VXP clients made for VXP parents (the endpoint and credentials come from the peer). */
  readonly vxp?: Omit<VxpClientOptions, 'endpoint' | 'systemId' | 'secret'>;
}

/** The engine's attempt function over the channels, and what it must close. */
export interface PushAttempt {
  readonly attempt: AttemptDelivery<PushWork>;
  close(): Promise<void>;
}

/**
 * One attempt of any push: to a node's webhook, a hand-over to a peer hub (lienthong's node API),
 * a VXP `sendEdoc` to a parent that speaks VXP (the national axis), or a receipt back to the hub
 * before. Never throws for anything the far side does.
 */
export function createPushAttempt(channels: PushChannels): PushAttempt {
  const vxpClients = new Map<string, VxpClient>();
  const vxpClient = (peer: Extract<PeerEndpoint, { protocol: 'vxp' }>) => {
    const key = `${peer.url}\n${peer.systemId}\n${peer.secret}`;
    let client = vxpClients.get(key);
    if (client === undefined) {
      client = createVxpClient({
        ...channels.vxp,
        endpoint: peer.url,
        systemId: peer.systemId,
        secret: peer.secret,
      });
      vxpClients.set(key, client);
    }
    return client;
  };

  async function toVxp(
    work: DeliveryPushWork,
    peer: Extract<PeerEndpoint, { protocol: 'vxp' }>,
    attempt: number,
    now: Date,
  ): Promise<DeliveryOutcome> {
    const started = Date.now();
    const sent = await vxpClient(peer).sendEdoc(work.body, {
      messageType: work.kind === 'status' ? 'status' : 'edoc',
      from: work.senderOrganId,
      to: work.members.map((m) => m.addressedOrganId),
    });
    const record = (
      fields: Pick<AttemptRecord, 'httpStatus' | 'errorCode' | 'errorDetail'>,
    ): AttemptRecord => ({
      attempt,
      startedAt: now,
      durationMs: Date.now() - started,
      ...fields,
    });
    if (sent.ok) {
      // The axis keeps no receipts for another hub: the delivery stays `forwarded` (docs/federation.md).
      const hub = `vxp:${new URL(peer.url).host}`;
      return {
        kind: 'forwarded',
        attempt: record({ httpStatus: 200, errorCode: null, errorDetail: `DocId ${sent.docId}` }),
        answer: { hub, acceptedAt: new Date().toISOString(), refused: [] },
      };
    }
    const code = sent.kind === 'refused' ? (sent.stableCode ?? `VXP_ERROR_${sent.code}`) : sent.code;
    const failed = record({
      httpStatus: sent.kind === 'transport' ? (sent.httpStatus ?? null) : 200,
      errorCode: code,
      errorDetail: sent.message.slice(0, 256),
    });
    if (!sent.retry) return { kind: 'permanent', attempt: failed };
    return sent.kind === 'transport' && sent.retryAfterMs !== undefined
      ? { kind: 'retry', attempt: failed, retryAfterMs: sent.retryAfterMs }
      : { kind: 'retry', attempt: failed };
  }

  return {
    attempt(work, attempt, now) {
      if (work.via.kind === 'webhook') return webhookPush(channels.webhook, work, work.via, attempt, now);
      const { peer } = work.via;
      if (work.target === 'receipt') {
        if (peer.protocol === 'vxp') {
          // Never written (the axis keeps no receipts of ours); settled if one was.
          return Promise.resolve({
            kind: 'delivered',
            attempt: {
              attempt,
              startedAt: now,
              durationMs: 0,
              httpStatus: null,
              errorCode: null,
              errorDetail: null,
            },
          });
        }
        return channels.peer.sendReceipts({
          url: peer.url,
          token: peer.token,
          receipts: work.peerReceipts,
          attempt,
          now,
        });
      }
      if (peer.protocol === 'vxp') return toVxp(work, peer, attempt, now);
      return channels.peer.handOver({
        url: peer.url,
        token: peer.token,
        messageId: work.messageId,
        hops: work.hops,
        recipients: work.members.map((m) => ({
          addressed: m.addressedOrganId,
          recipient: m.recipientOrganId,
        })),
        body: work.body,
        attempt,
        now,
      });
    },
    async close() {
      await Promise.all([...vxpClients.values()].map((c) => c.close()));
    },
  };
}
