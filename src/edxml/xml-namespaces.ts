import type { XmlAttribute, XmlElement, XmlReadOptions } from './xml-tree.ts';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

type Scope = ReadonlyMap<string, string> | null;
type Fail = (message: string, code?: string) => never;
type Warn = (code: string, key: string, message: string) => void;

const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);
/** Shared by every leaf element: a children array is allocated only for the first child. */
export const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

/**
 * Namespace scoping for the reader (Namespaces in XML 1.0): the declarations in force, prefix
 * resolution, and the elements it makes with their namespace resolved.
 */
export class Namespaces {
  readonly #scopes: Scope[] = [];
  readonly #options: XmlReadOptions;
  readonly #fail: Fail;
  readonly #warn: Warn;

  constructor(options: XmlReadOptions, fail: Fail, warn: Warn) {
    this.#options = options;
    this.#fail = fail;
    this.#warn = warn;
  }

  /** Records an `xmlns` / `xmlns:p` attribute of a start tag in `declared` (created on first use). */
  declare(declared: Map<string, string> | null, name: string, value: string): Map<string, string> {
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    // `xmlns:` (empty prefix) or `xmlns:a:b` is no declaration at all: read as one, `xmlns:="u"` would
    // set the default namespace here, where other parsers refuse the document.
    if (name !== 'xmlns' && (prefix === '' || prefix.includes(':'))) {
      this.#fail(`"${name.slice(0, 60)}" is not a namespace-qualified name`);
    }
    if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || (prefix !== '' && value === '')) {
      this.#fail(`illegal namespace declaration ${name}="${value.slice(0, 60)}"`);
    }
    const scope = declared ?? new Map<string, string>();
    scope.set(prefix, value);
    return scope;
  }

  /** Enters an open element's scope. */
  push(declared: Scope): void {
    this.#scopes.push(declared);
  }

  pop(): void {
    this.#scopes.pop();
  }

  /** Makes the element for a start tag, resolving its and its attributes' prefixes. */
  element(
    prefix: string,
    local: string,
    raw: ReadonlyArray<[string, string]> | null,
    declared: Scope,
  ): XmlElement {
    const ns = this.#resolve(prefix, declared, true);
    const rawRanges = this.#options.rawElement(ns, local) ? [] : null;
    if (raw === null) {
      return {
        prefix,
        local,
        ns,
        attributes: NO_ATTRIBUTES,
        children: NO_CHILDREN,
        text: '',
        raw: rawRanges,
      };
    }
    const attributes: XmlAttribute[] = [];
    for (const [name, value] of raw) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        attributes.push({ prefix: 'xmlns', local: name.slice(6), ns: XMLNS_NS, value });
        continue;
      }
      const [p, l] = this.#split(name);
      const attrNs = p === '' ? '' : this.#resolve(p, declared, false);
      // An unbound attribute prefix resolves to '' (reported): drop the attribute, as the warning
      // says, rather than let `u:version` pass for an unprefixed `version` (xmldom refuses it).
      if (p !== '' && attrNs === '') continue;
      if (p !== '' && attributes.some((a) => a.ns === attrNs && a.local === l))
        this.#fail(`duplicate attribute ${l}`);
      attributes.push({ prefix: p, local: l, ns: attrNs, value });
    }
    return { prefix, local, ns, attributes, children: NO_CHILDREN, text: '', raw: rawRanges };
  }

  #split(qname: string): [string, string] {
    const colon = qname.indexOf(':');
    if (colon === -1) return ['', qname];
    if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
      this.#fail(`"${qname.slice(0, 60)}" is not a namespace-qualified name`);
    }
    return [qname.slice(0, colon), qname.slice(colon + 1)];
  }

  #resolve(prefix: string, own: Scope, forElement: boolean): string {
    if (prefix === 'xml') return XML_NS;
    const mine = own?.get(prefix);
    if (mine !== undefined) return mine;
    for (let s = this.#scopes.length - 1; s >= 0; s--) {
      const found = this.#scopes[s]?.get(prefix);
      if (found !== undefined) return found;
    }
    if (prefix === '') return '';
    const fallback = this.#options.fallbackPrefixes[prefix];
    if (forElement && fallback === undefined) this.#fail(`element prefix "${prefix}" is not declared`);
    this.#warn(
      'XML_UNBOUND_PREFIX',
      `prefix:${prefix}:${forElement}`,
      forElement
        ? `prefix "${prefix}" is used without a declaration; read as ${fallback}`
        : `attribute prefix "${prefix}" is not declared; the attribute is ignored`,
    );
    return forElement ? (fallback as string) : '';
  }
}
