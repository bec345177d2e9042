import { createHash, randomUUID } from 'node:crypto';
import { isUuid } from '../core/index.ts';
import type { ParseResult } from '../edxml/index.ts';
import type { SignatureVerdict, VerifyOptions } from '../signature/index.ts';
import { type AcceptDraft, recipientReceipts, runAcceptChecks, stage } from './accept-checks.ts';
import { clientCertificateRefusal } from './client-certificate.ts';
import { type HubFailure, type HubResult, refuse, success } from './hub-failure.ts';
import type { HubService, InboxQuery, SubmitOptions } from './hub-service.ts';
import type { HubStore } from './hub-store.ts';
import type { InboxItem, NodeIdentity, Receipt } from './hub-types.ts';
import type { InboxNotifier } from './inbox-notifier.ts';
import type { RequestLimits } from './request-limits.ts';

/** What the hub service is built from; all I/O comes in through these. */
export interface HubServiceDeps {
  readonly store: HubStore;
  /** The codec with the hub's options (strictness, size) applied. */
  readonly parse: (bytes: Uint8Array) => ParseResult;
  /** Signature verification (worker threads in production). */
  readonly verify: (bytes: Uint8Array, options: VerifyOptions) => Promise<SignatureVerdict>;
  readonly notifier: InboxNotifier;
  /** Current time; tests pass a fixed clock. */
  readonly now: () => Date;
  readonly maxPackageBytes: number;
  /** Request limits the edges apply (absent: none). */
  readonly requestLimits?: RequestLimits;
  /** Subject attributes that may carry the signer's organ id (e.g. OU, UID). */
  readonly bindingAttributes: readonly string[];
  readonly allowSha1: boolean;
  /** This hub's id in hop lists and traces (LIENTHONG_HUB_ID, or the one kept in the database). */
  readonly hubId: string;
  /** Told of each package accepted or refused and each inbox read (the metrics); absent: nobody. */
  readonly observer?: HubObserver;
}

