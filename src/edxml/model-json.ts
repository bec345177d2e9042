import type { Finding } from '../core/index.ts';
import { EdxmlAttachment } from './attachment.ts';
import { type JsonObject, JsonReader } from './json-reader.ts';
import type {
  Business,
  DocumentCode,
  DocumentType,
  EdxmlMessage,
  EdxmlPackage,
  EdxmlStatus,
  ManifestReference,
  MessageHeader,
  Organization,
  OtherInfo,
  PromulgationInfo,
  Receiver,
  ResponseFor,
  SignerInfo,
  StaffInfo,
  StatusCode,
  TraceHeader,
} from './model.ts';
import { STATUS_CODES } from './model.ts';
import { compact } from './read-common.ts';

/** An attachment in the JSON form of the model: the metadata plus the body as base64. */
export interface AttachmentJson {
  contentId: string;
  attachmentName?: string;
  description?: string;
  contentType?: string;
  base64: string;
}

export type JsonModelResult = { ok: true; message: EdxmlMessage } | { ok: false; findings: Finding[] };

const ORGAN = [
  'organId',
  'organizationInCharge',
  'organName',
  'organAdd',
  'email',
  'telephone',
  'fax',
  'website',
];
const RESPONSE_FOR = ['organId', 'code', 'promulgationDate', 'documentId'];
const STAFF = ['department', 'staff', 'mobile', 'email'];
const REFERENCE = ['contentId', 'contentType', 'description', 'attachmentName'];
const HEADER = [
  ...['from', 'to', 'documentId', 'code', 'promulgationInfo', 'documentType', 'subject', 'content'],
  ...['signerInfo', 'dueDate', 'toPlaces', 'otherInfo', 'steeringType', 'responseFor'],
];
const OTHER = [
  ...['priority', 'sphereOfPromulgation', 'typerNotation', 'promulgationAmount', 'pageAmount', 'direction'],
  'appendixes',
];
const PACKAGE = ['kind', 'header', 'traceHeaders', 'business', 'manifest', 'attachments', 'signature'];
const STATUS = [
  'kind',
  'from',
  'responseFor',
  'staffInfo',
  'statusCode',
  'description',
  'timestamp',
  'traceHeaders',
  'signature',
];

const organization = (r: JsonReader, v: unknown, path: string) =>
  r.strings<Organization>(v, path, ORGAN, ['organId']) ?? { organId: '' };

function otherInfo(r: JsonReader, v: unknown, p: string): OtherInfo | undefined {
  const o = v === undefined ? undefined : r.object(v, p, OTHER);
  if (!o) return undefined;
  return compact({
    priority: r.int<0 | 1 | 2 | 3 | 4>(o, 'priority', p, 4),
    sphereOfPromulgation: r.str(o, 'sphereOfPromulgation', p),
    typerNotation: r.str(o, 'typerNotation', p),
    promulgationAmount: r.str(o, 'promulgationAmount', p),
    pageAmount: r.str(o, 'pageAmount', p),
    direction: r.str(o, 'direction', p),
    appendixes: r.texts(o, 'appendixes', p),
  });
}

function header(r: JsonReader, v: unknown, p: string): MessageHeader {
  const o = r.object(v, p, HEADER) ?? {};
  return compact({
    from: organization(r, o['from'], `${p}.from`),
    to: r.list(o, 'to', p, (x, q) => organization(r, x, q)) ?? r.bad(`${p}.to`, 'an array is required') ?? [],
    documentId: r.str(o, 'documentId', p, true) ?? '',
    code: r.strings<DocumentCode>(o['code'], `${p}.code`, ['codeNumber', 'codeNotation']),
    promulgationInfo: r.strings<PromulgationInfo>(o['promulgationInfo'], `${p}.promulgationInfo`, [
      'place',
      'promulgationDate',
    ]),
    documentType: r.strings<DocumentType>(o['documentType'], `${p}.documentType`, [
      'type',
      'typeDetail',
      'typeName',
    ]),
    subject: r.str(o, 'subject', p),
    content: r.str(o, 'content', p),
    signerInfo: r.strings<SignerInfo>(o['signerInfo'], `${p}.signerInfo`, [
      'competence',
      'position',
      'fullName',
    ]),
    dueDate: r.str(o, 'dueDate', p),
    toPlaces: r.texts(o, 'toPlaces', p),
    otherInfo: otherInfo(r, o['otherInfo'], `${p}.otherInfo`),
    steeringType: r.str(o, 'steeringType', p),
    responseFor: r.list(o, 'responseFor', p, (x, q) => r.strings<ResponseFor>(x, q, RESPONSE_FOR, [])) ?? [],
  });
}

