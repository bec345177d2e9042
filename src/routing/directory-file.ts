import { parse as parseYaml } from 'yaml';
import { type Finding, hasError } from '../core/index.ts';
import { type CivilDate, isCivilDate } from './civil-date.ts';
import { CsvSyntaxError, parseCsv } from './csv.ts';
import {
  NODE_KINDS,
  type NodeKind,
  ORGANIZATION_LEVELS,
  type OrganizationLevel,
  SIGNATURE_POLICIES,
  type SignaturePolicy,
} from './directory.ts';
import type { DirectoryFormat } from './directory-format.ts';
import { isOrganId, isQd20OrganId, subtreeSpecificity } from './organ-id.ts';

/** An organization as a directory file states it. The file is authoritative for every field. */
export interface OrganizationEntry {
  readonly organId: string;
  readonly name: string;
  readonly level: OrganizationLevel;
  readonly parentId: string | null;
  readonly validFrom: CivilDate | null;
  readonly validTo: CivilDate | null;
  readonly successorId: string | null;
  readonly synthetic: boolean;
}

/** A signer certificate pinned in the file (SHA-256 of the DER certificate). */
export interface SignerCertificateEntry {
  readonly sha256: string;
  /** The organizations it may sign for; null = every organization the node lists. */
  readonly organIds: readonly string[] | null;
  readonly subject: string | null;
}

/**
 * A node as a directory file states it. Fields left out (undefined) are left unchanged on import
 * (defaults when the node is created); a file never carries tokens or webhook secrets.
 */
export interface NodeEntry {
  readonly id: string;
  readonly name?: string | undefined;
  readonly kind?: NodeKind | undefined;
  readonly signaturePolicy?: SignaturePolicy | undefined;
  readonly webhookUrl?: string | null | undefined;
  /** Organizations this node serves (they move to it if another node served them). */
  readonly organizations: readonly string[];
  /** Child hubs: organ-id subtree roots the node serves. */
  readonly subtreeRoots: readonly string[];
  readonly signerCertificates: readonly SignerCertificateEntry[];
}

/** The content of a directory file. */
export interface DirectoryFile {
  readonly organizations: readonly OrganizationEntry[];
  readonly nodes: readonly NodeEntry[];
}

/** Parsed file plus warnings, or the findings that refuse it. */
export type DirectoryFileResult =
  | { readonly ok: true; readonly file: DirectoryFile; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly findings: readonly Finding[] };

export { type DirectoryFormat, directoryFormatOf } from './directory-format.ts';

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ORG_KEYS = new Set([
  'organId',
  'name',
  'level',
  'parentId',
  'validFrom',
  'validTo',
  'successorId',
  'synthetic',
]);
const NODE_KEYS = new Set([
  'id',
  'name',
  'kind',
  'signaturePolicy',
  'webhookUrl',
  'organizations',
  'subtreeRoots',
  'signerCertificates',
]);
const CSV_COLUMNS = [
  'organ_id',
  'name',
  'level',
  'parent_id',
  'node_id',
  'valid_from',
  'valid_to',
  'successor_id',
  'synthetic',
] as const;

/** Parses and checks a directory file (YAML or CSV; docs/directory.md describes both). Pure. */
export function parseDirectoryFile(text: string, format: DirectoryFormat): DirectoryFileResult {
  const findings: Finding[] = [];
  const file = format === 'yaml' ? readYaml(text, findings) : readCsv(text, findings);
  if (file) checkConsistency(file, findings);
  if (!file || hasError(findings)) return { ok: false, findings };
  return { ok: true, file, findings };
}

function finding(code: string, severity: Finding['severity'], path: string, message: string): Finding {
  return { code, severity, path, message };
}

function invalid(findings: Finding[], path: string, message: string): void {
  findings.push(finding('DIRECTORY_INVALID_FIELD', 'error', path, message));
}

const ORGAN_ID_RULE = '1-64 of 0-9 A-Z a-z . _ - (starting with a letter or digit)';

