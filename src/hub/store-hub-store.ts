import { createHash } from 'node:crypto';
import { statusNameVi } from '../edxml/index.ts';
import type { DirectorySnapshot } from '../routing/index.ts';
import {
  ackDelivery,
  addDeliveriesToMessage,
  type BusinessStatusCode,
  type Db,
  findMessageBySha256,
  findNodeByToken,
  findPackagesByDocument,
  findStatusesAboutDocument,
  getMessage,
  getMessageRaw,
  insertAcceptedMessage,
  listBusinessStatuses,
  listDeliveriesForMessage,
  listInbox,
  loadDirectorySnapshot,
  type MessageRecord,
  type MessageTraceRecord,
  traceDocument,
  traceMessage,
  UNDELIVERED_STATES,
} from '../store/index.ts';
import { createContactNoter } from './contact-noter.ts';
import type { AcceptedMessage, HubStore, OriginalDocument, StoredTrace } from './hub-store.ts';
import type { NodeIdentity, Receipt } from './hub-types.ts';
import { identityOf } from './node-identity.ts';

/** Options of the Postgres-backed hub store. */
export interface StoreHubStoreOptions {
  /** How long a loaded directory snapshot, and a node found by its token, are reused, in ms (operator changes show up after this). */
  readonly snapshotTtlMs?: number;
  /** Current time, for the snapshot cache. */
  readonly now?: () => number;
}

/** The receipt a stored message was accepted with, and the From organ id it carries. */
const firstReceiptOf = (message: MessageRecord): { receipt: Receipt; fromOrganId: string } | null =>
  message.receipt === null
    ? null
    : { receipt: message.receipt as Receipt, fromOrganId: message.senderOrganId };

/**
 * The deliveries to write for an accepted message: one per receiving organization of its plan, each
 * with its route kind and next-hop node, and — for a forwarded message whose recipient this hub
 * resolved further — the recipient as the hub before named it (receipts going back are keyed by it).
 */
function deliveriesOf(message: AcceptedMessage) {
  const named = new Map((message.forward?.recipients ?? []).map((r) => [r.addressed, r.recipient]));
  return message.plan.deliveries.map((d) => {
    const upstream = named.get(d.addressedOrganId);
    return {
      recipientOrganId: d.recipientOrganId,
      addressedOrganId: d.addressedOrganId,
      nodeId: d.nodeId,
      route: d.kind,
      upstreamOrganId: upstream !== undefined && upstream !== d.recipientOrganId ? upstream : null,
    };
  });
}

