// The operator service's vocabulary, so that its edges need not reach into the store.
export {
  checkIpAllowList,
  checkWebhookUrl,
  DELIVERY_STATES,
  type DeliveryState,
  type DirectoryImportReport,
  type NodeDeliverySettingsInput,
  type NodeLimits,
  type NodePushSettings,
  type RetryTarget,
  type SignerCertificateInput,
  type VxpAgencyPolicyValue,
} from '../store/index.ts';
export type { Admin } from './admin.ts';
export { type OpsAttempt, type OpsDelivery, toOpsAttempt, toOpsDelivery } from './delivery-view.ts';
export type { DirectoryAdmin } from './directory-admin.ts';
export { createHubMetrics, type HubMetrics } from './hub-metrics.ts';
export type {
  AdminAudit,
  DeliveryChange,
  NodeAdmin,
  RegisteredNode,
  RegisterNodeInput,
} from './node-admin.ts';
export {
  createOperatorService,
  type DeliveryFilter,
  type OperatorService,
  type OperatorServiceDeps,
} from './operator-service.ts';
export { createPeerAdmin, type PeerAdmin, type PeerView, toPeerView } from './peer-admin.ts';
export { type QueueHealth, type QueuesReport, queuesReport } from './queue-health.ts';
export { checkReadiness, type Readiness, type ReadinessCheck, type ReadinessDeps } from './readiness.ts';
