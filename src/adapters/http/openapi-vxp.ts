import { VXP_OPERATIONS, type VxpOperationName } from '../vxp/index.ts';

/*
 * The VXP endpoint in the OpenAPI document. Fastify serves it as one wildcard route that dispatches
 * on the last path segment (src/adapters/vxp/vxp-plugin.ts), which documents nothing; the document
 * lists instead one path per operation of VXP_OPERATIONS, as the SDK calls it (`<endpoint>/<name>`),
 * with the XroadVnpt-* headers it signs, its body and its envelope.
 */

type Json = Record<string, unknown>;

/** Signed parameters an operation reads when present (the required ones are in VXP_OPERATIONS `signs`). */
const OPTIONAL_PARAMS: Readonly<Record<VxpOperationName, readonly { name: string; description: string }[]>> =
  {
    sendEdoc: [
      {
        name: 'from',
        description: 'The sending organization; the edXML From decides, this is only compared.',
      },
      {
        name: 'to',
        description: 'Recipients as the SDK writes them; not used: the edXML To elements route.',
      },
    ],
    getReceivedEdocList: [
      { name: 'messagetype', description: '`edoc` (default) lists documents, `status` status packages.' },
      { name: 'pageSize', description: "Most items answered, up to the hub's limit (500 by default)." },
    ],
    getEdoc: [],
    updateStatus: [
      { name: 'reason', description: 'With `fail`: why the system could not take the message.' },
      { name: 'description', description: 'With `fail`, when `reason` is absent.' },
    ],
    getSentEdocList: [
      {
        name: 'docId',
        description: 'The DocId sendEdoc returned: that message only (else the most recent).',
      },
      { name: 'messagetype', description: '`edoc` or `status`; ignored with a docId.' },
      { name: 'pageSize', description: "Most items answered, up to the hub's limit (500 by default)." },
    ],
    countReceiveEdoc: [],
    countReceiveStatus: [],
    downloadEdoc: [],
    getAgenciesList: [],
    getAgenciesListQD20: [
      {
        name: 'level',
        description: 'Only this level: 1 central, 2 province, 3 district, 4 commune, 5 below.',
      },
    ],
    getSynchronizeUnit: [],
    registerAgency: [],
    deleteAgency: [],
  };

const REQUIRED_PARAM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  messagetype: '`edoc` for a document, `status` for a status package: what the file is.',
  'hash-file': 'SHA-256 of the file as the SDK writes it: each byte in hex without padding.',
  docId: 'The DocId (the hub message id, a UUID).',
  status: '`done` (stored: acknowledges), `fail` (could not take it), or a remark word.',
  AgencyCode: 'The organ id of the agency to delete.',
};

const SUMMARIES: Readonly<Record<VxpOperationName, string>> = {
  sendEdoc: 'Send an edXML package or status package (the file, then CRLF)',
  getReceivedEdocList: 'What waits for the calling system, urgent first, one row per document',
  getEdoc: 'The exact bytes of a received package, base64 in `data`',
  updateStatus: '`done` acknowledges a received message; `fail` reports it could not be taken',
  getSentEdocList: 'Per recipient: delivery and business status of what the calling system sent',
  countReceiveEdoc: 'How many documents getReceivedEdocList would list',
  countReceiveStatus: 'How many status packages getReceivedEdocList would list',
  downloadEdoc: 'The raw bytes of a received package (an empty body when refused)',
  getAgenciesList: 'The directory: id, pid, code, name, mail, oldCode',
  getAgenciesListQD20: 'The directory in QĐ 20 form: id, code, name, mail, code102',
  getSynchronizeUnit: 'The whole directory, ceased organizations included (`deleted`)',
  registerAgency: 'Ask the operator to register an agency (refused unless allowed for the system)',
  deleteAgency: 'Ask the operator to delete an agency the system serves (refused unless allowed)',
};

const ENVELOPE_HEAD = {
  status: { type: 'string', enum: ['OK', 'FAIL'] },
  ErrorCode: {
    type: 'string',
    description: '`0` on success; on failure the numeric family (docs/vxp.md, "Reading errors").',
  },
  ErrorDesc: {
    type: 'string',
    description: 'On failure it starts with the stable code (docs/errors.md), e.g. `SENDER_NOT_SERVED: …`.',
  },
} as const;

const envelope = (description: string, extra: Json, extraRequired: string[]): Json => ({
  type: 'object',
  description,
  required: ['status', 'ErrorCode', 'ErrorDesc', ...extraRequired],
  properties: { ...ENVELOPE_HEAD, ...extra },
});

