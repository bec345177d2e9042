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

/** Resolves every recipient of a message and folds those that reach the same organization. */
export function planRoutes(
  snapshot: DirectorySnapshot,
  organIds: readonly string[],
  options: ResolveOptions,
): RoutePlan {
  const decisions: RouteDecision[] = [];
  const deliveries: RoutedDecision[] = [];
  const mergedInto = new Map<string, string>();
  const addressed = new Set<string>();
  const receiving = new Set<string>();
  for (const organId of organIds) {
    if (addressed.has(organId)) continue;
    addressed.add(organId);
    const decision = resolveRoute(snapshot, organId, options);
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
