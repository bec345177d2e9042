import { describe, expect, it } from 'vitest';
import {
  type EdxmlMessage,
  type EdxmlPackage,
  type EdxmlStatus,
  inspectEdxml,
  parseEdxml,
  summarize,
} from '../../src/edxml/index.ts';
import { edit, HELLO_SHA256, samplePackage, sampleStatus } from './sample-xml.ts';
import { readSdk } from './sdk-fixtures.ts';

function message(input: Uint8Array | string): EdxmlMessage {
  const result = inspectEdxml(input);
  if (!result.message) throw new Error(JSON.stringify(result.findings));
  return result.message;
}
const asPackage = (input: Uint8Array | string) => message(input) as EdxmlPackage;
const codes = (input: string) => inspectEdxml(input).findings.map((f) => f.code);

describe('reading SDK samples into the model', () => {
  it('reads every MessageHeader field of edoc.edxml, contact fields included', () => {
    const m = asPackage(readSdk('edoc.edxml'));
    expect(m.header.from).toEqual({
      organId: '002.00.20.H13',
      organizationInCharge: 'Văn phòng Chính phủ',
      organName: 'Văn phòng Chính phủ',
      organAdd: 'Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội',
      email: 'vpcp@gov.vn',
      telephone: '8043100',
      fax: '04',
      website: 'vpcp.vn',
    });
    expect(m.header.to).toEqual([
      {
        organId: '000.00.15.H51',
        organName: 'Trung tâm test production 02323232323',
        organAdd: '185 Giảng Võ - Đống Đa - Hà Nội',
        email: 'sotttt@ict-hanoi.gov.vn',
        telephone: '(04)35123536',
        fax: '(04)37366617',
        website: 'http://www.ict-hanoi.gov.vn',
      },
    ]);
    const { from: _f, to: _t, ...rest } = m.header;
    expect(rest).toEqual({
      documentId: '9fbfbad2-f1f8-4256-a2eb-50fb1061cddb',
      code: { codeNumber: '12234555512', codeNotation: 'PRO-TEST-CASE1' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2019/01/17' },
      documentType: { type: '1', typeName: 'Thông tư' },
      subject: 'Văn bản liên thông chỉ đạo - 190701',
      content: 'test gửi liên thông vpcp',
      signerInfo: {
        competence: 'Quyền 1',
        position: 'Bộ trưởng', // The file writes "ấ" as â + a combining acute accent; text is kept exactly as written.
        fullName: 'Trương Minh Tu\u00e2\u0301n',
      },
      dueDate: '2018/06/25',
      toPlaces: ['Các bộ'],
      otherInfo: {
        priority: 0,
        sphereOfPromulgation: 'Lưu hành nội bộ',
        typerNotation: 'TVC',
        promulgationAmount: '10',
        pageAmount: '2',
        appendixes: ['Phụ lục'],
      },
      steeringType: '1',
      // The empty <ResponseFor> placeholder is dropped; the commented-out one is a comment.
      responseFor: [],
    });
    expect(m.traceHeaders).toEqual([{ organId: '01.02.G22', timestamp: '2018/06/20 16:35:56' }]);
    expect(m.business).toBeUndefined();
    expect(m.signature).toBe('xmldsig');
    expect(m.manifest).toEqual({
      version: '1.0',
      references: [
        {
          contentId: 'cid:36b8a92e-f054-11e7-842b-005056b672fc',
          attachmentName: 'GUIDE_INSTALL OPENVPN.SIGNED.PDF',
          description: 'Description 1',
        },
      ],
    });
    expect(m.attachments[0]?.contentType).toBe('application/pdf');
  });

  it('reads an update with BussinessDocumentInfo and its receivers', () => {
    const m = asPackage(readSdk('edoc_update.edxml'));
    expect(m.business).toEqual({
      documentId: '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT',
      docType: 2,
      docReason: 'Cập nhật văn bản điện tử',
      paper: '0',
      documentInfo: {
        documentInfo: '1',
        documentReceiver: '1',
        receivers: [
          { organId: '000.00.00.H41', receiverType: '0' },
          { organId: '000.00.00.H14', receiverType: '1' },
        ],
      },
      staffInfo: {
        department: 'Văn thư văn phòng',
        staff: 'Nguyễn Thị Ngọc Trâm',
        email: 'vanthuvanphong@gov.vn',
        mobile: '84912000001',
      },
    });
    expect(m.signature).toBe('edxml');
    expect(m.header.otherInfo?.direction).toBe('false');
  });

  it('reads a replace with its ReplacementInfoList', () => {
    const m = asPackage(readSdk('edoc_replacement.edxml'));
    const replaced = {
      documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT',
      organIds: ['000.00.00.H41', '000.00.00.H14'],
    };
    expect(m.business?.docType).toBe(3);
    expect(m.business?.replacements).toEqual([replaced, replaced]);
    expect(summarize(m).replacedDocumentIds).toEqual([replaced.documentId, replaced.documentId]);
  });

  it('reads a revoke and its ResponseFor', () => {
    const m = asPackage(readSdk('edoc_revocation.edxml'));
    expect(m.business?.docType).toBe(1);
    expect(m.business?.documentId).toBeUndefined();
    expect(m.header.responseFor).toEqual([
      {
        organId: '000.00.00.H14',
        code: '267/VPCP-TTĐT',
        documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT',
        promulgationDate: '2018/09/28',
      },
    ]);
  });

  it('reads a gateway package whose Bussiness comes before TraceHeader', () => {
    const m = asPackage(readSdk('gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml'));
    expect(m.business).toEqual({ docType: 0, paper: '0' });
    expect(m.traceHeaders).toEqual([{ organId: 'vxp.saas.03', timestamp: '2025/10/20 10:48:03' }]);
    expect(m.signature).toBeUndefined();
    expect(m.header.code).toEqual({ codeNumber: '20251020104803', codeNotation: 'GW-AUTO' });
  });

  it('keeps trace headers without an OrganId, and the literal "null"', () => {
    const m = asPackage(readSdk('received-874e0f18-90dc-45fb-989a-65401470ba84.edxml'));
    expect(m.traceHeaders).toEqual([
      { organId: 'null', timestamp: '2025/10/23 16:28:42' },
      { timestamp: '2025/10/23 16:28:43' },
    ]);
  });

  it('reads every field of a status package', () => {
    const m = message(readSdk('status_rejection_02.edxml')) as EdxmlStatus;
    expect(m).toEqual({
      kind: 'status',
      from: {
        organId: '000.00.00.H41',
        organName: 'UBND Tỉnh Nghệ An',
        organizationInCharge: 'UBND Tỉnh Nghệ An',
        organAdd: 'Số 03, đường Trường Thi, Thành phố Vinh, Tỉnh Nghệ An, Việt Nam',
        email: 'nghean@gov.vn',
        telephone: '0383 840418',
        fax: '0383 843049',
        website: 'www.nghean.vn',
      },
      responseFor: {
        organId: '000.00.00.G22',
        code: '7816/VPCP-TTĐT',
        promulgationDate: '2015/09/30',
        documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      },
      staffInfo: {
        department: 'Phong hanh chinh',
        staff: 'Nguyen thi ngoc tram',
        mobile: '84912000001',
        email: 'ngoctram@nghean.vn',
      },
      statusCode: '02',
      description: 'Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện tử',
      timestamp: '2015/09/20 11:08:36',
      traceHeaders: [],
    });
  });

  it('decodes a sample attachment lazily to the bytes Python decodes', () => {
    const [attachment] = asPackage(
      readSdk('received-852e179c-8eca-4502-ac38-0b97321f29c3.edxml'),
    ).attachments;
    const bytes = attachment?.decode();
    expect(bytes?.byteLength).toBe(214);
    expect([...(bytes ?? []).slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a ZIP
  });
});

describe('namespaces and prefixes', () => {
  const reference = asPackage(samplePackage());

  it.each(['', 'q', 'ns1', 'EDXML'])('reads the same model with prefix "%s"', (prefix) => {
    const m = asPackage(samplePackage(prefix));
    expect(m.header).toEqual(reference.header);
    expect(summarize(m)).toEqual(summarize(reference));
    expect(parseEdxml(samplePackage(prefix)).ok).toBe(true);
  });

  it('reads a default namespace on the root and another prefix below it', () => {
    const xml = edit(
      samplePackage(''),
      '<edXMLEnvelope>',
      `<p:edXMLEnvelope xmlns:p="http://www.mic.gov.vn/TBT/QCVN_102_2016">`,
    );
    const m = asPackage(edit(xml, '</edXMLEnvelope>', '</p:edXMLEnvelope>'));
    expect(m.header).toEqual(reference.header);
  });

  it('refuses an element whose prefix is bound to a foreign namespace', () => {
    const xml = edit(samplePackage(), '<edXML:Subject>', '<edXML:Subject xmlns:edXML="urn:evil">');
    const result = parseEdxml(xml);
    expect(result.ok).toBe(false);
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        code: 'EDXML_WRONG_NAMESPACE',
        severity: 'error',
        path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Subject',
      }),
    );
  });

  it('refuses a From in a foreign namespace, even unprefixed', () => {
    const xml = edit(samplePackage(''), '<From>', '<From xmlns="urn:other">');
    expect(codes(xml)).toEqual(expect.arrayContaining(['EDXML_WRONG_NAMESPACE', 'EDXML_MISSING_ELEMENT']));
  });

  it('reads children in any order', () => {
    const base = samplePackage();
    const moved = edit(
      edit(base, '<edXML:To><edXML:OrganId>000.00.00.H29</edXML:OrganId></edXML:To>', ''),
      '<edXML:Subject>',
      '<edXML:To><edXML:OrganId>000.00.00.H29</edXML:OrganId></edXML:To><edXML:Subject>',
    );
    expect(summarize(asPackage(moved)).toOrganIds).toEqual(['000.00.00.H41', '000.00.00.H29']);
    expect(asPackage(moved).header.subject).toBe(reference.header.subject);
  });
});

