import type { HubFailure, HubService } from '../../hub/hub-service.ts';
import type { NodeIdentity } from '../../hub/hub-types.ts';
import { isOrganId } from '../../routing/index.ts';
import {
  countVxpPending,
  type Db,
  getNode,
  getVxpSystem,
  isMessageId,
  listVxpDirectory,
  listVxpPending,
  listVxpSent,
  recordVxpRemark,
  reportVxpFailure,
  requestVxpAgency,
  type VxpAgencyRequestOutcome,
} from '../../store/index.ts';
import { agencyOf, vietnamDay } from './hub-agencies.ts';
import { packageKindOf } from './package-kind.ts';
import type {
  VxpAgencyChange,
  VxpMessageKind,
  VxpPort,
  VxpPortFailure,
  VxpSentItem,
  VxpSystem,
} from './vxp-port.ts';

/** What the hub-backed port is built from. */
export interface HubVxpPortDeps {
  /** The hub's database (the same one the node API's service uses). */
  readonly db: Db;
  /** The hub's accept/fetch/ack pipeline: VXP calls go through exactly what /v1 uses. */
  readonly service: HubService;
  /** Current time (which organizations have ceased). Default `() => new Date()`. */
  readonly now?: () => Date;
}

const fail = (code: string, message: string): VxpPortFailure => ({ ok: false, code, message });

const notFound = (docId: string) => fail('MESSAGE_NOT_FOUND', `No message ${docId} for this system.`);

const storeKind = (kind: VxpMessageKind) => (kind === 'edoc' ? 'package' : 'status');

/**
 * The hub's refusal as a VXP ErrorDesc: the hub's sentence, then the first error finding (where and
 * what) or, for unroutable recipients, why each one is. Findings carry element paths and organ ids,
 * never package bytes.
 */
export function describeHubFailure(error: HubFailure): string {
  const parts = [error.message];
  const finding = error.findings.find((f) => f.severity === 'error');
  if (finding) parts.push(`${finding.code} at ${finding.path}: ${finding.message}`);
  const recipients = error.details?.['recipients'];
  if (Array.isArray(recipients)) {
    for (const r of recipients as Array<{ organId?: unknown; reason?: unknown }>) {
      if (typeof r.organId === 'string') parts.push(`${r.organId}: ${String(r.reason ?? 'unroutable')}`);
    }
  }
  return parts.join(' ');
}

function agencyChange(outcome: VxpAgencyRequestOutcome, code: string): VxpAgencyChange | VxpPortFailure {
  switch (outcome.kind) {
    case 'filed':
      return { ok: true, state: 'pending-approval' };
    case 'unchanged':
      return { ok: true, state: 'unchanged' };
    case 'served-by-other':
      return fail('ORG_SERVED_BY_OTHER_NODE', `${code} is served by another system of this hub.`);
    case 'not-served':
      return fail('VXP_AGENCY_NOT_SERVED', `${code} is not an agency this system serves.`);
  }
}

/**
 * The VxpPort over the real hub: the accept pipeline, fetch and acknowledgement of `service` (the
 * same calls the node API makes, so both APIs see the same messages), and the store for what only
 * VXP has (secrets, inbox per message, fail reports, remarks, sent lists, agency requests). Every
 * call is scoped to the authenticated node.
 */
