import { readdirSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildEdxml,
  buildEdxmlBytes,
  EDXML_NAMESPACE,
  type EdxmlMessage,
  inspectEdxml,
  messageFromJson,
  messageToJson,
  parseEdxml,
} from '../../src/edxml/index.ts';
import { edxmlMessage } from './model-arbitraries.ts';
import { samplePackage, sampleStatus } from './sample-xml.ts';
import { readSdk, sdkDir } from './sdk-fixtures.ts';

function read(input: Uint8Array | string): EdxmlMessage {
  const { message, findings } = inspectEdxml(input);
  if (!message) throw new Error(JSON.stringify(findings));
  return message;
}

/** Comparable form: the JSON model (attachment bodies as base64), without the signature block the builder never writes. */
function comparable(m: EdxmlMessage): unknown {
  const { signature: _s, ...rest } = messageToJson(m);
  return rest;
}

/** Parses with xmldom (the DOM the signature module uses) and fails on any warning or error. */
function domParse(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml') as unknown as Document;
}

describe('buildEdxml', () => {
  it('parse(build(m)) equals m for generated packages and statuses', () => {
    fc.assert(
      fc.property(edxmlMessage, (m) => {
        const xml = buildEdxml(m);
        expect(comparable(read(xml))).toEqual(comparable(m));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same document as bytes (bodies copied straight in) and as a string', () => {
    fc.assert(
      fc.property(edxmlMessage, (m) => {
        expect(Buffer.from(buildEdxmlBytes(m)).equals(Buffer.from(buildEdxml(m), 'utf8'))).toBe(true);
      }),
      { numRuns: 100 },
    );
    const parsed = read(readSdk('received-9e272474-0603-48a2-b525-9cd1af689612.edxml'));
    expect(Buffer.from(buildEdxmlBytes(parsed)).toString('utf8')).toBe(buildEdxml(parsed));
  });

  it('writes what a namespace-aware DOM reads without complaint', () => {
    fc.assert(
      fc.property(edxmlMessage, (m) => {
        const doc = domParse(buildEdxml(m));
        expect(doc.documentElement.namespaceURI).toBe(EDXML_NAMESPACE);
        const all = doc.getElementsByTagNameNS('*', '*');
        for (let i = 0; i < all.length; i++) expect(all.item(i)?.namespaceURI).toBe(EDXML_NAMESPACE);
      }),
      { numRuns: 50 },
    );
  });

  it.each(readdirSync(sdkDir).filter((f) => f.endsWith('.edxml')))(
    'round-trips the SDK sample %s',
    (name) => {
      const m = read(readSdk(name));
      expect(comparable(read(buildEdxml(m)))).toEqual(comparable(m));
    },
  );

  it('writes the national axis layout: edXML prefix, Bussiness spelling', () => {
    const xml = buildEdxml(read(readSdk('edoc_update.edxml')));
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">\n',
      ),
    ).toBe(true);
    expect(xml).toContain('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
    expect(xml).toContain('<edXML:Bussiness>');
    expect(xml).toContain('<edXML:BussinessDocType>2</edXML:BussinessDocType>');
    expect(xml).toContain('<edXML:BussinessDocumentInfo>');
    expect(xml).not.toContain('Business');
    expect(xml).toMatch(/<AttachmentEncoded>\s*<Attachment>\s*<ContentId>cid:209<\/ContentId>/);
    expect(xml).toContain(
      '<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">UEsDBBQ',
    );
  });

  it('builds a valid package and status that strict parsing accepts without findings', () => {
    for (const input of [samplePackage(), sampleStatus()]) {
      const result = parseEdxml(buildEdxml(read(input)), { strict: true });
      expect(result.findings).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });

  it('escapes markup and keeps CR, and refuses text XML cannot carry', () => {
    const m = read(samplePackage());
    if (m.kind !== 'package') throw new Error('package expected');
    const tricky = { ...m, header: { ...m.header, subject: 'a <b> & "c" ]]> d\r\ne' } };
    const back = read(buildEdxml(tricky));
    expect(back.kind === 'package' ? back.header.subject : null).toBe('a <b> & "c" ]]> d\r\ne');
    const bad = { ...m, header: { ...m.header, subject: 'nul \u0000' } };
    expect(() => buildEdxml(bad)).toThrow(expect.objectContaining({ code: 'EDXML_BAD_MODEL' }));
  });

  it('writes U+0085, U+2028 and U+2029 as references, which every XML parser reads alike', () => {
    const m = read(samplePackage());
    if (m.kind !== 'package') throw new Error('package expected');
    const subject = 'a\u0085b\u2028c\u2029d';
    const xml = buildEdxml({ ...m, header: { ...m.header, subject } });
    expect(xml).toContain('a&#x85;b&#x2028;c&#x2029;d');
    expect(/[\u0085\u2028\u2029]/.test(xml)).toBe(false);
    const back = read(xml);
    expect(back.kind === 'package' ? back.header.subject : null).toBe(subject);
    // xmldom with its defaults (XML 1.1 line ends) would turn raw ones into LF; references survive.
    const dom = domParse(xml);
    const element = dom.getElementsByTagNameNS(EDXML_NAMESPACE, 'Subject')[0];
    expect(element?.textContent).toBe(subject);
  });
});

describe('the JSON form of the model', () => {
  it('round-trips every SDK sample through JSON', () => {
    for (const name of readdirSync(sdkDir).filter((f) => f.endsWith('.edxml'))) {
      const m = read(readSdk(name));
      const json = JSON.parse(JSON.stringify(comparable(m)));
      const back = messageFromJson(json);
      expect(back.ok ? comparable(back.message) : back.findings).toEqual(comparable(m));
    }
  });

  it('lists the attachments in a manifest when the JSON has none', () => {
    const result = messageFromJson({
      kind: 'package',
      header: { from: { organId: '000.00.00.G22' }, to: [{ organId: '000.00.00.H29' }], documentId: 'd-1' },
      attachments: [
        { contentId: 'cid:1', attachmentName: 'a.txt', contentType: 'text/plain', base64: 'aGk=' },
      ],
    });
    expect(result.ok && result.message.kind === 'package' && result.message.manifest).toEqual({
      version: '1.0',
      references: [{ contentId: 'cid:1', attachmentName: 'a.txt', contentType: 'text/plain' }],
    });
  });

  it('refuses an attachment without a string base64 as a finding, never a TypeError (found by the fuzzing)', () => {
    for (const base64 of [undefined, null, 5]) {
      const result = messageFromJson({
        kind: 'package',
        header: { from: { organId: 'A' }, to: [{ organId: 'B' }], documentId: 'd' },
        traceHeaders: [],
        attachments: [{ contentId: 'cid:1', ...(base64 === undefined ? {} : { base64 }) }],
      });
      expect(result.ok ? [] : result.findings.map((f) => [f.code, f.path])).toEqual([
        ['EDXML_BAD_MODEL', '$.attachments[0].base64'],
      ]);
    }
  });

  it('reports every shape problem with its JSON path', () => {
    const result = messageFromJson({
      kind: 'status',
      from: { organId: 7, organname: 'x' },
      statusCode: '07',
      responseFor: { documentId: 'd' },
    });
    expect(result.ok ? [] : result.findings.map((f) => [f.code, f.path])).toEqual([
      ['EDXML_BAD_MODEL', '$.statusCode'],
      ['EDXML_BAD_MODEL', '$.from.organname'],
      ['EDXML_BAD_MODEL', '$.from.organId'],
      ['EDXML_BAD_MODEL', '$.timestamp'],
    ]);
    expect(messageFromJson({ kind: 'letter' }).ok).toBe(false);
    expect(messageFromJson(null).ok).toBe(false);
  });
});