/** Nodes remembered by token at most; past it the memory starts afresh. */
const MAX_CACHED_TOKENS = 10_000;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The HubStore port over the store's repositories (Postgres server or embedded). */
export function createStoreHubStore(
  db: Db,
  options: StoreHubStoreOptions = {},
): HubStore & { invalidate(): void } {
  const ttl = options.snapshotTtlMs ?? 1000;
  const now = options.now ?? Date.now;
  let cached: { at: number; snapshot: Promise<DirectorySnapshot> } | null = null;
  const tokens = new Map<string, { at: number; node: NodeIdentity }>();

  function snapshot(): Promise<DirectorySnapshot> {
    if (!cached || now() - cached.at > ttl) {
      const loading = loadDirectorySnapshot(db);
      cached = { at: now(), snapshot: loading };
      loading.catch(() => {
        cached = null;
      });
    }
    return cached.snapshot;
  }

  const isSender = (node: NodeIdentity, message: MessageRecord) =>
    message.senderNodeId === node.id || node.organIds.includes(message.senderOrganId);

  function toTrace(record: MessageTraceRecord): StoredTrace {
    const m = record.message;
    return {
      id: m.id,
      path: m.hops.filter((h): h is string => typeof h === 'string'),
      kind: m.kind,
      documentId: m.documentId,
      fromOrganId: m.senderOrganId,
      businessType: m.businessDocType,
      statusCode: m.statusCode,
      receivedAt: m.receivedAt.toISOString(),
      sha256: m.sha256,
      deliveries: record.deliveries.map(({ delivery: d, statuses, events }) => ({
        recipientOrganId: d.recipientOrganId,
        addressedOrganId: d.addressedOrganId,
        nodeId: d.nodeId,
        route: d.route,
        state: d.state,
        hops: d.hops,
        createdAt: d.createdAt.toISOString(),
        deliveredAt: iso(d.deliveredAt),
        updatedAt: d.updatedAt.toISOString(),
        deliveredBy: d.deliveredBy,
        statuses: statuses.map((s) => ({
          code: s.code,
          ...optionalName(s.code),
          at: s.at.toISOString(),
          statusMessageId: s.statusMessageId ?? '',
          receivedAt: s.recordedAt.toISOString(),
          inconsistent: s.inconsistent,
          ...(s.note === null ? {} : { note: s.note }),
          description: s.description,
        })),
        events: events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })),
      })),
    };
  }

  const noteContact = createContactNoter(db);
  return {
    invalidate() {
      cached = null;
      tokens.clear();
    },

    async findNodeByToken(token) {
      // Every request authenticates: a known token is remembered as long as a directory snapshot
      // (a rotated or revoked token stops working within snapshotTtlMs). Keyed by the token's hash,
      // so no token stays in memory; unknown tokens are never remembered.
      const key = createHash('sha256').update(token).digest('base64');
      const hit = tokens.get(key);
      if (hit && now() - hit.at <= ttl) return hit.node;
      const found = await findNodeByToken(db, token);
      const node = found ? identityOf(found) : null;
      if (node) {
        if (tokens.size >= MAX_CACHED_TOKENS) tokens.clear();
        tokens.set(key, { at: now(), node });
      } else {
        tokens.delete(key);
      }
      return node;
    },

    noteContact,

    directory: snapshot,

    async findDuplicate(sha256) {
      const message = await findMessageBySha256(db, sha256);
      return message ? firstReceiptOf(message) : null;
    },

    async findOriginal(senderOrganId, documentId): Promise<OriginalDocument | null> {
      const packages = await findPackagesByDocument(db, senderOrganId, documentId);
      const original = packages.find((p) => p.businessDocType === 0) ?? packages[0];
      if (!original) return null;
      const deliveries = await listDeliveriesForMessage(db, original.id);
      return {
        messageId: original.id,
        senderOrganId: original.senderOrganId,
        senderNodeId: original.senderNodeId,
        businessType: original.businessDocType,
        recipientOrganIds: [...new Set(deliveries.map((d) => d.recipientOrganId))],
        receivedAt: original.receivedAt,
      };
    },

    async statusHistory(originalMessageId, recipientOrganId) {
      const statuses = await listBusinessStatuses(db, {
        documentMessageId: originalMessageId,
        recipientOrganId,
      });
      const original = await getMessage(db, originalMessageId);
      const asked = original
        ? (await findStatusesAboutDocument(db, original.documentId)).some(
            (s) => s.statusCode === '13' && s.senderOrganId === original.senderOrganId,
          )
        : false;
      return { previousCodes: statuses.map((s) => s.code), takeBackRequested: asked };
    },

    async insertAccepted(message: AcceptedMessage) {
      const deliveries = deliveriesOf(message);
      const s = message.summary;
      const result = await insertAcceptedMessage(db, {
        id: message.id,
        kind: s.kind,
        senderNodeId: message.node.id,
        senderOrganId: s.fromOrganId,
        documentId: s.documentId,
        businessDocType: s.kind === 'package' ? (s.businessType ?? 0) : null,
        statusCode: s.statusCode,
        priority: s.priority,
        raw: message.bytes,
        sha256: message.sha256,
        summary: s,
        verdict: message.verdict,
        receipt: message.receipt,
        receivedAt: message.receivedAt,
        actor: `node:${message.node.id}`,
        deliveries,
        hops: message.forward?.hops ?? [],
        ...(message.businessStatus
          ? {
              businessStatus: {
                documentMessageId: message.businessStatus.originalMessageId,
                recipientOrganId: message.businessStatus.recipientOrganId,
                code: message.businessStatus.code as BusinessStatusCode,
                at: message.businessStatus.at,
                inconsistent: message.businessStatus.inconsistency !== null,
                note: message.businessStatus.inconsistency,
                description: message.businessStatus.description,
              },
            }
          : {}),
        ...(message.revokeOriginalId ? { revokeOriginalMessageId: message.revokeOriginalId } : {}),
      });
      if (result.kind === 'accepted') return { inserted: true };
      if (result.kind === 'duplicate') {
        return { inserted: false, reason: 'duplicate', first: firstReceiptOf(result.message) };
      }
      if (result.kind === 'id-taken') return { inserted: false, reason: 'id-taken' };
      return { inserted: false, reason: 'conflict', existingMessageId: result.existing.id };
    },

    async addForwardedDeliveries(message) {
      const result = await addDeliveriesToMessage(db, {
        messageId: message.id,
        sha256: message.sha256,
        deliveries: deliveriesOf(message),
        at: message.receivedAt,
        actor: `node:${message.node.id}`,
      });
      if (result.kind !== 'added') return { kind: result.kind };
      return {
        kind: 'added',
        added: result.added.length,
        receipt: (result.message.receipt as Receipt | null) ?? null,
      };
    },

    async inbox(nodeId, limit, kind) {
      const entries = await listInbox(db, { nodeId, limit, kind });
      return entries.map((e) => ({
        id: e.messageId,
        kind: e.kind,
        documentId: e.documentId,
        fromOrganId: e.senderOrganId,
        toOrganId: e.recipientOrganId,
        priority: e.priority,
        statusCode: e.statusCode,
        receivedAt: e.receivedAt.toISOString(),
        sha256: e.sha256,
        size: e.sizeBytes,
      }));
    },

    async messageFor(node, messageId) {
      const message = await getMessage(db, messageId);
      if (!message) return null;
      if (!isSender(node, message)) {
        const deliveries = await listDeliveriesForMessage(db, messageId);
        if (!deliveries.some((d) => d.nodeId === node.id)) return null;
      }
      const raw = await getMessageRaw(db, messageId);
      const hops = message.hops.filter((h): h is string => typeof h === 'string');
      return raw ? { id: message.id, kind: message.kind, bytes: raw, sha256: message.sha256, hops } : null;
    },

    async ack(nodeId, messageId, at, forwardedTo) {
      const result = await ackDelivery(db, { nodeId, messageId, at, actor: `node:${nodeId}`, forwardedTo });
      return result ? { changed: result.changed } : null;
    },

    async pendingRecipients(nodeId, messageId) {
      const deliveries = await listDeliveriesForMessage(db, messageId);
      return deliveries
        .filter((d) => d.nodeId === nodeId && (UNDELIVERED_STATES as readonly string[]).includes(d.state))
        .map((d) => ({ addressed: d.addressedOrganId, recipient: d.recipientOrganId }));
    },

    async trace(node, messageId) {
      const message = await getMessage(db, messageId);
      if (!message) return null;
      if (isSender(node, message)) {
        const record = await traceMessage(db, messageId);
        return record ? toTrace(record) : null;
      }
      const record = await traceMessage(db, messageId, { recipientNodeId: node.id });
      return record && record.deliveries.length > 0 ? toTrace(record) : null;
    },

    async traceByDocument(node, documentId) {
      const traces: StoredTrace[] = [];
      for (const organId of node.organIds) {
        for (const record of await traceDocument(db, { senderOrganId: organId, documentId })) {
          traces.push(toTrace(record));
        }
      }
      return traces;
    },
  };
}

/** `nameVi` for a known status code; nothing for one outside the list. */
function optionalName(code: string): { nameVi?: string } {
  const nameVi = statusNameVi(code);
  return nameVi === undefined ? {} : { nameVi };
}
