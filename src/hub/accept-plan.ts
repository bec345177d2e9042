import type { Finding } from '../core/index.ts';
import type { MessageSummary } from '../edxml/index.ts';
import { edxmlTimestampToDate } from '../edxml/index.ts';
import { type DirectorySnapshot, planRoutes, type RoutePlan, type RouteTarget } from '../routing/index.ts';
import type { ForwardedFrom } from './forwarding.ts';
import { type HubResult, refuse, success } from './hub-failure.ts';
import type { AcceptedMessage, HubStore, OriginalDocument } from './hub-store.ts';
import type { NodeIdentity } from './hub-types.ts';
import { statusInconsistency } from './status-consistency.ts';

/** What goes with a message besides its deliveries: a status record, or a revocation. */
export type PlannedEffects = Pick<AcceptedMessage, 'businessStatus' | 'revokeOriginalId'>;

/** Where a message goes and what it changes, with the warnings found on the way. */
export interface MessagePlan {
  readonly plan: RoutePlan;
  readonly effects: PlannedEffects;
  readonly findings: readonly Finding[];
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

/** The message's circumstances that decide its plan. */
export interface PlanContext {
  readonly at: Date;
  /** The node that handed it over (a peer hub: its recipients may be limited by `forward`). */
  readonly node: NodeIdentity;
  readonly forward?: ForwardedFrom | undefined;
}

/**
 * The recipients of a message and its side effects, from the directory at `at`: a package goes to
 * its To list (a revoke also takes back the original's undelivered deliveries); a status goes to the
 * original's sender (a 13 to every recipient of the original) and is recorded on the original's trace.
 * A message a peer hub forwarded goes only to the recipients that hop made this hub responsible for,
 * and never back to that hub.
 */
export async function planEffects(
  store: HubStore,
  directory: DirectorySnapshot,
  summary: MessageSummary,
  context: PlanContext,
): Promise<HubResult<MessagePlan>> {
  const { at, node, forward } = context;
  const fromPeer = node.kind !== 'system';
  const cameFrom = fromPeer ? node.id : undefined;
  const given = forward?.recipients ?? null;
  /** The hop's own recipients when it named them, else `natural`. */
  const route = (natural: readonly string[]) =>
    planRoutes(
      directory,
      given === null
        ? natural
        : given.map((r): RouteTarget => ({ addressed: r.addressed, from: r.recipient })),
      {
        at,
        cameFrom,
      },
    );
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
    const notAddressed = given?.find((r) => !summary.toOrganIds.includes(r.addressed));
    if (notAddressed) {
      return refuse(
        'FORWARD_RECIPIENT_NOT_ADDRESSED',
        `Lienthong-Recipients names ${notAddressed.addressed}, which the package does not address.`,
        [],
        { organId: notAddressed.addressed },
      );
    }
    const effects = revokeOriginalId ? { revokeOriginalId } : {};
    return success({ plan: route(summary.toOrganIds), effects, findings });
  }

  const responseFor = summary.responseFor;
  const code = summary.statusCode ?? '';
  const original = responseFor ? await findAnswered(store, summary, responseFor, code) : null;
  if (responseFor && !original && fromPeer) {
    // A status relayed by another hub about a document that travelled another way: carried on to
    // where it is addressed; the hub where the document is known records it.
    findings.push({
      code: 'ORIGINAL_UNKNOWN',
      severity: 'warning',
      path: 'edXMLEnvelope/edXMLHeader/ResponseFor/DocumentId',
      message: `The document ${responseFor.documentId} this status answers was not carried by this hub; relayed as addressed.`,
    });
    return success({ plan: route([responseFor.organId]), effects: {}, findings });
  }
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
    return success({ plan: route(original.recipientOrganIds), effects: {}, findings });
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
  return success({
    plan: route([original.senderOrganId]),
    findings,
    effects: {
      businessStatus: {
        originalMessageId: original.messageId,
        recipientOrganId: summary.fromOrganId,
        code,
        description: summary.statusDescription,
        at: statusTime(summary.statusTimestamp, { notBefore: original.receivedAt, receivedAt: at }),
        inconsistency,
      },
    },
  });
}

/**
 * The document a status answers. Recipients' statuses (01…06, 15, 16) name the original sender in
 * ResponseFor/OrganId. A 13 is sent BY the original sender to its recipients, and producers fill
 * ResponseFor/OrganId either way (the SDK's own sample names the recipient): so the document is
 * looked up first under From (who must be its sender), then under ResponseFor/OrganId — a document
 * found only there was sent by someone else, which the caller refuses as STATUS_NOT_ALLOWED.
 */
async function findAnswered(
  store: HubStore,
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
