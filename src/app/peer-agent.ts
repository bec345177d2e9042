// The composition of the peer agent: the hub's loops towards its parent over the peer client
// (a lienthong parent) and VXP clients (a parent that speaks VXP, the national axis).
import type { Logger } from 'pino';
import type { PeerClient } from '../adapters/peer/index.ts';
import { createVxpClient, type VxpClient } from '../adapters/vxp/index.ts';
import type { HubConfig } from '../config.ts';
import {
  createPeerAgent,
  type HubService,
  type PeerAgent,
  type PeerService,
  type UpstreamResult,
  type VxpLink,
  type VxpUpstream,
} from '../hub/index.ts';
import type { Db } from '../store/index.ts';

/** VXP clients of the VXP parent, one per endpoint and credentials, made when first needed. */
function vxpUpstream(config: HubConfig): VxpUpstream & { close(): Promise<void> } {
  const clients = new Map<string, VxpClient>();
  const client = (link: VxpLink) => {
    const key = `${link.url}\n${link.systemId}\n${link.secret}`;
    let found = clients.get(key);
    if (found === undefined) {
      found = createVxpClient({
        endpoint: link.url,
        systemId: link.systemId,
        secret: link.secret,
        maxPackageBytes: config.maxPackageBytes,
      });
      clients.set(key, found);
    }
    return found;
  };
  const failed = (f: { code: string; retry: boolean; message: string }): UpstreamResult<never> => ({
    ok: false,
    code: f.code,
    retry: f.retry,
    message: f.message,
  });
  return {
    async list(link, messageType) {
      const listed = await client(link).getReceivedEdocList({ messageType });
      return listed.ok ? { ok: true, value: listed.items } : failed(listed);
    },
    async get(link, docId) {
      const got = await client(link).getEdoc(docId);
      return got.ok ? { ok: true, value: got.bytes } : failed(got);
    },
    async updateStatus(link, docId, status, reason) {
      const updated = await client(link).updateStatus(docId, status, reason);
      return updated.ok ? { ok: true, value: true } : failed(updated);
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/** The peer agent of this process and what it needs closed. */
export function buildPeerAgent(deps: {
  readonly config: HubConfig;
  readonly db: Db;
  readonly hub: HubService;
  readonly peers: PeerService;
  readonly peerClient: PeerClient;
  readonly hubId: string;
  readonly now: () => Date;
  readonly logger: Logger;
}): { readonly agent: PeerAgent; close(): Promise<void> } {
  const vxp = vxpUpstream(deps.config);
  const agent = createPeerAgent({
    db: deps.db,
    hub: deps.hub,
    peers: deps.peers,
    hubId: deps.hubId,
    lienthong: deps.peerClient,
    vxp,
    now: deps.now,
    reportIntervalMs: deps.config.federation.reportIntervalMs,
    onError: (err, where) => deps.logger.warn({ err, where }, 'peer hub link'),
    onPulled: (event) => deps.logger.info(event, 'taken from the parent hub'),
  });
  return {
    agent,
    async close() {
      await agent.close();
      await vxp.close();
    },
  };
}
