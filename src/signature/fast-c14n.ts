// A measured fast path for xmldsigjs's canonicalization, and nothing more.
//
// Where the time goes (profiled on a 20 MB package): xmldsigjs escapes text one UTF-16 unit at a
// time, pushing each into an array (`XmlCanonicalizer.NormalizeString`), and converts the canonical
// string to UTF-8 with `unescape(encodeURIComponent(s))` plus a per-byte copy loop (pvtsutils). Both
// are linear but with a large constant; an attachment is one base64 text node whose canonical form is
// the text itself, so almost all of the cost is overhead.
//
// The fast path changes exactly those two steps and keeps everything else (tree walk, namespace and
// attribute rules, ordering) in xmldsigjs's own canonicalizer (with the namespace-declaration fix of
// conformant-canonicalizer.ts, which is a correctness fix, not part of the fast path):
//  1. here: `NormalizeString` with the same escaping table, done by one regular-expression replace;
//  2. node-digest.ts: the canonical string is hashed as UTF-8 by node:crypto, after the same refusal
//     of lone surrogates that encodeURIComponent makes (used by both canonicalizer settings).
// Equivalence is differential-tested (test/signature/fast-c14n.test.ts) against the canonicalizer it
// replaces on generated documents, and against xmlsec1's pre-digest bytes and signatures.
import { XmlNodeType } from 'xml-core';
import { type XmlCanonicalizer, XmlDsigC14NTransform, XmlDsigExcC14NTransform } from 'xmldsigjs';
import { ConformantXmlCanonicalizer } from './conformant-canonicalizer.ts';

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const escapeChar = (ch: string): string => ESCAPES[ch] ?? ch;

// The three escaping tables of XmlCanonicalizer.NormalizeString: attribute values; text-like nodes
// (text, CDATA, whitespace); everything else (comments, processing instructions), where only CR is escaped.
const ATTRIBUTE = /[<&"\t\n\r]/g;
const TEXT = /[<>&\r]/g;
const OTHER = /\r/g;

export class FastXmlCanonicalizer extends ConformantXmlCanonicalizer {
  protected override NormalizeString(input: string | null, type: XmlNodeType): string {
    if (!input) return '';
    const re = type === XmlNodeType.Attribute ? ATTRIBUTE : isTextLike(type) ? TEXT : OTHER;
    return input.replace(re, escapeChar);
  }
}

function isTextLike(type: XmlNodeType): boolean {
  return (
    type === XmlNodeType.Text ||
    type === XmlNodeType.CDATA ||
    type === XmlNodeType.SignificantWhitespace ||
    type === XmlNodeType.Whitespace
  );
}

type Canonicalizing = { xmlCanonicalizer: XmlCanonicalizer };

// Comments are never output for the same-document references the profile admits (xmldsig-verify.ts),
// so only the without-comments variants exist.
function useFast(transform: object, exclusive: boolean): void {
  (transform as unknown as Canonicalizing).xmlCanonicalizer = new FastXmlCanonicalizer(false, exclusive);
}

export class FastC14NTransform extends XmlDsigC14NTransform {
  constructor() {
    super();
    useFast(this, false);
  }
}

export class FastExcC14NTransform extends XmlDsigExcC14NTransform {
  constructor() {
    super();
    useFast(this, true);
  }
}
