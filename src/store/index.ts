// The store's public surface. Repository functions take a Db (or the tx of db.tx) first.
export {
  type AcceptedMessageInput,
  type AddDeliveriesResult,
  addDeliveriesToMessage,
  type DeliveryInput,
  type InsertAcceptedResult,
  insertAcceptedMessage,
} from './accepted-message.ts';
export {
  BUSINESS_STATUS_CODES,
  type BusinessStatusCode,
  type BusinessStatusInput,
  type BusinessStatusRecord,
  listBusinessStatuses,
  recordBusinessStatus,
} from './business-status.repository.ts';
export { type StoreCode, storeCodes } from './codes.ts';
export {
  listAuditEvents,
  listSignerExpiries,
  listStatisticsRows,
  listUndeliveredSince,
  type MessageSearch,
  type MessageSearchRecord,
  type SignerExpiryRecord,
  type StatisticsDeliveryRecord,
  searchMessages,
  type UndeliveredRecord,
} from './console-read.repository.ts';
export type { Database, DatabaseMode, Db, OpenDatabaseOptions, QueryResult } from './db.ts';
export {
  type AckResult,
  ackDelivery,
  applyPeerReceipts,
  type DeliveryRecord,
  getDelivery,
  type HopRecord,
  type InboxEntry,
  listDeliveriesForMessage,
  listInbox,
  type PeerReceiptInput,
  type PeerReceiptsApplied,
  type RevokeTarget,
  revokeUndelivered,
  type TransitionInput,
  transitionDelivery,
} from './delivery.repository.ts';
export {
  type AttemptOutcome,
  type DeliveryAttemptInput,
  type DeliveryAttemptRecord,
  listDeliveryAttempts,
  recordDeliveryAttempt,
} from './delivery-attempt.repository.ts';
export {
  countDeliveriesByState,
  type DeliveryListEntry,
  type DeliveryListFilter,
  listDeliveries,
  type RetryTarget,
  retryFailedDeliveries,
} from './delivery-operator.repository.ts';
export {
  CLAIMABLE_STATES,
  canTransition,
  DELIVERY_STATES,
  DELIVERY_TRANSITIONS,
  type DeliveryState,
  PUSHABLE_STATES,
  pushableSql,
  RECEIPT_EVENTS,
  REVOCABLE_STATES,
  statesLeadingTo,
  UNDELIVERED_STATES,
} from './delivery-state.ts';
export { type DirectoryImportReport, importDirectory } from './directory-import.ts';
export { loadDirectorySnapshot } from './directory-snapshot.repository.ts';
export {
  appendEvent,
  appendEvents,
  type EventFilter,
  type EventInput,
  type EventRecord,
  listEvents,
} from './event.repository.ts';
export {
  appendEvidenceEntries,
  countSkippedEvents,
  type EvidenceEntryRecord,
  type EvidenceHeadRecord,
  eventsByIds,
  evidenceEntries,
  evidenceSpanOfMessage,
  findEvidenceHead,
  getStoredEvidenceSigner,
  insertEvidenceHead,
  lastEvidenceEntry,
  listEvidenceHeads,
  lockEvidenceChain,
  type PendingEvent,
  pendingEvents,
  storeEvidenceSigner,
  xactHorizon,
} from './evidence.repository.ts';
export {
  findMessageBySha256,
  findNewDocument,
  findPackagesByDocument,
  findStatusesAboutDocument,
  getMessage,
  getMessageRaw,
  type MessageKind,
  type MessageRecord,
} from './message.repository.ts';
export {
  applyMigrations,
  MIGRATIONS_DIR,
  MIGRATIONS_TABLE,
  type MigrationTarget,
  pendingMigrations,
} from './migrate.ts';
export {
  addClientCertificate,
  assignOrganizations,
  type CreatedNode,
  type CreateNodeInput,
  createNode,
  findNodeByClientCertificate,
  findNodeByToken,
  getNode,
  getNodeWebhook,
  issueMissingTokens,
  listNodes,
  type NodeLimits,
  type NodeRecord,
  revokeClientCertificate,
  rotateNodeToken,
  setNodeLimits,
  setNodeWebhook,
  setSignaturePolicy,
} from './node.repository.ts';
export {
  listNodeActivity,
  type NodeActivityRecord,
  setNodePaused,
  touchNodeSeen,
} from './node-activity.repository.ts';
export {
  checkWebhookUrl,
  generateWebhookSecret,
  getNodePushSettings,
  type NodeDeliverySettingsInput,
  type NodePushSettings,
  setNodeDeliverySettings,
} from './node-delivery.repository.ts';
export { generateToken, hashToken, TOKEN_PREFIX } from './node-token.ts';
export { databaseOptionsFromEnv, openDatabase, withDatabase } from './open-database.ts';
export {
  type AccountAudit,
  deleteOperatorAccount,
  deleteOperatorSession,
  getOperatorAccount,
  getOperatorSession,
  insertOperatorAccount,
  listOperatorAccounts,
  OPERATOR_ROLES,
  type OperatorAccountRecord,
  type OperatorRole,
  type OperatorSessionRecord,
  recordLogin,
  recordLoginFailure,
  setOperatorPassword,
} from './operator-account.repository.ts';
export {
  type Audit,
  ensureOrganizations,
  getOrganization,
  listOrganizations,
  type OrganizationRecord,
  type OrganizationUpsertResult,
  upsertOrganizations,
} from './organization.repository.ts';
export {
  type AddPeerHubInput,
  addPeerHub,
  applyDirectoryReport,
  type DirectoryReport,
  type DirectoryReportResult,
  directoryChangedAt,
  getPeerHub,
  hubIdOf,
  inSubtrees,
  listPeerHubs,
  listPeerLinks,
  listServedOrganizations,
  markDirectoryChanged,
  type PeerHubRecord,
  type PeerLink,
  type PeerProtocol,
  type PeerRole,
  type ReportedOrganization,
  recordDirectoryReported,
  recordPeerContact,
  removePeerHub,
  type SetPeerHubInput,
  setPeerHub,
} from './peer-hub.repository.ts';
export {
  type ClaimPushesInput,
  type ClaimPushResult,
  claimPushes,
  claimSiblingPushes,
  claimSiblingReceipts,
  type DeliveryPushRecord,
  listPullableReceipts,
  loadPush,
  markReceiptsPulled,
  type PeerEndpoint,
  type PeerReceipt,
  PUSH_TARGET_SQL,
  type PushAttemptInput,
  type PushNextState,
  type PushRecordInput,
  type PushRecords,
  type PushTable,
  peerReceiptOf,
  type ReceiptPushRecord,
  type ReceiptRecord,
  type ReceiptState,
  recordPushes,
} from './push-lifecycle.ts';
export {
  countPendingOutbox,
  listUnfinishedPush,
  type PushKind,
  type PushOutboxItem,
  relayPushOutbox,
  type UnfinishedPush,
  unfinishedPushPages,
} from './push-outbox.repository.ts';
export { listReceiptsForMessage } from './receipt.repository.ts';
export { rerouteWaiting } from './reroute.repository.ts';
export {
  bindSignerCertificates,
  listSignerBindings,
  type SignerCertificateInput,
} from './signer-binding.repository.ts';
export { SQLSTATE, sqlConstraint, sqlState } from './sql-error.ts';
export {
  type DeliveryTraceRecord,
  type MessageTraceRecord,
  traceDocument,
  traceMessage,
} from './trace.repository.ts';
export {
  decideVxpAgencyRequest,
  listVxpAgencyRequests,
  listVxpDirectory,
  requestVxpAgency,
  type VxpAgencyRequestInput,
  type VxpAgencyRequestOutcome,
  type VxpAgencyRequestRecord,
  type VxpDirectoryEntry,
} from './vxp-agency.repository.ts';
export {
  countVxpPending,
  FAIL_REPORTED_EVENT,
  type FailReportResult,
  isMessageId,
  listVxpPending,
  REMARK_EVENT,
  recordVxpRemark,
  reportVxpFailure,
  type VxpPendingEntry,
} from './vxp-inbox.repository.ts';
export { listVxpSent, type VxpSentEntry } from './vxp-sent.repository.ts';
export {
  checkIpAllowList,
  type EnableVxpInput,
  enableVxpSystem,
  generateVxpSecret,
  getVxpSystem,
  listVxpSystems,
  rotateVxpSecret,
  updateVxpSystem,
  type VxpAgencyPolicyValue,
  type VxpSystemRecord,
} from './vxp-system.repository.ts';
