import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParseOptions } from '../../src/edxml/index.ts';
import { edit, samplePackage, sampleStatus } from './sample-xml.ts';
import { repoRoot } from './sdk-fixtures.ts';

/** One hostile or broken input and the code that must refuse it. */
export interface HostileCase {
  readonly name: string;
  /** Built lazily: some inputs are 100 MB. */
  readonly input: () => Uint8Array | string;
  readonly code: string;
  /** Path of the decisive finding, when it matters. */
  readonly path?: string;
  readonly options?: ParseOptions;
}

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const fixture = (name: string) => () => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'edxml', name));

/** `depth` nested elements inside an edXML root (never closed when `closed` is false). */
export function deepNesting(depth: number, closed = true): string {
  const open = '<a>'.repeat(depth);
  return `<edXML xmlns="${NS}">${open}${closed ? '</a>'.repeat(depth) : ''}</edXML>`;
}

/** `bytes` of whitespace, optionally wrapped in an edXML root. */
export function whitespace(bytes: number, wrapped = false): Uint8Array {
  const head = Buffer.from(`<edXML xmlns="${NS}">`);
  const tail = Buffer.from('</edXML>');
  if (!wrapped) return Buffer.alloc(bytes, 0x20);
  const out = Buffer.alloc(head.length + bytes + tail.length, 0x20);
  head.copy(out, 0);
  tail.copy(out, out.length - tail.length);
  return out;
}

/** `count` empty elements side by side. */
export function manyElements(count: number): string {
  return `<edXML xmlns="${NS}">${'<a/>'.repeat(count)}</edXML>`;
}

const pkg = () => samplePackage();
const H = 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader';

