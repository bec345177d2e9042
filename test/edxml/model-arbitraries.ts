import fc from 'fast-check';
import {
  EdxmlAttachment,
  type EdxmlMessage,
  type EdxmlPackage,
  type EdxmlStatus,
  type Organization,
  STATUS_CODES,
} from '../../src/edxml/index.ts';

/** Drops undefined fields, as the reader does. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// Characters that stress the writer and reader: markup, quotes, "]]>", Vietnamese with precomposed
// and combining marks, astral characters, and inner whitespace (values are trimmed on reading).
const CHARS = [
  ...'abcXYZ019.,/-:',
  ...'&<>"\']]',
  ...'ăâđêôơưĐẠấẫỹ',
  'a\u0301',
  '😀',
  '\u00a0',
  ' ',
  '\t',
  '\n',
  '\r\n',
  // Read as line feeds by XML 1.1-style parsers when raw: the writer must escape them.
  '\u0085',
  '\u2028',
];

/** Non-empty text without leading or trailing whitespace (so trimming on read is a no-op). */
export const text = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((s) => s.trim() === s && s !== '');

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const organId = fc.oneof(fc.stringMatching(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/), text);

export const organization: fc.Arbitrary<Organization> = fc
  .record({
    organId,
    organizationInCharge: opt(text),
    organName: opt(text),
    organAdd: opt(text),
    email: opt(text),
    telephone: opt(text),
    fax: opt(text),
    website: opt(text),
  })
  .map(compact);

const strings = <K extends string>(...keys: K[]) =>
  fc
    .record(
      Object.fromEntries(keys.map((k) => [k, opt(text)])) as Record<K, fc.Arbitrary<string | undefined>>,
    )
    .map(compact);
/** A record with at least one field (empty placeholders are dropped on reading). */
const nonEmpty = <T extends object>(arb: fc.Arbitrary<T>) => arb.filter((o) => Object.keys(o).length > 0);
const list = <T>(arb: fc.Arbitrary<T>, maxLength = 3) => fc.array(arb, { maxLength });

const responseFor = nonEmpty(strings('organId', 'code', 'promulgationDate', 'documentId'));
const staffInfo = strings('department', 'staff', 'mobile', 'email');
const traceHeader = strings('organId', 'timestamp');

const business = fc
  .record({
    documentId: opt(text),
    docType: opt(fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const)),
    docReason: opt(text),
    paper: opt(fc.constantFrom('0', '1')),
    documentInfo: opt(
      fc
        .record({
          documentInfo: opt(text),
          documentReceiver: opt(text),
          receivers: opt(list(strings('organId', 'receiverType'))),
        })
        .map(compact),
    ),
    replacements: opt(list(fc.record({ documentId: opt(text), organIds: opt(list(text)) }).map(compact))),
    staffInfo: opt(staffInfo),
  })
  .map(compact);

const header = fc
  .record({
    from: organization,
    to: fc.array(organization, { minLength: 1, maxLength: 3 }),
    documentId: text,
    code: opt(strings('codeNumber', 'codeNotation')),
    promulgationInfo: opt(strings('place', 'promulgationDate')),
    documentType: opt(strings('type', 'typeDetail', 'typeName')),
    subject: opt(text),
    content: opt(text),
    signerInfo: opt(strings('competence', 'position', 'fullName')),
    dueDate: opt(text),
    toPlaces: opt(list(text)),
    otherInfo: opt(
      fc
        .record({
          priority: opt(fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const)),
          sphereOfPromulgation: opt(text),
          typerNotation: opt(text),
          promulgationAmount: opt(text),
          pageAmount: opt(text),
          direction: opt(text),
          appendixes: opt(list(text)),
        })
        .map(compact),
    ),
    steeringType: opt(text),
    responseFor: list(responseFor),
  })
  .map(compact);

const attachment = fc.record({
  meta: fc.record({ attachmentName: opt(text), description: opt(text), contentType: opt(text) }).map(compact),
  bytes: fc.uint8Array({ maxLength: 96 }),
  /** Built from base64 text rather than from bytes. */
  asText: fc.boolean(),
});

export const edxmlPackage: fc.Arbitrary<EdxmlPackage> = fc
  .record({
    header,
    traceHeaders: list(traceHeader),
    business: opt(business),
    version: opt(fc.constantFrom('1.0', '2.0')),
    references: list(strings('contentType', 'description', 'attachmentName')),
    attachments: list(attachment),
  })
  .map(({ header, traceHeaders, business, version, references, attachments }) =>
    compact({
      kind: 'package' as const,
      header,
      traceHeaders,
      business,
      manifest: compact({
        version,
        references: references.map((r, i) => ({ contentId: `cid:ref-${i}`, ...r })),
      }),
      attachments: attachments.map(({ meta, bytes, asText }, i) =>
        asText
          ? EdxmlAttachment.fromBase64(
              { contentId: `cid:${i}`, ...meta },
              Buffer.from(bytes).toString('base64'),
            )
          : EdxmlAttachment.fromBytes({ contentId: `cid:${i}`, ...meta }, bytes),
      ),
    }),
  );

export const edxmlStatus: fc.Arbitrary<EdxmlStatus> = fc
  .record({
    from: organization,
    responseFor: strings('organId', 'code', 'promulgationDate', 'documentId'),
    staffInfo: opt(staffInfo),
    statusCode: fc.constantFrom(...STATUS_CODES),
    description: opt(text),
    timestamp: text,
    traceHeaders: list(traceHeader),
  })
  .map((s) => compact({ kind: 'status' as const, ...s }));

export const edxmlMessage: fc.Arbitrary<EdxmlMessage> = fc.oneof(edxmlPackage, edxmlStatus);
