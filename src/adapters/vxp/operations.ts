import type { EnvelopeShape } from './envelope.ts';
import {
  deleteAgency,
  getAgenciesList,
  getAgenciesListQD20,
  getSynchronizeUnit,
  registerAgency,
} from './ops/directory-ops.ts';
import {
  countReceiveEdoc,
  countReceiveStatus,
  downloadEdoc,
  getEdoc,
  getReceivedEdocList,
} from './ops/inbox-ops.ts';
import { sendEdoc } from './ops/send-edoc.ts';
import { getSentEdocList } from './ops/sent-list.ts';
import { updateStatus } from './ops/update-status.ts';
import type { SignedKeySet } from './signed-key-set.ts';
import type { VxpHandler } from './vxp-call.ts';

/** The operations the SDK calls, by the name it appends to the endpoint. */
export type VxpOperationName =
  | 'sendEdoc'
  | 'getReceivedEdocList'
  | 'getEdoc'
  | 'updateStatus'
  | 'getSentEdocList'
  | 'countReceiveEdoc'
  | 'countReceiveStatus'
  | 'downloadEdoc'
  | 'getAgenciesList'
  | 'getAgenciesListQD20'
  | 'getSynchronizeUnit'
  | 'registerAgency'
  | 'deleteAgency';

export interface VxpOperation {
  readonly name: VxpOperationName;
  /** Methods the SDK uses for it (spec §1): POST everywhere, GET for downloadEdoc only. */
  readonly methods: readonly ('POST' | 'GET')[];
  /** What a refusal looks like: an envelope with this payload member, or (`raw`) an empty body. */
  readonly shape: EnvelopeShape | 'raw';
  /** `package`: the body is an edXML file (large); `small`: empty, `{}` or a short JSON. */
  readonly body: 'package' | 'small';
  /** The keys a call must sign for it (checked before the handler runs; see signed-key-set.ts). */
  readonly signs: SignedKeySet;
  readonly handler: VxpHandler;
}

/** The key set of a JSON call acting on these parameters. */
const json = (...params: string[]): SignedKeySet => ({ contentType: 'application/json', params });
const JSON_CALL = json();

const table: readonly VxpOperation[] = [
  {
    name: 'sendEdoc',
    methods: ['POST'],
    shape: 'docId',
    body: 'package',
    signs: { contentType: 'application/octet-stream', params: ['messagetype', 'hash-file'] },
    handler: sendEdoc,
  },
  {
    name: 'getReceivedEdocList',
    methods: ['POST'],
    shape: 'list',
    body: 'small',
    signs: JSON_CALL,
    handler: getReceivedEdocList,
  },
  {
    name: 'getEdoc',
    methods: ['POST'],
    shape: 'edoc',
    body: 'small',
    signs: json('docId'),
    handler: getEdoc,
  },
  {
    name: 'updateStatus',
    methods: ['POST'],
    shape: 'plain',
    body: 'small',
    signs: json('docId', 'status'),
    handler: updateStatus,
  },
  {
    name: 'getSentEdocList',
    methods: ['POST'],
    shape: 'list',
    body: 'small',
    signs: JSON_CALL,
    handler: getSentEdocList,
  },
  {
    name: 'countReceiveEdoc',
    methods: ['POST'],
    shape: 'count',
    body: 'small',
    signs: JSON_CALL,
    handler: countReceiveEdoc,
  },
  {
    name: 'countReceiveStatus',
    methods: ['POST'],
    shape: 'count',
    body: 'small',
    signs: JSON_CALL,
    handler: countReceiveStatus,
  },
  {
    name: 'downloadEdoc',
    methods: ['GET', 'POST'],
    shape: 'raw',
    body: 'small',
    signs: json('docId'),
    handler: downloadEdoc,
  },
  {
    name: 'getAgenciesList',
    methods: ['POST'],
    shape: 'list',
    body: 'small',
    signs: JSON_CALL,
    handler: getAgenciesList,
  },
  {
    name: 'getAgenciesListQD20',
    methods: ['POST'],
    shape: 'list',
    body: 'small',
    signs: JSON_CALL,
    handler: getAgenciesListQD20,
  },
  {
    name: 'getSynchronizeUnit',
    methods: ['POST'],
    shape: 'list',
    body: 'small',
    signs: JSON_CALL,
    handler: getSynchronizeUnit,
  },
  {
    name: 'registerAgency',
    methods: ['POST'],
    shape: 'plain',
    body: 'small',
    signs: JSON_CALL,
    handler: registerAgency,
  },
  {
    name: 'deleteAgency',
    methods: ['POST'],
    shape: 'plain',
    body: 'small',
    signs: json('AgencyCode'),
    handler: deleteAgency,
  },
];

/** Name → operation; names are matched case-insensitively (a proxy or hand-made client may change case). */
export const VXP_OPERATIONS: ReadonlyMap<string, VxpOperation> = new Map(
  table.map((op) => [op.name.toLowerCase(), op]),
);

/**
 * The operation a request path names: its last non-empty segment, so `/vxp/getEdoc`, `/vxp//sendEdoc`
 * (the SDK's sendEdoc with a trailing slash in the endpoint) and deeper base paths all route.
 */
export function operationForPath(url: string): VxpOperation | undefined {
  const path = url.split('?', 1)[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1];
  return last === undefined ? undefined : VXP_OPERATIONS.get(last.toLowerCase());
}