export const hostileCorpus: readonly HostileCase[] = [
  { name: 'DOCTYPE', input: fixture('doctype.edxml'), code: 'XML_FORBIDDEN' },
  { name: 'external entity', input: fixture('external-entity.edxml'), code: 'XML_FORBIDDEN' },
  { name: 'billion laughs', input: fixture('billion-laughs.edxml'), code: 'XML_FORBIDDEN' },
  { name: 'truncated', input: fixture('truncated.edxml'), code: 'XML_MALFORMED' },
  { name: 'wrong root', input: fixture('wrong-root.edxml'), code: 'EDXML_WRONG_ROOT' },
  { name: 'wrong namespace', input: fixture('wrong-namespace.edxml'), code: 'EDXML_WRONG_NAMESPACE' },
  {
    name: 'missing From',
    input: fixture('missing-from.edxml'),
    code: 'EDXML_MISSING_ELEMENT',
    path: `${H}/From`,
  },
  { name: 'bad dates', input: fixture('bad-dates.edxml'), code: 'EDXML_BAD_DATE' },
  { name: 'status code 07', input: fixture('status-07.edxml'), code: 'EDXML_BAD_STATUS_CODE' },
  {
    name: 'a Reference without Attachment',
    input: fixture('reference-without-attachment.edxml'),
    code: 'EDXML_ATTACHMENT_MISMATCH',
  },
  // Undecodable bodies are a warning in lenient mode (the SDK's own sample has one); strict refuses.
  {
    name: 'bad base64',
    input: fixture('bad-base64.edxml'),
    code: 'EDXML_BAD_BASE64',
    options: { strict: true },
  },
  { name: '10 000-deep nesting', input: () => deepNesting(10_000), code: 'XML_TOO_DEEP' },
  {
    name: '10 000-deep nesting, never closed',
    input: () => deepNesting(10_000, false),
    code: 'XML_TOO_DEEP',
  },
  {
    name: '100 MB of whitespace',
    input: () => whitespace(100 * 1024 * 1024),
    code: 'EDXML_PAYLOAD_TOO_LARGE',
  },
  {
    name: '100 MB of whitespace under a higher size limit',
    input: () => whitespace(100 * 1024 * 1024),
    options: { maxBytes: 256 * 1024 * 1024 },
    code: 'XML_TEXT_TOO_LARGE',
  },
  {
    name: '100 MB of whitespace inside the root under a higher size limit',
    input: () => whitespace(100 * 1024 * 1024, true),
    options: { maxBytes: 256 * 1024 * 1024 },
    code: 'XML_TEXT_TOO_LARGE',
  },
  { name: '200 000 elements', input: () => manyElements(200_000), code: 'XML_TOO_MANY_NODES' },
  {
    name: '200 000 comments',
    input: () => `<edXML xmlns="${NS}">${'<!---->'.repeat(200_000)}</edXML>`,
    code: 'XML_TOO_MANY_NODES',
  },
  {
    name: 'a processing instruction',
    input: () => pkg().replace('<edXML:edXML', '<?evil x?><edXML:edXML'),
    code: 'XML_FORBIDDEN',
  },
  {
    name: 'an entity declaration inside the root',
    input: () => edit(pkg(), '<edXML:edXMLEnvelope>', '<!ENTITY x "y"><edXML:edXMLEnvelope>'),
    code: 'XML_FORBIDDEN',
  },
  {
    name: 'an undeclared entity',
    input: () => edit(pkg(), 'V/v thử nghiệm', '&nbsp;'),
    code: 'XML_MALFORMED',
  },
  { name: 'a bare ampersand', input: () => edit(pkg(), 'V/v thử nghiệm', 'A & B'), code: 'XML_MALFORMED' },
  {
    name: 'mismatched tags',
    input: () => edit(pkg(), '</edXML:Subject>', '</edXML:Content>'),
    code: 'XML_MALFORMED',
  },
  {
    name: 'a duplicate attribute',
    input: () => edit(pkg(), 'edXMLManifest version="1.0"', 'edXMLManifest version="1.0" version="2"'),
    code: 'XML_MALFORMED',
  },
  { name: 'a NUL character', input: () => edit(pkg(), 'V/v thử nghiệm', 'V/v\u0000'), code: 'XML_MALFORMED' },
  {
    name: 'invalid UTF-8',
    input: () =>
      Buffer.concat([
        Buffer.from(pkg().slice(0, 900)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(pkg().slice(900)),
      ]),
    code: 'XML_MALFORMED',
  },
  {
    name: 'an undeclared element prefix',
    input: () => edit(pkg(), '<edXML:Subject>V/v thử nghiệm</edXML:Subject>', '<x:Subject>s</x:Subject>'),
    code: 'XML_MALFORMED',
  },
  { name: 'content after the root', input: () => `${pkg()}<edXML/>`, code: 'XML_MALFORMED' },
  { name: 'an empty input', input: () => '', code: 'XML_MALFORMED' },
  {
    name: 'UTF-16',
    input: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pkg(), 'utf16le')]),
    code: 'XML_UNSUPPORTED_ENCODING',
  },
  {
    name: 'a declared non-UTF-8 encoding',
    input: () => pkg().replace('encoding="UTF-8"', 'encoding="windows-1258"'),
    code: 'XML_UNSUPPORTED_ENCODING',
  },
  {
    name: 'two From',
    input: () =>
      edit(
        pkg(),
        '<edXML:To>',
        '<edXML:From><edXML:OrganId>000.00.00.H01</edXML:OrganId></edXML:From><edXML:To>',
      ),
    code: 'EDXML_DUPLICATE_ELEMENT',
  },
  {
    name: 'priority 9',
    input: () => edit(pkg(), '<edXML:Priority>2<', '<edXML:Priority>9<'),
    code: 'EDXML_BAD_PRIORITY',
  },
  {
    name: 'BussinessDocType 5',
    input: () =>
      edit(
        pkg(),
        '</edXML:TraceHeaderList>',
        '<edXML:Bussiness><edXML:BussinessDocType>5</edXML:BussinessDocType></edXML:Bussiness></edXML:TraceHeaderList>',
      ),
    code: 'EDXML_BAD_BUSINESS_TYPE',
  },
  {
    name: 'an update without BussinessDocumentInfo',
    input: () =>
      edit(
        pkg(),
        '</edXML:TraceHeaderList>',
        '<edXML:Bussiness><edXML:BussinessDocType>2</edXML:BussinessDocType></edXML:Bussiness></edXML:TraceHeaderList>',
      ),
    code: 'EDXML_BUSINESS_INCOMPLETE',
  },
  {
    name: 'a replace without ReplacementInfoList',
    input: () =>
      edit(
        pkg(),
        '</edXML:TraceHeaderList>',
        '<edXML:Business><edXML:BusinessDocType>3</edXML:BusinessDocType></edXML:Business></edXML:TraceHeaderList>',
      ),
    code: 'EDXML_BUSINESS_INCOMPLETE',
  },
  {
    name: 'an Attachment outside the manifest',
    input: () =>
      edit(pkg(), '<edXML:Reference><edXML:ContentId>cid:1<', '<edXML:Reference><edXML:ContentId>cid:9<'),
    code: 'EDXML_ATTACHMENT_MISMATCH',
  },
  {
    name: 'markup inside an attachment body',
    input: () => edit(pkg(), 'aGVsbG8gZWRYTUwK', 'aGVs<edXML:b/>bG8gZWRYTUwK'),
    code: 'EDXML_BAD_BASE64',
  },
  // Parser agreement (test/edxml/differential.test.ts, docs/edxml-parser.md): constructs that
  // @xmldom/xmldom, and so the signature, reads differently from this reader are refused, strict or not.
  {
    name: 'an escaped character inside an attachment body (xmldom decodes it to valid base64)',
    input: () => edit(pkg(), 'aGVsbG8gZWRYTUwK', 'aGVsbG8gZWRYTUw&#75;'),
    code: 'XML_AMBIGUOUS',
    path: 'edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded',
  },
  {
    name: 'an element inside From/OrganId (xmldom textContent 000.0EVIL0.00.G22)',
    input: () =>
      edit(pkg(), '<edXML:OrganId>000.00.00.G22<', '<edXML:OrganId>000.0<edXML:b>EVIL</edXML:b>0.00.G22<'),
    code: 'XML_AMBIGUOUS',
    path: `${H}/From/OrganId`,
  },
  {
    name: 'an empty namespace prefix (xmlns:="…" is not the default namespace)',
    input: () => edit(pkg(), '<edXML:AttachmentEncoded>', `<edXML:AttachmentEncoded xmlns:="urn:evil">`),
    code: 'XML_MALFORMED',
  },
  {
    name: 'a namespace prefix with a colon',
    input: () => edit(pkg(), '<edXML:AttachmentEncoded>', `<edXML:AttachmentEncoded xmlns:a:b="urn:evil">`),
    code: 'XML_MALFORMED',
  },
  {
    name: 'a foreign element inside a status code',
    input: () => edit(sampleStatus(), '>03<', '>0<x:b xmlns:x="urn:x">6</x:b>3<'),
    code: 'XML_AMBIGUOUS',
  },
  {
    name: 'a status without ResponseFor',
    input: () => sampleStatus().replace(/<edXML:ResponseFor>[\s\S]*<\/edXML:ResponseFor>/, ''),
    code: 'EDXML_MISSING_ELEMENT',
  },
  {
    name: 'a bad status timestamp',
    input: () => edit(sampleStatus(), '2025/07/01 09:00:00', '2025/07/01 25:00:00'),
    code: 'EDXML_BAD_DATE',
  },
  {
    name: 'a long subject in strict mode',
    input: () => edit(pkg(), 'V/v thử nghiệm', 'x'.repeat(501)),
    options: { strict: true },
    code: 'EDXML_TOO_LONG',
  },
];
