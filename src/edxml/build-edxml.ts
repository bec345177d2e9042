import {
  type Business,
  EDXML_NAMESPACE,
  type EdxmlMessage,
  type EdxmlPackage,
  type EdxmlStatus,
  type MessageHeader,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  type TraceHeader,
} from './model.ts';
import { escapeAttribute, XmlWriter } from './xml-writer.ts';

/*
 * The layout copies the national axis SDK samples (edoc_new.edxml): default namespace on the root,
 * the `edXML` prefix declared on the envelope, AttachmentEncoded in the default namespace, and the
 * body element re-declaring the prefix. `Bussiness` is written with its double s.
 */
const NS = EDXML_NAMESPACE;

function organization(w: XmlWriter, local: string, o: Organization): void {
  w.open(local);
  w.leaf('OrganId', o.organId);
  w.leaf('OrganizationInCharge', o.organizationInCharge);
  w.leaf('OrganName', o.organName);
  w.leaf('OrganAdd', o.organAdd);
  w.leaf('Email', o.email);
  w.leaf('Telephone', o.telephone);
  w.leaf('Fax', o.fax);
  w.leaf('Website', o.website);
  w.close(local);
}

function responseFor(w: XmlWriter, r: ResponseFor): void {
  w.open('ResponseFor');
  w.leaf('OrganId', r.organId);
  w.leaf('Code', r.code);
  w.leaf('PromulgationDate', r.promulgationDate);
  w.leaf('DocumentId', r.documentId);
  w.close('ResponseFor');
}

function staffInfo(w: XmlWriter, s: StaffInfo | undefined): void {
  w.group('StaffInfo', s, (v) => {
    w.leaf('Department', v.department);
    w.leaf('Staff', v.staff);
    w.leaf('Mobile', v.mobile);
    w.leaf('Email', v.email);
  });
}

function header(w: XmlWriter, h: MessageHeader): void {
  w.open('MessageHeader');
  organization(w, 'From', h.from);
  for (const to of h.to) organization(w, 'To', to);
  w.leaf('DocumentId', h.documentId);
  w.group('Code', h.code, (c) => {
    w.leaf('CodeNumber', c.codeNumber);
    w.leaf('CodeNotation', c.codeNotation);
  });
  w.group('PromulgationInfo', h.promulgationInfo, (p) => {
    w.leaf('Place', p.place);
    w.leaf('PromulgationDate', p.promulgationDate);
  });
  w.group('DocumentType', h.documentType, (t) => {
    w.leaf('Type', t.type);
    w.leaf('TypeDetail', t.typeDetail);
    w.leaf('TypeName', t.typeName);
  });
  w.leaf('Subject', h.subject);
  w.leaf('Content', h.content);
  w.group('SignerInfo', h.signerInfo, (s) => {
    w.leaf('Competence', s.competence);
    w.leaf('Position', s.position);
    w.leaf('FullName', s.fullName);
  });
  w.leaf('DueDate', h.dueDate);
  w.group('ToPlaces', h.toPlaces, (places) => {
    for (const place of places) w.leaf('Place', place);
  });
  w.group('OtherInfo', h.otherInfo, (o) => {
    w.leaf('Priority', o.priority);
    w.leaf('SphereOfPromulgation', o.sphereOfPromulgation);
    w.leaf('TyperNotation', o.typerNotation);
    w.leaf('PromulgationAmount', o.promulgationAmount);
    w.leaf('PageAmount', o.pageAmount);
    w.leaf('Direction', o.direction);
    w.group('Appendixes', o.appendixes, (list) => {
      for (const appendix of list) w.leaf('Appendix', appendix);
    });
  });
  w.leaf('SteeringType', h.steeringType);
  for (const r of h.responseFor) responseFor(w, r);
  w.close('MessageHeader');
}

function business(w: XmlWriter, b: Business): void {
  w.open('Bussiness');
  w.leaf('DocumentId', b.documentId);
  w.leaf('BussinessDocType', b.docType);
  w.leaf('BussinessDocReason', b.docReason);
  w.leaf('Paper', b.paper);
  w.group('BussinessDocumentInfo', b.documentInfo, (info) => {
    w.leaf('DocumentInfo', info.documentInfo);
    w.leaf('DocumentReceiver', info.documentReceiver);
    w.group('ReceiverList', info.receivers, (receivers) => {
      for (const r of receivers) {
        w.open('Receiver');
        w.leaf('OrganId', r.organId);
        w.leaf('ReceiverType', r.receiverType);
        w.close('Receiver');
      }
    });
  });
  w.group('ReplacementInfoList', b.replacements, (list) => {
    for (const r of list) {
      w.open('ReplacementInfo');
      w.leaf('DocumentId', r.documentId);
      w.group('OrganIdList', r.organIds, (ids) => {
        for (const id of ids) w.leaf('OrganId', id);
      });
      w.close('ReplacementInfo');
    }
  });
  staffInfo(w, b.staffInfo);
  w.close('Bussiness');
}

