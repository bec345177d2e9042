import {
  claimPushes,
  claimSiblingPushes,
  claimSiblingReceipts,
  type Db,
  type DeliveryPushRecord,
  getMessageRaw,
  loadPush,
  type NodePushSettings,
  type PeerEndpoint,
  type PeerReceipt,
  PUSHABLE_STATES,
  type PushAttemptInput,
  type PushNextState,
  type PushRecords,
  type PushTable,
  peerReceiptOf,
  type ReceiptPushRecord,
  type ReceiptRecord,
  recordPushes,
} from '../store/index.ts';
import { createBatcher } from './batcher.ts';
import { type BreakerConfig, defaultBreakerConfig } from './circuit-breaker.ts';
import type { QueueCode } from './codes.ts';
import type { ClaimResult, DeliveryWork, DeliveryWorkStore } from './delivery-handler.ts';
import {
  type AttemptRecord,
  type DeliveryOutcome,
  defaultRetryPolicy,
  failureCode,
  type NextStep,
  type RetryPolicy,
} from './delivery-outcome.ts';

/** Recorded on a push attempt whose worker died before it could record the answer. */
const SEND_INTERRUPTED: QueueCode = 'QUEUE_SEND_INTERRUPTED';
/** Receipts one request to a peer hub carries at most (POST /v1/hub/receipts takes up to 1000). */
const PEER_RECEIPTS_PER_REQUEST = 500;

/** Where a push goes: the node's webhook. */
export interface PushTarget {
  readonly url: string;
  readonly secret: string;
}

/** How a push goes: to a node's webhook, or to a peer hub. */
export type PushVia =
  | ({ readonly kind: 'webhook' } & PushTarget)
  | ({ readonly kind: 'peer' } & { readonly peer: PeerEndpoint });

/** One delivery of a hand-over to a peer hub (several recipients of one message cross together). */
export interface HandOverMember {
  readonly deliveryId: string;
  /** The number of the attempt this hand-over is for that delivery. */
  readonly attempt: number;
  readonly addressedOrganId: string;
  readonly recipientOrganId: string;
}

/** A delivery of a package or status, ready to push: the exact bytes under the message's id. */
export interface DeliveryPushWork extends DeliveryWork {
  readonly target: 'delivery';
  readonly kind: 'package' | 'status';
  /** Lienthong-Message-Id: the hub's id of the message (receivers deduplicate on it). */
  readonly messageId: string;
  readonly body: Uint8Array;
  readonly via: PushVia;
  /** From/OrganId of the message (a VXP parent wants it signed). */
  readonly senderOrganId: string;
  /** To a peer hub: the hubs passed, this one last (Lienthong-Hops). */
  readonly hops: readonly string[];
  /** To a peer hub: every delivery this hand-over carries, this one first. */
  readonly members: readonly HandOverMember[];
}

/** A receipt event for a sender node; the JSON bytes are built from these fixed facts. */
export interface ReceiptPushWork extends DeliveryWork {
  readonly target: 'receipt';
  readonly kind: 'receipt';
  readonly receipt: ReceiptRecord;
  readonly via: PushVia;
  /**
   * What the hub before this one is told, when the receipts go back to a peer hub: this one first,
   * then the others of the same batch for that hub (one request carries them all).
   */
  readonly peerReceipts: readonly PeerReceipt[];
  /** The receipts this push carries (their ids and attempt numbers): this one first. */
  readonly members: ReadonlyArray<{ readonly id: string; readonly attempt: number }>;
}

export type PushWork = DeliveryPushWork | ReceiptPushWork;

/** Hub-wide defaults, overridden per node by the node's own settings. */
export interface PushDefaults {
  readonly retry: RetryPolicy;
  readonly breaker: BreakerConfig;
}

export const defaultPushDefaults: PushDefaults = Object.freeze({
  retry: defaultRetryPolicy,
  breaker: defaultBreakerConfig,
});

/** Options of the store-backed work stores. */
export interface PushWorkStoreOptions {
  readonly defaults?: PushDefaults;
  /**
   * Claims and records of concurrent pushes go to the database together, up to this many per
   * statement (default 50; 1 = one statement per push).
   */
  readonly batchSize?: number;
  /** How long a worker holds a delivery it is pushing (longer than the longest push), ms. */
  readonly leaseMs: number;
  /** Actor written on the events (default `hub`). */
  readonly actor?: string;
  /** Clock for the write timestamps, epoch ms. */
  readonly now?: () => number;
  /** This hub's id: the last of a hand-over's hops, the first of a receipt's path. */
  readonly hubId?: string;
}

