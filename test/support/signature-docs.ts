// edXML documents for the signature tests: the SDK fixtures and generated packages of any size.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const sharedFixtures = resolve(repoRoot, 'test', 'fixtures');
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export function readSdkFixture(name: string): string {
  return readFileSync(resolve(sharedFixtures, 'vxp-sdk', name), 'utf8');
}

export interface PackageOptions {
  fromOrganId?: string;
  toOrganId?: string;
  subject?: string;
  /** Bytes of attachment content per attachment (before base64). */
  attachmentBytes?: number;
  attachments?: number;
  /** Prefix bound to the edXML namespace on the envelope (the SDK uses "edXML"); '' = default namespace only. */
  prefix?: string;
  /** Wrap base64 at 76 characters (MIME style) instead of one long line. */
  wrapBase64?: boolean;
}

/** A document package shaped like the SDK samples, with deterministic-size random attachments. */
export function makePackage(options: PackageOptions = {}): string {
  const p = options.prefix ?? 'edXML';
  const q = (name: string) => (p ? `${p}:${name}` : name);
  const decl = p ? ` xmlns:${p}="${EDXML_NS}"` : '';
  const count = options.attachments ?? (options.attachmentBytes ? 1 : 0);
  const refs: string[] = [];
  const atts: string[] = [];
  for (let i = 0; i < count; i++) {
    let b64 = randomBytes(options.attachmentBytes ?? 1024).toString('base64');
    if (options.wrapBase64) b64 = b64.replace(/(.{76})/g, '$1\n');
    refs.push(
      `<${q('Reference')}><${q('ContentId')}>cid:${i + 1}</${q('ContentId')}><${q('ContentType')}>application/pdf</${q('ContentType')}><${q('AttachmentName')}>van-ban-${i + 1}.pdf</${q('AttachmentName')}></${q('Reference')}>`,
    );
    atts.push(
      `<Attachment><ContentId>cid:${i + 1}</ContentId><AttachmentName>van-ban-${i + 1}.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${b64}</ContentTransferEncoded></Attachment>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML_NS}">
  <${q('edXMLEnvelope')}${decl}>
    <${q('edXMLHeader')}>
      <${q('MessageHeader')}>
        <${q('From')}>
          <${q('OrganId')}>${options.fromOrganId ?? '000.00.00.G22'}</${q('OrganId')}>
          <${q('OrganName')}>Văn phòng Chính phủ</${q('OrganName')}>
        </${q('From')}>
        <${q('To')}>
          <${q('OrganId')}>${options.toOrganId ?? '000.00.00.H29'}</${q('OrganId')}>
          <${q('OrganName')}>UBND Thành phố Hồ Chí Minh</${q('OrganName')}>
        </${q('To')}>
        <${q('DocumentId')}>000.00.00.G22,2026/11/25,123/VPCP-KSTT</${q('DocumentId')}>
        <${q('Subject')}>${options.subject ?? 'V/v kết nối, liên thông phần mềm quản lý văn bản &amp; điều hành'}</${q('Subject')}>
        <${q('OtherInfo')}><${q('Priority')}>0</${q('Priority')}></${q('OtherInfo')}>
      </${q('MessageHeader')}>
      <${q('TraceHeaderList')}>
        <${q('TraceHeader')}><${q('OrganId')}>000.00.00.G22</${q('OrganId')}><${q('Timestamp')}>2026/11/25 09:00:00</${q('Timestamp')}></${q('TraceHeader')}>
      </${q('TraceHeaderList')}>
    </${q('edXMLHeader')}>
    <${q('edXMLBody')}>
      <${q('edXMLManifest')} version="1.0">${refs.join('')}</${q('edXMLManifest')}>
    </${q('edXMLBody')}>
  </${q('edXMLEnvelope')}>
  <AttachmentEncoded>${atts.join('')}</AttachmentEncoded>
</edXML>
`;
}

/** Inserts `fragment` as the last child of edXMLHeader (whatever its prefix). */
export function insertIntoHeader(xml: string, fragment: string): string {
  const m = /<\/([A-Za-z_][\w.-]*:)?edXMLHeader\s*>/.exec(xml);
  if (!m) throw new Error('no edXMLHeader end tag');
  return xml.slice(0, m.index) + fragment + xml.slice(m.index);
}
