import type { HubResult } from '../hub-failure.ts';
import type { HubLimits } from '../hub-service.ts';
import type { NodeLimits } from '../hub-types.ts';

/*
 * The VXP service: everything the VXP edge (src/adapters/vxp) needs from the hub, in the SDK's
 * terms. createVxpService implements it over the accept pipeline and the store; the edge never
 * touches a database, queue or edXML parser itself. Every method is scoped to the calling node: the
 * edge passes the node id it authenticated, and the hub never lets one node read, acknowledge or see
 * another node's data (invariant 5).
 *
 * Conventions:
 *   - refusals are returned as HubResult failures (the hub's one failure shape), never thrown; a
 *     throw means a fault (database down, ...) and the edge answers VXP_INTERNAL without its text;
 *   - `code` is a stable code from the hub's registry (EDXML_*, SENDER_NOT_SERVED, ...); the edge
 *     maps it into ErrorCode/ErrorDesc once (src/adapters/vxp/envelope.ts);
 *   - `message` is shown to the caller: no secrets, no package bytes, no other node's data;
 *   - ids are ASCII strings (they travel in HTTP headers and in US-ASCII-decoded JSON).
 */

/** The SDK's `MessageType`: documents (edoc) or status packages (status). */
export type VxpMessageKind = 'edoc' | 'status';

/** What a system may do with registerAgency / deleteAgency. */
export type VxpAgencyPolicy =
  /** Default: both are refused with VXP_AGENCY_POLICY_REFUSED. */
  | 'refuse'
  /** Both are accepted as requests that wait for operator approval. */
  | 'pending-approval';

/** A VXP system: a node that connects with the SDK's XroadVnpt-* HMAC instead of a bearer token. */
export interface VxpSystem {
  /** The systemId configured in the SDK's VnptProperties. */
  readonly systemId: string;
  /** The hub node this system is (by convention the same string as `systemId`). */
  readonly nodeId: string;
  /** The shared secret of the HMAC, as configured in VnptProperties (UTF-8 text). Never logged. */
  readonly secret: string;
  /**
   * Addresses the system may call from: IPv4/IPv6 addresses or CIDR blocks (`10.1.2.0/24`). Empty:
   * any address. The XroadVnpt scheme allows replay (frozen timestamp), so operators should set it.
   */
  readonly ipAllowList: readonly string[];
  readonly agencyPolicy: VxpAgencyPolicy;
  /** SHA-256 of the node's TLS client certificates; when there are any, calls must present one (src/hub/client-certificate.ts). */
  readonly clientCertificates: readonly string[];
  /** The node's own request limits; absent: the hub's defaults. */
  readonly limits?: NodeLimits;
}

/** What a VXP call presents to be recognised. */
export interface VxpCredentials {
  /** The signed `systemid`. */
  readonly systemId: string;
  /** Checks the request's HMAC with the system's secret: null when it verifies, else the refusal. */
  readonly verify: (secret: string) => { readonly code: string; readonly message: string } | null;
  /** The caller's address (after LIENTHONG_TRUST_PROXY, when set). */
  readonly remoteAddress: string;
  /** SHA-256 of the TLS client certificate the connection presented, or null. */
  readonly presentedCertificate: string | null;
}

/** A package handed in through sendEdoc. */
export interface VxpSubmission {
  readonly nodeId: string;
  readonly systemId: string;
  /** The exact package bytes (body minus the SDK's trailing CRLF), already checked against hash-file. */
  readonly bytes: Uint8Array;
  /**
   * The signed `messagetype`. The hub compares it with what the bytes are (document or status package)
   * and refuses a mismatch with a code of its own.
   */
  readonly messageType: VxpMessageKind;
  /** The signed `from` header, advisory: the sender is the edXML From, which the hub checks. */
  readonly declaredFrom: string | undefined;
  /** The signed `to` header decoded from its JSON text, advisory: recipients come from the edXML To. */
  readonly declaredTo: readonly string[];
  /** The SDK's hash-file as signed (for the trace; the adapter has already checked it). */
  readonly hashFile: string;
  readonly receivedAt: Date;
  readonly remoteAddress: string;
}