/** The node's retry policy: its own settings where set, the hub's defaults elsewhere. */
export function retryPolicyOf(node: NodePushSettings, defaults: RetryPolicy): RetryPolicy {
  const maxDelayMs = node.retryMaxDelayMs ?? defaults.maxDelayMs;
  return {
    maxAttempts: node.retryMaxAttempts ?? defaults.maxAttempts,
    maxAgeMs: node.retryMaxAgeSeconds === null ? defaults.maxAgeMs : node.retryMaxAgeSeconds * 1000,
    baseDelayMs: Math.min(maxDelayMs, node.retryBaseDelayMs ?? defaults.baseDelayMs),
    maxDelayMs,
    jitter: defaults.jitter,
  };
}

/** The node's breaker settings: its own where set, the hub's defaults elsewhere. */
export function breakerConfigOf(node: NodePushSettings, defaults: BreakerConfig): BreakerConfig {
  return {
    ...defaults,
    failureThreshold: node.breakerFailureThreshold ?? defaults.failureThreshold,
    openMs: node.breakerOpenMs ?? defaults.openMs,
    maxOpenMs: Math.max(defaults.maxOpenMs, node.breakerOpenMs ?? 0),
  };
}

/**
 * Breaker settings by node id, learnt from the node rows the work stores load. NodeBreakers asks
 * synchronously; a node not seen yet gets the defaults until its first delivery is loaded.
 */
export class NodeSettingsCache {
  readonly #breakers = new Map<string, BreakerConfig>();
  readonly #defaults: BreakerConfig;

  constructor(defaults: BreakerConfig) {
    this.#defaults = defaults;
  }

  remember(nodeId: string, node: NodePushSettings): void {
    this.#breakers.set(nodeId, breakerConfigOf(node, this.#defaults));
  }

  breakerConfig(nodeId: string): BreakerConfig {
    return this.#breakers.get(nodeId) ?? this.#defaults;
  }
}

/** The id of a claimed row of either table. */
function recordId(record: PushRecords[PushTable]): string {
  return 'receipt' in record ? record.receipt.id : record.id;
}

/** Not claimed: held by a live lease of another worker (come back when it ends), or nothing to do. */
function notClaimed<W>(result: { state: string | null; leaseUntil: Date | null }, at: Date): ClaimResult<W> {
  if (
    result.state === 'sending' &&
    result.leaseUntil !== null &&
    result.leaseUntil.getTime() > at.getTime()
  ) {
    // + a little, for clocks that step.
    return { kind: 'held', retryInMs: result.leaseUntil.getTime() - at.getTime() + 50 };
  }
  return { kind: 'gone' };
}

function toAttemptInput(attempt: AttemptRecord, outcome: DeliveryOutcome): PushAttemptInput {
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    outcome: outcome.kind === 'delivered' ? 'ok' : outcome.kind === 'retry' ? 'retryable' : 'permanent',
    httpStatus: attempt.httpStatus,
    errorCode: attempt.errorCode,
    errorDetail: attempt.errorDetail,
  };
}

function toNextState(attempt: AttemptRecord, next: NextStep): PushNextState {
  switch (next.next) {
    case 'delivered':
      return { to: 'delivered' };
    case 'forwarded':
      return {
        to: 'forwarded',
        hops: [{ hub: next.answer.hub, acceptedAt: next.answer.acceptedAt, deliveredAt: null }],
      };
    case 'retry':
      return {
        to: 'retrying',
        nextAttemptAt: new Date(next.retryAt),
        error: attempt.errorCode ?? 'WEBHOOK_NETWORK',
      };
    case 'failed':
      return { to: 'failed', error: failureCode(next.reason, attempt), reason: next.reason };
  }
}

/** A state in which the work still has to be pushed (the store's one rule). */
const stillPushable = (state: string) => (PUSHABLE_STATES as readonly string[]).includes(state);

/**
 * How one table's records become work. `claimed` says whether the record was just claimed: its
 * `attempts` then counts the attempt about to be made; a loaded one's, only those made.
 */
type ToWork<T extends PushTable, W extends PushWork> = (
  record: PushRecords[T],
  cache: NodeSettingsCache,
  context: { readonly defaults: PushDefaults; readonly hubId: string },
  claimed: boolean,
) => W;

