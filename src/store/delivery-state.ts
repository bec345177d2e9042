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
 * - forwarded from retrying/failed: the next hub reports holding it, though its answer to the
 *   hand-over was lost (a worker killed, a timeout after the next hub had accepted).
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryState, readonly DeliveryState[]>> = {
  queued: ['sending', 'delivered', 'failed', 'revoked', 'forwarded'],
  sending: ['delivered', 'retrying', 'failed', 'forwarded', 'revoked', 'queued'],
  retrying: ['sending', 'delivered', 'failed', 'revoked', 'forwarded'],
  failed: ['queued', 'delivered', 'revoked', 'forwarded'],
  forwarded: ['delivered', 'failed'],
  delivered: [],
  revoked: [],
};

/** True when `from → to` is allowed. */
export function canTransition(from: DeliveryState, to: DeliveryState): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

/** The states from which `to` can be reached. */
export function statesLeadingTo(to: DeliveryState): DeliveryState[] {
  return DELIVERY_STATES.filter((from) => canTransition(from, to));
}

/** States from which a worker may start an attempt (`→ sending`): queued and retrying. */
export const CLAIMABLE_STATES: readonly DeliveryState[] = statesLeadingTo('sending');

/**
 * The "pushable" rule, defined here once: a delivery (or receipt) still to be handed over is in a
 * claimable state, or `sending` (a worker holds it; when its lease runs out another takes it over).
 * The inbox shows exactly these to a polling node, so they are also the undelivered states.
 */
export const PUSHABLE_STATES: readonly DeliveryState[] = [...CLAIMABLE_STATES, 'sending'];

/** States in which a delivery still waits for its recipient (the inbox shows them): the pushable ones. */
export const UNDELIVERED_STATES: readonly DeliveryState[] = PUSHABLE_STATES;

/** States a revoke takes back: everything not yet delivered or handed to another hub. */
export const REVOCABLE_STATES: readonly DeliveryState[] = statesLeadingTo('revoked');

/** Settled states whose reaching is told to the sender as a receipt event (the `deliveries_receipt` trigger). */
export const RECEIPT_EVENTS = [
  'delivered',
  'failed',
  'forwarded',
] as const satisfies readonly DeliveryState[];

/** `'a', 'b'` for SQL: a list of the constants above (never of user input). */
export function sqlStates(states: readonly DeliveryState[]): string {
  return states
    .map((state) => {
      if (!(DELIVERY_STATES as readonly string[]).includes(state)) throw new Error(`not a state: ${state}`);
      return `'${state}'`;
    })
    .join(', ');
}

/** `<alias>.state IN (…pushable…)`: the pushable rule in SQL. */
export function pushableSql(alias: string): string {
  return `${alias}.state IN (${sqlStates(PUSHABLE_STATES)})`;
}

/** Claimable now: a claimable state, or `sending` whose worker's lease has run out at `at` (SQL). */
export function claimableSql(alias: string, at: string): string {
  return `(${alias}.state IN (${sqlStates(CLAIMABLE_STATES)})
    OR (${alias}.state = 'sending' AND (${alias}.send_lease_until IS NULL OR ${alias}.send_lease_until <= ${at})))`;
}
