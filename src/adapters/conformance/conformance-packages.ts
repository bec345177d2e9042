import { randomBytes, randomUUID } from 'node:crypto';
import { buildEdxmlBytes, EdxmlAttachment, type Priority } from '../../edxml/index.ts';

/*
 * The edXML the conformance kit sends: real packages written by the hub's own codec, in the shape
 * the national axis carries, addressed from a test organization to the vendor's.
 */

/** Who the test packages are from and to (the vendor's own organ id, so it files them). */
export interface ConformanceParties {
  readonly from: string;
  readonly to: string;
}

export const DEFAULT_PARTIES: ConformanceParties = { from: '000.00.00.H99', to: '000.00.00.H98' };

/** A message id of the kit: `conformance-<uuid>`, so vendors can find and delete them. */
export function conformanceMessageId(): string {
  return `conformance-${randomUUID()}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy/MM/dd` and `yyyy/MM/dd HH:mm:ss` in Vietnam time (UTC+7), as edXML writes them. */
function vietnamTime(at: Date): { date: string; timestamp: string } {
  const t = new Date(at.getTime() + 7 * 3600_000);
  const date = `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
  return {
    date,
    timestamp: `${date} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`,
  };
}

const organization = (organId: string) => ({
  organId,
  organizationInCharge: `Cơ quan ${organId}`,
  organName: `Cơ quan ${organId}`,
  organAdd: 'Hà Nội',
  email: 'vanthu@example.gov.vn',
  telephone: '0240000000',
  fax: '0240000001',
  website: 'example.gov.vn',
});

export interface TestPackageOptions {
  readonly parties: ConformanceParties;
  readonly at: Date;
  /** 0 normal … 3 hỏa tốc (express). */
  readonly priority?: Priority;
  /** Size of a random attachment added to the small PDF, bytes before base64. */
  readonly extraAttachmentBytes?: number;
}

/** A new-document package (công văn) with a small PDF, and optionally one large random attachment. */
export function conformancePackage(options: TestPackageOptions): {
  readonly bytes: Uint8Array;
  readonly documentId: string;
} {
  const { date, timestamp } = vietnamTime(options.at);
  const number = String(options.at.getTime() % 100_000);
  const documentId = `${options.parties.from},${date},${number}/KT-LT`;
  const subject =
    options.priority === 3
      ? 'Kiểm thử liên thông: văn bản hỏa tốc'
      : 'Kiểm thử liên thông: văn bản thử nghiệm, không xử lý';
  const files = [
    {
      meta: { contentId: 'cid:1', contentType: 'application/pdf', attachmentName: 'kiem-thu.pdf' },
      bytes: new TextEncoder().encode('%PDF-1.4\n% lienthong conformance\n%%EOF\n'),
    },
  ];
  if (options.extraAttachmentBytes !== undefined && options.extraAttachmentBytes > 0) {
    files.push({
      meta: {
        contentId: 'cid:2',
        contentType: 'application/octet-stream',
        attachmentName: 'kiem-thu-lon.bin',
      },
      bytes: randomBytes(options.extraAttachmentBytes),
    });
  }
  const bytes = buildEdxmlBytes({
    kind: 'package',
    header: {
      from: organization(options.parties.from),
      to: [organization(options.parties.to)],
      documentId,
      code: { codeNumber: number, codeNotation: 'KT-LT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: date },
      documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
      subject,
      content: 'Gói tin do bộ kiểm thử lienthong gửi để kiểm tra hệ thống nhận; không xử lý.',
      signerInfo: { competence: 'KT.', position: 'Kiểm thử viên', fullName: 'Lienthong Conformance' },
      otherInfo: {
        priority: options.priority ?? 0,
        sphereOfPromulgation: 'Liên thông văn bản quốc gia',
        typerNotation: 'KT',
        promulgationAmount: '1',
        pageAmount: '1',
      },
      steeringType: '0',
      responseFor: [],
    },
    traceHeaders: [{ organId: options.parties.from, timestamp }],
    business: { documentId, docType: 0, docReason: 'Văn bản điện tử', paper: '0' },
    manifest: {
      version: '1.0',
      references: files.map((f) => ({ ...f.meta, description: f.meta.attachmentName })),
    },
    attachments: files.map((f) =>
      EdxmlAttachment.fromBytes({ ...f.meta, description: f.meta.attachmentName }, f.bytes),
    ),
  });
  return { bytes, documentId };
}

/** A status package (03: "đã tiếp nhận") from the test organization about a document of the vendor's. */
export function conformanceStatus(options: {
  readonly parties: ConformanceParties;
  readonly at: Date;
}): Uint8Array {
  const { date, timestamp } = vietnamTime(options.at);
  return buildEdxmlBytes({
    kind: 'status',
    from: organization(options.parties.from),
    responseFor: {
      organId: options.parties.to,
      code: '1/KT-LT',
      promulgationDate: date,
      documentId: `${options.parties.to},${date},1/KT-LT`,
    },
    staffInfo: {
      department: 'Văn thư',
      staff: 'Kiểm thử viên',
      mobile: '0912000001',
      email: 'vanthu@example.gov.vn',
    },
    statusCode: '03',
    description: 'Kiểm thử liên thông: đã tiếp nhận',
    timestamp,
    traceHeaders: [],
  });
}