/** The envelope schemas, by name in components.schemas. */
export const VXP_SCHEMAS: Readonly<Record<string, Json>> = {
  VxpPlainEnvelope: envelope('The VXP envelope alone (updateStatus, registerAgency, deleteAgency).', {}, []),
  VxpDocIdEnvelope: envelope(
    'sendEdoc: DocId is the message id (empty on failure).',
    { DocId: { type: 'string' } },
    ['DocId'],
  ),
  VxpListEnvelope: envelope(
    'A list: `data` is always an array (empty on failure); members are never null.',
    {
      data: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
        },
      },
    },
    ['data'],
  ),
  VxpEdocEnvelope: envelope(
    'getEdoc: `data` is the standard base64 of the package bytes (empty on failure).',
    { data: { type: 'string', format: 'byte' } },
    ['data'],
  ),
  VxpCountEnvelope: envelope('A count (0 on failure).', { count: { type: 'integer', minimum: 0 } }, [
    'count',
  ]),
};

const SCHEMA_OF_SHAPE = {
  docId: 'VxpDocIdEnvelope',
  list: 'VxpListEnvelope',
  edoc: 'VxpEdocEnvelope',
  count: 'VxpCountEnvelope',
  plain: 'VxpPlainEnvelope',
} as const;

const header = (name: string, required: boolean, description: string, schema: Json = { type: 'string' }) => ({
  in: 'header',
  name,
  required,
  description,
  schema,
});

const capitalised = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * The OpenAPI paths of the VXP operations under `prefix` (e.g. `/vxp`): one per operation and
 * method, each with its signed headers, its body and the envelope it answers with.
 */
export function vxpPaths(prefix: string): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const op of VXP_OPERATIONS.values()) {
    const parameters = [
      header('XroadVnpt-systemid', true, 'Signed. The system id the operator registered.'),
      header(
        'XroadVnpt-timestamp',
        true,
        "Signed. The SDK's timestamp, ddMMyyyy'T'HHmmss+SSSS, frozen per SDK instance (not checked).",
      ),
      header(
        'XroadVnpt-Content-Type',
        true,
        'Signed. The content type this operation is signed with (the bare Content-Type header may differ).',
        {
          type: 'string',
          enum: [op.signs.contentType],
        },
      ),
      ...op.signs.params.map((name) =>
        header(`XroadVnpt-${name}`, true, `Signed. ${REQUIRED_PARAM_DESCRIPTIONS[name] ?? name}`),
      ),
      ...OPTIONAL_PARAMS[op.name].map((p) =>
        header(`XroadVnpt-${p.name}`, false, `Signed when sent. ${p.description}`),
      ),
      header(
        'XroadVnpt-sign-header',
        true,
        'JSON object of every signed member, `{"XroadVnpt-<name>":"<value>",…}`, exactly as the HMAC covers it; each member must also be sent as its own header with the same value.',
      ),
      header(
        'XroadVnpt-hash-header',
        true,
        'Lower-case hex HMAC-SHA256 of the XroadVnpt-sign-header bytes with the system secret.',
        { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
      ),
      header(
        'XroadVnpt-sign-header-key',
        false,
        'Signed member names separated by `;` (the SDK sends it; not read).',
      ),
    ];
    const ok =
      op.shape === 'raw'
        ? {
            description: 'The package bytes; an empty body when refused (the SDK then reports FAIL).',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          }
        : {
            description:
              'Every answer, success or refusal, is HTTP 200 with the envelope (the SDK ignores HTTP statuses).',
            content: {
              'application/json': { schema: { $ref: `#/components/schemas/${SCHEMA_OF_SHAPE[op.shape]}` } },
            },
          };
    const limited = {
      description:
        'A limit (RATE_LIMITED, UPLOAD_LIMITED, AUTH_RATE_LIMITED): the same answer, with Retry-After.',
      headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
      ...(op.shape === 'raw' ? {} : { content: ok.content }),
    };
    const requestBody =
      op.body === 'package'
        ? {
            required: true,
            description: 'The edXML file, optionally followed by CRLF (the SDK appends one).',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          }
        : op.name === 'registerAgency'
          ? {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['code', 'name'],
                    properties: Object.fromEntries(
                      ['id', 'code', 'name', 'pcode', 'mail', 'mobile', 'fax'].map((k) => [
                        k,
                        { type: 'string' },
                      ]),
                    ),
                  },
                },
              },
            }
          : {
              required: false,
              description: 'Nothing, or `{}`: the operation reads only the signed headers.',
              content: { 'application/json': { schema: { type: 'object' } } },
            };
    const path: Json = {};
    for (const method of op.methods) {
      path[method.toLowerCase()] = {
        operationId: `vxp${capitalised(op.name)}${op.methods.length > 1 && method !== op.methods[0] ? capitalised(method.toLowerCase()) : ''}`,
        summary: SUMMARIES[op.name],
        description: `VXP operation \`${op.name}\` as the national axis SDK (SDKVXP-2.0.x) sends it: authenticated by the XroadVnpt-* headers (a shared-secret HMAC, no bearer token); see docs/vxp.md.`,
        tags: ['vxp'],
        security: [],
        parameters,
        ...(method === 'GET' ? {} : { requestBody }),
        responses: { 200: ok, 429: limited },
      };
    }
    paths[`${prefix}/${op.name}`] = path;
  }
  return paths;
}
