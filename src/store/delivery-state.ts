/**
 * The life of one delivery (architecture, "Data"): queued → sending → delivered, with retrying
 * (backoff), failed (gave up; an operator can queue it again), revoked (the sender took the
 * document back before delivery) and forwarded (a peer hub accepted it; delivered once the final
 * hub reports the recipient's acknowledgement).
 */
export const DELIVERY_STATES = [
  'queued',
  'sending',
  'delivered',
  'retrying',
  'failed',
  'revoked',
  'forwarded',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * Allowed transitions. Only the store performs them (transitionDelivery, ackDelivery,
 * revokeUndelivered); workers and handlers decide, the store checks and records.
 * - delivered from queued/retrying/failed: a polling node acknowledged it from its inbox.
 * - queued from sending: a worker died mid-send and the reconciler takes the delivery back.
 * - queued from failed: an operator retries.
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryState, readonly DeliveryState[]>> = {
  queued: ['sending', 'delivered', 'failed', 'revoked', 'forwarded'],
  sending: ['delivered', 'retrying', 'failed', 'forwarded', 'revoked', 'queued'],
  retrying: ['sending', 'delivered', 'failed', 'revoked'],
  failed: ['queued', 'delivered', 'revoked'],
  forwarded: ['delivered', 'failed'],
  delivered: [],
  revoked: [],
};

/** States in which a delivery still waits for its recipient (the inbox shows them). */
export const UNDELIVERED_STATES: readonly DeliveryState[] = ['queued', 'retrying', 'sending'];

/** States a revoke takes back: everything not yet delivered or handed to another hub. */
export const REVOCABLE_STATES: readonly DeliveryState[] = ['queued', 'retrying', 'sending', 'failed'];

/** True when `from → to` is allowed. */
export function canTransition(from: DeliveryState, to: DeliveryState): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

/** The states from which `to` can be reached. */
export function statesLeadingTo(to: DeliveryState): DeliveryState[] {
  return DELIVERY_STATES.filter((from) => canTransition(from, to));
}
