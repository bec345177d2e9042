// Test packages written by hand in the national axis' own shape (edXML default namespace on the
// root, the `edXML:` prefix on the envelope, `Bussiness`), independent of the project's builder.

const xmlEscape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const organ = (tag: string, organId: string) => `
        <edXML:${tag}>
          <edXML:OrganId>${xmlEscape(organId)}</edXML:OrganId>
          <edXML:OrganizationInCharge>Cơ quan ${xmlEscape(organId)}</edXML:OrganizationInCharge>
          <edXML:OrganName>Cơ quan ${xmlEscape(organId)}</edXML:OrganName>
          <edXML:OrganAdd>Hà Nội</edXML:OrganAdd>
          <edXML:Email>vanthu@example.gov.vn</edXML:Email>
          <edXML:Telephone>0240000000</edXML:Telephone>
          <edXML:Fax>0240000001</edXML:Fax>
          <edXML:Website>example.gov.vn</edXML:Website>
        </edXML:${tag}>`;

export interface SamplePackage {
  from: string;
  to: readonly string[];
  documentId: string;
  subject?: string;
  priority?: number;
  businessType?: 0 | 1 | 2 | 3;
  /** The document a revoke/update/replace is about (Bussiness/DocumentId). */
  aboutDocumentId?: string;
  attachments?: ReadonlyArray<{ name: string; bytes: Uint8Array; contentType?: string }>;
}

/** A document package as the national axis carries it (unsigned: sign it with signEdxml). */
export function samplePackage(p: SamplePackage): string {
  const attachments = p.attachments ?? [
    { name: 'congvan.pdf', bytes: new TextEncoder().encode('%PDF-1.4 test') },
  ];
  const type = p.businessType ?? 0;
  const replacement =
    type === 3
      ? `
          <edXML:ReplacementInfoList>
            <edXML:ReplacementInfo>
              <edXML:DocumentId>${xmlEscape(p.aboutDocumentId ?? p.documentId)}</edXML:DocumentId>
              <edXML:OrganIdList>${p.to.map((o) => `<edXML:OrganId>${xmlEscape(o)}</edXML:OrganId>`).join('')}</edXML:OrganIdList>
            </edXML:ReplacementInfo>
          </edXML:ReplacementInfoList>`
      : '';
  const update =
    type === 2
      ? `
          <edXML:BussinessDocumentInfo>
            <edXML:DocumentInfo>1</edXML:DocumentInfo>
            <edXML:DocumentReceiver>0</edXML:DocumentReceiver>
            <edXML:ReceiverList>${p.to.map((o) => `<edXML:Receiver><edXML:OrganId>${xmlEscape(o)}</edXML:OrganId><edXML:ReceiverType>0</edXML:ReceiverType></edXML:Receiver>`).join('')}</edXML:ReceiverList>
          </edXML:BussinessDocumentInfo>`
      : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>${organ('From', p.from)}${p.to.map((o) => organ('To', o)).join('')}
        <edXML:DocumentId>${xmlEscape(p.documentId)}</edXML:DocumentId>
        <edXML:Code>
          <edXML:CodeNumber>123</edXML:CodeNumber>
          <edXML:CodeNotation>UBND-VP</edXML:CodeNotation>
        </edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>Hà Nội</edXML:Place>
          <edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType>
          <edXML:Type>1</edXML:Type>
          <edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName>
        </edXML:DocumentType>
        <edXML:Subject>${xmlEscape(p.subject ?? 'V/v triển khai liên thông văn bản')}</edXML:Subject>
        <edXML:Content>Nội dung công văn</edXML:Content>
        <edXML:SignerInfo>
          <edXML:Competence>TM. UBND</edXML:Competence>
          <edXML:Position>Chủ tịch</edXML:Position>
          <edXML:FullName>Nguyễn Văn A</edXML:FullName>
        </edXML:SignerInfo>
        <edXML:OtherInfo>
          <edXML:Priority>${p.priority ?? 0}</edXML:Priority>
          <edXML:SphereOfPromulgation>Liên thông văn bản quốc gia</edXML:SphereOfPromulgation>
          <edXML:TyperNotation>VT</edXML:TyperNotation>
          <edXML:PromulgationAmount>1</edXML:PromulgationAmount>
          <edXML:PageAmount>1</edXML:PageAmount>
        </edXML:OtherInfo>
        <edXML:SteeringType>0</edXML:SteeringType>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader>
          <edXML:OrganId>${xmlEscape(p.from)}</edXML:OrganId>
          <edXML:Timestamp>2026/11/20 09:00:00</edXML:Timestamp>
        </edXML:TraceHeader>
        <edXML:Bussiness>
          <edXML:DocumentId>${xmlEscape(p.aboutDocumentId ?? p.documentId)}</edXML:DocumentId>
          <edXML:BussinessDocType>${type}</edXML:BussinessDocType>
          <edXML:BussinessDocReason>Văn bản điện tử</edXML:BussinessDocReason>
          <edXML:Paper>0</edXML:Paper>${update}${replacement}
        </edXML:Bussiness>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">${attachments
        .map(
          (a, i) => `
        <edXML:Reference>
          <edXML:ContentId>cid:${i + 1}</edXML:ContentId>
          <edXML:ContentType>${xmlEscape(a.contentType ?? 'application/pdf')}</edXML:ContentType>
          <edXML:Description>${xmlEscape(a.name)}</edXML:Description>
          <edXML:AttachmentName>${xmlEscape(a.name)}</edXML:AttachmentName>
        </edXML:Reference>`,
        )
        .join('')}
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>${attachments
    .map(
      (a, i) => `
    <Attachment>
      <ContentId>cid:${i + 1}</ContentId>
      <AttachmentName>${xmlEscape(a.name)}</AttachmentName>
      <Description>${xmlEscape(a.name)}</Description>
      <ContentType>${xmlEscape(a.contentType ?? 'application/pdf')}</ContentType>
      <ContentTransferEncoded>${Buffer.from(a.bytes).toString('base64')}</ContentTransferEncoded>
    </Attachment>`,
    )
    .join('')}
  </AttachmentEncoded>
</edXML>
`;
}

export interface SampleStatus {
  from: string;
  responseFor: { organId: string; documentId: string };
  code: string;
  description?: string;
  timestamp?: string;
}

/** A status package as the national axis carries it (unsigned: sign it with signEdxml). */
export function sampleStatus(s: SampleStatus): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>${organ('From', s.from)}
        <edXML:ResponseFor>
          <edXML:OrganId>${xmlEscape(s.responseFor.organId)}</edXML:OrganId>
          <edXML:Code>123/UBND-VP</edXML:Code>
          <edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate>
          <edXML:DocumentId>${xmlEscape(s.responseFor.documentId)}</edXML:DocumentId>
        </edXML:ResponseFor>
        <edXML:StaffInfo>
          <edXML:Department>Văn thư</edXML:Department>
          <edXML:Staff>Trần Thị B</edXML:Staff>
          <edXML:Mobile>0912000001</edXML:Mobile>
          <edXML:Email>vanthu@example.gov.vn</edXML:Email>
        </edXML:StaffInfo>
        <edXML:StatusCode>${xmlEscape(s.code)}</edXML:StatusCode>
        <edXML:Description>${xmlEscape(s.description ?? `Trạng thái ${s.code}`)}</edXML:Description>
        <edXML:Timestamp>${xmlEscape(s.timestamp ?? '2026/11/20 10:00:00')}</edXML:Timestamp>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
`;
}