/** The hub accepted the package (or had accepted exactly these bytes from this node before). */
export interface VxpSubmitAccepted {
  /** The message id, returned as DocId. The same bytes sent again by the same node give the same id. */
  readonly messageId: string;
  /** True when nothing new was created because these bytes were already accepted (blind resend). */
  readonly duplicate: boolean;
}

/** One message waiting for the calling node. */
export interface VxpInboxItem {
  /** The id the node passes to getEdoc / downloadEdoc / updateStatus for this message. */
  readonly docId: string;
  readonly kind: VxpMessageKind;
  /** edXML Priority: 0 normal … 4 urgent with deadline ("hỏa tốc"). */
  readonly priority: number;
  readonly fromOrganId: string;
  /** The recipient organization served by the calling node. */
  readonly toOrganId: string;
  /** When the hub accepted the message. */
  readonly receivedAt: Date;
  /** Last change on this delivery (a failure report, a remark); `receivedAt` when none. */
  readonly updatedAt: Date;
  /** How many times the node reported `fail` for it (0 for a new message). */
  readonly failures: number;
}

/** A delivery state of the hub (architecture, "Data"). */
export type VxpDeliveryState =
  | 'queued'
  | 'sending'
  | 'delivered'
  | 'retrying'
  | 'failed'
  | 'revoked'
  | 'forwarded';

/** One recipient of a message the calling node sent. */
export interface VxpSentItem {
  /** The message id sendEdoc returned. */
  readonly senderDocId: string;
  /** The id the recipient's node uses for its copy, when the hub uses a distinct one. */
  readonly receiverDocId?: string;
  readonly kind: VxpMessageKind;
  readonly fromOrganId: string;
  readonly toOrganId: string;
  /** edXML Subject (documents only). */
  readonly title?: string;
  /** edXML Code as `<CodeNumber>/<CodeNotation>` (documents only). */
  readonly notation?: string;
  readonly sentAt: Date;
  /** When the recipient's node took it (acknowledged, or a webhook push succeeded). */
  readonly deliveredAt?: Date;
  readonly delivery: VxpDeliveryState;
  /** The latest business status the recipient sent back (edXML StatusCode 01 … 16). */
  readonly businessStatus?: { readonly code: string; readonly at: Date };
}

/** One organization of the hub's directory, as the VXP directory calls show it. */
export interface VxpAgency {
  /** Stable id of the directory entry (the organ id is fine). */
  readonly id: string;
  /** The `id` of the parent entry; absent at the top. */
  readonly parentId?: string;
  /** The organ id (mã định danh, QĐ 20/2020). */
  readonly code: string;
  readonly name: string;
  readonly mail?: string;
  /** The identifier the organization had before QĐ 20/2020 (QCVN 102 era), when the directory knows one. */
  readonly oldCode?: string;
  /** Administrative level: 1 central, 2 province, 3 district, 4 commune, 5 unit below. */
  readonly level?: number;
  /** The code of the system or hub that serves it (getSynchronizeUnit `centerCode`). */
  readonly centerCode?: string;
  readonly modifiedAt: Date;
  /** Increases with every change of the entry (getSynchronizeUnit `version`, an integer). */
  readonly version: number;
  readonly deleted: boolean;
  /** False for entries that only group others and cannot receive documents. */
  readonly isAgency: boolean;
}

/** A registerAgency body, as the SDK examples send it. */
export interface VxpAgencyRequest {
  /** Empty to create; an existing id to update. */
  readonly id?: string;
  readonly parentCode?: string;
  readonly code: string;
  readonly name: string;
  readonly mail?: string;
  readonly mobile?: string;
  readonly fax?: string;
}

/** The outcome of an allowed agency request. */
export interface VxpAgencyChange {
  /** `pending-approval` until an operator approves; `unchanged` for a repeat of the same request. */
  readonly state: 'pending-approval' | 'unchanged';
}

export interface VxpService {
  /** What the hub accepts (the same limits as the node API's). */
  readonly limits: HubLimits;

