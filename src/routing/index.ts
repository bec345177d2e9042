export { type CivilDate, civilDateAt, isCivilDate, startOfCivilDate } from './civil-date.ts';
export { type RoutingCode, routingCodes, type UnroutableCode } from './codes.ts';
export { type CsvRecord, formatCsv, parseCsv } from './csv.ts';
export {
  type DirectoryNode,
  type DirectoryOrganization,
  type DirectorySnapshot,
  NODE_KINDS,
  type NodeKind,
  ORGANIZATION_LEVELS,
  type OrganizationLevel,
  SIGNATURE_POLICIES,
  type SignaturePolicy,
  type SignerPin,
} from './directory.ts';
export {
  type DirectoryFile,
  type DirectoryFileResult,
  type DirectoryFormat,
  directoryFormatOf,
  type NodeEntry,
  normaliseThumbprint,
  type OrganizationEntry,
  parseDirectoryFile,
  type SignerCertificateEntry,
} from './directory-file.ts';
export {
  createDirectorySnapshot,
  type DirectorySnapshotInput,
  pinnedSignerCertificates,
} from './directory-snapshot.ts';
export {
  isInOrganSubtree,
  isOrganId,
  isQd20OrganId,
  MAX_ORGAN_ID_LENGTH,
  MAX_QD20_ORGAN_ID_LENGTH,
  subtreeSpecificity,
} from './organ-id.ts';
export { type PlanOptions, planRoutes, type RoutePlan, type RouteTarget } from './plan-routes.ts';
export {
  MAX_SUCCESSOR_STEPS,
  type ResolveOptions,
  type RouteDecision,
  type RoutedDecision,
  type RouteKind,
  resolveRoute,
  type UnroutableDecision,
} from './resolve-route.ts';
