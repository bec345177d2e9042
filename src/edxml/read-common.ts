import { ElementNode } from './element-node.ts';
import type { FindingSink } from './finding-sink.ts';
import type {
  Business,
  BusinessDocType,
  BusinessDocumentInfo,
  Organization,
  ReplacementInfo,
  ResponseFor,
  StaffInfo,
  TraceHeader,
} from './model.ts';
import type { XmlElement } from './xml-tree.ts';

/** Drops undefined properties so that models compare and serialize cleanly. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

export const ORGAN_FIELDS = [
  'OrganId',
  'OrganizationInCharge',
  'OrganName',
  'OrganAdd',
  'Email',
  'Telephone',
  'Fax',
  'Website',
] as const;

/** From / To. A missing OrganId reads as '' (validation reports it). */
export function readOrganization(node: ElementNode): Organization {
  return compact({
    organId: node.text('OrganId') ?? '',
    organizationInCharge: node.text('OrganizationInCharge'),
    organName: node.text('OrganName'),
    organAdd: node.text('OrganAdd'),
    email: node.text('Email'),
    telephone: node.text('Telephone'),
    fax: node.text('Fax'),
    website: node.text('Website'),
  });
}

export function openOrganization(element: XmlElement, path: string, sink: FindingSink): Organization {
  return readOrganization(new ElementNode(element, path, sink, ORGAN_FIELDS));
}

const RESPONSE_FOR = ['OrganId', 'Code', 'PromulgationDate', 'DocumentId'];

export function readResponseFor(element: XmlElement, path: string, sink: FindingSink): ResponseFor {
  const node = new ElementNode(element, path, sink, RESPONSE_FOR);
  return compact({
    organId: node.text('OrganId'),
    code: node.text('Code'),
    promulgationDate: node.text('PromulgationDate'),
    documentId: node.text('DocumentId'),
  });
}

export function readStaffInfo(parent: ElementNode): StaffInfo | undefined {
  const node = parent.node('StaffInfo', ['Department', 'Staff', 'Mobile', 'Email']);
  if (!node) return undefined;
  return compact({
    department: node.text('Department'),
    staff: node.text('Staff'),
    mobile: node.text('Mobile'),
    email: node.text('Email'),
  });
}

// The national axis spells it Bussiness; one vendor writes Business. Both are read.
const BUSINESS = ['Bussiness', 'Business'];
const DOC_TYPE = ['BussinessDocType', 'BusinessDocType'];
const DOC_REASON = ['BussinessDocReason', 'BusinessDocReason'];
const DOC_INFO = ['BussinessDocumentInfo', 'BusinessDocumentInfo'];
const BUSINESS_CHILDREN = [
  'DocumentId',
  'Paper',
  'ReplacementInfoList',
  'StaffInfo',
  ...DOC_TYPE,
  ...DOC_REASON,
  ...DOC_INFO,
];

function readDocumentInfo(parent: ElementNode): BusinessDocumentInfo | undefined {
  const node = parent.node(DOC_INFO, ['DocumentInfo', 'DocumentReceiver', 'ReceiverList']);
  if (!node) return undefined;
  const list = node.node('ReceiverList', ['Receiver']);
  return compact({
    documentInfo: node.text('DocumentInfo'),
    documentReceiver: node.text('DocumentReceiver'),
    receivers: list?.children('Receiver').map(({ element, path }) => {
      const receiver = new ElementNode(element, path, node.sink, ['OrganId', 'ReceiverType']);
      return compact({ organId: receiver.text('OrganId'), receiverType: receiver.text('ReceiverType') });
    }),
  });
}

function readReplacements(parent: ElementNode): ReplacementInfo[] | undefined {
  const list = parent.node('ReplacementInfoList', ['ReplacementInfo']);
  return list?.children('ReplacementInfo').map(({ element, path }) => {
    const info = new ElementNode(element, path, parent.sink, ['DocumentId', 'OrganIdList']);
    return compact({
      documentId: info.text('DocumentId'),
      organIds: info.node('OrganIdList', ['OrganId'])?.texts('OrganId'),
    });
  });
}

function readDocType(node: ElementNode, sink: FindingSink): BusinessDocType | undefined {
  const text = node.text(DOC_TYPE);
  if (text === undefined) return undefined;
  if (/^[0-3]$/.test(text)) return Number(text) as BusinessDocType;
  sink.error(
    'EDXML_BAD_BUSINESS_TYPE',
    `${node.path}/BussinessDocType`,
    `BussinessDocType "${text.slice(0, 20)}" is not 0–3`,
  );
  return undefined;
}

function readBusiness(parent: ElementNode): Business | undefined {
  const node = parent.node(BUSINESS, BUSINESS_CHILDREN);
  if (!node) return undefined;
  return compact({
    documentId: node.text('DocumentId'),
    docType: readDocType(node, parent.sink),
    docReason: node.text(DOC_REASON),
    paper: node.text('Paper'),
    documentInfo: readDocumentInfo(node),
    replacements: readReplacements(node),
    staffInfo: readStaffInfo(node),
  });
}

/** TraceHeaderList: the hops and (for packages) the business operation, children in any order. */
export function readTraceHeaderList(header: ElementNode): {
  traceHeaders: TraceHeader[];
  business?: Business;
} {
  const list = header.node('TraceHeaderList', ['TraceHeader', ...BUSINESS]);
  if (!list) return { traceHeaders: [] };
  const traceHeaders = list.children('TraceHeader').map(({ element, path }) => {
    const hop = new ElementNode(element, path, header.sink, ['OrganId', 'Timestamp']);
    return compact({ organId: hop.text('OrganId'), timestamp: hop.text('Timestamp') });
  });
  return compact({ traceHeaders, business: readBusiness(list) });
}
