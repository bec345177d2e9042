import { randomBytes } from 'node:crypto';
import { civilDateAt, isOrganId } from '../../routing/index.ts';
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
import { clientCertificateRefusal } from '../client-certificate.ts';
import { createContactNoter } from '../contact-noter.ts';
import { type HubResult, refuse, success } from '../hub-failure.ts';
import type { HubService } from '../hub-service.ts';
import type { NodeIdentity } from '../hub-types.ts';
import { identityOf } from '../node-identity.ts';
import { ipAllowed } from './ip-allow-list.ts';
import { agencyOf } from './vxp-agencies.ts';
import type {
  VxpAgencyChange,
  VxpCredentials,
  VxpMessageKind,
  VxpSentItem,
  VxpService,
  VxpSystem,
} from './vxp-service.ts';

/** What the VXP service is built from. */
export interface VxpServiceDeps {
  /** The hub's database (the same one the node API's service uses). */
  readonly db: Db;
  /** The hub's accept/fetch/ack pipeline: VXP calls go through exactly what /v1 uses. */
  readonly service: HubService;
  /** Current time (which organizations have ceased). Default `() => new Date()`. */
  readonly now?: () => Date;
}

const notFound = (docId: string) => refuse('MESSAGE_NOT_FOUND', `No message ${docId} for this system.`);

const storeKind = (kind: VxpMessageKind) => (kind === 'edoc' ? 'package' : 'status');

function agencyChange(outcome: VxpAgencyRequestOutcome, code: string): HubResult<VxpAgencyChange> {
  switch (outcome.kind) {
    case 'filed':
      return success({ state: 'pending-approval' });
    case 'unchanged':
      return success({ state: 'unchanged' });
    case 'served-by-other':
      return refuse('ORG_SERVED_BY_OTHER_NODE', `${code} is served by another system of this hub.`);
    case 'not-served':
      return refuse('VXP_AGENCY_NOT_SERVED', `${code} is not an agency this system serves.`);
  }
}

/**
 * Checked in place of a secret when the systemid names no system: an HMAC nobody can produce, so
 * an unknown id costs the same work and gets the same answer as a wrong signature.
 */
const NO_SYSTEM_SECRET = randomBytes(32).toString('base64url');
const BAD_SIGNATURE = 'XroadVnpt-hash-header does not match the sign-header and the system secret';

/**
 * The rule of VxpService.authenticate, given the system the call names (null: none, or disabled).
 * An unknown or disabled systemid is answered exactly like a bad signature (VXP_BAD_SIGNATURE):
 * the answer never tells a stranger which system ids exist.
 */
export function checkVxpCredentials(system: VxpSystem | null, call: VxpCredentials): HubResult<VxpSystem> {
  const signature = call.verify(system?.secret ?? NO_SYSTEM_SECRET);
  if (system === null) {
    return refuse(
      'VXP_BAD_SIGNATURE',
      signature?.code === 'VXP_BAD_SIGNATURE' ? signature.message : BAD_SIGNATURE,
    );
  }
  if (signature) return refuse(signature.code, signature.message);
  if (!ipAllowed(system.ipAllowList, call.remoteAddress)) {
    return refuse('VXP_IP_NOT_ALLOWED', 'this address may not call as this system');
  }
  const certificate = clientCertificateRefusal(system, call.presentedCertificate);
  if (certificate) return refuse('VXP_CLIENT_CERT_REQUIRED', certificate.message);
  return success(system);
}

/**
 * The VXP service over the real hub: the accept pipeline, fetch and acknowledgement of `service`
 * (the same calls the node API makes, so both APIs see the same messages), and the store for what
 * only VXP has (secrets, inbox per message, fail reports, remarks, sent lists, agency requests).
 * Every call is scoped to the authenticated node.
 */
export function createVxpService(deps: VxpServiceDeps): VxpService {
  const { db, service } = deps;
  const now = deps.now ?? (() => new Date());
  const noteContact = createContactNoter(db);

  /** The node as the hub pipeline sees it, read fresh: a directory change applies to the next call. */
  async function identity(nodeId: string): Promise<NodeIdentity | null> {
    const node = await getNode(db, nodeId);
    return node === null ? null : identityOf(node);
  }

  async function findSystem(systemId: string): Promise<VxpSystem | null> {
    const system = await getVxpSystem(db, systemId);
    if (system === null || system.disabledAt !== null) return null;
    return {
      systemId,
      nodeId: system.nodeId,
      secret: system.secret,
      ipAllowList: system.ipAllowList,
      agencyPolicy: system.agencyPolicy,
      clientCertificates: system.clientCertificates,
      limits: system.limits,
    };
  }

  const gone = () => refuse('VXP_UNKNOWN_SYSTEM', 'This system is no longer registered on the hub.');

  return {
    limits: service.limits,

    async authenticate(call) {
      const result = checkVxpCredentials(await findSystem(call.systemId), call);
      // The console's "last contact" of a VXP system: written at most every 30 s; never fails the call.
      if (result.ok) {
        noteContact(result.value.nodeId, now()).catch(() => {});
      }
      return result;
    },

    async submit(submission) {
      const node = await identity(submission.nodeId);
      if (node === null) return gone();
      // The signed messagetype must say what the bytes are: the receiver lists documents and statuses
      // separately, so a status filed as a document would never be looked for.
      const result = await service.submit(node, submission.bytes, {
        declaredKind: submission.messageType === 'edoc' ? 'package' : 'status',
      });
      if (!result.ok) return result;
      return success({ messageId: result.value.id, duplicate: result.value.duplicate });
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
      if (!result.ok) return result;
      return success({ alreadyAcknowledged: !result.value.changed });
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
      return result === null ? notFound(docId) : success(result);
    },

    async recordTransportRemark(nodeId, docId, remark) {
      const result = await recordVxpRemark(db, {
        nodeId,
        messageId: docId,
        word: remark.word,
        at: remark.at,
        actor: `node:${nodeId}`,
      });
      return result === null ? notFound(docId) : success(null);
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
      const entries = await listVxpDirectory(db, civilDateAt(now()));
      return entries
        .map(agencyOf)
        .filter(
          (a) =>
            (query.includeDeleted || !a.deleted) && (query.level === undefined || a.level === query.level),
        );
    },

    async registerAgency(nodeId, request, at) {
      if (!isOrganId(request.code)) {
        return refuse(
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
