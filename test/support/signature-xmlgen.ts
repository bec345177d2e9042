// Generated XML for differential tests of canonicalization: nested elements with namespace
// declarations at random levels (default, prefixed, undeclared default), prefixed and xml:
// attributes, character references for CR/TAB/LF, entities for markup characters, literal CRLF,
// CDATA, comments, Vietnamese text and astral characters. Every document is namespace-well-formed.
import fc from 'fast-check';

export const GEN_URIS = [
  'urn:a',
  'urn:b',
  'http://www.mic.gov.vn/TBT/QCVN_102_2016',
  'http://example.org/ns#x',
] as const;
const PREFIXES = ['', 'p', 'q', 'edXML', 'ds2'];
const NAMES = ['a', 'b', 'Ten', 'd-e', 'f.g', '_h', 'OrganId'];
// Serialized snippets (what the producer writes), not values: the parser decides the value.
const TEXT = [
  'a',
  'ế',
  'Đ',
  '😀',
  ' ',
  '\n',
  '\t',
  '&lt;',
  '&amp;',
  '>',
  '&gt;',
  '"',
  "'",
  '&#13;',
  '&#xD;',
  '\r\n',
  '\r',
  '&#x9;',
  '&#10;',
  '&#xE9;',
  '&#128512;',
  ']]&gt;',
  '=',
  '0',
  'x y',
  '&quot;',
  '&apos;',
];
const ATTR = [
  'a',
  'ế',
  '😀',
  ' ',
  '\n',
  '\t',
  '&lt;',
  '&amp;',
  '>',
  '&gt;',
  '&quot;',
  "'",
  '&#13;',
  '\r\n',
  '&#9;',
  '&#10;',
  '&#xD;',
  '=',
];
const CDATA = ['a', '<', '&', ']', 'ế', ' ', '\n', '\r\n', 'x>', '"'];
const COMMENT = ['a', ' ', 'ế', '<', '&', '-x', '\n', '>'];

export type GenNode =
  | { kind: 'text'; raw: string }
  | { kind: 'cdata'; raw: string }
  | { kind: 'comment'; raw: string }
  | GenElement;

export interface GenElement {
  kind: 'element';
  prefix: string;
  name: string;
  decls: Array<{ prefix: string; uri: string }>;
  attrs: Array<{ prefix: string; name: string; raw: string }>;
  children: GenNode[];
}

const snippets = (pool: readonly string[], max: number) =>
  fc.array(fc.constantFrom(...pool), { maxLength: max }).map((a) => a.join(''));

/** Text snippets without markup characters or references: runs the bulk-text fast path may cut out. */
export const PLAIN_TEXT = [
  'a',
  'ế',
  'Đ',
  '😀',
  ' ',
  '\n',
  '\t',
  '"',
  "'",
  '\r\n',
  '\r',
  '=',
  '0',
  'x y',
  'QUJD',
  '/+',
];

const arbitrariesWith = (textPool: readonly string[]) =>
  fc.letrec<{ node: GenNode; element: GenElement }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      fc.record({ kind: fc.constant('text' as const), raw: snippets(textPool, 12) }),
      fc.record({ kind: fc.constant('cdata' as const), raw: snippets(CDATA, 6) }),
      fc.record({ kind: fc.constant('comment' as const), raw: snippets(COMMENT, 6) }),
      tie('element'),
    ),
    element: fc.record({
      kind: fc.constant('element' as const),
      prefix: fc.constantFrom(...PREFIXES),
      name: fc.constantFrom(...NAMES),
      decls: fc.array(
        fc.record({ prefix: fc.constantFrom(...PREFIXES), uri: fc.constantFrom(...GEN_URIS, '') }),
        { maxLength: 2 },
      ),
      attrs: fc.uniqueArray(
        fc.record({
          prefix: fc.constantFrom('', '', 'p', 'q', 'xml'),
          name: fc.constantFrom(...NAMES, 'lang', 'Id'),
          raw: snippets(ATTR, 8),
        }),
        { maxLength: 3, selector: (a) => a.name },
      ),
      children: fc.array(tie('node'), { maxLength: 4 }),
    }),
  }));

const arbitraries = arbitrariesWith(TEXT);
export const genElement: fc.Arbitrary<GenElement> = arbitraries.element;

/** Serializes with the declarations a namespace-well-formed document needs added where missing. */
export function serialize(el: GenElement, scope: ReadonlyMap<string, string> = new Map([['', '']])): string {
  const inScope = new Map(scope);
  const decls = new Map<string, string>();
  for (const d of el.decls) {
    if (d.prefix !== '' && d.uri === '') continue; // xmlns:p="" is not allowed in XML 1.0
    decls.set(d.prefix, d.uri);
  }
  for (const [p, u] of decls) inScope.set(p, u);
  const need = (p: string) => {
    if (p === '' || p === 'xml' || inScope.has(p)) return;
    const uri = GEN_URIS[p.length % GEN_URIS.length] as string;
    decls.set(p, uri);
    inScope.set(p, uri);
  };
  need(el.prefix);
  const attrs = el.attrs.map((a) => {
    const prefix = a.prefix === 'xml' ? (a.name === 'lang' ? 'xml' : '') : a.prefix;
    need(prefix);
    return `${prefix ? `${prefix}:` : ''}${a.name}="${a.raw.replace(/"/g, '&quot;')}"`;
  });
  // Two prefixed attributes with one local name and the same namespace would be a duplicate.
  const expanded = new Set<string>();
  const kept = attrs.filter((text, i) => {
    const a = el.attrs[i] as { prefix: string; name: string };
    const key = `${inScope.get(a.prefix === 'xml' ? 'xml' : a.prefix) ?? ''}|${a.name}`;
    if (expanded.has(key)) return false;
    expanded.add(key);
    return text.length > 0;
  });
  const qname = `${el.prefix ? `${el.prefix}:` : ''}${el.name}`;
  const declText = [...decls].map(([p, u]) => (p ? ` xmlns:${p}="${u}"` : ` xmlns="${u}"`)).join('');
  const body = el.children
    .map((c) => {
      if (c.kind === 'element') return serialize(c, inScope);
      if (c.kind === 'cdata') return `<![CDATA[${c.raw}]]>`;
      if (c.kind === 'comment') return `<!--${c.raw}-->`;
      return c.raw;
    })
    .join('');
  return `<${qname}${declText}${kept.map((a) => ` ${a}`).join('')}>${body}</${qname}>`;
}

function documents(root: fc.Arbitrary<GenElement>): fc.Arbitrary<string> {
  return fc
    .record({ root, decl: fc.boolean(), before: fc.boolean(), after: fc.boolean() })
    .map(
      ({ root, decl, before, after }) =>
        `${decl ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${before ? '<!-- before -->\n' : ''}${serialize(root)}${after ? '\n<!-- after -->' : ''}`,
    );
}

/** A whole document: optional declaration and comments around the root. */
export const genDocument: fc.Arbitrary<string> = documents(genElement);

/** Documents whose text nodes hold only PLAIN_TEXT (most text runs are fast-path candidates). */
export const genPlainTextDocument: fc.Arbitrary<string> = documents(arbitrariesWith(PLAIN_TEXT).element);
