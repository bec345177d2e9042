import type { ForwardedFrom, ForwardRecipient } from './forwarding.ts';
import type { HubResult } from './hub-failure.ts';
import type { PeerHop } from './peer-receipt.ts';
import type { RequestLimits } from './request-limits.ts';

export type { HubFailure, HubResult } from './hub-failure.ts';

import type { InboxItem, MessageTrace, NodeIdentity, Receipt } from './hub-types.ts';

/** What the hub accepts, for the edges: they stop reading a body past the size, and apply the limits. */
export interface HubLimits {
  readonly maxPackageBytes: number;
  /** Request rate, uploads in flight and failed authentications (absent: not limited, tests). */
  readonly requests?: RequestLimits;
}

/** The exact bytes of a message as it was received. */
export interface StoredBytes {
  readonly id: string;
  readonly kind: 'package' | 'status';
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** For a peer hub pulling it: the hops (this hub last) and the recipients it becomes responsible for. */
  readonly handOver?: { readonly hops: readonly string[]; readonly recipients: readonly ForwardRecipient[] };
}

/** What an edge knows about a submission besides its bytes. */
export interface SubmitOptions {
  /**
   * What the caller says the bytes are (the VXP `messagetype`): refused with VXP_MESSAGETYPE_MISMATCH
   * when the codec reads otherwise (a status filed as a document would never be looked for).
   */
  readonly declaredKind?: 'package' | 'status';
  /** A peer hub hands the message over: its first id, its hops, the recipients it names. */
  readonly forward?: ForwardedFrom;
}

/** Options of an inbox read. */
export interface InboxQuery {
  /** At most this many items (1..500). */
  readonly limit: number;
  /** Long-poll: wait up to this many milliseconds for a first item when the inbox is empty (0..30 000). */
  readonly waitMs: number;
  /** Only packages or only statuses; both when absent. */
  readonly kind?: 'package' | 'status';
}

/**
 * What the edges (node API, VXP API) call. One implementation (`createHubService`) carries the
 * pipeline of the architecture page; the edges only translate wire formats and statuses.
 */
export interface HubService {
  /** What the hub accepts, for the edges' transport limits (they stop reading a body past it). */
  readonly limits: HubLimits;
  /**
   * The node a bearer token belongs to, over this connection: AUTH_REQUIRED for an unknown or
   * revoked token, CLIENT_CERT_REQUIRED when the node has TLS client certificates registered and
   * the connection did not present one of them (`presentedCertificate`: SHA-256 of the TLS peer's
   * certificate, or null).
   */
  authenticate(token: string | null, presentedCertificate: string | null): Promise<HubResult<NodeIdentity>>;
  /** The checks of src/hub/accept-checks.ts in their order, then one atomic write. */
  submit(node: NodeIdentity, bytes: Uint8Array, options?: SubmitOptions): Promise<HubResult<Receipt>>;
  /** The node's undelivered messages, most urgent first, then oldest. */
  inbox(node: NodeIdentity, query: InboxQuery): Promise<InboxItem[]>;
  /** Exact bytes, for the sender or a recipient of the message only. */
  fetch(node: NodeIdentity, messageId: string): Promise<HubResult<StoredBytes>>;
  /**
   * The recipient node confirms it stored the message. Idempotent. A peer hub that pulled it names
   * itself and when it accepted (`hop`): its deliveries become `forwarded`, not `delivered`.
   */
  ack(
    node: NodeIdentity,
    messageId: string,
    hop?: PeerHop,
  ): Promise<HubResult<{ readonly changed: boolean }>>;
  /** Per recipient: delivery state, timestamps, business statuses. Recipients see only their part. */
  trace(node: NodeIdentity, messageId: string): Promise<HubResult<MessageTrace>>;
  /** Traces of the messages the node's organizations sent with this DocumentId. */
  traceByDocument(node: NodeIdentity, documentId: string): Promise<HubResult<MessageTrace[]>>;
}