function business(r: JsonReader, v: unknown, p: string): Business | undefined {
  const keys = ['documentId', 'docType', 'docReason', 'paper', 'documentInfo', 'replacements', 'staffInfo'];
  const o = v === undefined ? undefined : r.object(v, p, keys);
  if (!o) return undefined;
  const ip = `${p}.documentInfo`;
  const info =
    o['documentInfo'] === undefined
      ? undefined
      : r.object(o['documentInfo'], ip, ['documentInfo', 'documentReceiver', 'receivers']);
  return compact({
    documentId: r.str(o, 'documentId', p),
    docType: r.int<0 | 1 | 2 | 3>(o, 'docType', p, 3),
    docReason: r.str(o, 'docReason', p),
    paper: r.str(o, 'paper', p),
    documentInfo:
      info &&
      compact({
        documentInfo: r.str(info, 'documentInfo', ip),
        documentReceiver: r.str(info, 'documentReceiver', ip),
        receivers: r.list(info, 'receivers', ip, (x, q) =>
          r.strings<Receiver>(x, q, ['organId', 'receiverType'], []),
        ),
      }),
    replacements: r.list(o, 'replacements', p, (x, q) => {
      const item = r.object(x, q, ['documentId', 'organIds']);
      return (
        item && compact({ documentId: r.str(item, 'documentId', q), organIds: r.texts(item, 'organIds', q) })
      );
    }),
    staffInfo: r.strings<StaffInfo>(o['staffInfo'], `${p}.staffInfo`, STAFF),
  });
}

const traceHeaders = (r: JsonReader, o: JsonObject) =>
  r.list(o, 'traceHeaders', '$', (x, q) => r.strings<TraceHeader>(x, q, ['organId', 'timestamp'], [])) ?? [];

function attachment(r: JsonReader, v: unknown, path: string): EdxmlAttachment | undefined {
  const keys = ['contentId', 'attachmentName', 'description', 'contentType', 'base64'];
  const a = r.strings<AttachmentJson>(v, path, keys, ['contentId', 'base64']);
  // A required member that is missing or not a string is a finding already; there is no body to read.
  if (!a || typeof a.base64 !== 'string') return undefined;
  const { base64, ...meta } = a;
  return EdxmlAttachment.fromBase64(meta, base64);
}

function readPackage(r: JsonReader, o: JsonObject): EdxmlPackage {
  const attachments = r.list(o, 'attachments', '$', (x, q) => attachment(r, x, q)) ?? [];
  const m =
    o['manifest'] === undefined
      ? undefined
      : r.object(o['manifest'], '$.manifest', ['version', 'references']);
  // Without a manifest, the attachments are listed in one (what a producer writes anyway).
  const references = m
    ? (r.list(m, 'references', '$.manifest', (x, q) =>
        r.strings<ManifestReference>(x, q, REFERENCE, ['contentId']),
      ) ?? [])
    : attachments.map((a) =>
        compact({
          contentId: a.contentId,
          contentType: a.contentType,
          description: a.description,
          attachmentName: a.attachmentName,
        }),
      );
  return compact({
    kind: 'package' as const,
    header: header(r, o['header'], '$.header'),
    traceHeaders: traceHeaders(r, o),
    business: business(r, o['business'], '$.business'),
    manifest: compact({ version: m ? r.str(m, 'version', '$.manifest') : '1.0', references }),
    attachments,
  });
}

function readStatus(r: JsonReader, o: JsonObject): EdxmlStatus {
  const code = r.str(o, 'statusCode', '$', true);
  if (code !== undefined && !(STATUS_CODES as readonly string[]).includes(code)) {
    r.bad('$.statusCode', `one of ${STATUS_CODES.join(', ')} is expected`);
  }
  return compact({
    kind: 'status' as const,
    from: organization(r, o['from'], '$.from'),
    responseFor: r.strings<ResponseFor>(o['responseFor'], '$.responseFor', RESPONSE_FOR, []) ?? {},
    staffInfo: r.strings<StaffInfo>(o['staffInfo'], '$.staffInfo', STAFF),
    statusCode: (code ?? '01') as StatusCode,
    description: r.str(o, 'description', '$'),
    timestamp: r.str(o, 'timestamp', '$', true) ?? '',
    traceHeaders: traceHeaders(r, o),
  });
}

/** Reads the JSON form of a model (what `lienthong edxml build` takes). Validation is separate. */
export function messageFromJson(value: unknown): JsonModelResult {
  const r = new JsonReader();
  const kind = typeof value === 'object' && value !== null ? (value as JsonObject)['kind'] : undefined;
  if (kind !== 'package' && kind !== 'status') {
    r.bad('$.kind', 'kind must be "package" or "status"');
    return { ok: false, findings: r.findings };
  }
  const o = r.object(value, '$', kind === 'package' ? PACKAGE : STATUS) ?? {};
  const message = kind === 'package' ? readPackage(r, o) : readStatus(r, o);
  return r.findings.length > 0 ? { ok: false, findings: r.findings } : { ok: true, message };
}

/** The JSON form of a model: the model itself, attachment bodies as base64 text. */
export function messageToJson(message: EdxmlMessage): Record<string, unknown> {
  if (message.kind === 'status') return { ...message };
  const attachments: AttachmentJson[] = message.attachments.map((a) =>
    compact({
      contentId: a.contentId,
      attachmentName: a.attachmentName,
      description: a.description,
      contentType: a.contentType,
      base64: a.base64(),
    }),
  );
  return { ...message, attachments };
}
