import type { BusinessDocType, EdxmlKind, EdxmlMessage, Priority, StatusCode } from './model.ts';

export interface AttachmentSummary {
  contentId: string;
  name: string;
  contentType: string;
  /** Decoded bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the decoded bytes; '' when the body is not base64 (an error finding). */
  sha256: string;
}

/** The facts the hub routes and stores by. */
export interface MessageSummary {
  kind: EdxmlKind;
  /** package: MessageHeader/DocumentId; status: ResponseFor/DocumentId */
  documentId: string;
  fromOrganId: string;
  /** package: every To/OrganId; status: [ResponseFor/OrganId] */
  toOrganIds: string[];
  /** packages (absent Bussiness → 0); null for statuses */
  businessType: BusinessDocType | null;
  /** Bussiness/DocumentId when present (the document a revoke/update is about) */
  businessDocumentId: string | null;
  /** ReplacementInfoList/ReplacementInfo/DocumentId for type 3, else [] */
  replacedDocumentIds: string[];
  /** OtherInfo/Priority, default 0; statuses 0 */
  priority: Priority;
  statusCode: StatusCode | null;
  /** statuses: Description (the agency's words, e.g. why a 02 refused), else null */
  statusDescription: string | null;
  /** statuses: Timestamp as written (yyyy/MM/dd HH:mm:ss, Vietnam time unless an offset), else null */
  statusTimestamp: string | null;
  /** the first ResponseFor (statuses always) */
  responseFor: { organId: string; documentId: string } | null;
  subject: string | null;
  attachments: AttachmentSummary[];
}

/** Summarizes a message. Decodes each attachment once to hash it (cached on the attachment). */
export function summarize(message: EdxmlMessage): MessageSummary {
  if (message.kind === 'status') {
    const organId = message.responseFor.organId ?? '';
    const documentId = message.responseFor.documentId ?? '';
    return {
      kind: 'status',
      documentId,
      fromOrganId: message.from.organId,
      toOrganIds: [organId],
      businessType: null,
      businessDocumentId: null,
      replacedDocumentIds: [],
      priority: 0,
      statusCode: message.statusCode,
      statusDescription: message.description ?? null,
      statusTimestamp: message.timestamp || null,
      responseFor: { organId, documentId },
      subject: null,
      attachments: [],
    };
  }
  const { header, business } = message;
  const businessType = business?.docType ?? 0;
  const first = header.responseFor[0];
  return {
    kind: 'package',
    documentId: header.documentId,
    fromOrganId: header.from.organId,
    toOrganIds: header.to.map((o) => o.organId),
    businessType,
    businessDocumentId: business?.documentId ?? null,
    replacedDocumentIds:
      businessType === 3
        ? (business?.replacements ?? []).flatMap((r) => (r.documentId === undefined ? [] : [r.documentId]))
        : [],
    priority: header.otherInfo?.priority ?? 0,
    statusCode: null,
    statusDescription: null,
    statusTimestamp: null,
    responseFor: first ? { organId: first.organId ?? '', documentId: first.documentId ?? '' } : null,
    subject: header.subject ?? null,
    attachments: message.attachments.map((a) => ({
      contentId: a.contentId,
      name: a.attachmentName ?? '',
      contentType: a.contentType ?? '',
      size: a.size,
      sha256: a.base64Problem ? '' : a.sha256(),
    })),
  };
}
