import { createHash, randomUUID } from 'node:crypto';
import type { Finding } from '../core/index.ts';
import type { MessageSummary, ParseResult } from '../edxml/index.ts';
import { edxmlTimestampToDate, summarize } from '../edxml/index.ts';
import type { SignatureVerdict, VerifyOptions } from '../signature/index.ts';
import { checkSignerBinding } from '../signature/index.ts';
import type { HubFailure, HubResult, HubService, InboxQuery } from './hub-service.ts';
import type { AcceptedMessage, HubStore, OriginalDocument, RecipientRoute } from './hub-store.ts';
import type { InboxItem, NodeIdentity, Receipt } from './hub-types.ts';
import type { InboxNotifier } from './inbox-notifier.ts';
import { statusInconsistency } from './status-consistency.ts';

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
  /** Subject attributes that may carry the signer's organ id (e.g. OU, UID). */
  readonly bindingAttributes: readonly string[];
  readonly allowSha1: boolean;
}

type Verified = { verdict: Readonly<Record<string, unknown>>; findings: Finding[] };

const refuse = (
  code: string,
  message: string,
  findings: readonly Finding[] = [],
  details?: Record<string, unknown>,
) => ({ ok: false, error: { code, message, findings, ...(details ? { details } : {}) } }) as const;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * When a status says it happened: its Timestamp (Vietnam time unless it carries an offset), kept
 * between the reception of the document it is about and its own reception — a producer's clock off
 * by hours, or a template's fixed Timestamp, must not put a status before the document or in the
 * future — and the status's reception when the Timestamp is missing or malformed.
 */
export function statusTime(timestamp: string | null, window: { notBefore: Date; receivedAt: Date }): Date {
  const said = timestamp === null ? null : edxmlTimestampToDate(timestamp);
  if (said === null) return window.receivedAt;
  const t = Math.min(Math.max(said.getTime(), window.notBefore.getTime()), window.receivedAt.getTime());
  return new Date(t);
}

