// A spec-conformant enveloped-signature transform for xmldsigjs, written to be offered upstream.
//
// XMLDSig §6.6.4: "An enveloped signature transform T removes the whole Signature element
// containing T from the digest calculation of the Reference section containing T." xmldsigjs 2.8.8
// (`XmlDsigEnvelopedSignatureTransform.GetOutput`) instead removes every ds:Signature that is a
// *direct child* of the node being digested. edXML nests the signature in edXMLHeader, two levels
// below the document element, so the library digests the signature itself and every package signed
// by xmlsec1 (or any other conformant signer) fails with "Invalid digest".
//
// The library verifies on a deep clone of the document, so the Signature to remove is a different
// node object than the one the Transform element lives in. This transform finds the Signature that
// contains its own <Transform> element, records that Signature's child-index path, and removes the
// node at the same path in the input (checking that it is a ds:Signature equal to the original).
// When the input is a clone of an element below the document element (a `#id` reference), the path
// is matched by its suffix. When the containing Signature is not in the input node-set, nothing is
// removed, which is also what the specification says.
import { isElement } from 'xml-core';
import { XmlDsigEnvelopedSignatureTransform } from 'xmldsigjs';

import { ENVELOPED_SIGNATURE_URI, XMLDSIG_NS } from './namespaces.ts';

export { ENVELOPED_SIGNATURE_URI, XMLDSIG_NS };

export class SpecEnvelopedSignatureTransform extends XmlDsigEnvelopedSignatureTransform {
  override GetOutput(): Node {
    const input = this.GetInnerXml() as Node | null;
    if (!input) return super.GetOutput();
    const own = this.Element;
    const signature = own ? containingSignature(own) : null;
    // No <Transform> element in a document (e.g. while the library builds a signature from options):
    // keep the library's behaviour for that case.
    if (!signature) return super.GetOutput();
    const target = locateInInput(input, signature);
    target?.parentNode?.removeChild(target);
    return input;
  }
}

/** The ds:Signature element that is an ancestor of `node`, or null. */
export function containingSignature(node: Node): Element | null {
  for (let n: Node | null = node.parentNode; n; n = n.parentNode) {
    if (isElement(n) && n.localName === 'Signature' && n.namespaceURI === XMLDSIG_NS) return n;
  }
  return null;
}

/** Child-node indices from the top-most ancestor element down to `node`. */
function indexPath(node: Node): number[] {
  const path: number[] = [];
  for (let n: Node = node; n.parentNode && isElement(n.parentNode); n = n.parentNode) {
    let i = 0;
    for (let s = n.previousSibling; s; s = s.previousSibling) i++;
    path.unshift(i);
  }
  return path;
}

function follow(root: Node, path: readonly number[]): Node | null {
  let n: Node | null = root;
  for (const index of path) {
    n = n?.childNodes.item(index) ?? null;
    if (!n) return null;
  }
  return n;
}

function locateInInput(input: Node, signature: Element): Element | null {
  const path = indexPath(signature);
  // Longest suffix first: the input is normally a clone of the document element (URI="").
  for (let start = 0; start <= path.length; start++) {
    const candidate = follow(input, path.slice(start));
    if (
      candidate &&
      isElement(candidate) &&
      candidate.localName === 'Signature' &&
      candidate.namespaceURI === XMLDSIG_NS &&
      candidate.isEqualNode(signature)
    ) {
      return candidate;
    }
  }
  return null;
}
