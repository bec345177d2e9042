import type { Finding } from '../core/index.ts';
import type { NodeKind } from '../routing/index.ts';
import type { NodeLimits } from '../store/index.ts';

export type { NodeLimits };

/** The node a request was authenticated as. A node acts only for the organizations it serves. */
export interface NodeIdentity {
  /** Node id (for VXP systems: the system id the SDK is configured with). */
  readonly id: string;
  /** `system`: an e-office system; `peer_hub`: a child hub; `parent_hub`: this hub's parent. */
  readonly kind: NodeKind;
  /** Organ ids this node serves (a child hub: those it reported or was given). */
  readonly organIds: readonly string[];
  /** A child hub: the organ-id subtrees it serves besides `organIds`. */
  readonly subtreeRoots: readonly string[];
  /** `require`: packages must carry a valid, trusted, bound signature. `legacy-unsigned`: SDK placeholder signatures are let through and never reported as verified. */
  readonly signaturePolicy: 'require' | 'legacy-unsigned';
  /**
   * SHA-256 (hex, lower case) of the TLS client certificates registered for this node. When there
   * are any, every call must also come over TLS with one of them; none = the credential alone.
   */
  readonly clientCertificates: readonly string[];
  /** The node's own request limits (null: the hub's defaults); enforced by the edges' limit hooks. */
  readonly limits: NodeLimits;
}

/** Per-recipient line of a receipt. */
export interface RecipientReceipt {
  /** The organ id as addressed in the package. */
  readonly organId: string;
  /** `queued` once stored for delivery, `unroutable` when the hub cannot reach it. */
  readonly state: string;
  /** Why it is unroutable, or that it was redirected to a successor. */
  readonly reason?: string;
  /** When the organization was merged: the organ id the package goes to instead. */
  readonly deliveredTo?: string;
}

/** What the hub answers a sender once a message is committed. */
export interface Receipt {
  readonly id: string;
  /** The hub that wrote this receipt (LIENTHONG_HUB_ID): on a forward, the next hop. */
  readonly hub?: string;
  /** When this hub accepted the message. */
  readonly receivedAt?: string;
  readonly kind: 'package' | 'status';
  readonly documentId: string;
  readonly duplicate: boolean;
  readonly recipients: readonly RecipientReceipt[];
  /** Warnings from the codec and signature checks (errors refuse the message instead). */
  readonly findings: readonly Finding[];
}

/** A message waiting in a node's inbox. */
export interface InboxItem {
  readonly id: string;
  readonly kind: 'package' | 'status';
  readonly documentId: string;
  readonly fromOrganId: string;
  readonly toOrganId: string;
  readonly priority: number;
  readonly statusCode: string | null;
  readonly receivedAt: string;
  readonly sha256: string;
  readonly size: number;
}

/** One business status a recipient sent about a document. */
export interface BusinessStatusEntry {
  readonly code: string;
  /** The code's Vietnamese name (01 'Đã đến' … 16), for the staff who read the trace. */
  readonly nameVi?: string;
  /** When the agency says it happened: the status Timestamp (never later than `receivedAt`). */
  readonly at: string;
  /** When the hub received the status package. */
  readonly receivedAt: string;
  readonly statusMessageId: string;
  /** True when the code does not follow from the ones before (e.g. 06 after 02). */
  readonly inconsistent: boolean;
  /** Why the hub flagged it (with `inconsistent`). */
  readonly note?: string;
  /** The status package's Description, in the agency's words (e.g. why a 02 refused). */
  readonly description?: string | null;
}

/** One delivery event (state change or transport remark). */
export interface TraceEvent {
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** One hub a forwarded delivery passed after this one, as the next hubs reported it. */
export interface HopTrace {
  readonly hub: string;
  readonly acceptedAt: string | null;
  readonly deliveredAt: string | null;
}

/** The life of one message towards one recipient. */
export interface DeliveryTrace {
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
  readonly nodeId: string | null;
  readonly state: string;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly updatedAt: string;
  /** How the delivered state was reached: `ack` by the recipient node, `webhook` push, `peer` (the final hub reported it), or null. */
  readonly deliveredBy: string | null;
  /** local, child-hub or parent-hub: whether `nodeId` is a system of this hub or the next hub. */
  readonly route: string;
  /** The hubs beyond this one, in order (empty for a local delivery). */
  readonly hops: readonly HopTrace[];
  readonly statuses: readonly BusinessStatusEntry[];
  readonly events: readonly TraceEvent[];
}

/** Trace of one message for its sender (all recipients) or a recipient (its own part). */
export interface MessageTrace {
  readonly id: string;
  /** The hub answering (LIENTHONG_HUB_ID). */
  readonly hub: string;
  /** Hubs the message passed before this one, in order (empty at the hub it was first sent to). */
  readonly path: readonly string[];
  readonly kind: 'package' | 'status';
  readonly documentId: string;
  readonly fromOrganId: string;
  readonly businessType: number | null;
  readonly statusCode: string | null;
  readonly receivedAt: string;
  readonly sha256: string;
  readonly deliveries: readonly DeliveryTrace[];
}
