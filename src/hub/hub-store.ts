import type { MessageSummary } from '../edxml/index.ts';
import type { DirectorySnapshot, RoutePlan } from '../routing/index.ts';
import type { ForwardedFrom, ForwardRecipient } from './forwarding.ts';
import type { InboxItem, MessageTrace, NodeIdentity, Receipt, RecipientReceipt } from './hub-types.ts';
import type { PeerHop } from './peer-receipt.ts';

/** The message a status or a revoke/update refers to. */
export interface OriginalDocument {
  readonly messageId: string;
  readonly senderOrganId: string;
  readonly senderNodeId: string;
  readonly businessType: number | null;
  /** Organizations it was delivered to (after successor redirection). */
  readonly recipientOrganIds: readonly string[];
  /** When the hub accepted it (a status about it cannot have happened before). */
  readonly receivedAt: Date;
}

/** Everything written in the accepting transaction. */
export interface AcceptedMessage {
  readonly id: string;
  readonly node: NodeIdentity;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly summary: MessageSummary;
  /** The signature verdict or the legacy-unsigned marker, stored as JSON. */
  readonly verdict: Readonly<Record<string, unknown>>;
  /**
   * Where the recipients go, decided by the hub service from a directory snapshot: one delivery per
   * receiving organization (`plan.deliveries`), each with its route kind and next hop (the node).
   */
  readonly plan: RoutePlan;
  readonly receivedAt: Date;
  /** A status package about an original document: recorded on its trace for the status's sender. */
  readonly businessStatus?: {
    readonly originalMessageId: string;
    readonly recipientOrganId: string;
    readonly code: string;
    /** The status package's Description. */
    readonly description: string | null;
    /** When the agency says it happened: the status Timestamp, between the document's and the status's reception. */
    readonly at: Date;
    readonly inconsistency: string | null;
  };
  /** A revoke (BussinessDocType 1): the original's deliveries not yet delivered become `revoked`. */
  readonly revokeOriginalId?: string;
  /** The receipt to keep with the message, so that a duplicate send gets it back. */
  readonly receipt: Receipt;
  /** A message a peer hub handed over: its id and hops are kept, its recipients named by that hop. */
  readonly forward?: ForwardedFrom | undefined;
}

/**
 * What the hub service needs from storage. The consumer owns this port; `src/store` provides the
 * Postgres implementation (server or embedded). Every write happens in one transaction.
 */
export interface HubStore {
  /** The node a presented bearer token belongs to. */
  findNodeByToken(token: string): Promise<NodeIdentity | null>;
  /**
   * Notes that a node called the hub (the console's "last contact"). Cheap to call on every request:
   * it writes at most once per node every 30 s per process.
   */
  noteContact(nodeId: string, at: Date): Promise<void>;
  /**
   * The directory as the routing and binding rules read it (organizations, nodes, peer hubs,
   * successors, pinned signer certificates), reused for a short time between loads.
   */
  directory(): Promise<DirectorySnapshot>;
  /** The receipt of the same bytes already accepted (whoever sent them) and the From organ id they carry. */
  findDuplicate(sha256: string): Promise<{ receipt: Receipt; fromOrganId: string } | null>;
  /** The package with this DocumentId sent by this organization. */
  findOriginal(senderOrganId: string, documentId: string): Promise<OriginalDocument | null>;
  /** Codes a recipient already sent about a document, and whether a 13 was sent for it. */
  statusHistory(
    originalMessageId: string,
    recipientOrganId: string,
  ): Promise<{ previousCodes: string[]; takeBackRequested: boolean }>;
  /**
   * Message, deliveries, events, outbox, status record and revocations: one transaction.
   * When the same bytes were stored first (or, for a new document, the same sender and DocumentId
   * with other bytes, now or by a concurrent request), nothing is written and the reason is returned
   * (for the same bytes, with the first receipt and who sent it, as {@link findDuplicate} gives them).
   */
  insertAccepted(
    message: AcceptedMessage,
  ): Promise<
    | { inserted: true }
    | { inserted: false; reason: 'duplicate'; first: { receipt: Receipt; fromOrganId: string } | null }
    | { inserted: false; reason: 'conflict'; existingMessageId: string }
    | { inserted: false; reason: 'id-taken' }
  >;
  /**
   * A peer hub handed over a message this hub already holds (a retry, or another part of its
   * recipients): the planned deliveries it does not have yet are added. `absent` when there is no
   * message with that id; `conflict` when the one with that id has other bytes.
   */
  addForwardedDeliveries(
    message: AcceptedMessage & { readonly forward: ForwardedFrom },
  ): Promise<
    | { readonly kind: 'added'; readonly added: number; readonly receipt: Receipt | null }
    | { readonly kind: 'absent' }
    | { readonly kind: 'conflict' }
  >;
  /** Undelivered messages for a node, most urgent first, then oldest. */
  inbox(nodeId: string, limit: number, kind?: 'package' | 'status'): Promise<InboxItem[]>;
  /** The exact bytes, when the node is the sender or a recipient. */
  messageFor(
    node: NodeIdentity,
    messageId: string,
  ): Promise<{
    id: string;
    kind: 'package' | 'status';
    bytes: Uint8Array;
    sha256: string;
    /** Hubs it passed before this one. */
    hops: readonly string[];
  } | null>;
  /**
   * Marks the node's delivery of the message delivered — or, for a peer hub that pulled it,
   * `forwarded` with that hop; null when the node has no delivery of it.
   */
  ack(
    nodeId: string,
    messageId: string,
    at: Date,
    forwardedTo?: PeerHop,
  ): Promise<{ changed: boolean } | null>;
  /** The recipients of a message a peer hub is to take (its undelivered deliveries), as addressed and resolved. */
  pendingRecipients(nodeId: string, messageId: string): Promise<ForwardRecipient[]>;
  /** Trace as the node may see it (sender: all recipients; recipient: its own part); null = not visible. */
  trace(node: NodeIdentity, messageId: string): Promise<StoredTrace | null>;
  /** Traces of messages sent by the node's organizations with this DocumentId. */
  traceByDocument(node: NodeIdentity, documentId: string): Promise<StoredTrace[]>;
}

export type { RecipientReceipt };

/** A trace as the store knows it (the service adds which hub answers). */
export type StoredTrace = Omit<MessageTrace, 'hub'>;
