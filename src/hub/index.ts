// The hub's services: what the edges (src/adapters, src/cli through src/ops) may use.

export type { PeerEndpoint } from '../store/index.ts';
export { ACCEPT_CHECKS } from './accept-checks.ts';
export { statusTime } from './accept-plan.ts';
export { clientCertificateRefusal } from './client-certificate.ts';
export { type HubCode, hubCodes } from './codes.ts';
export { createHubService, type HubObserver, type HubServiceDeps } from './create-hub-service.ts';
export {
  type ForwardedFrom,
  type ForwardRecipient,
  formatForwardRecipients,
  MAX_HOPS,
  parseForwardRecipients,
  parseHops,
} from './forwarding.ts';
export { attempt, type HubFailure, type HubResult, refusal, refuse, success } from './hub-failure.ts';
export type { HubLimits, HubService, InboxQuery, StoredBytes, SubmitOptions } from './hub-service.ts';
export type { HubStore } from './hub-store.ts';
export type * from './hub-types.ts';
export { InboxNotifier } from './inbox-notifier.ts';
export {
  createPeerAgent,
  directoryChanges,
  type LienthongUpstream,
  type PeerAgent,
  type PeerAgentDeps,
  type UpstreamResult,
  type VxpLink,
  type VxpUpstream,
} from './peer-agent.ts';
export type { PeerHop, PeerReceipt } from './peer-receipt.ts';
export {
  createPeerService,
  type DirectoryReportBody,
  type PeerService,
  type PeerServiceDeps,
} from './peer-service.ts';
export {
  createRequestLimits,
  DEFAULT_REQUEST_LIMITS,
  type LimitRefusal,
  type LimitVerdict,
  type RequestLimitSettings,
  type RequestLimits,
  type UploadSlot,
} from './request-limits.ts';
export { createStoreHubStore, type StoreHubStoreOptions } from './store-hub-store.ts';
export { checkVxpCredentials, createVxpService, type VxpServiceDeps } from './vxp/create-vxp-service.ts';
export { agencyOf, LEVEL_NUMBER } from './vxp/vxp-agencies.ts';
export type * from './vxp/vxp-service.ts';