/** The hub's pipeline (architecture page, "The flow") over a store port. */
export function createHubService(deps: HubServiceDeps): HubService {
  const { store } = deps;

  async function checkSignature(
    node: NodeIdentity,
    bytes: Uint8Array,
    summary: MessageSummary,
    at: Date,
  ): Promise<HubResult<Verified>> {
    if (node.signaturePolicy === 'legacy-unsigned') {
      return {
        ok: true,
        value: {
          verdict: { policy: 'legacy-unsigned', verified: false },
          findings: [
            {
              code: 'SIGNATURE_NOT_REQUIRED_UNSIGNED',
              severity: 'warning',
              path: 'edXMLEnvelope/edXMLHeader/Signature',
              message: 'Not verified: the sending node has the legacy-unsigned signature policy.',
            },
          ],
        },
      };
    }
    const verdict = await deps.verify(bytes, { at, allowSha1: deps.allowSha1 });
    if (!verdict.valid || !verdict.signer) {
      return refuse(verdict.code, `The signature was refused: ${verdict.code}.`, verdict.findings);
    }
    if (!node.organIds.includes(summary.fromOrganId)) return senderNotServed(summary);
    const binding = checkSignerBinding(verdict.signer, summary.fromOrganId, {
      bindings: await store.signerBindings(summary.fromOrganId),
      subjectAttributes: deps.bindingAttributes,
    });
    if (binding) return refuse('SIGNER_NOT_SENDER', binding.message, [binding]);
    return {
      ok: true,
      value: {
        verdict: {
          policy: 'require',
          verified: true,
          code: verdict.code,
          algorithm: verdict.algorithm,
          signer: verdict.signer,
        },
        findings: verdict.findings.filter((f) => f.severity === 'warning'),
      },
    };
  }

  function senderNotServed(summary: MessageSummary) {
    return refuse(
      'SENDER_NOT_SERVED',
      `This node does not serve the sending organization ${summary.fromOrganId}.`,
      [],
      {
        fromOrganId: summary.fromOrganId,
      },
    );
  }

  /** Works out recipients and the status/revoke side effects for one message. */
  async function plan(
    summary: MessageSummary,
    at: Date,
  ): Promise<
    HubResult<
      Pick<AcceptedMessage, 'routes' | 'businessStatus' | 'revokeOriginalId'> & { findings: Finding[] }
    >
  > {
    const findings: Finding[] = [];
    if (summary.kind === 'package') {
      let revokeOriginalId: string | undefined;
      // A new document (type 0) whose DocumentId this sender used before with other bytes is refused
      // by the insert itself (DOCUMENT_CONFLICT): no look-up here, one round trip less per package.
      if (summary.businessType !== 0) {
        const aboutId = summary.businessDocumentId ?? summary.documentId;
        const original = await store.findOriginal(summary.fromOrganId, aboutId);
        if (!original) {
          findings.push({
            code: 'ORIGINAL_UNKNOWN',
            severity: 'warning',
            path: 'edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId',
            message: `The document ${aboutId} this operation is about was not carried by this hub.`,
          });
        } else if (summary.businessType === 1) {
          revokeOriginalId = original.messageId;
        }
      }
      const routes = await store.route(summary.toOrganIds, at);
      return { ok: true, value: { routes, findings, ...(revokeOriginalId ? { revokeOriginalId } : {}) } };
    }

    const responseFor = summary.responseFor;
    const code = summary.statusCode ?? '';
    const original = responseFor ? await findAnswered(summary, responseFor, code) : null;
    if (!responseFor || !original) {
      return refuse(
        'STATUS_UNKNOWN_DOCUMENT',
        `The status answers document ${responseFor?.documentId ?? '(none)'} of ${responseFor?.organId ?? '(none)'}, which this hub did not carry.`,
      );
    }
    if (code === '13') {
      if (summary.fromOrganId !== original.senderOrganId) {
        return refuse('STATUS_NOT_ALLOWED', 'Only the original sender may ask for a document back (13).');
      }
      // The take-back request goes to every recipient of the original.
      const routes = await store.route(original.recipientOrganIds, at);
      return { ok: true, value: { routes, findings } };
    }
    if (!original.recipientOrganIds.includes(summary.fromOrganId)) {
      return refuse(
        'STATUS_NOT_ALLOWED',
        `${summary.fromOrganId} was not a recipient of ${responseFor.documentId} and cannot report its status.`,
      );
    }
    const history = await store.statusHistory(original.messageId, summary.fromOrganId);
    const inconsistency = statusInconsistency(code, { ...history, businessType: original.businessType });
    if (inconsistency) {
      findings.push({
        code: 'STATUS_INCONSISTENT',
        severity: 'warning',
        path: 'edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode',
        message: `Accepted and flagged: ${inconsistency}.`,
      });
    }
    const routes = await store.route([original.senderOrganId], at);
    return {
      ok: true,
      value: {
        routes,
        findings,
        businessStatus: {
          originalMessageId: original.messageId,
          recipientOrganId: summary.fromOrganId,
          code,
          description: summary.statusDescription,
          at: statusTime(summary.statusTimestamp, { notBefore: original.receivedAt, receivedAt: at }),
          inconsistency,
        },
      },
    };
  }

  /**
   * The document a status answers. Recipients' statuses (01…06, 15, 16) name the original sender in
   * ResponseFor/OrganId. A 13 is sent BY the original sender to its recipients, and producers fill
   * ResponseFor/OrganId either way (the SDK's own sample names the recipient): so the document is
   * looked up first under From (who must be its sender), then under ResponseFor/OrganId — a document
   * found only there was sent by someone else, which the caller refuses as STATUS_NOT_ALLOWED.
   */
  async function findAnswered(
    summary: MessageSummary,
    responseFor: NonNullable<MessageSummary['responseFor']>,
    code: string,
  ): Promise<OriginalDocument | null> {
    if (code === '13') {
      const own = await store.findOriginal(summary.fromOrganId, responseFor.documentId);
      if (own || responseFor.organId === summary.fromOrganId) return own;
    }
    return store.findOriginal(responseFor.organId, responseFor.documentId);
  }

  function receiptOf(
    id: string,
    summary: MessageSummary,
    routes: readonly RecipientRoute[],
    findings: Finding[],
  ): Receipt {
    return {
      id,
      kind: summary.kind,
      documentId: summary.documentId,
      duplicate: false,
      findings,
      recipients: routes.map((r) =>
        r.kind === 'local'
          ? {
              organId: r.organId,
              state: 'queued',
              ...(r.recipientOrganId !== r.organId ? { deliveredTo: r.recipientOrganId } : {}),
              ...(r.reason ? { reason: r.reason } : {}),
            }
          : { organId: r.organId, state: 'unroutable', reason: r.reason },
      ),
    };
  }

  /** The first receipt of these bytes, for a node that serves their sender only. */
  function firstReceiptFor(
    node: NodeIdentity,
    first: { receipt: Receipt; fromOrganId: string } | null,
  ): Receipt | null {
    if (!first || !node.organIds.includes(first.fromOrganId)) return null;
    return { ...first.receipt, duplicate: true };
  }

  async function duplicateFor(node: NodeIdentity, sha256: string): Promise<Receipt | null> {
    return firstReceiptFor(node, await store.findDuplicate(sha256));
  }

  async function submit(node: NodeIdentity, bytes: Uint8Array): Promise<HubResult<Receipt>> {
    if (bytes.byteLength > deps.maxPackageBytes) {
      return refuse('PAYLOAD_TOO_LARGE', `The package is larger than ${deps.maxPackageBytes} bytes.`);
    }
    const sha256 = sha256Hex(bytes);
    const accepted = await accept(node, bytes, sha256);
    if (accepted.ok) return accepted;
    // The same bytes sent again get the first receipt, even when they would be refused today
    // (a certificate revoked since, a directory change). The look-up is made here, on the way out,
    // instead of before the checks: a resend is rare, a round trip per package is not, and the
    // accepting write itself refuses to store the same bytes twice (it reports `duplicate`).
    const duplicate = await duplicateFor(node, sha256);
    return duplicate ? { ok: true, value: duplicate } : accepted;
  }

  async function accept(node: NodeIdentity, bytes: Uint8Array, sha256: string): Promise<HubResult<Receipt>> {
    const parsed = deps.parse(bytes);
    if (!parsed.ok)
      return refuse(parsed.code, 'The package was refused by the edXML codec.', parsed.findings);
    const summary = summarize(parsed.message);
    const at = deps.now();

    const signature = await checkSignature(node, bytes, summary, at);
    if (!signature.ok) return signature;
    if (!node.organIds.includes(summary.fromOrganId)) return senderNotServed(summary);

    const planned = await plan(summary, at);
    if (!planned.ok) return planned;
    const { routes, findings: planFindings, ...effects } = planned.value;
    const findings = [...parsed.findings, ...signature.value.findings, ...planFindings];
    const id = randomUUID();
    const receipt = receiptOf(id, summary, routes, findings);
    if (!routes.some((r) => r.kind === 'local')) {
      return refuse(
        'NO_ROUTABLE_RECIPIENT',
        'None of the recipients can be reached through this hub.',
        findings,
        {
          recipients: receipt.recipients,
        },
      );
    }

    const stored = await store.insertAccepted({
      id,
      node,
      bytes,
      sha256,
      summary,
      verdict: signature.value.verdict,
      routes,
      receivedAt: at,
      receipt,
      ...effects,
    });
    if (!stored.inserted) {
      if (stored.reason === 'duplicate') {
        // The same bytes were accepted first (a resend, or a concurrent identical send).
        const first = firstReceiptFor(node, stored.first);
        if (first) return { ok: true, value: first };
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
    deps.notifier.notify(routes.flatMap((r) => (r.kind === 'local' ? [r.nodeId] : [])));
    return { ok: true, value: receipt };
  }

  async function inbox(node: NodeIdentity, query: InboxQuery): Promise<InboxItem[]> {
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
    authenticate: (token) => store.findNodeByToken(token),
    submit,
    inbox,
    async fetch(node, messageId) {
      const found = await store.messageFor(node, messageId);
      return found ? { ok: true, value: found } : notFound(messageId);
    },
    async ack(node, messageId) {
      const result = await store.ack(node.id, messageId, deps.now());
      return result ? { ok: true, value: result } : notFound(messageId);
    },
    async trace(node, messageId) {
      const trace = await store.trace(node, messageId);
      return trace ? { ok: true, value: trace } : notFound(messageId);
    },
    async traceByDocument(node, documentId) {
      return { ok: true, value: await store.traceByDocument(node, documentId) };
    },
  };
}
