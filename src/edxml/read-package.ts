import { EdxmlAttachment } from './attachment.ts';
import { ElementNode } from './element-node.ts';
import type { Manifest, ManifestReference, MessageHeader, OtherInfo, Priority } from './model.ts';
import { compact, openOrganization, readResponseFor } from './read-common.ts';

export const PACKAGE_HEADER_CHILDREN = [
  'From',
  'To',
  'DocumentId',
  'Code',
  'PromulgationInfo',
  'DocumentType',
  'Subject',
  'Content',
  'SignerInfo',
  'DueDate',
  'ToPlaces',
  'OtherInfo',
  'SteeringType',
  'ResponseFor',
];

const OTHER_INFO = [
  'Priority',
  'SphereOfPromulgation',
  'TyperNotation',
  'PromulgationAmount',
  'PageAmount',
  'Direction',
  'Appendixes',
];

function readPriority(node: ElementNode): Priority | undefined {
  const text = node.text('Priority');
  if (text === undefined) return undefined;
  if (/^[0-4]$/.test(text)) return Number(text) as Priority;
  node.sink.error(
    'EDXML_BAD_PRIORITY',
    `${node.path}/Priority`,
    `Priority "${text.slice(0, 20)}" is not 0–4`,
  );
  return undefined;
}

function readOtherInfo(header: ElementNode): OtherInfo | undefined {
  const node = header.node('OtherInfo', OTHER_INFO);
  if (!node) return undefined;
  return compact({
    priority: readPriority(node),
    sphereOfPromulgation: node.text('SphereOfPromulgation'),
    typerNotation: node.text('TyperNotation'),
    promulgationAmount: node.text('PromulgationAmount'),
    pageAmount: node.text('PageAmount'),
    direction: node.text('Direction'),
    appendixes: node.node('Appendixes', ['Appendix'])?.texts('Appendix'),
  });
}

/** MessageHeader of a document package. */
export function readPackageHeader(header: ElementNode): MessageHeader {
  const sink = header.sink;
  const from = header.child('From');
  if (!from) sink.error('EDXML_MISSING_ELEMENT', `${header.path}/From`, 'From is required');
  const code = header.node('Code', ['CodeNumber', 'CodeNotation']);
  const promulgation = header.node('PromulgationInfo', ['Place', 'PromulgationDate']);
  const type = header.node('DocumentType', ['Type', 'TypeDetail', 'TypeName']);
  const signer = header.node('SignerInfo', ['Competence', 'Position', 'FullName']);
  return compact({
    from: from ? openOrganization(from.element, from.path, sink) : { organId: '' },
    to: header.children('To').map(({ element, path }) => openOrganization(element, path, sink)),
    documentId: header.text('DocumentId') ?? '',
    code: code && compact({ codeNumber: code.text('CodeNumber'), codeNotation: code.text('CodeNotation') }),
    promulgationInfo:
      promulgation &&
      compact({ place: promulgation.text('Place'), promulgationDate: promulgation.text('PromulgationDate') }),
    documentType:
      type &&
      compact({
        type: type.text('Type'),
        typeDetail: type.text('TypeDetail'),
        typeName: type.text('TypeName'),
      }),
    subject: header.text('Subject'),
    content: header.text('Content'),
    signerInfo:
      signer &&
      compact({
        competence: signer.text('Competence'),
        position: signer.text('Position'),
        fullName: signer.text('FullName'),
      }),
    dueDate: header.text('DueDate'),
    toPlaces: header.node('ToPlaces', ['Place'])?.texts('Place'),
    otherInfo: readOtherInfo(header),
    steeringType: header.text('SteeringType'),
    // Producers send empty <ResponseFor/> placeholders; they answer nothing and are dropped.
    responseFor: header
      .children('ResponseFor')
      .map(({ element, path }) => readResponseFor(element, path, sink))
      .filter((r) => Object.keys(r).length > 0),
  });
}

const REFERENCE = ['ContentId', 'ContentType', 'Description', 'AttachmentName'];

/** edXMLBody/edXMLManifest; an absent body reads as an empty manifest. */
export function readManifest(envelope: ElementNode): Manifest {
  const body = envelope.node('edXMLBody', ['edXMLManifest']);
  const manifest = body?.node('edXMLManifest', ['Reference']);
  if (!manifest) return { references: [] };
  const version = manifest.element.attributes.find((a) => a.local === 'version' && a.ns === '')?.value;
  const references = manifest.children('Reference').map(({ element, path }): ManifestReference => {
    const ref = new ElementNode(element, path, envelope.sink, REFERENCE);
    return compact({
      contentId: ref.text('ContentId') ?? '',
      contentType: ref.text('ContentType'),
      description: ref.text('Description'),
      attachmentName: ref.text('AttachmentName'),
    });
  });
  return compact({ version, references });
}

const ATTACHMENT = ['ContentId', 'AttachmentName', 'Description', 'ContentType', 'ContentTransferEncoded'];

/** AttachmentEncoded/Attachment*: bodies stay byte ranges of `bytes` until decoded. */
export function readAttachments(root: ElementNode, bytes: Uint8Array): EdxmlAttachment[] {
  const encoded = root.node('AttachmentEncoded', ['Attachment']);
  if (!encoded) return [];
  return encoded.children('Attachment').map(({ element, path }) => {
    const node = new ElementNode(element, path, root.sink, ATTACHMENT);
    const meta = compact({
      contentId: node.text('ContentId') ?? '',
      attachmentName: node.text('AttachmentName'),
      description: node.text('Description'),
      contentType: node.text('ContentType'),
    });
    const body = node.child('ContentTransferEncoded');
    if (!body) {
      root.sink.error(
        'EDXML_MISSING_ELEMENT',
        `${path}/ContentTransferEncoded`,
        'the attachment has no body',
      );
    } else if (body.element.children.length > 0) {
      root.sink.error('EDXML_BAD_BASE64', body.path, 'markup inside an attachment body');
    }
    const attachment = EdxmlAttachment.fromPackageBytes(meta, bytes, body?.element.raw ?? []);
    // Bodies are kept undecoded. A reference (&#65;) would be resolved by an XML library (and the
    // signature) into base64 it can decode, and read as a bad character here: refuse that split.
    if (body && attachment.base64Problem === 'bad-character' && hasReference(bytes, body.element.raw)) {
      root.sink.error(
        'XML_AMBIGUOUS',
        body.path,
        'a character or entity reference inside an attachment body',
      );
    }
    return attachment;
  });
}

/** Whether raw body bytes hold a "&" (looked for only in bodies that do not decode). */
function hasReference(bytes: Uint8Array, ranges: readonly number[] | null): boolean {
  for (let r = 0; ranges && r + 1 < ranges.length; r += 2) {
    if (bytes.subarray(ranges[r] as number, ranges[r + 1] as number).includes(0x26)) return true;
  }
  return false;
}