/** How a node is pushed to: a peer hub this hub reaches, else its webhook (null: it polls). */
function viaOf(node: NodePushSettings, peer: PeerEndpoint | null): PushVia | null {
  if (peer !== null) return { kind: 'peer', peer };
  if (node.webhookUrl === null || node.webhookSecret === null) return null;
  return { kind: 'webhook', url: node.webhookUrl, secret: node.webhookSecret };
}

const NO_VIA: PushVia = { kind: 'webhook', url: '', secret: '' };
const NO_BODY = new Uint8Array();

/**
 * The bytes of recent messages, read once for the pushes of one message that start together (a
 * package to several webhook nodes): a few entries, for a few seconds — bodies can be 64 MiB.
 */
function messageBodies(db: Db, now: () => number) {
  const recent = new Map<string, { at: number; body: Promise<Buffer | null> }>();
  return (messageId: string): Promise<Buffer | null> => {
    const at = now();
    for (const [id, entry] of recent) if (at - entry.at > 2_000) recent.delete(id);
    const hit = recent.get(messageId);
    if (hit) return hit.body;
    const body = getMessageRaw(db, messageId);
    if (recent.size < 8) recent.set(messageId, { at, body });
    body.catch(() => recent.delete(messageId));
    return body;
  };
}

/** A claimed delivery as one member of a hand-over. */
const memberOf = (record: DeliveryPushRecord, claimed: boolean): HandOverMember => ({
  deliveryId: record.id,
  attempt: claimed ? record.attempts : record.attempts + 1,
  addressedOrganId: record.addressedOrganId,
  recipientOrganId: record.recipientOrganId,
});

const deliveryWork: ToWork<'delivery', DeliveryPushWork> = (
  record: DeliveryPushRecord,
  cache,
  { defaults, hubId },
  claimed,
) => {
  cache.remember(record.nodeId, record.node);
  const policy = retryPolicyOf(record.node, defaults.retry);
  const via = viaOf(record.node, record.peer);
  return {
    target: 'delivery',
    kind: record.messageKind,
    deliveryId: record.id,
    nodeId: record.nodeId,
    finished: !stillPushable(record.state) || via === null,
    attemptsSoFar: claimed ? record.attempts - 1 : record.attempts,
    firstAttemptAt: record.budgetStartedAt,
    // The budget restarts after an operator retry: earlier attempts do not count against it.
    policy: { ...policy, maxAttempts: policy.maxAttempts + record.retryBaseAttempts },
    messageId: record.messageId,
    // Read after the claim, once per push (createDeliveryWorkStore's `complete`).
    body: NO_BODY,
    via: via ?? NO_VIA,
    senderOrganId: record.senderOrganId,
    hops: [...record.messageHops, hubId],
    members: [memberOf(record, claimed)],
  };
};

const receiptWork: ToWork<'receipt', ReceiptPushWork> = (
  record: ReceiptPushRecord,
  cache,
  { defaults, hubId },
  claimed,
) => {
  const { receipt, node, peer } = record;
  cache.remember(receipt.nodeId, node);
  const via = viaOf(node, peer);
  return {
    target: 'receipt',
    kind: 'receipt',
    deliveryId: receipt.id,
    nodeId: receipt.nodeId,
    finished: !stillPushable(receipt.state) || via === null,
    attemptsSoFar: claimed ? receipt.attempts - 1 : receipt.attempts,
    firstAttemptAt: receipt.firstAttemptAt,
    policy: retryPolicyOf(node, defaults.retry),
    receipt,
    via: via ?? NO_VIA,
    peerReceipts: [peerReceiptOf(record, hubId)],
    members: [{ id: receipt.id, attempt: claimed ? receipt.attempts : receipt.attempts + 1 }],
  };
};

/** What a claim knows besides its own row: when, the lease, and the rows claimed with it to go along. */
interface ClaimContext<T extends PushTable> {
  readonly at: Date;
  readonly leaseUntil: Date;
  readonly companions: readonly PushRecords[T][];
}

/** What one table adds to the generic work store. */
interface PushTableWork<T extends PushTable, W extends PushWork> {
  readonly table: T;
  readonly toWork: ToWork<T, W>;
  /**
   * After a claim (or a load): complete the work — a hand-over to a peer hub takes the message's
   * other recipients there; a delivery reads its bytes.
   */
  readonly complete?: (work: W, claim: ClaimContext<T> | null) => Promise<W>;
  /**
   * Within one batch of claims, the rows one push carries together: a leader's companions (their
   * own items then find nothing to do). Hand-overs to a peer hub gather a message's recipients there.
   */
  readonly gather?: (claimed: readonly PushRecords[T][]) => ReadonlyMap<string, readonly PushRecords[T][]>;
  /** The rows one attempt records (a hand-over: each member, a recipient the next hub refused failing). */
  readonly records?: (
    work: W,
    attempt: AttemptRecord,
    outcome: DeliveryOutcome,
    next: NextStep,
  ) => PushRecordItem[];
}