/** Ids in the wild are not all QĐ 20/2020-shaped: the file decides which exist, the shape only warns. */
function warnShape(findings: Finding[], path: string, organId: string): void {
  if (isQd20OrganId(organId)) return;
  findings.push(
    finding(
      'DIRECTORY_ORGAN_ID_SHAPE',
      'warning',
      path,
      `${organId} is not shaped like a QĐ 20/2020 organ id; it is routed by the directory only`,
    ),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readYaml(text: string, findings: Finding[]): DirectoryFile | null {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    findings.push(finding('DIRECTORY_SYNTAX', 'error', '', `not valid YAML: ${(error as Error).message}`));
    return null;
  }
  if (!isRecord(document)) {
    findings.push(
      finding(
        'DIRECTORY_SYNTAX',
        'error',
        '',
        'the top level must be a mapping with organizations and nodes',
      ),
    );
    return null;
  }
  for (const key of Object.keys(document)) {
    if (!['version', 'organizations', 'nodes'].includes(key)) {
      findings.push(
        finding('DIRECTORY_UNKNOWN_FIELD', 'warning', key, `unknown top-level field "${key}" ignored`),
      );
    }
  }
  if (document['version'] !== undefined && document['version'] !== 1) {
    findings.push(finding('DIRECTORY_SYNTAX', 'error', 'version', 'only version 1 is known'));
  }
  const organizations = listAt(document, 'organizations', findings).map((raw, i) =>
    readOrganization(raw, `organizations/${i}`, findings),
  );
  const nodes = listAt(document, 'nodes', findings).map((raw, i) => readNode(raw, `nodes/${i}`, findings));
  return {
    organizations: organizations.filter((o): o is OrganizationEntry => o !== null),
    nodes: nodes.filter((n): n is NodeEntry => n !== null),
  };
}

function listAt(document: Record<string, unknown>, key: string, findings: Finding[]): unknown[] {
  const value = document[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    findings.push(finding('DIRECTORY_SYNTAX', 'error', key, `${key} must be a list`));
    return [];
  }
  return value;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

function optionalOrganId(raw: Record<string, unknown>, key: string, path: string, findings: Finding[]) {
  if (raw[key] === undefined || raw[key] === null || raw[key] === '') return null;
  const value = text(raw[key]);
  if (value === null || !isOrganId(value)) {
    invalid(findings, `${path}/${key}`, `${key} must be an organ id: ${ORGAN_ID_RULE}`);
    return null;
  }
  return value;
}

function optionalDate(raw: Record<string, unknown>, key: string, path: string, findings: Finding[]) {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return null;
  // A YAML 1.1 reader may have turned the day into a Date at UTC midnight; take the day back.
  const day = value instanceof Date ? value.toISOString().slice(0, 10) : text(value);
  if (day === null || !isCivilDate(day)) {
    invalid(findings, `${path}/${key}`, `${key} must be a day written YYYY-MM-DD`);
    return null;
  }
  return day;
}

function readOrganization(raw: unknown, path: string, findings: Finding[]): OrganizationEntry | null {
  if (!isRecord(raw)) {
    invalid(findings, path, 'an organization must be a mapping');
    return null;
  }
  warnUnknown(raw, ORG_KEYS, path, findings);
  const errorsBefore = findings.filter((f) => f.severity === 'error').length;
  const organId = text(raw['organId']);
  if (organId === null || !isOrganId(organId))
    invalid(findings, `${path}/organId`, `organId must be an organ id: ${ORGAN_ID_RULE}`);
  else warnShape(findings, `${path}/organId`, organId);
  const name = text(raw['name']);
  if (name === null) invalid(findings, `${path}/name`, 'name is required');
  const level = text(raw['level']);
  if (level === null || !(ORGANIZATION_LEVELS as readonly string[]).includes(level)) {
    invalid(findings, `${path}/level`, `level must be one of ${ORGANIZATION_LEVELS.join(', ')}`);
  }
  const parentId = optionalOrganId(raw, 'parentId', path, findings);
  const successorId = optionalOrganId(raw, 'successorId', path, findings);
  const validFrom = optionalDate(raw, 'validFrom', path, findings);
  const validTo = optionalDate(raw, 'validTo', path, findings);
  if (validFrom !== null && validTo !== null && validFrom > validTo) {
    invalid(findings, `${path}/validTo`, 'validTo is before validFrom');
  }
  if (successorId !== null && successorId === organId)
    invalid(findings, `${path}/successorId`, 'an organization cannot succeed itself');
  const synthetic = raw['synthetic'] ?? false;
  if (typeof synthetic !== 'boolean')
    invalid(findings, `${path}/synthetic`, 'synthetic must be true or false');
  if (findings.filter((f) => f.severity === 'error').length > errorsBefore) return null;
  return {
    organId: organId!,
    name: name!,
    level: level as OrganizationLevel,
    parentId,
    validFrom,
    validTo,
    successorId,
    synthetic: synthetic === true,
  };
}

function readNode(raw: unknown, path: string, findings: Finding[]): NodeEntry | null {
  if (!isRecord(raw)) {
    invalid(findings, path, 'a node must be a mapping');
    return null;
  }
  warnUnknown(raw, NODE_KEYS, path, findings);
  const errorsBefore = findings.filter((f) => f.severity === 'error').length;
  const id = text(raw['id']);
  if (id === null || !NODE_ID.test(id))
    invalid(
      findings,
      `${path}/id`,
      'id must be 1-128 of A-Z a-z 0-9 . _ : - (starting with a letter or digit)',
    );
  const name = raw['name'] === undefined ? undefined : (text(raw['name']) ?? undefined);
  const kind = oneOf(raw, 'kind', NODE_KINDS, path, findings);
  const signaturePolicy = oneOf(raw, 'signaturePolicy', SIGNATURE_POLICIES, path, findings);
  let webhookUrl: string | null | undefined;
  if (raw['webhookUrl'] === null || raw['webhookUrl'] === '') webhookUrl = null;
  else if (raw['webhookUrl'] !== undefined) {
    webhookUrl = text(raw['webhookUrl']) ?? undefined;
    if (webhookUrl === undefined || !/^https?:\/\/\S+$/.test(webhookUrl)) {
      invalid(findings, `${path}/webhookUrl`, 'webhookUrl must be an http(s) URL');
    }
  }
  const organizations = organIdList(raw['organizations'], `${path}/organizations`, findings);
  // Subtrees are read from the QĐ 20/2020 structure, so a root must have it.
  const subtreeRoots = organIdList(raw['subtreeRoots'], `${path}/subtreeRoots`, findings, 'qd20');
  subtreeRoots.forEach((root, i) => {
    if (subtreeSpecificity(root) === 0)
      invalid(findings, `${path}/subtreeRoots/${i}`, 'a subtree root needs a non-zero level-1 group');
  });
  if (subtreeRoots.length > 0 && kind !== 'peer_hub') {
    invalid(findings, `${path}/subtreeRoots`, 'only a node of kind peer_hub serves subtrees');
  }
  const signerCertificates = readCertificates(
    raw['signerCertificates'],
    `${path}/signerCertificates`,
    findings,
  );
  if (findings.filter((f) => f.severity === 'error').length > errorsBefore) return null;
  return {
    id: id!,
    name,
    kind,
    signaturePolicy,
    webhookUrl,
    organizations,
    subtreeRoots,
    signerCertificates,
  };
}

function oneOf<T extends string>(
  raw: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  path: string,
  findings: Finding[],
): T | undefined {
  if (raw[key] === undefined) return undefined;
  const value = text(raw[key]);
  if (value === null || !(allowed as readonly string[]).includes(value)) {
    invalid(findings, `${path}/${key}`, `${key} must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

function organIdList(
  value: unknown,
  path: string,
  findings: Finding[],
  shape: 'any' | 'qd20' = 'any',
): string[] {
  const accepts = shape === 'qd20' ? isQd20OrganId : isOrganId;
  const rule =
    shape === 'qd20' ? 'a QĐ 20/2020 organ id (groups of 0-9 A-Z)' : `an organ id: ${ORGAN_ID_RULE}`;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    invalid(findings, path, 'must be a list of organ ids');
    return [];
  }
  const ids: string[] = [];
  value.forEach((item, i) => {
    const id = text(item);
    if (id === null || !accepts(id)) invalid(findings, `${path}/${i}`, `must be ${rule}`);
    else if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}

/** Accepts 64 hex digits, with or without colons, any case; returns lower-case hex. */
export function normaliseThumbprint(value: string): string | null {
  const hex = value.replaceAll(':', '').trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

function readCertificates(value: unknown, path: string, findings: Finding[]): SignerCertificateEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    invalid(findings, path, 'must be a list');
    return [];
  }
  const entries: SignerCertificateEntry[] = [];
  value.forEach((item, i) => {
    const raw: Record<string, unknown> = isRecord(item) ? item : { sha256: item };
    const sha256 = normaliseThumbprint(text(raw['sha256']) ?? '');
    if (sha256 === null) {
      invalid(
        findings,
        `${path}/${i}/sha256`,
        'sha256 must be the SHA-256 of the DER certificate (64 hex digits)',
      );
      return;
    }
    const organIds =
      raw['organizations'] === undefined
        ? null
        : organIdList(raw['organizations'], `${path}/${i}/organizations`, findings);
    entries.push({ sha256, organIds, subject: text(raw['subject']) });
  });
  return entries;
}

function warnUnknown(
  raw: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: string,
  findings: Finding[],
): void {
  for (const key of Object.keys(raw)) {
    if (!known.has(key))
      findings.push(
        finding('DIRECTORY_UNKNOWN_FIELD', 'warning', `${path}/${key}`, `unknown field "${key}" ignored`),
      );
  }
}

function readCsv(source: string, findings: Finding[]): DirectoryFile | null {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(source);
  } catch (error) {
    const path = error instanceof CsvSyntaxError ? `line ${error.line}` : '';
    findings.push(finding('DIRECTORY_SYNTAX', 'error', path, `not valid CSV: ${(error as Error).message}`));
    return null;
  }
  const header = records[0]?.fields.map((h) => h.trim());
  if (!header || !['organ_id', 'name', 'level'].every((c) => header.includes(c))) {
    findings.push(
      finding(
        'DIRECTORY_SYNTAX',
        'error',
        'line 1',
        'the header must name at least organ_id, name and level',
      ),
    );
    return null;
  }
  for (const column of header) {
    if (!(CSV_COLUMNS as readonly string[]).includes(column)) {
      findings.push(
        finding(
          'DIRECTORY_UNKNOWN_FIELD',
          'warning',
          `line 1/${column}`,
          `unknown column "${column}" ignored`,
        ),
      );
    }
  }
  const organizations: OrganizationEntry[] = [];
  const served = new Map<string, string[]>();
  for (const record of records.slice(1)) {
    const path = `line ${record.line}`;
    if (record.fields.length !== header.length) {
      findings.push(
        finding(
          'DIRECTORY_SYNTAX',
          'error',
          path,
          `expected ${header.length} fields, found ${record.fields.length}`,
        ),
      );
      continue;
    }
    const row = Object.fromEntries(header.map((column, i) => [column, record.fields[i]!.trim()]));
    const synthetic = parseBoolean(row['synthetic'] ?? '');
    if (synthetic === null)
      invalid(findings, `${path}/synthetic`, 'synthetic must be true, false, yes, no, 1, 0 or empty');
    const entry = readOrganization(
      {
        organId: row['organ_id'],
        name: row['name'],
        level: row['level'],
        parentId: row['parent_id'],
        validFrom: row['valid_from'],
        validTo: row['valid_to'],
        successorId: row['successor_id'],
        synthetic: synthetic ?? false,
      },
      path,
      findings,
    );
    if (!entry) continue;
    organizations.push(entry);
    const nodeId = row['node_id'] ?? '';
    if (nodeId !== '') {
      if (!NODE_ID.test(nodeId)) invalid(findings, `${path}/node_id`, 'node_id is not a valid node id');
      else served.set(nodeId, [...(served.get(nodeId) ?? []), entry.organId]);
    }
  }
  const nodes: NodeEntry[] = [...served].map(([id, organIds]) => ({
    id,
    organizations: organIds,
    subtreeRoots: [],
    signerCertificates: [],
  }));
  return { organizations, nodes };
}

function parseBoolean(value: string): boolean | null {
  const lower = value.toLowerCase();
  if (['', 'false', 'no', '0'].includes(lower)) return false;
  if (['true', 'yes', '1'].includes(lower)) return true;
  return null;
}

function checkConsistency(file: DirectoryFile, findings: Finding[]): void {
  const organIds = new Set<string>();
  file.organizations.forEach((o, i) => {
    if (organIds.has(o.organId)) {
      findings.push(
        finding('DIRECTORY_DUPLICATE', 'error', `organizations/${i}/organId`, `${o.organId} appears twice`),
      );
    }
    organIds.add(o.organId);
  });
  const parents = file.nodes.filter((n) => n.kind === 'parent_hub');
  if (parents.length > 1) {
    findings.push(
      finding(
        'DIRECTORY_DUPLICATE',
        'error',
        'nodes',
        `a hub has one parent hub; the file names ${parents.map((n) => n.id).join(', ')}`,
      ),
    );
  }
  const nodeIds = new Set<string>();
  const servedBy = new Map<string, string>();
  file.nodes.forEach((n, i) => {
    if (nodeIds.has(n.id))
      findings.push(finding('DIRECTORY_DUPLICATE', 'error', `nodes/${i}/id`, `node ${n.id} appears twice`));
    nodeIds.add(n.id);
    n.organizations.forEach((organId, j) => {
      if (!organIds.has(organId)) warnShape(findings, `nodes/${i}/organizations/${j}`, organId);
    });
    for (const organId of n.organizations) {
      const other = servedBy.get(organId);
      if (other !== undefined && other !== n.id) {
        findings.push(
          finding(
            'DIRECTORY_SERVED_TWICE',
            'error',
            `nodes/${i}/organizations`,
            `${organId} is listed by ${other} and ${n.id}`,
          ),
        );
      }
      servedBy.set(organId, n.id);
    }
    n.signerCertificates.forEach((c, j) => {
      for (const organId of c.organIds ?? []) {
        if (!n.organizations.includes(organId)) {
          invalid(
            findings,
            `nodes/${i}/signerCertificates/${j}/organizations`,
            `${organId} is not served by ${n.id}`,
          );
        }
      }
    });
  });
}
