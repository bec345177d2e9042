import type { DeliveryAttemptRecord, DeliveryListEntry } from '../store/index.ts';

/** A delivery as operators see it (API and CLI alike): where it is, why it failed. */
export interface OpsDelivery {
  readonly id: string;
  readonly messageId: string;
  readonly documentId: string;
  readonly fromOrganId: string;
  readonly toOrganId: string;
  readonly nodeId: string;
  readonly state: string;
  /** local, child-hub or parent-hub: whether the node is a system of this hub or a peer hub. */
  readonly route: string;
  readonly priority: number;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredBy: string | null;
  readonly updatedAt: string;
  readonly lastAttempt: {
    readonly attempt: number;
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly durationMs: number | null;
    readonly httpStatus: number | null;
    readonly error: string | null;
    readonly errorDetail: string | null;
  } | null;
}

/** One attempt of a delivery, as operators see it. */
export interface OpsAttempt {
  readonly id: string;
  readonly deliveryId: string;
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The one mapping of a stored delivery to what operators see. */
export function toOpsDelivery(entry: DeliveryListEntry): OpsDelivery {
  const d = entry.delivery;
  const a = entry.lastAttempt;
  return {
    id: d.id,
    messageId: d.messageId,
    documentId: entry.documentId,
    fromOrganId: entry.senderOrganId,
    toOrganId: d.recipientOrganId,
    nodeId: d.nodeId,
    state: d.state,
    route: d.route,
    priority: d.priority,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: iso(d.nextAttemptAt),
    deliveredBy: d.deliveredBy,
    updatedAt: d.updatedAt.toISOString(),
    lastAttempt:
      a === null
        ? null
        : {
            attempt: a.attempt,
            startedAt: a.startedAt.toISOString(),
            finishedAt: iso(a.finishedAt),
            durationMs: a.durationMs,
            httpStatus: a.httpStatus,
            error: a.error,
            errorDetail: a.errorDetail,
          },
  };
}

export function toOpsAttempt(a: DeliveryAttemptRecord): OpsAttempt {
  return {
    id: a.id,
    deliveryId: a.deliveryId,
    attempt: a.attempt,
    startedAt: a.startedAt.toISOString(),
    finishedAt: iso(a.finishedAt),
    outcome: a.outcome,
    httpStatus: a.httpStatus,
    error: a.error,
  };
}