  /**
   * The VXP system a call comes from, checked in order: its HMAC verifies with its secret (`verify`
   * answers the edge's code; a system that does not exist or is disabled fails here the same way,
   * VXP_BAD_SIGNATURE, so the answer reveals no system id),
   * the caller's address is on its allow-list (VXP_IP_NOT_ALLOWED), and the connection presented one
   * of its TLS client certificates when it has any (VXP_CLIENT_CERT_REQUIRED).
   */
  authenticate(call: VxpCredentials): Promise<HubResult<VxpSystem>>;

  /**
   * Runs the hub's accept pipeline on the bytes exactly as the node API does (size, codec, signature
   * policy, sender served, signer binding, routing, one transaction). Idempotent: the same bytes from
   * the same node return the first message id with `duplicate: true` and create nothing.
   */
  submit(submission: VxpSubmission): Promise<HubResult<VxpSubmitAccepted>>;

  /**
   * Messages of this kind waiting for the node (not acknowledged, not given up), most urgent first,
   * then oldest first; at most `limit`.
   */
  listPending(
    nodeId: string,
    query: { readonly kind: VxpMessageKind; readonly limit: number },
  ): Promise<readonly VxpInboxItem[]>;

  /** How many messages of this kind wait for the node (what listPending would list without a limit). */
  countPending(nodeId: string, kind: VxpMessageKind): Promise<number>;

  /**
   * The exact bytes of a message addressed to the node (pending or already acknowledged), or null when
   * there is no such message for this node. The hub may record a `fetched` event.
   */
  getMessageBytes(nodeId: string, docId: string): Promise<Uint8Array | null>;

  /**
   * The node took the message (`updateStatus` with `done`): the delivery becomes delivered and leaves
   * the pending list. Idempotent: acknowledging again succeeds with `alreadyAcknowledged: true`.
   */
  acknowledge(
    nodeId: string,
    docId: string,
    at: Date,
  ): Promise<HubResult<{ readonly alreadyAcknowledged: boolean }>>;

  /**
   * The node could not take the message (`updateStatus` with `fail`). The hub records an event and
   * keeps offering it; once the node has reported `maxFailures` failures the delivery goes to
   * `failed` (operator attention) and leaves the pending list. A report on an acknowledged message
   * changes nothing and returns `stillOffered: false`.
   */
  reportFailure(
    nodeId: string,
    docId: string,
    report: { readonly reason: string; readonly maxFailures: number; readonly at: Date },
  ): Promise<HubResult<{ readonly failures: number; readonly stillOffered: boolean }>>;

  /**
   * Any other updateStatus word (inbox, acceptance, processing, ...): recorded on the trace as the
   * system's own transport remark. It is NOT a business status (those travel as status packages) and
   * changes no delivery state.
   */
  recordTransportRemark(
    nodeId: string,
    docId: string,
    remark: { readonly word: string; readonly at: Date },
  ): Promise<HubResult<null>>;

  /**
   * Per recipient, the messages the node sent: of one message when `docId` is given (null when the
   * node sent no message with that id), else the most recent ones, at most `limit` rows.
   */
  listSent(
    nodeId: string,
    query: { readonly docId?: string; readonly kind?: VxpMessageKind; readonly limit: number },
  ): Promise<readonly VxpSentItem[] | null>;

  /** The directory. `level` keeps only that level; deleted entries only with `includeDeleted`. */
  listAgencies(query: {
    readonly includeDeleted: boolean;
    readonly level?: number;
  }): Promise<readonly VxpAgency[]>;

  /**
   * Called only when the node's policy allows it: files the agency as served by the node, pending
   * operator approval. Idempotent for a repeat of the same request.
   */
  registerAgency(nodeId: string, request: VxpAgencyRequest, at: Date): Promise<HubResult<VxpAgencyChange>>;

  /**
   * Called only when the node's policy allows it: files a deletion request, pending operator
   * approval, for an agency the node serves. Idempotent.
   */
  deleteAgency(nodeId: string, code: string, at: Date): Promise<HubResult<VxpAgencyChange>>;
}
