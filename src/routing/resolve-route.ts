import { type CivilDate, civilDateAt } from './civil-date.ts';
import type { UnroutableCode } from './codes.ts';
import type { DirectoryOrganization, DirectorySnapshot } from './directory.ts';
import { isInOrganSubtree, isOrganId } from './organ-id.ts';

/** Where a routed delivery goes: a node of this hub, a child hub, or the parent hub. */
export type RouteKind = 'local' | 'child-hub' | 'parent-hub';

/** A recipient this hub can deliver to. */
export interface RoutedDecision {
  readonly kind: RouteKind;
  /** The organ id as addressed in the package. */
  readonly addressedOrganId: string;
  /** The organization that receives: the addressed one, or the end of its successor chain. */
  readonly recipientOrganId: string;
  /** The node the delivery goes to (for hubs: the peer hub's node). */
  readonly nodeId: string;
  /** Successors followed after the addressed organ id, in order; empty when none. */
  readonly successors: readonly string[];
  /** True when the recipient is an organization of this directory (false: only a hub covers it). */
  readonly known: boolean;
  /** A sentence for the receipt when a successor took over or a hub carries it; null otherwise. */
  readonly reason: string | null;
}

/** A recipient this hub cannot deliver to, with the stable reason. */
export interface UnroutableDecision {
  readonly kind: 'unroutable';
  readonly addressedOrganId: string;
  readonly code: UnroutableCode;
  readonly reason: string;
  /** Successors followed before giving up. */
  readonly successors: readonly string[];
}

/** The outcome for one recipient organ id. */
export type RouteDecision = RoutedDecision | UnroutableDecision;

/** Options of {@link resolveRoute}. */
export interface ResolveOptions {
  /** The instant judged (the package's reception time); validity dates are compared in Vietnam time. */
  readonly at: Date;
}

/** Most successors followed before the chain counts as a loop. */
export const MAX_SUCCESSOR_STEPS = 16;

/**
 * Decides where mail for `organId` goes, from the snapshot alone. Any identifier the hub can store is
 * looked up (QĐ 20/2020-shaped or not: the directory decides which ids exist); only a non-identifier
 * (a space, a slash, too long…) is ROUTE_INVALID_ORGAN_ID. In order: follow successors of an
 * organization that has ceased (validTo passed, or a successor with no validTo); then a node of
 * this hub that serves the organization, a child hub (explicitly serving it, or covering its organ-id
 * subtree), the parent hub; otherwise unroutable.
 */
export function resolveRoute(
  snapshot: DirectorySnapshot,
  organId: string,
  options: ResolveOptions,
): RouteDecision {
  const day = civilDateAt(options.at);
  const successors: string[] = [];
  const unroutable = (code: UnroutableCode, reason: string): UnroutableDecision => ({
    kind: 'unroutable',
    addressedOrganId: organId,
    code,
    reason,
    successors: [...successors],
  });
  if (!isOrganId(organId))
    return unroutable(
      'ROUTE_INVALID_ORGAN_ID',
      `"${organId.slice(0, 80)}" is not an organ id (1-64 of 0-9 A-Z a-z . _ -, first a letter or digit)`,
    );

  let current = organId;
  const seen = new Set([organId]);
  for (;;) {
    const organization = snapshot.organizations.get(current);
    if (organization === undefined) break;
    if (organization.validFrom !== null && day < organization.validFrom) {
      return unroutable(
        'ROUTE_NOT_YET_VALID',
        `${current} exists from ${organization.validFrom} (judged on ${day})`,
      );
    }
    if (!hasCeased(organization, day)) {
      const routed = routeToServingNode(snapshot, organization);
      if (routed) return decide(routed.kind, routed.nodeId, true);
      break;
    }
    const next = organization.successorId;
    if (next === null) {
      return unroutable(
        'ROUTE_EXPIRED_NO_SUCCESSOR',
        `${current} ceased on ${organization.validTo} with no successor`,
      );
    }
    if (seen.has(next) || successors.length >= MAX_SUCCESSOR_STEPS) {
      return unroutable(
        'ROUTE_LOOP',
        `successors of ${organId} loop or exceed ${MAX_SUCCESSOR_STEPS} steps at ${next}`,
      );
    }
    seen.add(next);
    successors.push(next);
    current = next;
  }

  const known = snapshot.organizations.has(current);
  const child = snapshot.childHubs.find((hub) => isInOrganSubtree(current, hub.root));
  if (child) return decide('child-hub', child.nodeId, known);
  if (snapshot.parentHubId !== null) return decide('parent-hub', snapshot.parentHubId, known);
  return known
    ? unroutable('ROUTE_NO_NODE', `no node of this hub serves ${current}`)
    : unroutable('ROUTE_UNKNOWN_ORGAN', `${current} is not in the directory`);

  function decide(kind: RoutedDecision['kind'], nodeId: string, isKnown: boolean): RoutedDecision {
    return {
      kind,
      addressedOrganId: organId,
      recipientOrganId: current,
      nodeId,
      successors: [...successors],
      known: isKnown,
      reason: explain(snapshot, organId, successors, kind, nodeId, day),
    };
  }
}

/** True when the organization no longer exists on `day` and its mail goes elsewhere or nowhere. */
function hasCeased(organization: DirectoryOrganization, day: CivilDate): boolean {
  if (organization.validTo !== null) return day > organization.validTo;
  // A successor without an end date: the merger is recorded without a date, so it applies now.
  return organization.successorId !== null;
}

function routeToServingNode(
  snapshot: DirectorySnapshot,
  organization: DirectoryOrganization,
): { kind: RoutedDecision['kind']; nodeId: string } | null {
  if (organization.nodeId === null) return null;
  const node = snapshot.nodes.get(organization.nodeId);
  if (node === undefined) return null;
  const kind = node.kind === 'system' ? 'local' : node.kind === 'peer_hub' ? 'child-hub' : 'parent-hub';
  return { kind, nodeId: node.id };
}

function explain(
  snapshot: DirectorySnapshot,
  organId: string,
  successors: readonly string[],
  kind: RoutedDecision['kind'],
  nodeId: string,
  day: CivilDate,
): string | null {
  const parts: string[] = [];
  if (successors.length > 0) {
    const ended = snapshot.organizations.get(organId)?.validTo;
    const chain = successors.join(' → ');
    parts.push(
      ended
        ? `${organId} ceased on ${ended}; its successor ${chain} receives`
        : `${organId} was merged into ${chain}`,
    );
  }
  if (kind === 'child-hub') parts.push(`carried by child hub ${nodeId}`);
  if (kind === 'parent-hub') parts.push(`carried by parent hub ${nodeId}`);
  return parts.length > 0 ? `${parts.join('; ')} (judged on ${day})` : null;
}
