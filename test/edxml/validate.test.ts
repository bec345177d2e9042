import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/index.ts';
import {
  EdxmlAttachment,
  type EdxmlPackage,
  edxmlTimestampToDate,
  inspectEdxml,
  isEdxmlDate,
  isEdxmlTimestamp,
  parseEdxml,
  validateEdxml,
} from '../../src/edxml/index.ts';
import { edit, samplePackage, sampleStatus } from './sample-xml.ts';
import { readSdk } from './sdk-fixtures.ts';

const brief = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.code}`);
const pkg = samplePackage();

describe('findings on the SDK samples', () => {
  it('accepts edoc.edxml with warnings (its attachment body is a JMeter placeholder); strict refuses', () => {
    const result = parseEdxml(readSdk('edoc.edxml'));
    expect(result.ok).toBe(true);
    // It also uses `edXML:` where no declaration is in scope, and an undeclared xlink: attribute.
    expect(brief(result.findings)).toEqual([
      'warning XML_UNBOUND_PREFIX',
      'warning XML_UNBOUND_PREFIX',
      'warning EDXML_BAD_BASE64',
    ]);
    const strict = parseEdxml(readSdk('edoc.edxml'), { strict: true });
    expect(strict.ok ? null : strict.code).toBe('XML_UNBOUND_PREFIX');
  });

  it('ignores an attribute whose prefix is not declared (it is not the unprefixed one)', () => {
    const xml = edit(pkg, 'edXMLManifest version="1.0"', 'edXMLManifest u:version="9.9"');
    const result = parseEdxml(xml);
    expect(brief(result.findings)).toEqual(['warning XML_UNBOUND_PREFIX']);
    expect(result.ok && result.message.kind === 'package' ? result.message.manifest.version : 'none').toBe(
      undefined,
    );
  });

  it('accepts edoc_new.edxml with a warning for the bytes before its XML declaration; strict refuses', () => {
    const lenient = parseEdxml(readSdk('edoc_new.edxml'));
    expect(lenient.ok).toBe(true);
    expect(brief(lenient.findings)).toEqual(['warning XML_LEADING_GARBAGE']);
    const strict = parseEdxml(readSdk('edoc_new.edxml'), { strict: true });
    expect(strict.ok ? null : strict.code).toBe('XML_LEADING_GARBAGE');
  });

  it.each([
    'edoc_revocation.edxml',
    'edoc_update.edxml',
    'edoc_replacement.edxml',
    'status.edxml',
    'status_rejection_02.edxml',
  ])('accepts %s without any finding, in strict mode too', (name) => {
    const result = parseEdxml(readSdk(name), { strict: true });
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('warns on gateway packages (organ-id shape, CodeNumber length, ContentType disagreement)', () => {
    const result = parseEdxml(readSdk('gateway-upload-1f881896-6e3a-4a5f-87f1-c380878e148e.edxml'));
    expect(result.ok).toBe(true);
    expect(brief(result.findings)).toEqual([
      'warning EDXML_ORGAN_ID_SHAPE',
      'warning EDXML_ORGAN_ID_SHAPE',
      'warning EDXML_TOO_LONG',
      'warning EDXML_ATTACHMENT_META_MISMATCH',
      'warning EDXML_ATTACHMENT_META_MISMATCH',
      'warning EDXML_ATTACHMENT_META_MISMATCH',
      'warning EDXML_MISSING_ELEMENT',
    ]);
    expect(result.findings[2]?.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Code/CodeNumber');
  });

  it('in strict mode makes length limits errors but keeps the organ-id shape a warning', () => {
    const result = parseEdxml(readSdk('gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml'), {
      strict: true,
    });
    expect(result.ok ? null : result.code).toBe('EDXML_TOO_LONG');
    expect(brief(result.findings)).toEqual([
      'warning EDXML_ORGAN_ID_SHAPE',
      'warning EDXML_ORGAN_ID_SHAPE',
      'error EDXML_TOO_LONG',
      'warning EDXML_ORGAN_ID_SHAPE',
    ]);
  });

  it('warns on SteeringType 2 and on hops without OrganId', () => {
    const result = parseEdxml(readSdk('received-9e272474-0603-48a2-b525-9cd1af689612.edxml'));
    expect(result.ok).toBe(true);
    expect(
      result.findings.filter((f) => f.code !== 'EDXML_ORGAN_ID_SHAPE').map((f) => [f.code, f.path]),
    ).toEqual([
      ['EDXML_BAD_VALUE', 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/SteeringType'],
      ['EDXML_MISSING_ELEMENT', 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader[2]/OrganId'],
    ]);
  });
});

describe('dates and timestamps', () => {
  it.each([
    ['2024/02/29', true],
    ['2023/02/29', false],
    ['2025/13/01', false],
    ['2025/7/1', false],
    ['2025-07-01', false],
    ['2025/04/31', false],
  ])('date %s → %s', (text, ok) => expect(isEdxmlDate(text)).toBe(ok));

  it.each([
    ['2025/07/01 08:30:00', true],
    ['2025/07/01 08:30:00+07:00', true],
    ['2025/07/01 01:30:00Z', true],
    ['2025/07/01 24:00:00', false],
    ['2025/07/01T08:30:00', false],
    ['2025/07/01 8:30:00', false],
  ])('timestamp %s → %s', (text, ok) => expect(isEdxmlTimestamp(text)).toBe(ok));

  it('checks DueDate and ResponseFor dates too', () => {
    const xml = edit(pkg, '<edXML:Subject>', '<edXML:DueDate>2025/06/31</edXML:DueDate><edXML:Subject>');
    const result = parseEdxml(xml);
    expect(result.ok ? null : [result.code, result.findings[0]?.path]).toEqual([
      'EDXML_BAD_DATE',
      'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DueDate',
    ]);
  });
});

describe('attachments against the manifest', () => {
  const second =
    '<edXML:Attachment><edXML:ContentId>cid:1</edXML:ContentId><edXML:ContentTransferEncoded>AAAA</edXML:ContentTransferEncoded></edXML:Attachment></edXML:AttachmentEncoded>';

  it('refuses two attachments with one ContentId', () => {
    const result = parseEdxml(edit(pkg, '</edXML:AttachmentEncoded>', second));
    expect(result.ok ? null : result.code).toBe('EDXML_ATTACHMENT_MISMATCH');
  });

  it('warns when the manifest and the attachment disagree on the name', () => {
    const result = parseEdxml(
      edit(
        pkg,
        '<edXML:AttachmentName>a.txt</edXML:AttachmentName></edXML:Reference>',
        '<edXML:AttachmentName>b.txt</edXML:AttachmentName></edXML:Reference>',
      ),
    );
    expect(result.ok).toBe(true);
    expect(brief(result.findings)).toEqual(['warning EDXML_ATTACHMENT_META_MISMATCH']);
  });

  it.each([
    ['aGVsbG8gZWRYTUw', 'EDXML_BASE64_UNPADDED', true],
    ['aGVsbG8gZWRYTUwKa', 'EDXML_BAD_BASE64', true],
    ['aGVs=bG8gZWRYTUwK', 'EDXML_BAD_BASE64', true],
    ['aGVsbG8gZWRYTUw-', 'EDXML_BAD_BASE64', true],
  ])('body %s → %s (lenient: a warning; strict: refused)', (body, code, accepted) => {
    const result = parseEdxml(edit(pkg, 'aGVsbG8gZWRYTUwK', body));
    expect(result.ok).toBe(accepted);
    expect(result.findings.map((f) => f.code)).toEqual([code]);
    const strict = parseEdxml(edit(pkg, 'aGVsbG8gZWRYTUwK', body), { strict: true });
    expect(strict.ok ? null : strict.code).toBe(code);
  });

  it('never hands out guessed bytes for a body that is not base64', () => {
    const { message } = inspectEdxml(edit(pkg, 'aGVsbG8gZWRYTUwK', 'aGVs*bG8g'));
    const [attachment] = (message as EdxmlPackage).attachments;
    expect(attachment?.size).toBe(0);
    expect(() => attachment?.decode()).toThrow(expect.objectContaining({ code: 'EDXML_BAD_BASE64' }));
  });
});

describe('structure', () => {
  it('warns on unknown edXML elements (an error in strict mode)', () => {
    const xml = edit(pkg, '<edXML:Subject>', '<edXML:Mystery>1</edXML:Mystery><edXML:Subject>');
    expect(brief(parseEdxml(xml).findings)).toEqual(['warning EDXML_UNKNOWN_ELEMENT']);
    expect(parseEdxml(xml, { strict: true }).ok).toBe(false);
  });

  it('keeps at most 50 findings of one code', () => {
    const xml = edit(pkg, '<edXML:Subject>', `${'<edXML:Mystery/>'.repeat(1000)}<edXML:Subject>`);
    expect(parseEdxml(xml).findings.filter((f) => f.code === 'EDXML_UNKNOWN_ELEMENT')).toHaveLength(50);
  });

  it('warns on text between elements and on a body in a status package', () => {
    const withText = edit(pkg, '<edXML:From>', '<edXML:From>stray');
    expect(brief(parseEdxml(withText).findings)).toEqual(['warning EDXML_UNEXPECTED_CONTENT']);
    const withBody = edit(sampleStatus(), '</edXML:edXMLHeader>', '</edXML:edXMLHeader><edXML:edXMLBody/>');
    expect(brief(parseEdxml(withBody).findings)).toEqual(['warning EDXML_UNEXPECTED_CONTENT']);
  });

  it('asks a refusal (02) for its reason', () => {
    const xml = edit(
      edit(sampleStatus(), '>03<', '>02<'),
      '<edXML:Description>Đã tiếp nhận</edXML:Description>',
      '',
    );
    const result = parseEdxml(xml);
    expect(result.ok).toBe(true);
    expect(result.findings.map((f) => [f.code, f.path])).toEqual([
      ['EDXML_MISSING_ELEMENT', 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Description'],
    ]);
  });

  it('warns on a recipient listed twice', () => {
    const xml = edit(pkg, '000.00.00.H41', '000.00.00.H29');
    expect(brief(parseEdxml(xml).findings)).toEqual(['warning EDXML_DUPLICATE_ELEMENT']);
  });
});

describe('validateEdxml on models built in memory', () => {
  const base = inspectEdxml(pkg).message as EdxmlPackage;

  it('accepts the sample model', () => {
    expect(validateEdxml(base)).toEqual([]);
  });

  it('reports a missing DocumentId, a bad priority and an orphan attachment', () => {
    const broken: EdxmlPackage = {
      ...base,
      header: { ...base.header, documentId: '', otherInfo: { priority: 7 as 0 } },
      attachments: [
        ...base.attachments,
        EdxmlAttachment.fromBytes({ contentId: 'cid:x' }, new Uint8Array([1, 2, 3])),
      ],
    };
    expect(validateEdxml(broken).map((f) => [f.code, f.path])).toEqual([
      ['EDXML_MISSING_ELEMENT', 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId'],
      ['EDXML_BAD_PRIORITY', 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/OtherInfo/Priority'],
      ['EDXML_ATTACHMENT_MISMATCH', 'edXML/AttachmentEncoded/Attachment[2]'],
    ]);
  });
});

describe('edxmlTimestampToDate', () => {
  it('reads Vietnam time unless an offset is given', () => {
    expect(edxmlTimestampToDate('2025/07/01 08:30:00')?.toISOString()).toBe('2025-07-01T01:30:00.000Z');
    expect(edxmlTimestampToDate('2025/07/01 08:30:00Z')?.toISOString()).toBe('2025-07-01T08:30:00.000Z');
    expect(edxmlTimestampToDate('2025/07/01 08:30:00+09:00')?.toISOString()).toBe('2025-06-30T23:30:00.000Z');
    expect(edxmlTimestampToDate('2025/02/30 08:30:00')).toBeNull();
  });
});
