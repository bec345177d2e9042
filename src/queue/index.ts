export { type GiveUpReason, type GiveUpVerdict, nextDelay, shouldGiveUp } from './backoff.ts';
export {
  type BullmqConnection,
  type BullmqSchedulerOptions,
  createBullmqScheduler,
} from './bullmq-scheduler.ts';
export {
  admit,
  type BreakerAdmission,
  type BreakerConfig,
  type BreakerState,
  type BreakerStateKind,
  closedBreaker,
  defaultBreakerConfig,
  recordFailure,
  recordSuccess,
  releaseProbe,
} from './circuit-breaker.ts';
export { type QueueCode, queueCodes } from './codes.ts';
export {
  assertRoleFitsScheduler,
  type CreateSchedulerOptions,
  chooseSchedulerBackend,
  createDeliveryScheduler,
  type EngineRole,
  type SchedulerBackend,
  type SchedulerEnvironment,
} from './create-scheduler.ts';
export {
  createDeliveryEngine,
  type DeliveryEngine,
  type DeliveryEngineOptions,
} from './delivery-engine.ts';
export {
  type AttemptDelivery,
  type ClaimResult,
  createDeliveryHandler,
  type DeliveryHandlerDeps,
  type DeliveryWork,
  type DeliveryWorkStore,
} from './delivery-handler.ts';
export {
  type AttemptRecord,
  countsAgainstNode,
  type DecideNextInput,
  type DeliveryOutcome,
  decideNext,
  defaultRetryPolicy,
  type FailReason,
  type ForwardAnswer,
  failureCode,
  type NextStep,
  type RetryPolicy,
} from './delivery-outcome.ts';
export { createInProcessScheduler, type InProcessSchedulerOptions } from './in-process-scheduler.ts';
export { NodeBreakers, type NodeBreakerView } from './node-breakers.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { dispatchRank, LOWEST_RANK } from './priority.ts';
export {
  breakerConfigOf,
  createDeliveryWorkStore,
  createReceiptWorkStore,
  type DeliveryPushWork,
  defaultPushDefaults,
  type HandOverMember,
  NodeSettingsCache,
  type PushDefaults,
  type PushTarget,
  type PushVia,
  type PushWork,
  type PushWorkStoreOptions,
  type ReceiptPushWork,
  retryPolicyOf,
} from './push-work-store.ts';
export { type ReconcileResult, reconcile, type UnfinishedDelivery } from './reconcile.ts';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler.ts';
export type {
  DeliveryHandler,
  DeliveryScheduler,
  HandlerResult,
  QueueStats,
  ScheduledDelivery,
  ScheduledKind,
  SchedulerStartOptions,
} from './scheduler.ts';
