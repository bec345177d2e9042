import type { DirectorySnapshot } from './directory.ts';
import {
  type ResolveOptions,
  type RouteDecision,
  type RoutedDecision,
  resolveRoute,
} from './resolve-route.ts';

/** The route decisions for all recipients of one message. */
export interface RoutePlan {
  /** One decision per distinct addressed organ id, in the order first addressed. */
  readonly decisions: readonly RouteDecision[];
  /**
   * One delivery per receiving organization. When two addressed ids end at the same organization
   * (a predecessor and its successor both in To), the first addressed one is kept; the others are
   * listed in `mergedInto`.
   */
  readonly deliveries: readonly RoutedDecision[];
  /** Addressed organ id → recipient organ id, for decisions folded into an earlier delivery. */
  readonly mergedInto: ReadonlyMap<string, string>;
}

/**
 * A recipient to route: an organ id as addressed, or — for a message another hub forwarded — the
 * organ id as addressed in the package and the organization that hub resolved it to (`from`, where
 * routing starts here).
 */
export type RouteTarget = string | { readonly addressed: string; readonly from: string };

/** Options of {@link planRoutes}. */
export interface PlanOptions extends ResolveOptions {
  /**
   * The node the message came from, when it is a peer hub: a route back to it would loop, so such a
   * recipient is unroutable here (ROUTE_BACK_TO_SENDER).
   */
  readonly cameFrom?: string | undefined;
}

/** Resolves every recipient of a message and folds those that reach the same organization. */
export function planRoutes(
  snapshot: DirectorySnapshot,
  targets: readonly RouteTarget[],
  options: PlanOptions,
): RoutePlan {
  const decisions: RouteDecision[] = [];
  const deliveries: RoutedDecision[] = [];
  const mergedInto = new Map<string, string>();
  const addressed = new Set<string>();
  const receiving = new Set<string>();
  for (const target of targets) {
    const organId = typeof target === 'string' ? target : target.addressed;
    if (addressed.has(organId)) continue;
    addressed.add(organId);
    const decision = routeTarget(snapshot, target, options);
    decisions.push(decision);
    if (decision.kind === 'unroutable') continue;
    if (receiving.has(decision.recipientOrganId)) {
      mergedInto.set(organId, decision.recipientOrganId);
      continue;
    }
    receiving.add(decision.recipientOrganId);
    deliveries.push(decision);
  }
  return { decisions, deliveries, mergedInto };
}

/** One target's decision, named by the organ id as addressed. */
function routeTarget(snapshot: DirectorySnapshot, target: RouteTarget, options: PlanOptions): RouteDecision {
  const from = typeof target === 'string' ? target : target.from;
  const resolved = resolveRoute(snapshot, from, options);
  const decision: RouteDecision =
    typeof target === 'string' ? resolved : { ...resolved, addressedOrganId: target.addressed };
  if (
    decision.kind === 'unroutable' ||
    options.cameFrom === undefined ||
    decision.nodeId !== options.cameFrom
  ) {
    return decision;
  }
  return {
    kind: 'unroutable',
    addressedOrganId: decision.addressedOrganId,
    code: 'ROUTE_BACK_TO_SENDER',
    reason: `${decision.recipientOrganId} is not below this hub; its only route leads back to ${options.cameFrom}, which sent it`,
    successors: decision.successors,
  };
}
