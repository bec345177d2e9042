// What a hub tells the hub before it about a forwarded delivery; the store builds it from stored
// facts (src/store/push-lifecycle.ts), the edges carry it as JSON.
export type { HopRecord as PeerHop, PeerReceipt } from '../store/index.ts';
