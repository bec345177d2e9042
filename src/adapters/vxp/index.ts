export { type VxpCode, vxpCodes } from './codes.ts';
export { describeFailure } from './envelope.ts';
export { VXP_ERROR_FAMILIES, type VxpErrorFamily, vxpErrorCode } from './error-code-map.ts';
export { VXP_OPERATIONS, type VxpOperationName } from './operations.ts';
export {
  cleanParamValue,
  gsonString,
  headerValue,
  javaHashMapOrder,
  javaStringHash,
  SDK_USER_AGENT,
  SDK_VERSION,
  type SdkSignedHeaders,
  type SdkSignInput,
  sdkTimestamp,
  signSdkParams,
  withoutControls,
} from './sdk-sign.ts';
export {
  createVxpClient,
  type SendEdocInput,
  VXP_CLIENT_DEFAULTS,
  type VxpClient,
  type VxpClientCode,
  type VxpClientFailure,
  type VxpClientOptions,
  type VxpClientOutcome,
  type VxpMessageType,
  type VxpReceivedItem,
  type VxpRefusedFailure,
  type VxpTransportFailure,
} from './vxp-client.ts';
export { createVxpMount, type VxpMount, type VxpMountOptions } from './vxp-mount.ts';
export { VXP_DEFAULTS, type VxpPluginOptions, vxpPlugin } from './vxp-plugin.ts';
