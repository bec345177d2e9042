// A conformance fix for xmldsigjs 2.8.8's canonicalization of namespace declarations, written to be
// offered upstream: it replaces XmlCanonicalizer.WriteNamespacesAxis.
//
// Found by differential testing against xmlsec1 (test/signature/fast-c14n.test.ts): documents that
// undeclare the default namespace (`xmlns=""`, what Java DOM serializers write for elements created
// without a namespace under a default-namespaced root) fail verification, because xmldsigjs renders
// `xmlns=""` on every element that carries the attribute, even where it is superfluous (the empty
// default is already in effect in the output, e.g. at the root or below another `xmlns=""`), and, in
// exclusive mode, even on a prefixed element that does not visibly utilize the default namespace; and
// in exclusive mode it never renders `xmlns=""` on an unprefixed no-namespace element whose
// undeclaration sits on an ancestor that was not rendered with it.
//
// The rules implemented (whole-document canonicalization, every ancestor is output):
//  - Canonical XML 1.0 §2.3/§4.7: a namespace declaration on the element is rendered unless the same
//    prefix is already bound to the same URI in the output; `xmlns=""` only over a non-empty default.
//  - Exclusive XML Canonicalization 1.0 §3: only namespaces the element visibly utilizes (its own
//    prefix, or the default namespace when unprefixed; its attributes' prefixes), plus prefixes of the
//    InclusiveNamespaces PrefixList declared on it, under the same "not already in effect" rule.
// Everything else (attribute axis, text, ordering) stays with the library.
import { XmlCanonicalizer, XmlDsigC14NTransform, XmlDsigExcC14NTransform } from 'xmldsigjs';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export class ConformantXmlCanonicalizer extends XmlCanonicalizer {
  protected override WriteNamespacesAxis(node: Element): number {
    const out: Array<{ prefix: string; namespace: string }> = [];
    const consider = (prefix: string, namespace: string) => {
      if (prefix === 'xml' || out.some((n) => n.prefix === prefix)) return;
      const inEffect = this.visibleNamespaces.GetPrefix(prefix)?.namespace ?? '';
      if (inEffect !== namespace) out.push({ prefix, namespace });
    };
    const attributes = Array.from(node.attributes as ArrayLike<Attr>);
    if (this.exclusive) {
      consider(node.prefix ?? '', node.namespaceURI ?? '');
      for (const attr of attributes)
        if (!isDeclaration(attr) && attr.prefix) consider(attr.prefix, attr.namespaceURI ?? '');
      const listed = this.inclusiveNamespacesPrefixList;
      for (const attr of attributes) {
        if (!isDeclaration(attr)) continue;
        const prefix = declaredPrefix(attr);
        if (listed.includes(prefix === '' ? '#default' : prefix) || (prefix === '' && listed.includes('')))
          consider(prefix, attr.value);
      }
    } else {
      for (const attr of attributes) {
        if (isDeclaration(attr)) consider(declaredPrefix(attr), attr.value);
        else if (attr.prefix) consider(attr.prefix, attr.namespaceURI ?? '');
      }
      consider(node.prefix ?? '', node.namespaceURI ?? '');
    }
    out.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    for (const n of out) {
      this.result.push(n.prefix ? ` xmlns:${n.prefix}="${n.namespace}"` : ` xmlns="${n.namespace}"`);
      this.visibleNamespaces.Add({ prefix: n.prefix, namespace: n.namespace });
    }
    return out.length;
  }
}

function declaredPrefix(attr: Attr): string {
  return attr.prefix ? attr.localName : '';
}

function isDeclaration(attr: Attr): boolean {
  return attr.namespaceURI === XMLNS_NS || attr.name === 'xmlns' || attr.name.startsWith('xmlns:');
}

type Canonicalizing = { xmlCanonicalizer: XmlCanonicalizer };

/** Canonical XML 1.0 with the namespace fix (comments are never output: see xmldsig-verify.ts). */
export class ConformantC14NTransform extends XmlDsigC14NTransform {
  constructor() {
    super();
    (this as unknown as Canonicalizing).xmlCanonicalizer = new ConformantXmlCanonicalizer(false, false);
  }
}

/** Exclusive XML Canonicalization 1.0 with the namespace fix. */
export class ConformantExcC14NTransform extends XmlDsigExcC14NTransform {
  constructor() {
    super();
    (this as unknown as Canonicalizing).xmlCanonicalizer = new ConformantXmlCanonicalizer(false, true);
  }
}
