// The hub's services: what the edges (src/adapters, src/cli through src/ops) may use.
export { ACCEPT_CHECKS } from './accept-checks.ts';
export { statusTime } from './accept-plan.ts';
export { clientCertificateRefusal } from './client-certificate.ts';
export { type HubCode, hubCodes } from './codes.ts';
export { createHubService, type HubServiceDeps } from './create-hub-service.ts';
export { attempt, type HubFailure, type HubResult, refusal, refuse, success } from './hub-failure.ts';
export type { HubService, InboxQuery, StoredBytes, SubmitOptions } from './hub-service.ts';
export type { HubStore } from './hub-store.ts';
export type * from './hub-types.ts';
export { InboxNotifier } from './inbox-notifier.ts';
export { createStoreHubStore, type StoreHubStoreOptions } from './store-hub-store.ts';
export { checkVxpCredentials, createVxpService, type VxpServiceDeps } from './vxp/create-vxp-service.ts';
export { agencyOf, LEVEL_NUMBER } from './vxp/vxp-agencies.ts';
export type * from './vxp/vxp-service.ts';