export function createHubVxpPort(deps: HubVxpPortDeps): VxpPort {
  const { db, service } = deps;
  const now = deps.now ?? (() => new Date());

  /** The node as the hub pipeline sees it, read fresh: a directory change applies to the next call. */
  async function identity(nodeId: string): Promise<NodeIdentity | null> {
    const node = await getNode(db, nodeId);
    return node === null
      ? null
      : {
          id: node.id,
          organIds: node.organizations,
          signaturePolicy: node.signaturePolicy,
          clientCertificates: node.clientCertificates,
        };
  }

  const gone = () => fail('VXP_UNKNOWN_SYSTEM', 'This system is no longer registered on the hub.');

  return {
    async findSystem(systemId): Promise<VxpSystem | null> {
      const system = await getVxpSystem(db, systemId);
      if (system === null || system.disabledAt !== null) return null;
      return {
        systemId,
        nodeId: system.nodeId,
        secret: system.secret,
        ipAllowList: system.ipAllowList,
        agencyPolicy: system.agencyPolicy,
        clientCertificates: system.clientCertificates,
      };
    },

    async submit(submission) {
      const node = await identity(submission.nodeId);
      if (node === null) return gone();
      // The signed messagetype must say what the bytes are: the receiver lists documents and statuses
      // separately, so a status filed as a document would never be looked for.
      const kind = packageKindOf(submission.bytes);
      if (kind !== undefined && kind !== submission.messageType) {
        return fail(
          'VXP_MESSAGETYPE_MISMATCH',
          `messagetype is ${submission.messageType} but the package is ${kind === 'edoc' ? 'a document' : 'a status'}.`,
        );
      }
      const result = await service.submit(node, submission.bytes);
      if (!result.ok) return fail(result.error.code, describeHubFailure(result.error));
      return { ok: true, messageId: result.value.id, duplicate: result.value.duplicate };
    },

    async listPending(nodeId, query) {
      const entries = await listVxpPending(db, { nodeId, kind: storeKind(query.kind), limit: query.limit });
      return entries.map((e) => ({
        docId: e.messageId,
        kind: query.kind,
        priority: e.priority,
        fromOrganId: e.senderOrganId,
        // One row per document: a document for several organizations of this system names the first;
        // the package's To elements list them all.
        toOrganId: e.recipientOrganIds[0] ?? '',
        receivedAt: e.receivedAt,
        updatedAt: e.updatedAt,
        failures: e.failures,
      }));
    },

    countPending: (nodeId, kind) => countVxpPending(db, nodeId, storeKind(kind)),

    async getMessageBytes(nodeId, docId) {
      if (!isMessageId(docId)) return null;
      const node = await identity(nodeId);
      if (node === null) return null;
      const found = await service.fetch(node, docId);
      return found.ok ? found.value.bytes : null;
    },

    async acknowledge(nodeId, docId) {
      if (!isMessageId(docId)) return notFound(docId);
      const node = await identity(nodeId);
      if (node === null) return gone();
      const result = await service.ack(node, docId);
      if (!result.ok) return fail(result.error.code, result.error.message);
      return { ok: true, alreadyAcknowledged: !result.value.changed };
    },

    async reportFailure(nodeId, docId, report) {
      const result = await reportVxpFailure(db, {
        nodeId,
        messageId: docId,
        reason: report.reason,
        maxFailures: report.maxFailures,
        at: report.at,
        actor: `node:${nodeId}`,
      });
      return result === null ? notFound(docId) : { ok: true, ...result };
    },

    async recordTransportRemark(nodeId, docId, remark) {
      const result = await recordVxpRemark(db, {
        nodeId,
        messageId: docId,
        word: remark.word,
        at: remark.at,
        actor: `node:${nodeId}`,
      });
      return result === null ? notFound(docId) : { ok: true };
    },

    async listSent(nodeId, query) {
      const rows = await listVxpSent(db, {
        nodeId,
        messageId: query.docId,
        // A docId names one message: the messagetype the SDK carries over from an earlier call must
        // not hide it.
        kind: query.docId === undefined && query.kind !== undefined ? storeKind(query.kind) : undefined,
        limit: query.limit,
      });
      if (rows === null) return null;
      return rows.map(
        (r): VxpSentItem => ({
          senderDocId: r.messageId,
          kind: r.kind === 'package' ? 'edoc' : 'status',
          fromOrganId: r.senderOrganId,
          toOrganId: r.recipientOrganId,
          ...(r.subject === null ? {} : { title: r.subject }),
          sentAt: r.receivedAt,
          ...(r.deliveredAt === null ? {} : { deliveredAt: r.deliveredAt }),
          delivery: r.state,
          ...(r.businessStatus === null ? {} : { businessStatus: r.businessStatus }),
        }),
      );
    },

    async listAgencies(query) {
      const entries = await listVxpDirectory(db, vietnamDay(now()));
      return entries
        .map(agencyOf)
        .filter(
          (a) =>
            (query.includeDeleted || !a.deleted) && (query.level === undefined || a.level === query.level),
        );
    },

    async registerAgency(nodeId, request, at) {
      if (!isOrganId(request.code)) {
        return fail(
          'VXP_BAD_BODY',
          `code "${request.code.slice(0, 80)}" is not an organ id (1-64 of 0-9 A-Z a-z . _ -, first a letter or digit).`,
        );
      }
      const outcome = await requestVxpAgency(db, {
        nodeId,
        action: 'register',
        organId: request.code,
        parentId: request.parentCode,
        name: request.name,
        mail: request.mail,
        mobile: request.mobile,
        fax: request.fax,
        at,
        actor: `node:${nodeId}`,
      });
      return agencyChange(outcome, request.code);
    },

    async deleteAgency(nodeId, code, at) {
      const outcome = await requestVxpAgency(db, {
        nodeId,
        action: 'delete',
        organId: code,
        at,
        actor: `node:${nodeId}`,
      });
      return agencyChange(outcome, code);
    },
  };
}
