// Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, without comments, over the scanner's
// light tree (xml-scan.ts): the two canonicalizations the edXML profile admits, for a whole
// document minus one omitted element (the enveloped Signature) or for one element as the apex of a
// document subset (SignedInfo). The scanner never yields xml:* attributes, namespace undeclarations
// or processing instructions, so the parts of the specifications about those are not needed here.
import type { ScanAttribute, ScanElement } from './xml-scan.ts';

export interface C14nOptions {
  /** Exclusive canonicalization (else inclusive Canonical XML 1.0). */
  readonly exclusive: boolean;
  /** Exclusive only: the InclusiveNamespaces PrefixList, with '' for `#default`. */
  readonly inclusivePrefixes?: ReadonlySet<string>;
  /** An element left out with its subtree (the enveloped-signature transform). */
  readonly omit?: ScanElement | null;
}

const escapeText = (s: string) =>
  /[&<>\r]/.test(s)
    ? s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'))
    : s;

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const escapeAttribute = (s: string) =>
  /[&<"\t\n\r]/.test(s) ? s.replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] as string) : s;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical form of `apex` and its subtree as the subset's only top element. */
export function canonicalize(apex: ScanElement, options: C14nOptions): string {
  const out: string[] = [];
  const omit = options.omit ?? null;
  const prefixes = [...(options.inclusivePrefixes ?? [])];
  // What the nearest output ancestor rendered (exclusive) or had in scope (inclusive); empty at the apex.
  const walk = (el: ScanElement, context: ReadonlyMap<string, string>): void => {
    const rendered = options.exclusive
      ? exclusiveNamespaces(el, context, prefixes)
      : inclusiveNamespaces(el, context);
    out.push('<', el.qname);
    for (const [prefix, uri] of rendered.list) {
      out.push(prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`, escapeAttribute(uri), '"');
    }
    const attributes =
      el.attributes.length > 1
        ? [...el.attributes].sort((a, b) => byCodeUnits(a.ns, b.ns) || byCodeUnits(a.local, b.local))
        : el.attributes;
    for (const a of attributes) out.push(' ', a.qname, '="', escapeAttribute(a.value), '"');
    out.push('>');
    for (const child of el.children) {
      if (typeof child === 'string') out.push(escapeText(child));
      else if (child !== omit) walk(child, rendered.context);
    }
    out.push('</', el.qname, '>');
  };
  walk(apex, new Map());
  return out.join('');
}

interface Rendered {
  /** Declarations to write, sorted by prefix ('' first). */
  readonly list: ReadonlyArray<readonly [string, string]>;
  /** The context the children compare against. */
  readonly context: ReadonlyMap<string, string>;
}

/** Canonical XML 1.0 §2.3 / 4.x: every namespace in scope that the parent output did not have the same. */
function inclusiveNamespaces(el: ScanElement, context: ReadonlyMap<string, string>): Rendered {
  const list: Array<[string, string]> = [];
  for (const [prefix, uri] of el.inScope) if (context.get(prefix) !== uri) list.push([prefix, uri]);
  // A default namespace in the parent's output but none here: the specification's xmlns="".
  if (!el.inScope.has('') && (context.get('') ?? '') !== '') list.push(['', '']);
  list.sort((a, b) => byCodeUnits(a[0], b[0]));
  return { list, context: el.inScope };
}

/** Exclusive C14N §3: the visibly utilized prefixes (and the PrefixList) not rendered above with the same URI. */
function exclusiveNamespaces(
  el: ScanElement,
  context: ReadonlyMap<string, string>,
  inclusivePrefixes: readonly string[],
): Rendered {
  let list: Array<[string, string]> | null = null;
  let next: Map<string, string> | null = null;
  // The visibly utilized prefixes (the element's, its attributes'), then the PrefixList's in scope;
  // a prefix seen twice finds itself already rendered in `next` and is skipped.
  const attributes = el.attributes;
  const extra = inclusivePrefixes.length;
  for (let i = -1; i < attributes.length + extra; i++) {
    let prefix: string;
    if (i < 0) prefix = el.prefix;
    else if (i < attributes.length) {
      prefix = (attributes[i] as ScanAttribute).prefix;
      if (prefix === '') continue;
    } else {
      prefix = inclusivePrefixes[i - attributes.length] as string;
      if (!el.inScope.has(prefix)) continue;
    }
    const uri = el.inScope.get(prefix) ?? '';
    if (((next ?? context).get(prefix) ?? '') === uri) continue;
    list ??= [];
    list.push([prefix, uri]);
    next ??= new Map(context);
    next.set(prefix, uri);
  }
  if (list === null) return { list: EMPTY, context };
  list.sort((x, y) => byCodeUnits(x[0], y[0]));
  return { list, context: next ?? context };
}

/** Most elements render no namespace: one shared empty list and the parent's context. */
const EMPTY: ReadonlyArray<readonly [string, string]> = [];