describe('vendor variants', () => {
  it('reads a status whose header is named Status', () => {
    const xml = sampleStatus().replaceAll('edXML:MessageHeader', 'edXML:Status');
    const m = message(xml) as EdxmlStatus;
    expect([m.kind, m.statusCode, m.from.organId]).toEqual(['status', '03', '000.00.00.H29']);
  });

  it('reads Business (single s) like Bussiness', () => {
    const business =
      '<edXML:Business><edXML:BusinessDocType>1</edXML:BusinessDocType><edXML:Paper>1</edXML:Paper></edXML:Business>';
    const m = asPackage(
      edit(samplePackage(), '</edXML:TraceHeaderList>', `${business}</edXML:TraceHeaderList>`),
    );
    expect(m.business).toEqual({ docType: 1, paper: '1' });
    expect(summarize(m).businessType).toBe(1);
  });
});

describe('text', () => {
  it('reads text split by comments and CDATA whole, and resolves references', () => {
    const xml = edit(
      samplePackage(),
      '<edXML:Subject>V/v thử nghiệm</edXML:Subject>',
      '<edXML:Subject>V/v <!-- a comment -->thử<![CDATA[ <nghiệm> ]]>&amp; &#x1EA0;&#65;</edXML:Subject>',
    );
    expect(asPackage(xml).header.subject).toBe('V/v thử <nghiệm> & ẠA');
  });

  it('keeps ids and codes as strings ("00123" stays "00123")', () => {
    const xml = edit(
      samplePackage(),
      '<edXML:CodeNumber>12</edXML:CodeNumber>',
      '<edXML:CodeNumber>00123</edXML:CodeNumber>',
    );
    expect(asPackage(xml).header.code?.codeNumber).toBe('00123');
    expect((message(sampleStatus()) as EdxmlStatus).statusCode).toBe('03');
  });

  it('trims XML whitespace only: NBSP, U+3000 and U+FEFF belong to the value', () => {
    const spaced = edit(
      samplePackage(),
      '<edXML:OrganId>000.00.00.H29<',
      '<edXML:OrganId>\r\n\t 000.00.00.H29<',
    );
    expect(asPackage(spaced).header.to[0]?.organId).toBe('000.00.00.H29');
    const nbsp = edit(
      samplePackage(),
      '<edXML:OrganId>000.00.00.H29<',
      '<edXML:OrganId>\u00a0000.00.00.H29<',
    );
    expect(asPackage(nbsp).header.to[0]?.organId).toBe('\u00a0000.00.00.H29');
    const wide = edit(sampleStatus(), '>03<', '>\u300003<');
    expect(codes(wide)).toContain('EDXML_BAD_STATUS_CODE');
  });

  it('reads the same from bytes and from a string', () => {
    const xml = samplePackage();
    expect(summarize(asPackage(Buffer.from(xml)))).toEqual(summarize(asPackage(xml)));
  });
});

describe('attachments', () => {
  it('reports size and SHA-256 of the decoded bytes', () => {
    const [a] = asPackage(samplePackage()).attachments;
    expect(a?.size).toBe(12);
    expect(a?.sha256()).toBe(HELLO_SHA256);
    expect(Buffer.from(a?.decode() ?? []).toString()).toBe('hello edXML\n');
  });

  it('reads base64 broken over lines (MIME style)', () => {
    const xml = edit(samplePackage(), 'aGVsbG8gZWRYTUwK', 'aGVsbG8g\r\n  ZWRYTUwK\n');
    const [a] = asPackage(xml).attachments;
    expect(a?.size).toBe(12);
    expect(a?.sha256()).toBe(HELLO_SHA256);
    expect(a?.base64()).toBe('aGVsbG8gZWRYTUwK');
  });

  it('reads a body split by a comment whole', () => {
    const xml = edit(samplePackage(), 'aGVsbG8gZWRYTUwK', 'aGVsbG8g<!-- split -->ZWRYTUwK');
    expect(asPackage(xml).attachments[0]?.sha256()).toBe(HELLO_SHA256);
  });
});
