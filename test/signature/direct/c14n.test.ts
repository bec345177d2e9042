// The direct verifier's scanner and canonicalizer against the library path's: on thousands of
// generated documents (namespaces at random levels, references, CRLF, comments, CDATA, Vietnamese
// and astral text), whatever the scanner accepts the guarded DOM parser accepts too, and both
// canonicalizations give exactly the library's bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConformantC14NTransform,
  ConformantExcC14NTransform,
} from '../../../src/signature/conformant-canonicalizer.ts';
import { canonicalize } from '../../../src/signature/direct/c14n.ts';
import { scanXml } from '../../../src/signature/direct/xml-scan.ts';
import { parseText } from '../../../src/signature/xml-guard.ts';
import { ensureXmlCrypto } from '../../../src/signature/xml-setup.ts';
import { genDocument } from '../../support/signature-xmlgen.ts';

ensureXmlCrypto();

type AnyTransform = new () => { LoadInnerXml(node: Node): void; GetOutput(): unknown };

function libraryBytes(T: AnyTransform, node: Node): string {
  const t = new T();
  t.LoadInnerXml(node);
  const out = t.GetOutput();
  return typeof out === 'string' ? out : Buffer.from(out as Uint8Array).toString('utf8');
}

const mutate = fc.tuple(
  fc.nat(),
  fc.constantFrom(
    '<',
    '>',
    '&',
    '"',
    "'",
    '=',
    ' ',
    ':',
    '/',
    '!',
    '?',
    '\r',
    ']]>',
    'x',
    '<!--',
    '-->',
    '&#0;',
    '&foo;',
  ),
);

describe('the direct scanner and canonicalizer', () => {
  it('give the library bytes (C14N and exclusive C14N) on 3,000 generated documents', () => {
    let compared = 0;
    fc.assert(
      fc.property(genDocument, (xml) => {
        const root = scanXml(xml);
        if (!root) return;
        const parsed = parseText(xml);
        expect(parsed.ok, xml).toBe(true);
        if (!parsed.ok) return;
        compared++;
        expect(canonicalize(root, { exclusive: false }), xml).toBe(
          libraryBytes(ConformantC14NTransform, parsed.doc),
        );
        expect(canonicalize(root, { exclusive: true }), xml).toBe(
          libraryBytes(ConformantExcC14NTransform, parsed.doc),
        );
      }),
      { numRuns: 3000 },
    );
    // The generator also writes CDATA and xmlns="" (outside the subset): most documents still count.
    expect(compared).toBeGreaterThan(1000);
  });

  it('never accept a document the guarded DOM parser refuses (3,000 mutated documents)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(genDocument, fc.array(mutate, { minLength: 1, maxLength: 3 }), (xml, edits) => {
        let text = xml;
        for (const [pos, insert] of edits) {
          const i = pos % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i);
        }
        const root = scanXml(text);
        if (!root) return;
        accepted++;
        expect(parseText(text).ok, text).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['CDATA', '<a><![CDATA[x]]></a>'],
    ['a processing instruction', '<a><?p x?></a>'],
    ['an xml: attribute', '<a xml:lang="vi"/>'],
    ['an undeclaration', '<a xmlns="urn:a"><b xmlns=""/></a>'],
    ['an unbound prefix', '<p:a/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['the same expanded attribute twice', '<a xmlns:p="urn:p" xmlns:q="urn:p" p:x="1" q:x="2"/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a reference to a forbidden character', '<a>&#0;</a>'],
    ['a byte-order mark', '\uFEFF<a/>'],
    ['a non-ASCII name', '<tên/>'],
    ['text after the root', '<a/>x'],
    ['two roots', '<a/><b/>'],
    ['a mismatched end tag', '<a></b>'],
    ['"--" in a comment', '<a><!-- a -- b --></a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['a control character', '<a>\u0001</a>'],
    ['a latin-1 declaration', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>'],
  ])('leaves %s to the library path', (_what, xml) => {
    expect(scanXml(xml)).toBeNull();
  });

  it('normalizes attribute whitespace and line ends as XML 1.0 says', () => {
    const root = scanXml('<a x="1\r\n2\t3&#10;4">l1\r\nl2\rl3&#13;</a>');
    expect(root?.attributes[0]?.value).toBe('1 2 3\n4');
    expect(root?.children[0]).toBe('l1\nl2\nl3\r');
    expect(canonicalize(root as NonNullable<typeof root>, { exclusive: false })).toBe(
      '<a x="1 2 3&#xA;4">l1\nl2\nl3&#xD;</a>',
    );
  });

  it('renders what a SignedInfo apex needs: every namespace in scope (C14N), the utilized ones (exclusive)', () => {
    const root = scanXml(
      '<r xmlns="urn:r" xmlns:u="urn:u"><ds:S xmlns:ds="urn:ds"><ds:I a="1"><ds:M/></ds:I></ds:S></r>',
    );
    if (!root) throw new Error('scanned nothing');
    const signature = root.children[0] as typeof root;
    const signedInfo = signature.children[0] as typeof root;
    expect(canonicalize(signedInfo, { exclusive: false })).toBe(
      '<ds:I xmlns="urn:r" xmlns:ds="urn:ds" xmlns:u="urn:u" a="1"><ds:M></ds:M></ds:I>',
    );
    expect(canonicalize(signedInfo, { exclusive: true })).toBe(
      '<ds:I xmlns:ds="urn:ds" a="1"><ds:M></ds:M></ds:I>',
    );
    expect(canonicalize(signedInfo, { exclusive: true, inclusivePrefixes: new Set(['u', '']) })).toBe(
      '<ds:I xmlns="urn:r" xmlns:ds="urn:ds" xmlns:u="urn:u" a="1"><ds:M></ds:M></ds:I>',
    );
  });
});
