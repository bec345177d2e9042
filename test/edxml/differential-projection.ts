import type { Document, Element } from '@xmldom/xmldom';
import { scanBase64Text } from '../../src/edxml/base64-scan.ts';
import {
  EDXML_NAMESPACE,
  type EdxmlMessage,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  XMLDSIG_NAMESPACE,
} from '../../src/edxml/index.ts';

/**
 * Both parsers' readings flattened to `path → value`, so that they compare key by key. The paths
 * follow the model (`header.to[2].organId`); lists are 1-based. An absent or empty value has no key.
 * A single-valued element that xmldom finds more than once gets a `path#count` key, which the model
 * never has: the codec must have refused that input.
 */
export type Projection = Map<string, string>;

/** The body of an attachment that does not decode (both sides use the codec's base64 rules). */
export const UNDECODABLE = '<undecodable>';

const ORGAN: ReadonlyArray<[keyof Organization, string]> = [
  ['organId', 'OrganId'],
  ['organizationInCharge', 'OrganizationInCharge'],
  ['organName', 'OrganName'],
  ['organAdd', 'OrganAdd'],
  ['email', 'Email'],
  ['telephone', 'Telephone'],
  ['fax', 'Fax'],
  ['website', 'Website'],
];
const RESPONSE_FOR: ReadonlyArray<[keyof ResponseFor, string]> = [
  ['organId', 'OrganId'],
  ['code', 'Code'],
  ['promulgationDate', 'PromulgationDate'],
  ['documentId', 'DocumentId'],
];
const STAFF: ReadonlyArray<[keyof StaffInfo, string]> = [
  ['department', 'Department'],
  ['staff', 'Staff'],
  ['mobile', 'Mobile'],
  ['email', 'Email'],
];
const BUSINESS = ['Bussiness', 'Business'];

function put(out: Projection, path: string, value: string | number | undefined): void {
  if (value === undefined || value === '') return;
  out.set(path, String(value));
}

/** Strips what base64 ignores, on both sides alike. */
function body(text: string): string {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  return scanBase64Text(compact).problem ? UNDECODABLE : compact;
}

// ---------------------------------------------------------------------------------------------
// The codec's model

function modelFields<T>(out: Projection, path: string, value: T, fields: ReadonlyArray<[keyof T, string]>) {
  for (const [key] of fields) put(out, `${path}.${String(key)}`, value[key] as string | undefined);
}

function modelList(out: Projection, path: string, values: readonly string[] | undefined): void {
  values?.forEach((v, i) => {
    put(out, `${path}[${i + 1}]`, v);
  });
}