function traceHeaderList(w: XmlWriter, hops: readonly TraceHeader[], b: Business | undefined): void {
  if (hops.length === 0 && b === undefined) return;
  w.open('TraceHeaderList');
  for (const hop of hops) {
    w.open('TraceHeader');
    w.leaf('OrganId', hop.organId);
    w.leaf('Timestamp', hop.timestamp);
    w.close('TraceHeader');
  }
  if (b) business(w, b);
  w.close('TraceHeaderList');
}

function statusHeader(w: XmlWriter, s: EdxmlStatus): void {
  w.open('MessageHeader');
  organization(w, 'From', s.from);
  responseFor(w, s.responseFor);
  staffInfo(w, s.staffInfo);
  w.leaf('StatusCode', s.statusCode);
  w.leaf('Description', s.description);
  w.leaf('Timestamp', s.timestamp);
  w.close('MessageHeader');
}

function body(w: XmlWriter, m: EdxmlPackage): void {
  w.open('edXMLBody');
  const version =
    m.manifest.version === undefined ? '' : ` version="${escapeAttribute(m.manifest.version, 'version')}"`;
  w.open('edXMLManifest', version);
  for (const r of m.manifest.references) {
    w.open('Reference');
    w.leaf('ContentId', r.contentId);
    w.leaf('ContentType', r.contentType);
    w.leaf('Description', r.description);
    w.leaf('AttachmentName', r.attachmentName);
    w.close('Reference');
  }
  w.close('edXMLManifest');
  w.close('edXMLBody');
}

function attachments(w: XmlWriter, m: EdxmlPackage): void {
  if (m.attachments.length === 0) return;
  w.usePrefix('');
  w.open('AttachmentEncoded');
  for (const a of m.attachments) {
    w.open('Attachment');
    w.leaf('ContentId', a.contentId);
    w.leaf('AttachmentName', a.attachmentName);
    w.leaf('Description', a.description);
    w.leaf('ContentType', a.contentType);
    w.usePrefix('edXML');
    const declaration = ` xmlns:edXML="${NS}"`;
    // Valid base64 has nothing to escape: skip scanning megabytes for special characters.
    if (a.base64Problem === null) w.bodyLeaf('ContentTransferEncoded', a, declaration);
    else w.leaf('ContentTransferEncoded', a.base64(), declaration);
    w.usePrefix('');
    w.close('Attachment');
  }
  w.close('AttachmentEncoded');
}

/**
 * Writes a package or status package in the form the national axis accepts. Unsigned: the signature
 * module signs the result. Throws EDXML_BAD_MODEL for text XML cannot carry (e.g. U+0000). Values
 * are read back trimmed, so leading/trailing whitespace in the model does not survive a round trip.
 */
export function buildEdxml(message: EdxmlMessage): string {
  return write(message).toString();
}

/** Like `buildEdxml`, as UTF-8 bytes: what the hub sends; large bodies are copied once. */
export function buildEdxmlBytes(message: EdxmlMessage): Uint8Array {
  return write(message).toBytes();
}

function write(message: EdxmlMessage): XmlWriter {
  const w = new XmlWriter('');
  w.open('edXML', ` xmlns="${NS}"`);
  w.usePrefix('edXML');
  w.open('edXMLEnvelope', ` xmlns:edXML="${NS}"`);
  w.open('edXMLHeader');
  if (message.kind === 'status') {
    statusHeader(w, message);
    traceHeaderList(w, message.traceHeaders, undefined);
  } else {
    header(w, message.header);
    traceHeaderList(w, message.traceHeaders, message.business);
  }
  w.close('edXMLHeader');
  if (message.kind === 'package') body(w, message);
  w.close('edXMLEnvelope');
  if (message.kind === 'package') attachments(w, message);
  w.usePrefix('');
  w.close('edXML');
  return w;
}
