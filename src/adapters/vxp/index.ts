export { type VxpCode, vxpCodes } from './codes.ts';
export { VXP_ERROR_FAMILIES, type VxpErrorFamily, vxpErrorCode } from './error-code-map.ts';
export { agencyOf, LEVEL_NUMBER } from './hub-agencies.ts';
export { createHubVxpPort, describeHubFailure, type HubVxpPortDeps } from './hub-vxp-port.ts';
export { VXP_OPERATIONS, type VxpOperationName } from './operations.ts';
export { KIND_CHECK_MAX_BYTES, packageKindOf } from './package-kind.ts';
export { createVxpMount, type VxpMount, type VxpMountOptions } from './vxp-mount.ts';
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