/** Projects what the codec read. */
export function projectModel(message: EdxmlMessage): Projection {
  const out: Projection = new Map();
  out.set('kind', message.kind);
  put(out, 'signature', message.signature);
  message.traceHeaders.forEach((t, i) => {
    put(out, `traceHeaders[${i + 1}].organId`, t.organId);
    put(out, `traceHeaders[${i + 1}].timestamp`, t.timestamp);
  });
  if (message.kind === 'status') {
    modelFields(out, 'from', message.from, ORGAN);
    modelFields(out, 'responseFor', message.responseFor, RESPONSE_FOR);
    if (message.staffInfo) modelFields(out, 'staffInfo', message.staffInfo, STAFF);
    put(out, 'statusCode', message.statusCode);
    put(out, 'description', message.description);
    put(out, 'timestamp', message.timestamp);
    return out;
  }
  const h = message.header;
  modelFields(out, 'header.from', h.from, ORGAN);
  h.to.forEach((o, i) => {
    modelFields(out, `header.to[${i + 1}]`, o, ORGAN);
  });
  put(out, 'header.documentId', h.documentId);
  put(out, 'header.code.codeNumber', h.code?.codeNumber);
  put(out, 'header.code.codeNotation', h.code?.codeNotation);
  put(out, 'header.promulgationInfo.place', h.promulgationInfo?.place);
  put(out, 'header.promulgationInfo.promulgationDate', h.promulgationInfo?.promulgationDate);
  put(out, 'header.documentType.type', h.documentType?.type);
  put(out, 'header.documentType.typeDetail', h.documentType?.typeDetail);
  put(out, 'header.documentType.typeName', h.documentType?.typeName);
  put(out, 'header.subject', h.subject);
  put(out, 'header.content', h.content);
  put(out, 'header.signerInfo.competence', h.signerInfo?.competence);
  put(out, 'header.signerInfo.position', h.signerInfo?.position);
  put(out, 'header.signerInfo.fullName', h.signerInfo?.fullName);
  put(out, 'header.dueDate', h.dueDate);
  modelList(out, 'header.toPlaces', h.toPlaces);
  const o = h.otherInfo;
  put(out, 'header.otherInfo.priority', o?.priority);
  put(out, 'header.otherInfo.sphereOfPromulgation', o?.sphereOfPromulgation);
  put(out, 'header.otherInfo.typerNotation', o?.typerNotation);
  put(out, 'header.otherInfo.promulgationAmount', o?.promulgationAmount);
  put(out, 'header.otherInfo.pageAmount', o?.pageAmount);
  put(out, 'header.otherInfo.direction', o?.direction);
  modelList(out, 'header.otherInfo.appendixes', o?.appendixes);
  put(out, 'header.steeringType', h.steeringType);
  h.responseFor.forEach((r, i) => {
    modelFields(out, `header.responseFor[${i + 1}]`, r, RESPONSE_FOR);
  });
  const b = message.business;
  if (b) {
    put(out, 'business.documentId', b.documentId);
    put(out, 'business.docType', b.docType);
    put(out, 'business.docReason', b.docReason);
    put(out, 'business.paper', b.paper);
    put(out, 'business.documentInfo.documentInfo', b.documentInfo?.documentInfo);
    put(out, 'business.documentInfo.documentReceiver', b.documentInfo?.documentReceiver);
    b.documentInfo?.receivers?.forEach((r, i) => {
      put(out, `business.documentInfo.receivers[${i + 1}].organId`, r.organId);
      put(out, `business.documentInfo.receivers[${i + 1}].receiverType`, r.receiverType);
    });
    b.replacements?.forEach((r, i) => {
      put(out, `business.replacements[${i + 1}].documentId`, r.documentId);
      modelList(out, `business.replacements[${i + 1}].organIds`, r.organIds);
    });
    if (b.staffInfo) modelFields(out, 'business.staffInfo', b.staffInfo, STAFF);
  }
  put(out, 'manifest.version', message.manifest.version);
  message.manifest.references.forEach((r, i) => {
    put(out, `manifest.references[${i + 1}].contentId`, r.contentId);
    put(out, `manifest.references[${i + 1}].contentType`, r.contentType);
    put(out, `manifest.references[${i + 1}].description`, r.description);
    put(out, `manifest.references[${i + 1}].attachmentName`, r.attachmentName);
  });
  message.attachments.forEach((a, i) => {
    const at = `attachments[${i + 1}]`;
    put(out, `${at}.contentId`, a.contentId);
    put(out, `${at}.attachmentName`, a.attachmentName);
    put(out, `${at}.description`, a.description);
    put(out, `${at}.contentType`, a.contentType);
    put(out, `${at}.body`, a.base64Problem ? UNDECODABLE : body(a.base64()));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// xmldom's DOM, read by namespace URI + local name only (the way a standard consumer reads it)

/** Element children of `el` in the edXML namespace named one of `names`, in document order. */
function kids(el: Element | undefined, names: string | readonly string[], ns = EDXML_NAMESPACE): Element[] {
  if (!el) return [];
  const wanted = typeof names === 'string' ? [names] : names;
  const found: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const child = n as Element;
    if (child.namespaceURI === ns && wanted.includes(child.localName ?? '')) found.push(child);
  }
  return found;
}

/** The text a standard consumer reads: every descendant text and CDATA node, XML whitespace trimmed. */
function text(el: Element | undefined): string | undefined {
  const value = el?.textContent?.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  return value === '' ? undefined : value;
}

class DomReader {
  readonly out: Projection = new Map();

  /** The first child named `names`; more than one is recorded as `path#count`. */
  one(el: Element | undefined, names: string | readonly string[], path: string): Element | undefined {
    const found = kids(el, names);
    if (found.length > 1) this.out.set(`${path}#count`, String(found.length));
    return found[0];
  }

  leaf(el: Element | undefined, name: string | readonly string[], path: string): string | undefined {
    const value = text(this.one(el, name, path));
    put(this.out, path, value);
    return value;
  }

  fields(el: Element | undefined, path: string, fields: ReadonlyArray<readonly [string, string]>): void {
    for (const [key, name] of fields) this.leaf(el, name, `${path}.${key}`);
  }

  /** A list of leaves; empty ones are not values (the model drops them too). */
  list(el: Element | undefined, name: string, path: string): void {
    const values = kids(el, name).flatMap((e) => text(e) ?? []);
    values.forEach((v, i) => {
      put(this.out, `${path}[${i + 1}]`, v);
    });
  }
}

/** The first Signature child of root, envelope or header (in that order), as the codec looks for it. */
function signatureIn(...parents: Array<Element | undefined>): string | undefined {
  for (const parent of parents) {
    for (let n = parent?.firstChild; n; n = n.nextSibling) {
      const e = n as Element;
      if (n.nodeType !== 1 || e.localName !== 'Signature') continue;
      if (e.namespaceURI === XMLDSIG_NAMESPACE) return 'xmldsig';
      if (e.namespaceURI === EDXML_NAMESPACE) return 'edxml';
    }
  }
  return undefined;
}

/** Projects what xmldom's DOM says, following the structure the codec follows. */
export function projectDom(doc: Document): Projection {
  const r = new DomReader();
  const out = r.out;
  const root = doc.documentElement ?? undefined;
  if (!root || root.namespaceURI !== EDXML_NAMESPACE || root.localName !== 'edXML') {
    out.set('root', `{${root?.namespaceURI ?? ''}}${root?.localName ?? ''}`);
    return out;
  }
  const envelope = r.one(root, 'edXMLEnvelope', 'envelope');
  const header = r.one(envelope, 'edXMLHeader', 'envelope.header');
  const mh = r.one(header, ['MessageHeader', 'Status'], 'messageHeader');
  if (!mh) {
    out.set('messageHeader', 'absent');
    return out;
  }
  const isStatus = mh.localName === 'Status' || kids(mh, 'StatusCode').length > 0;
  out.set('kind', isStatus ? 'status' : 'package');
  put(out, 'signature', signatureIn(root, envelope, header));
  const list = r.one(header, 'TraceHeaderList', 'traceHeaderList');
  kids(list, 'TraceHeader').forEach((t, i) => {
    r.fields(t, `traceHeaders[${i + 1}]`, [
      ['organId', 'OrganId'],
      ['timestamp', 'Timestamp'],
    ]);
  });
  if (isStatus) {
    r.fields(r.one(mh, 'From', 'from'), 'from', ORGAN);
    r.fields(r.one(mh, 'ResponseFor', 'responseFor'), 'responseFor', RESPONSE_FOR);
    r.fields(r.one(mh, 'StaffInfo', 'staffInfo'), 'staffInfo', STAFF);
    r.leaf(mh, 'StatusCode', 'statusCode');
    r.leaf(mh, 'Description', 'description');
    r.leaf(mh, 'Timestamp', 'timestamp');
    return out;
  }
  r.fields(r.one(mh, 'From', 'header.from'), 'header.from', ORGAN);
  kids(mh, 'To').forEach((to, i) => {
    r.fields(to, `header.to[${i + 1}]`, ORGAN);
  });
  r.leaf(mh, 'DocumentId', 'header.documentId');
  const code = r.one(mh, 'Code', 'header.code');
  r.leaf(code, 'CodeNumber', 'header.code.codeNumber');
  r.leaf(code, 'CodeNotation', 'header.code.codeNotation');
  const prom = r.one(mh, 'PromulgationInfo', 'header.promulgationInfo');
  r.leaf(prom, 'Place', 'header.promulgationInfo.place');
  r.leaf(prom, 'PromulgationDate', 'header.promulgationInfo.promulgationDate');
  const type = r.one(mh, 'DocumentType', 'header.documentType');
  r.leaf(type, 'Type', 'header.documentType.type');
  r.leaf(type, 'TypeDetail', 'header.documentType.typeDetail');
  r.leaf(type, 'TypeName', 'header.documentType.typeName');
  r.leaf(mh, 'Subject', 'header.subject');
  r.leaf(mh, 'Content', 'header.content');
  const signer = r.one(mh, 'SignerInfo', 'header.signerInfo');
  r.leaf(signer, 'Competence', 'header.signerInfo.competence');
  r.leaf(signer, 'Position', 'header.signerInfo.position');
  r.leaf(signer, 'FullName', 'header.signerInfo.fullName');
  r.leaf(mh, 'DueDate', 'header.dueDate');
  r.list(r.one(mh, 'ToPlaces', 'header.toPlaces'), 'Place', 'header.toPlaces');
  const other = r.one(mh, 'OtherInfo', 'header.otherInfo');
  for (const name of ['Priority', 'SphereOfPromulgation', 'TyperNotation', 'PromulgationAmount']) {
    r.leaf(other, name, `header.otherInfo.${lowerFirst(name)}`);
  }
  for (const name of ['PageAmount', 'Direction']) r.leaf(other, name, `header.otherInfo.${lowerFirst(name)}`);
  const appendixes = r.one(other, 'Appendixes', 'header.otherInfo.appendixes');
  r.list(appendixes, 'Appendix', 'header.otherInfo.appendixes');
  r.leaf(mh, 'SteeringType', 'header.steeringType');
  // Empty <ResponseFor/> placeholders answer nothing; the model drops them, and so does this side.
  const answers = kids(mh, 'ResponseFor').filter((e) => RESPONSE_FOR.some(([, n]) => text(kids(e, n)[0])));
  answers.forEach((e, i) => {
    r.fields(e, `header.responseFor[${i + 1}]`, RESPONSE_FOR);
  });
  readBusiness(r, r.one(list, BUSINESS, 'business'));
  const manifest = r.one(r.one(envelope, 'edXMLBody', 'body'), 'edXMLManifest', 'manifest');
  const version = manifest?.getAttributeNode('version');
  if (version && !version.namespaceURI) put(out, 'manifest.version', version.value);
  kids(manifest, 'Reference').forEach((ref, i) => {
    r.fields(ref, `manifest.references[${i + 1}]`, [
      ['contentId', 'ContentId'],
      ['contentType', 'ContentType'],
      ['description', 'Description'],
      ['attachmentName', 'AttachmentName'],
    ]);
  });
  kids(r.one(root, 'AttachmentEncoded', 'attachmentEncoded'), 'Attachment').forEach((a, i) => {
    const at = `attachments[${i + 1}]`;
    r.fields(a, at, [
      ['contentId', 'ContentId'],
      ['attachmentName', 'AttachmentName'],
      ['description', 'Description'],
      ['contentType', 'ContentType'],
    ]);
    const encoded = r.one(a, 'ContentTransferEncoded', `${at}.body`);
    put(out, `${at}.body`, encoded ? body(encoded.textContent ?? '') : undefined);
  });
  return out;
}

function readBusiness(r: DomReader, b: Element | undefined): void {
  if (!b) return;
  r.leaf(b, 'DocumentId', 'business.documentId');
  r.leaf(b, ['BussinessDocType', 'BusinessDocType'], 'business.docType');
  r.leaf(b, ['BussinessDocReason', 'BusinessDocReason'], 'business.docReason');
  r.leaf(b, 'Paper', 'business.paper');
  const info = r.one(b, ['BussinessDocumentInfo', 'BusinessDocumentInfo'], 'business.documentInfo');
  r.leaf(info, 'DocumentInfo', 'business.documentInfo.documentInfo');
  r.leaf(info, 'DocumentReceiver', 'business.documentInfo.documentReceiver');
  const receivers = r.one(info, 'ReceiverList', 'business.documentInfo.receivers');
  kids(receivers, 'Receiver').forEach((e, i) => {
    r.fields(e, `business.documentInfo.receivers[${i + 1}]`, [
      ['organId', 'OrganId'],
      ['receiverType', 'ReceiverType'],
    ]);
  });
  const replacements = r.one(b, 'ReplacementInfoList', 'business.replacements');
  kids(replacements, 'ReplacementInfo').forEach((e, i) => {
    r.leaf(e, 'DocumentId', `business.replacements[${i + 1}].documentId`);
    const ids = r.one(e, 'OrganIdList', `business.replacements[${i + 1}].organIds`);
    r.list(ids, 'OrganId', `business.replacements[${i + 1}].organIds`);
  });
  r.fields(r.one(b, 'StaffInfo', 'business.staffInfo'), 'business.staffInfo', STAFF);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** One disagreement: the same path, two readings (undefined = absent). */
export interface FieldDifference {
  readonly path: string;
  readonly codec: string | undefined;
  readonly xmldom: string | undefined;
}

export function differences(codec: Projection, xmldom: Projection): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const path of new Set([...codec.keys(), ...xmldom.keys()])) {
    const a = codec.get(path);
    const b = xmldom.get(path);
    if (a !== b) out.push({ path, codec: a, xmldom: b });
  }
  return out;
}
