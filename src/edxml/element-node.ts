import type { FindingSink } from './finding-sink.ts';
import { EDXML_NAMESPACE, type SignatureBlock, XMLDSIG_NAMESPACE } from './model.ts';
import type { XmlElement } from './xml-tree.ts';

/**
 * An edXML element seen through namespace + local name: its children indexed by local name, in
 * any order, whatever prefix the producer used. Building one reports children in a foreign
 * namespace (error), unknown edXML children and stray text (warnings).
 */
export class ElementNode {
  readonly element: XmlElement;
  readonly path: string;
  readonly sink: FindingSink;
  /** Signature blocks found among the children (only where `signatureAllowed`). */
  readonly signatures: SignatureBlock[] = [];
  readonly #children = new Map<string, XmlElement[]>();

  constructor(
    element: XmlElement,
    path: string,
    sink: FindingSink,
    known: readonly string[],
    signatureAllowed = false,
  ) {
    this.element = element;
    this.path = path;
    this.sink = sink;
    for (const child of element.children) {
      if (signatureAllowed && child.local === 'Signature') {
        if (child.ns === XMLDSIG_NAMESPACE || child.ns === EDXML_NAMESPACE) {
          this.signatures.push(child.ns === XMLDSIG_NAMESPACE ? 'xmldsig' : 'edxml');
          continue;
        }
      }
      if (child.ns !== EDXML_NAMESPACE) {
        sink.error(
          'EDXML_WRONG_NAMESPACE',
          `${path}/${child.local}`,
          `element ${child.local} is in namespace "${child.ns}", not the edXML namespace`,
        );
      } else if (!known.includes(child.local)) {
        if (sink.wants('EDXML_UNKNOWN_ELEMENT'))
          sink.warning(
            'EDXML_UNKNOWN_ELEMENT',
            `${path}/${child.local}`,
            `${child.local} is not an edXML element here`,
          );
      } else {
        const list = this.#children.get(child.local);
        if (list) list.push(child);
        else this.#children.set(child.local, [child]);
      }
    }
    if (element.children.length > 0 && element.text.trim() !== '') {
      sink.warning('EDXML_UNEXPECTED_CONTENT', path, 'text between child elements is ignored');
    }
  }

  /** The child named `local` (or one of its alternative spellings); several → an error, first wins. */
  child(local: string | readonly string[]): { element: XmlElement; path: string } | undefined {
    const names = typeof local === 'string' ? [local] : local;
    const found: Array<{ element: XmlElement; path: string }> = [];
    for (const name of names) {
      for (const element of this.#children.get(name) ?? [])
        found.push({ element, path: `${this.path}/${name}` });
    }
    const [first, second] = found;
    if (second) {
      this.sink.error('EDXML_DUPLICATE_ELEMENT', second.path, `${names.join(' or ')} may occur only once`);
    }
    return first;
  }

  /** Every child named `local`, with 1-based indexed paths. */
  children(local: string): Array<{ element: XmlElement; path: string }> {
    const list = this.#children.get(local) ?? [];
    return list.map((element, i) => ({ element, path: `${this.path}/${local}[${i + 1}]` }));
  }

  /** Opens a child as a node with its own known children; undefined when absent. */
  node(local: string | readonly string[], known: readonly string[]): ElementNode | undefined {
    const found = this.child(local);
    return found ? new ElementNode(found.element, found.path, this.sink, known) : undefined;
  }

  /** Trimmed text of a leaf child; undefined when absent or empty. */
  text(local: string | readonly string[]): string | undefined {
    const found = this.child(local);
    return found ? leafText(found.element, found.path, this.sink) : undefined;
  }

  /** Trimmed texts of every leaf child named `local`, empty ones dropped. */
  texts(local: string): string[] {
    const out: string[] = [];
    for (const { element, path } of this.children(local)) {
      const value = leafText(element, path, this.sink);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  has(local: string): boolean {
    return this.#children.has(local);
  }
}

/**
 * The value of a leaf element, XML whitespace trimmed. An element inside a value is refused: this reader keeps the
 * value's own text, a DOM's textContent (what the signature module and most consumers read) adds the
 * inner element's text, so the two would disagree on what was signed.
 */
export function leafText(element: XmlElement, path: string, sink: FindingSink): string | undefined {
  if (element.children.length > 0) {
    sink.error('XML_AMBIGUOUS', path, 'an element inside a value: XML libraries read its text differently');
  }
  const value = trimXmlSpace(element.text);
  return value === '' ? undefined : value;
}

const XML_SPACE_AT_ENDS = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/**
 * Trims XML whitespace (space, tab, CR, LF) only. String.prototype.trim also strips NBSP, U+3000,
 * U+FEFF, U+2028…, which are characters of the value to an XML consumer: "\u3000 03" is not the
 * status code 03, nor "\u00a0000.00.00.G22" the organ id 000.00.00.G22.
 */
export function trimXmlSpace(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const edge = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  return edge(first) || edge(last) ? text.replace(XML_SPACE_AT_ENDS, '') : text;
}
