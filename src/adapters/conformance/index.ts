export { allPassed, type ConformanceCheck, type ConformanceOutcome } from './conformance-check.ts';
export {
  type ConformanceParties,
  conformanceMessageId,
  conformancePackage,
  conformanceStatus,
  DEFAULT_PARTIES,
} from './conformance-packages.ts';
export { runVxpConformance, type VxpConformanceOptions } from './vxp-conformance.ts';
export {
  runWebhookConformance,
  WEBHOOK_CONFORMANCE_DEFAULTS,
  type WebhookConformanceOptions,
} from './webhook-conformance.ts';