type PushRecordItem = { id: string; attempt: PushAttemptInput; next: PushNextState };

/**
 * The worker's {@link DeliveryWorkStore} over src/store's push lifecycle, for one table. `claim`
 * reads the row, its bytes (a delivery) and its node's settings and claims it (`sending` with a send
 * lease) in one statement; a row whose node has no webhook and is no reachable peer hub is not
 * claimed — nothing for a worker to do, the node reads it from its inbox. `recordAttempt` writes
 * attempt, state, event (and, for a delivery, the sender's receipt) in one statement. Claims and
 * records of concurrent pushes go to the database together, one statement per batch. (`load` reads
 * without claiming.)
 */
function createPushWorkStore<T extends PushTable, W extends PushWork>(
  spec: PushTableWork<T, W>,
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<W> {
  const { table, toWork } = spec;
  const context = { defaults: options.defaults ?? defaultPushDefaults, hubId: options.hubId ?? 'hub' };
  const actor = options.actor ?? 'hub';
  const now = options.now ?? Date.now;
  const batch = { maxBatch: Math.max(1, options.batchSize ?? 50), maxInFlight: 4 };
  const leaseUntil = (at: Date) => new Date(at.getTime() + options.leaseMs);
  const claims = createBatcher(async (ids: readonly string[]) => {
    const at = new Date(now());
    const results = await claimPushes(db, table, {
      ids: [...new Set(ids)],
      at,
      leaseUntil: leaseUntil(at),
      actor,
      interruptedError: SEND_INTERRUPTED,
    });
    const claimed = [...results.values()].flatMap((r) => (r.claimed ? [r.record] : []));
    const leaders = spec.gather?.(claimed) ?? new Map<string, readonly PushRecords[T][]>();
    const absorbed = new Set([...leaders.values()].flat().map((r) => recordId(r)));
    return ids.map((id) => ({
      at,
      absorbed: absorbed.has(id),
      companions: leaders.get(id) ?? [],
      result: results.get(id) ?? { claimed: false as const, state: null, leaseUntil: null },
    }));
  }, batch);
  const records = createBatcher(async (items: readonly PushRecordItem[]) => {
    await recordPushes(db, table, { at: new Date(now()), actor, items });
    return items.map(() => undefined);
  }, batch);
  return {
    async load(id) {
      const record = await loadPush(db, table, id);
      if (record === null) return null;
      const work = toWork(record, cache, context, false);
      return spec.complete && !work.finished ? spec.complete(work, null) : work;
    },

    async claim(id) {
      const { at, result, absorbed, companions } = await claims.submit(id);
      // Claimed in this batch to go along with another row's push: nothing left to do for its item.
      if (absorbed) return { kind: 'gone' };
      if (!result.claimed) return notClaimed(result, at);
      const work = toWork(result.record, cache, context, true);
      const claim = { at, leaseUntil: leaseUntil(at), companions };
      return { kind: 'claimed', work: spec.complete ? await spec.complete(work, claim) : work };
    },

    async recordAttempt(work, attempt, outcome, next) {
      const items = spec.records?.(work, attempt, outcome, next) ?? [
        { id: work.deliveryId, attempt: toAttemptInput(attempt, outcome), next: toNextState(attempt, next) },
      ];
      await Promise.all(items.map((item) => records.submit(item)));
    },
  };
}

/** The work store of deliveries (packages and statuses pushed to recipient nodes and peer hubs). */
export function createDeliveryWorkStore(
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<DeliveryPushWork> {
  const bodies = messageBodies(db, options.now ?? Date.now);
  return createPushWorkStore(
    {
      table: 'delivery',
      toWork: deliveryWork,
      async complete(work, claim) {
        const body = await bodies(work.messageId);
        // The bytes are gone (a message removed under the delivery): nothing to push.
        if (body === null) return { ...work, finished: true };
        if (work.via.kind !== 'peer' || claim === null) return { ...work, body };
        const companions = claim.companions.map((c) => memberOf(c, true));
        const siblings = await claimSiblingPushes(db, {
          messageId: work.messageId,
          nodeId: work.nodeId,
          excludeIds: [work.deliveryId, ...companions.map((c) => c.deliveryId)],
          at: claim.at,
          leaseUntil: claim.leaseUntil,
          actor: options.actor ?? 'hub',
          interruptedError: SEND_INTERRUPTED,
        });
        const members = [...work.members, ...companions, ...siblings.map((s) => memberOf(s, true))];
        return { ...work, body, members };
      },
      gather(claimed) {
        // One hand-over per message and peer hub: the first of each group leads, the others go along.
        const groups = new Map<string, DeliveryPushRecord[]>();
        for (const record of claimed) {
          if (record.peer === null) continue;
          const key = `${record.messageId}\n${record.nodeId}`;
          groups.set(key, [...(groups.get(key) ?? []), record]);
        }
        const leaders = new Map<string, readonly DeliveryPushRecord[]>();
        for (const [first, ...rest] of groups.values())
          if (first && rest.length > 0) leaders.set(first.id, rest);
        return leaders;
      },
      records: handOverRecords,
    },
    db,
    cache,
    options,
  );
}

/**
 * The rows one hand-over records: each member's own attempt, leading where the attempt led — except
 * a recipient the next hub refused (it cannot route it), which fails here with that hub's code.
 */
function handOverRecords(
  work: DeliveryPushWork,
  attempt: AttemptRecord,
  outcome: DeliveryOutcome,
  next: NextStep,
): PushRecordItem[] {
  const refused =
    next.next === 'forwarded' ? new Map(next.answer.refused.map((r) => [r.organId, r])) : new Map();
  return work.members.map((member) => {
    const own = { ...attempt, attempt: member.attempt };
    const no = refused.get(member.addressedOrganId);
    if (no === undefined) {
      return { id: member.deliveryId, attempt: toAttemptInput(own, outcome), next: toNextState(own, next) };
    }
    return {
      id: member.deliveryId,
      attempt: {
        ...toAttemptInput(own, outcome),
        outcome: 'permanent',
        errorCode: no.code,
        errorDetail: no.reason,
      },
      next: { to: 'failed', error: no.code, reason: 'permanent' },
    };
  });
}

/** The same for receipt events (pushed to the sender node's webhook, or to the hub before). */
export function createReceiptWorkStore(
  db: Db,
  cache: NodeSettingsCache,
  options: PushWorkStoreOptions,
): DeliveryWorkStore<ReceiptPushWork> {
  const hubId = options.hubId ?? 'hub';
  return createPushWorkStore(
    {
      table: 'receipt',
      toWork: receiptWork,
      async complete(work, claim) {
        if (claim === null || work.via.kind !== 'peer' || work.via.peer.protocol !== 'lienthong') return work;
        // Going back to a peer hub: take along every receipt waiting for that hub.
        const taken = [work.deliveryId, ...claim.companions.map((c) => c.receipt.id)];
        const siblings = await claimSiblingReceipts(db, {
          nodeId: work.nodeId,
          excludeIds: taken,
          limit: Math.max(0, PEER_RECEIPTS_PER_REQUEST - taken.length),
          at: claim.at,
          leaseUntil: claim.leaseUntil,
          actor: options.actor ?? 'hub',
          interruptedError: SEND_INTERRUPTED,
        });
        const along = [...claim.companions, ...siblings];
        if (along.length === 0) return work;
        return {
          ...work,
          peerReceipts: [...work.peerReceipts, ...along.map((c) => peerReceiptOf(c, hubId))],
          members: [
            ...work.members,
            ...along.map((c) => ({ id: c.receipt.id, attempt: c.receipt.attempts })),
          ],
        };
      },
      // Receipts for one peer hub claimed together go in one request.
      gather(claimed) {
        const byPeer = new Map<string, ReceiptPushRecord[]>();
        for (const record of claimed) {
          if (record.peer === null) continue;
          byPeer.set(record.receipt.nodeId, [...(byPeer.get(record.receipt.nodeId) ?? []), record]);
        }
        const leaders = new Map<string, readonly ReceiptPushRecord[]>();
        for (const [first, ...rest] of byPeer.values())
          if (first && rest.length > 0) leaders.set(first.receipt.id, rest);
        return leaders;
      },
      records: (work, attempt, outcome, next) =>
        work.members.map((member) => {
          const own = { ...attempt, attempt: member.attempt };
          return { id: member.id, attempt: toAttemptInput(own, outcome), next: toNextState(own, next) };
        }),
    },
    db,
    cache,
    options,
  );
}
