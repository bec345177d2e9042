import { type Db, touchNodeSeen } from '../store/index.ts';

/** A node's last contact is written at most this often per process (a poll a second is no write a second). */
export const CONTACT_WRITE_MS = 30_000;
/** Nodes remembered at most; past this the memory starts again (a write each, once). */
const MAX_REMEMBERED = 10_000;

/**
 * Notes that a node called the hub (the console's "last contact"), for every edge that
 * authenticates nodes (/v1 and VXP): remembered per process so that a node calling every second
 * costs one database write per half minute, not a query per call.
 */
export function createContactNoter(db: Db): (nodeId: string, at: Date) => Promise<void> {
  const written = new Map<string, number>();
  return async (nodeId, at) => {
    const last = written.get(nodeId);
    if (last !== undefined && at.getTime() - last < CONTACT_WRITE_MS) return;
    if (written.size >= MAX_REMEMBERED) written.clear();
    written.set(nodeId, at.getTime());
    await touchNodeSeen(db, { nodeId, at, staleBefore: new Date(at.getTime() - CONTACT_WRITE_MS) });
  };
}
