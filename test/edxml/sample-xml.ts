import { EDXML_NAMESPACE } from '../../src/edxml/index.ts';

/** base64 of "hello edXML\n" (12 bytes). */
export const HELLO_B64 = 'aGVsbG8gZWRYTUwK';
export const HELLO_SHA256 = 'a6bc372a4bd78e03f3e1b05a4826bc792879696f32c86d2f3c1d058b28527706';

/**
 * Small hand-written packages for tests. Written with the prefix placeholder `§`, which becomes
 * `<prefix>:` (or nothing for a default namespace) with the matching declaration on the root.
 */
function withPrefix(template: string, prefix: string): string {
  const decl = prefix === '' ? `xmlns="${EDXML_NAMESPACE}"` : `xmlns:${prefix}="${EDXML_NAMESPACE}"`;
  return template.replaceAll('§DECL', decl).replaceAll('§', prefix === '' ? '' : `${prefix}:`);
}

const PACKAGE = `<?xml version="1.0" encoding="UTF-8"?>
<§edXML §DECL>
  <§edXMLEnvelope>
    <§edXMLHeader>
      <§MessageHeader>
        <§From><§OrganId>000.00.00.G22</§OrganId><§OrganName>Văn phòng Chính phủ</§OrganName></§From>
        <§To><§OrganId>000.00.00.H29</§OrganId></§To>
        <§To><§OrganId>000.00.00.H41</§OrganId></§To>
        <§DocumentId>000.00.00.G22,2025/07/01,12/VPCP-TTĐT</§DocumentId>
        <§Code><§CodeNumber>12</§CodeNumber><§CodeNotation>VPCP-TTĐT</§CodeNotation></§Code>
        <§PromulgationInfo><§Place>Hà Nội</§Place><§PromulgationDate>2025/07/01</§PromulgationDate></§PromulgationInfo>
        <§DocumentType><§Type>1</§Type><§TypeName>Công văn</§TypeName></§DocumentType>
        <§Subject>V/v thử nghiệm</§Subject>
        <§OtherInfo><§Priority>2</§Priority></§OtherInfo>
      </§MessageHeader>
      <§TraceHeaderList>
        <§TraceHeader><§OrganId>000.00.00.G22</§OrganId><§Timestamp>2025/07/01 08:30:00</§Timestamp></§TraceHeader>
      </§TraceHeaderList>
    </§edXMLHeader>
    <§edXMLBody>
      <§edXMLManifest version="1.0">
        <§Reference><§ContentId>cid:1</§ContentId><§ContentType>text/plain</§ContentType><§AttachmentName>a.txt</§AttachmentName></§Reference>
      </§edXMLManifest>
    </§edXMLBody>
  </§edXMLEnvelope>
  <§AttachmentEncoded>
    <§Attachment>
      <§ContentId>cid:1</§ContentId><§AttachmentName>a.txt</§AttachmentName><§ContentType>text/plain</§ContentType>
      <§ContentTransferEncoded>${HELLO_B64}</§ContentTransferEncoded>
    </§Attachment>
  </§AttachmentEncoded>
</§edXML>
`;

const STATUS = `<?xml version="1.0" encoding="UTF-8"?>
<§edXML §DECL>
  <§edXMLEnvelope>
    <§edXMLHeader>
      <§MessageHeader>
        <§From><§OrganId>000.00.00.H29</§OrganId></§From>
        <§ResponseFor>
          <§OrganId>000.00.00.G22</§OrganId>
          <§Code>12/VPCP-TTĐT</§Code>
          <§PromulgationDate>2025/07/01</§PromulgationDate>
          <§DocumentId>000.00.00.G22,2025/07/01,12/VPCP-TTĐT</§DocumentId>
        </§ResponseFor>
        <§StatusCode>03</§StatusCode>
        <§Description>Đã tiếp nhận</§Description>
        <§Timestamp>2025/07/01 09:00:00</§Timestamp>
      </§MessageHeader>
    </§edXMLHeader>
  </§edXMLEnvelope>
</§edXML>
`;

/** A valid package: G22 → H29, H41; one 12-byte text attachment `cid:1`; priority 2. */
export function samplePackage(prefix = 'edXML'): string {
  return withPrefix(PACKAGE, prefix);
}

/** A valid status 03 from H29 about G22's document. */
export function sampleStatus(prefix = 'edXML'): string {
  return withPrefix(STATUS, prefix);
}

/** Replaces one exact piece of `xml` (throws when it is not there, so tests cannot pass vacuously). */
export function edit(xml: string, from: string, to: string): string {
  if (!xml.includes(from)) throw new Error(`sample does not contain ${from}`);
  return xml.replace(from, to);
}
