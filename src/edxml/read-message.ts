import { ElementNode } from './element-node.ts';
import type { FindingSink } from './finding-sink.ts';
import { EDXML_NAMESPACE, type EdxmlKind, type EdxmlMessage, type SignatureBlock } from './model.ts';
import { compact, readTraceHeaderList } from './read-common.ts';
import { PACKAGE_HEADER_CHILDREN, readAttachments, readManifest, readPackageHeader } from './read-package.ts';
import { readStatusHeader, STATUS_HEADER_CHILDREN } from './read-status.ts';
import type { XmlElement } from './xml-tree.ts';

export interface ReadOutcome {
  /** null when the root is not edXML, or the header is missing. */
  readonly kind: EdxmlKind | null;
  /** null when there is nothing sound to describe (see findings). */
  readonly message: EdxmlMessage | null;
}

const NOTHING: ReadOutcome = { kind: null, message: null };
const ENVELOPE = ['edXMLHeader', 'edXMLBody'];

/** Maps the namespace-resolved tree onto the typed model, reporting structural findings. */
export function readMessage(root: XmlElement, bytes: Uint8Array, sink: FindingSink): ReadOutcome {
  if (root.local !== 'edXML') {
    sink.error('EDXML_WRONG_ROOT', root.local, `the root element is ${root.local}, not edXML`);
    return NOTHING;
  }
  if (root.ns !== EDXML_NAMESPACE) {
    sink.error('EDXML_WRONG_NAMESPACE', 'edXML', `the root element is in namespace "${root.ns}"`);
    return NOTHING;
  }
  const top = new ElementNode(root, 'edXML', sink, ['edXMLEnvelope', 'AttachmentEncoded'], true);
  const envelope = top.child('edXMLEnvelope');
  const envelopeFound = envelope && new ElementNode(envelope.element, envelope.path, sink, ENVELOPE, true);
  const headerAt = envelopeFound?.child('edXMLHeader');
  if (!envelopeFound || !headerAt) {
    const missing = envelopeFound ? 'edXML/edXMLEnvelope/edXMLHeader' : 'edXML/edXMLEnvelope';
    sink.error('EDXML_MISSING_ELEMENT', missing, `${missing.split('/').pop()} is required`);
    return NOTHING;
  }
  const header = new ElementNode(
    headerAt.element,
    headerAt.path,
    sink,
    ['MessageHeader', 'Status', 'TraceHeaderList'],
    true,
  );
  const messageHeader = header.child(['MessageHeader', 'Status']);
  if (!messageHeader) {
    sink.error('EDXML_MISSING_ELEMENT', `${header.path}/MessageHeader`, 'MessageHeader is required');
    return NOTHING;
  }
  const signature: SignatureBlock | undefined = [
    ...top.signatures,
    ...envelopeFound.signatures,
    ...header.signatures,
  ][0];
  const isStatus =
    messageHeader.element.local === 'Status' ||
    messageHeader.element.children.some((c) => c.local === 'StatusCode' && c.ns === EDXML_NAMESPACE);
  const { traceHeaders, business } = readTraceHeaderList(header);

  if (isStatus) {
    const node = new ElementNode(messageHeader.element, messageHeader.path, sink, STATUS_HEADER_CHILDREN);
    if (business)
      sink.warning(
        'EDXML_UNEXPECTED_CONTENT',
        `${header.path}/TraceHeaderList/Bussiness`,
        'a status has no business operation',
      );
    if (envelopeFound.has('edXMLBody') || top.has('AttachmentEncoded')) {
      sink.warning(
        'EDXML_UNEXPECTED_CONTENT',
        'edXML/edXMLEnvelope/edXMLBody',
        'a status has no body or attachments',
      );
    }
    return { kind: 'status', message: readStatusHeader(node, traceHeaders, signature) };
  }
  const node = new ElementNode(messageHeader.element, messageHeader.path, sink, PACKAGE_HEADER_CHILDREN);
  const message: EdxmlMessage = compact({
    kind: 'package' as const,
    header: readPackageHeader(node),
    traceHeaders,
    business,
    manifest: readManifest(envelopeFound),
    attachments: readAttachments(top, bytes),
    signature,
  });
  return { kind: 'package', message };
}
