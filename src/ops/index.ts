// The operator service's vocabulary, so that its edges need not reach into the store.
export {
  checkIpAllowList,
  checkWebhookUrl,
  DELIVERY_STATES,
  type DeliveryState,
  type DirectoryImportReport,
  type EventRecord,
  type MessageSearch,
  type MessageSearchRecord,
  type MessageTraceRecord,
  type NodeActivityRecord,
  type NodeDeliverySettingsInput,
  type NodeLimits,
  type NodePushSettings,
  OPERATOR_ROLES,
  type OperatorRole,
  type RetryTarget,
  type SignerCertificateInput,
  type VxpAgencyPolicyValue,
} from '../store/index.ts';
export type { Admin } from './admin.ts';
export { type AlertNotice, type AlertNotifier, createAlertNotifier } from './alert-notifier.ts';
export {
  ALERT_KINDS,
  type Alert,
  type AlertInputs,
  type AlertKind,
  computeAlerts,
  type OverdueCount,
} from './alerts.ts';
export { opsCodes } from './codes.ts';
export {
  type AgencyMonth,
  type ConsoleAudit,
  type ConsoleNodes,
  type ConsoleOverview,
  type ConsoleService,
  type ConsoleServiceDeps,
  createConsoleService,
  type OverdueDelivery,
} from './console-service.ts';
export {
  type AlertRules,
  type AlertWebhook,
  type ConsoleSettings,
  DEFAULT_CONSOLE_SETTINGS,
  type OverdueRules,
} from './console-settings.ts';
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
  type ConsoleIdentity,
  type ConsoleLogin,
  createOperatorAccounts,
  type OperatorAccounts,
  type OperatorAccountView,
} from './operator-accounts.ts';
export {
  createOperatorService,
  type DeliveryFilter,
  type OperatorService,
  type OperatorServiceDeps,
} from './operator-service.ts';
export { deliveryDeadline, endOfWorkingDay } from './overdue-rules.ts';
export { createPeerAdmin, type PeerAdmin, type PeerView, toPeerView } from './peer-admin.ts';
export { type QueueHealth, type QueuesReport, queuesReport } from './queue-health.ts';
export { checkReadiness, type Readiness, type ReadinessCheck, type ReadinessDeps } from './readiness.ts';
