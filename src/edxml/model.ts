import type { EdxmlAttachment } from './attachment.ts';

/** The QCVN 102:2016 namespace every edXML element lives in (any prefix, or the default namespace). */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** The XML signature namespace (a `Signature` block may also sit in the edXML namespace in legacy files). */
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

export type EdxmlKind = 'package' | 'status';
/** Status codes in use on the national axis (spec page §4). */
export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';
/** 0 new, 1 revoke (thu hồi), 2 update (cập nhật), 3 replace (thay thế). */
export type BusinessDocType = 0 | 1 | 2 | 3;
/** 0 normal, 1 urgent, 2 very urgent, 3 express, 4 express with a set time. */
export type Priority = 0 | 1 | 2 | 3 | 4;

export const STATUS_CODES: readonly StatusCode[] = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

/** The status codes' Vietnamese names, as a văn thư reads them (console, trace `nameVi`). */
export const STATUS_NAMES_VI: Readonly<Record<StatusCode, string>> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Yêu cầu lấy lại',
  '15': 'Đồng ý lấy lại / cập nhật',
  '16': 'Từ chối lấy lại / cập nhật',
};

/** A status code's Vietnamese name, or undefined for a code outside the list. */
export function statusNameVi(code: string): string | undefined {
  return Object.hasOwn(STATUS_NAMES_VI, code) ? STATUS_NAMES_VI[code as StatusCode] : undefined;
}

/*
 * Conventions: text is trimmed; an absent or empty optional element is `undefined`; required
 * strings are '' when the input lacks them (validation reports that). Lists whose container element
 * is optional (ToPlaces, Appendixes, ReceiverList, ReplacementInfoList, OrganIdList) are `undefined`
 * when the container is absent and [] when it is present but empty. Dates stay text as written.
 */

/** From / To: an organization and its contact fields. */
export interface Organization {
  readonly organId: string;
  readonly organizationInCharge?: string;
  readonly organName?: string;
  readonly organAdd?: string;
  readonly email?: string;
  readonly telephone?: string;
  readonly fax?: string;
  readonly website?: string;
}

/** The "số, ký hiệu": CodeNumber (≤ 11 chars) and CodeNotation (≤ 30). */
export interface DocumentCode {
  readonly codeNumber?: string;
  readonly codeNotation?: string;
}

export interface PromulgationInfo {
  /** ≤ 50 chars. */
  readonly place?: string;
  /** yyyy/MM/dd */
  readonly promulgationDate?: string;
}

export interface DocumentType {
  /** '1' or '2'. */
  readonly type?: string;
  readonly typeDetail?: string;
  /** e.g. "Công văn", ≤ 100 chars. */
  readonly typeName?: string;
}

export interface SignerInfo {
  readonly competence?: string;
  readonly position?: string;
  readonly fullName?: string;
}

export interface OtherInfo {
  readonly priority?: Priority;
  readonly sphereOfPromulgation?: string;
  readonly typerNotation?: string;
  readonly promulgationAmount?: string;
  readonly pageAmount?: string;
  readonly direction?: string;
  /** Appendixes/Appendix*; undefined when Appendixes is absent. */
  readonly appendixes?: readonly string[];
}

/** The document a package or status answers. */
export interface ResponseFor {
  readonly organId?: string;
  /** "Số, ký hiệu" of the original, as text (e.g. "7816/VPCP-TTĐT"). */
  readonly code?: string;
  readonly promulgationDate?: string;
  readonly documentId?: string;
}

export interface StaffInfo {
  readonly department?: string;
  readonly staff?: string;
  readonly mobile?: string;
  readonly email?: string;
}

/** edXMLHeader/MessageHeader of a document package. */
export interface MessageHeader {
  readonly from: Organization;
  /** One per recipient organization (1..n). */
  readonly to: readonly Organization[];
  /** `<issuer>,<yyyy/MM/dd>,<number>/<notation>` or a UUID. */
  readonly documentId: string;
  readonly code?: DocumentCode;
  readonly promulgationInfo?: PromulgationInfo;
  readonly documentType?: DocumentType;
  /** Trích yếu, ≤ 500 chars. */
  readonly subject?: string;
  /** ≤ 500 chars. */
  readonly content?: string;
  readonly signerInfo?: SignerInfo;
  readonly dueDate?: string;
  /** ToPlaces/Place* (each ≤ 150 chars); undefined when ToPlaces is absent. */
  readonly toPlaces?: readonly string[];
  readonly otherInfo?: OtherInfo;
  /** '0' or '1'. */
  readonly steeringType?: string;
  /** ResponseFor entries that carry at least one value (empty placeholders are dropped). */
  readonly responseFor: readonly ResponseFor[];
}

/** TraceHeaderList/TraceHeader: one sending hop. */
export interface TraceHeader {
  readonly organId?: string;
  /** yyyy/MM/dd HH:mm:ss */
  readonly timestamp?: string;
}

export interface Receiver {
  readonly organId?: string;
  readonly receiverType?: string;
}

/** Bussiness/BussinessDocumentInfo (update). */
export interface BusinessDocumentInfo {
  readonly documentInfo?: string;
  readonly documentReceiver?: string;
  readonly receivers?: readonly Receiver[];
}

/** Bussiness/ReplacementInfoList/ReplacementInfo (replace). */
export interface ReplacementInfo {
  readonly documentId?: string;
  readonly organIds?: readonly string[];
}

/** TraceHeaderList/Bussiness (read from `Business` too; always written `Bussiness`). */
export interface Business {
  /** The document the operation is about. */
  readonly documentId?: string;
  readonly docType?: BusinessDocType;
  readonly docReason?: string;
  /** '0' or '1': whether a paper copy follows. */
  readonly paper?: string;
  readonly documentInfo?: BusinessDocumentInfo;
  readonly replacements?: readonly ReplacementInfo[];
  readonly staffInfo?: StaffInfo;
}

/** edXMLBody/edXMLManifest/Reference */
export interface ManifestReference {
  /** "cid:…" */
  readonly contentId: string;
  readonly contentType?: string;
  readonly description?: string;
  readonly attachmentName?: string;
}

export interface Manifest {
  /** The `version` attribute ("1.0"). */
  readonly version?: string;
  readonly references: readonly ManifestReference[];
}

/**
 * Which signature block the file carries, if any: `xmldsig` for a real XMLDSig block, `edxml` for
 * the SDK-sample block in the edXML namespace (placeholders, never verifiable). The builder does not
 * write one; the signature module signs built packages.
 */
export type SignatureBlock = 'xmldsig' | 'edxml';

/** A document package (gói tin văn bản). */
export interface EdxmlPackage {
  readonly kind: 'package';
  readonly header: MessageHeader;
  readonly traceHeaders: readonly TraceHeader[];
  /** Absent means a new document (type 0). */
  readonly business?: Business;
  readonly manifest: Manifest;
  readonly attachments: readonly EdxmlAttachment[];
  readonly signature?: SignatureBlock;
}

/** A status package (gói tin trạng thái). */
export interface EdxmlStatus {
  readonly kind: 'status';
  /** The agency reporting. */
  readonly from: Organization;
  /** The original document. */
  readonly responseFor: ResponseFor;
  readonly staffInfo?: StaffInfo;
  readonly statusCode: StatusCode;
  readonly description?: string;
  /** yyyy/MM/dd HH:mm:ss */
  readonly timestamp: string;
  readonly traceHeaders: readonly TraceHeader[];
  readonly signature?: SignatureBlock;
}

export type EdxmlMessage = EdxmlPackage | EdxmlStatus;
