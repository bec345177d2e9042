export { type VxpCode, vxpCodes } from './codes.ts';
export { describeFailure } from './envelope.ts';
export { VXP_ERROR_FAMILIES, type VxpErrorFamily, vxpErrorCode } from './error-code-map.ts';
export { VXP_OPERATIONS, type VxpOperationName } from './operations.ts';
export { createVxpMount, type VxpMount, type VxpMountOptions } from './vxp-mount.ts';
export { VXP_DEFAULTS, type VxpPluginOptions, vxpPlugin } from './vxp-plugin.ts';
