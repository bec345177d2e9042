export { type VxpCode, vxpCodes } from './codes.ts';
export { VXP_ERROR_FAMILIES, type VxpErrorFamily, vxpErrorCode } from './error-code-map.ts';
export { VXP_OPERATIONS, type VxpOperationName } from './operations.ts';
export { VXP_DEFAULTS, type VxpPluginOptions, vxpPlugin } from './vxp-plugin.ts';
export type {
  VxpAgency,
  VxpAgencyChange,
  VxpAgencyPolicy,
  VxpAgencyRequest,
  VxpDeliveryState,
  VxpInboxItem,
  VxpMessageKind,
  VxpPort,
  VxpPortFailure,
  VxpSentItem,
  VxpSubmission,
  VxpSubmitAccepted,
  VxpSubmitResult,
  VxpSystem,
} from './vxp-port.ts';
