import type { ScheduledDelivery } from './scheduler.ts';

/**
 * Dispatch rank of an item: 1 runs first. The order is
 *
 *   1  package Priority 4 (hỏa tốc hẹn giờ)
 *   2  package Priority 3 (hỏa tốc)
 *   3  status packages and receipt events
 *   4  package Priority 2 (thượng khẩn)
 *   5  package Priority 1 (khẩn)
 *   6  package Priority 0 (thường), and anything out of range
 *
 * Statuses sit above every non-express package, so a flood of ordinary mail never starves the
 * small answers senders wait for; only express packages, which are rare and time-critical, pass
 * them. Ranks are BullMQ priorities as they are (lower first; never 0, which BullMQ runs before
 * every prioritized job).
 */
export function dispatchRank(item: Pick<ScheduledDelivery, 'kind' | 'priority'>): number {
  if (item.kind !== 'package') return STATUS_RANK;
  switch (item.priority) {
    case 4:
      return 1;
    case 3:
      return 2;
    case 2:
      return 4;
    case 1:
      return 5;
    default:
      return LOWEST_RANK;
  }
}

const STATUS_RANK = 3;

/** The largest rank {@link dispatchRank} returns. */
export const LOWEST_RANK = 6;