/** What the accepting path reports as it goes (Prometheus counters in production). */
export interface HubObserver {
  accepted(kind: 'package' | 'status', duplicate: boolean): void;
  refused(code: string): void;
  inboxRead(nodeId: string): void;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The first receipt of these bytes, for a node that serves their sender only. */
function firstReceiptFor(
  node: NodeIdentity,
  first: { receipt: Receipt; fromOrganId: string } | null,
): Receipt | null {
  if (!first || !node.organIds.includes(first.fromOrganId)) return null;
  return { ...first.receipt, duplicate: true };
}

/** The hub's pipeline (docs/architecture.md, "The flow") over a store port. */
export function createHubService(deps: HubServiceDeps): HubService {
  const { store } = deps;

  async function submit(
    node: NodeIdentity,
    bytes: Uint8Array,
    options: SubmitOptions = {},
  ): Promise<HubResult<Receipt>> {
    const result = await submitOnce(node, bytes, options);
    if (result.ok) deps.observer?.accepted(result.value.kind, result.value.duplicate);
    else deps.observer?.refused(result.error.code);
    return result;
  }

  async function submitOnce(
    node: NodeIdentity,
    bytes: Uint8Array,
    options: SubmitOptions,
  ): Promise<HubResult<Receipt>> {
    const sha256 = sha256Hex(bytes);
    const draft: AcceptDraft = {
      node,
      bytes,
      at: deps.now(),
      findings: [],
      declaredKind: options.declaredKind,
      forward: options.forward,
    };
    const accepted = await accept(draft, sha256);
    // A hand-over refused is refused: the hub before keeps the first receipt of its own sender.
    if (accepted.ok || accepted.error.code === 'PAYLOAD_TOO_LARGE' || options.forward) return accepted;
    // The same bytes sent again get the first receipt, even when they would be refused today
    // (a certificate revoked since, a directory change). The look-up is made here, on the way out,
    // instead of before the checks: a resend is rare, a round trip per package is not, and the
    // accepting write itself refuses to store the same bytes twice (it reports `duplicate`).
    const duplicate = firstReceiptFor(node, await store.findDuplicate(sha256));
    return duplicate ? success(duplicate) : accepted;
  }

  async function accept(draft: AcceptDraft, sha256: string): Promise<HubResult<Receipt>> {
    const { node, bytes } = draft;
    const failure = await runAcceptChecks(draft, deps);
    if (failure) return { ok: false, error: failure };
    const summary = stage(draft.summary, 'the summary');
    const plan = stage(draft.plan, 'the route plan');
    const id = draft.forward?.messageId ?? randomUUID();
    const receipt: Receipt = {
      id,
      hub: deps.hubId,
      receivedAt: draft.at.toISOString(),
      kind: summary.kind,
      documentId: summary.documentId,
      duplicate: false,
      findings: draft.findings,
      recipients: recipientReceipts(plan),
    };
    const message = {
      id,
      node,
      bytes,
      sha256,
      summary,
      verdict: stage(draft.verdict, 'the verdict'),
      plan,
      receivedAt: draft.at,
      receipt,
      ...draft.effects,
      ...(draft.forward ? { forward: draft.forward } : {}),
    };
    const stored = await store.insertAccepted(message);
    if (!stored.inserted && stored.reason === 'id-taken') {
      return refuse('HUB_MESSAGE_ID_CONFLICT', `This hub holds message ${id} with other bytes.`, [], {
        messageId: id,
      });
    }
    if (!stored.inserted && stored.reason === 'duplicate' && draft.forward) {
      // The same forwarded message again (a retry, or another part of its recipients): this hub
      // answers with the message it holds, adding the recipients it did not have.
      const merged = await store.addForwardedDeliveries({ ...message, forward: draft.forward });
      if (merged.kind !== 'added') {
        return refuse(
          'HUB_MESSAGE_ID_CONFLICT',
          `This hub holds message ${id} with other bytes, or these bytes under another id.`,
          [],
          { messageId: id },
        );
      }
      if (merged.added > 0) deps.notifier.notify(plan.deliveries.map((d) => d.nodeId));
      return success({
        ...(merged.receipt ?? receipt),
        recipients: receipt.recipients,
        duplicate: merged.added === 0,
      });
    }
    if (!stored.inserted) {
      if (stored.reason === 'duplicate') {
        // The same bytes were accepted first (a resend, or a concurrent identical send).
        const first = firstReceiptFor(node, stored.first);
        if (first) return success(first);
        return refuse(
          'DOCUMENT_CONFLICT',
          'These bytes were already accepted, and their first receipt is not one this node may see.',
          [],
          { documentId: summary.documentId },
        );
      }
      return refuse(
        'DOCUMENT_CONFLICT',
        `DocumentId ${summary.documentId} was already accepted from ${summary.fromOrganId} with different bytes.`,
        [],
        { documentId: summary.documentId, existingMessageId: stored.existingMessageId },
      );
    }
    deps.notifier.notify(plan.deliveries.map((d) => d.nodeId));
    return success(receipt);
  }

  async function inbox(node: NodeIdentity, query: InboxQuery): Promise<InboxItem[]> {
    deps.observer?.inboxRead(node.id);
    const deadline = Date.now() + query.waitMs;
    for (;;) {
      const items = await store.inbox(node.id, query.limit, query.kind);
      const remaining = deadline - Date.now();
      if (items.length > 0 || remaining <= 0) return items;
      await deps.notifier.waitOnce(node.id, remaining);
    }
  }

  const notFound = (messageId: string): { ok: false; error: HubFailure } =>
    refuse('MESSAGE_NOT_FOUND', `No message ${messageId} for this node.`);

  return {
    limits: {
      maxPackageBytes: deps.maxPackageBytes,
      ...(deps.requestLimits === undefined ? {} : { requests: deps.requestLimits }),
    },
    async authenticate(token, presentedCertificate) {
      const node = token === null ? null : await store.findNodeByToken(token);
      if (!node) return refuse('AUTH_REQUIRED', 'A valid bearer token is required.');
      const refused = clientCertificateRefusal(node, presentedCertificate);
      if (refused) return { ok: false, error: refused };
      // The console's "last contact"; a failure to note it must not fail the call.
      store.noteContact(node.id, deps.now()).catch(() => {});
      return success(node);
    },
    submit,
    inbox,
    async fetch(node, messageId) {
      if (!isUuid(messageId)) return notFound(messageId);
      const found = await store.messageFor(node, messageId);
      if (!found) return notFound(messageId);
      const { hops, ...bytes } = found;
      if (node.kind === 'system') return success(bytes);
      // A peer hub pulling from this hub: what it is to take, and the path so far.
      const recipients = await store.pendingRecipients(node.id, messageId);
      return success({ ...bytes, handOver: { hops: [...hops, deps.hubId], recipients } });
    },
    async ack(node, messageId, hop) {
      if (!isUuid(messageId)) return notFound(messageId);
      const forwardedTo =
        node.kind === 'system' ? undefined : (hop ?? { hub: node.id, acceptedAt: null, deliveredAt: null });
      const result = await store.ack(node.id, messageId, deps.now(), forwardedTo);
      return result ? success(result) : notFound(messageId);
    },
    async trace(node, messageId) {
      if (!isUuid(messageId)) return notFound(messageId);
      const trace = await store.trace(node, messageId);
      return trace ? success({ hub: deps.hubId, ...trace }) : notFound(messageId);
    },
    async traceByDocument(node, documentId) {
      const traces = await store.traceByDocument(node, documentId);
      return success(traces.map((trace) => ({ hub: deps.hubId, ...trace })));
    },
  };
}
