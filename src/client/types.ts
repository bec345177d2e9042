// The JSON shapes of the hub's node API (/v1), written out here so the client ships alone: it
// imports nothing of the hub. They follow src/adapters/http/schemas.ts; the hub may add fields.

/** A remark of the codec or the signature check (`error` findings refuse a package). */
export interface Finding {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
}

/** `package` (a document) or `status` (a business status package: 01 arrived … 06 done, 13/15/16). */
export type MessageKind = 'package' | 'status';

/** The answer to `send`: what the hub accepted and where it routes it (HTTP 202). */
export interface Receipt {
  /** The message id the first hub gave it; it stays the id on every hub it passes. */
  readonly id: string;
  /** The hub that wrote this receipt. */
  readonly hub?: string;
  /** When that hub accepted the message (ISO 8601). */
  readonly receivedAt?: string;
  readonly kind: MessageKind;
  /** The edXML DocumentId. */
  readonly documentId: string;
  /** True when the same bytes were accepted before: this is the first receipt again, nothing new was made. */
  readonly duplicate: boolean;
  readonly recipients: ReadonlyArray<{
    readonly organId: string;
    /** `queued`, or `unroutable` with a reason. */
    readonly state: string;
    readonly reason?: string;
    /** The successor organization, when the recipient was merged into another. */
    readonly deliveredTo?: string;
  }>;
  readonly findings: readonly Finding[];
}

/** One undelivered message of the calling node (most urgent first, then oldest). */
export interface InboxItem {
  readonly id: string;
  readonly kind: MessageKind;
  readonly documentId: string;
  readonly fromOrganId: string;
  readonly toOrganId: string;
  /** 0 (normal) … 4 (hỏa tốc). */
  readonly priority: number;
  /** The business status code of a status package; null for a document. */
  readonly statusCode: string | null;
  readonly receivedAt: string;
  /** Hex SHA-256 of the message bytes. */
  readonly sha256: string;
  /** Size of the message bytes. */
  readonly size: number;
}

/** The exact bytes of a message as the hub received them, with the headers the hub sends along. */
export interface FetchedMessage {
  readonly messageId: string;
  readonly kind: MessageKind;
  /** Hex SHA-256 of `bytes` as the hub states it (the client checks it). */
  readonly sha256: string;
  /** Byte for byte what the sender sent (check its XML signature on these bytes). */
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** Sent only to peer hubs pulling a hand-over: the hubs passed so far. */
  readonly hops?: readonly string[];
  /** Sent only to peer hubs: the organizations to take (`addressed>resolved`, comma-separated). */
  readonly recipients?: string;
}

/** The answer to `ack`: `changed` is false when the message was already acknowledged. */
export interface AckResult {
  readonly id: string;
  readonly changed: boolean;
}

/** A business status a recipient sent about a message, as its trace shows it. */
export interface StatusEntry {
  /** 01 arrived … 06 done, 13 take-back asked, 15/16 answers. */
  readonly code: string;
  /** The code's Vietnamese name ('Đã đến' … 'Hoàn thành'), to show an agency's staff. */
  readonly nameVi?: string;
  /** When the agency says it happened (never later than receivedAt). */
  readonly at: string;
  /** When the hub received the status package. */
  readonly receivedAt: string;
  readonly statusMessageId: string;
  /** The code does not follow from the ones before (e.g. 06 after 02). */
  readonly inconsistent: boolean;
  readonly note?: string;
  /** The status package's Description, in the agency's words. */
  readonly description?: string | null;
}

export interface TraceEvent {
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface TraceHop {
  readonly hub: string;
  readonly acceptedAt: string | null;
  readonly deliveredAt: string | null;
}

/** One recipient of a message: its delivery state, timestamps and statuses. */
export interface DeliveryTrace {
  readonly recipientOrganId: string;
  readonly addressedOrganId: string;
  readonly nodeId: string | null;
  /** `local`, `child-hub` or `parent-hub`. */
  readonly route: string;
  /** e.g. `queued`, `delivered`, `failed`. */
  readonly state: string;
  readonly hops: readonly TraceHop[];
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly updatedAt: string;
  /** `ack`, `webhook`, … */
  readonly deliveredBy: string | null;
  readonly statuses: readonly StatusEntry[];
  readonly events: readonly TraceEvent[];
}

/** What happened to a message, per recipient (the sender sees all, a recipient its own part). */
export interface Trace {
  readonly id: string;
  /** The hub answering. */
  readonly hub: string;
  /** Hubs the message passed before this one. */
  readonly path: readonly string[];
  readonly kind: MessageKind;
  readonly documentId: string;
  readonly fromOrganId: string;
  readonly businessType: number | null;
  readonly statusCode: string | null;
  readonly receivedAt: string;
  readonly sha256: string;
  readonly deliveries: readonly DeliveryTrace[];
}

/** A status of a message with the recipient it came from (`statuses(id)`). */
export interface RecipientStatus extends StatusEntry {
  readonly recipientOrganId: string;
}

/** The hub's problem+json body (RFC 9457 with the hub's stable code). */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  /** The code's Vietnamese title, for an agency's staff. */
  readonly titleVi?: string;
  readonly status?: number;
  readonly code?: string;
  readonly detail?: string;
  readonly findings?: readonly Finding[];
  readonly requestId?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}
