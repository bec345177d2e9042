// The edXML signature profile, checked on the DOM before any cryptography (anti-wrapping):
// exactly one ds:Signature, a child of edXML/edXMLEnvelope/edXMLHeader; nothing but SignedInfo,
// SignatureValue and KeyInfo in it; one Reference whose URI is "" or the document element's own Id;
// only the enveloped transform and one C14N transform; allow-listed algorithms. With that, what the
// signature covers is the whole document minus the Signature element, so whatever the codec reads
// from the same bytes (outside the dsig namespace) is signed.
import type { Finding } from '../core/index.ts';
import {
  CANONICALIZATIONS,
  digestAlgorithm,
  isHmac,
  RSA_PSS_PARAMS,
  SCOPE_NARROWING_TRANSFORMS,
  type SignatureAlgorithmInfo,
  signatureAlgorithm,
} from './algorithms.ts';
import { EDXML_NS, ENVELOPED_SIGNATURE_URI, XMLDSIG_NS } from './namespaces.ts';
import { finding, type SignatureCode } from './verdict.ts';

export { EDXML_NS };

const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const XMLDSIG_MORE_NS = 'http://www.w3.org/2007/05/xmldsig-more#';
const XMLDSIG11_NS = 'http://www.w3.org/2009/xmldsig11#';
const SIG_PATH = 'edXMLEnvelope/edXMLHeader/Signature';

export interface ProfiledSignature {
  signature: Element;
  signatureMethod: string;
  algorithm: SignatureAlgorithmInfo;
  /** Base64 DER of every X509Certificate in KeyInfo, in document order (the first is the signer). */
  certificates: string[];
}

export type ProfileResult =
  | { ok: true; value: ProfiledSignature }
  | { ok: false; code: SignatureCode; findings: Finding[]; algorithm: string | null };

export function checkSignatureProfile(doc: Document, allowSha1: boolean): ProfileResult {
  const root = doc.documentElement;
  const all = Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature') as ArrayLike<Element>);
  if (all.length === 0) {
    const findings: Finding[] = [];
    if (doc.getElementsByTagNameNS(EDXML_NS, 'Signature').length > 0) {
      findings.push(
        finding(
          'SIGNATURE_PLACEHOLDER',
          'A Signature block in the edXML namespace is a placeholder, not a signature.',
          SIG_PATH,
        ),
      );
    }
    findings.push(finding('SIGNATURE_MISSING', 'No XMLDSig Signature element in the document.'));
    return { ok: false, code: 'SIGNATURE_MISSING', findings, algorithm: null };
  }
  const scope = (message: string, path = SIG_PATH, algorithm: string | null = null): ProfileResult => ({
    ok: false,
    code: 'SIGNATURE_SCOPE',
    findings: [finding('SIGNATURE_SCOPE', message, path)],
    algorithm,
  });
  if (!isEdxml(root))
    return scope('The document element is not edXML, so the edXML signature profile cannot apply.', '');
  if (all.length > 1) return scope(`Exactly one signature is allowed; found ${all.length}.`);
  const signature = all[0] as Element;
  const header = signature.parentNode as Element | null;
  const envelope = header?.parentNode as Element | null;
  if (
    !isEdxmlElement(header, 'edXMLHeader') ||
    !isEdxmlElement(envelope, 'edXMLEnvelope') ||
    envelope.parentNode !== root
  ) {
    return scope('The Signature must be a child of edXML/edXMLEnvelope/edXMLHeader.', elementPath(signature));
  }
  const foreign = foreignContent(signature);
  if (foreign) return scope(foreign);
  const [signedInfo, signatureValue, keyInfo, ...rest] = dsigChildren(signature);
  if (!is(signedInfo, 'SignedInfo') || !is(signatureValue, 'SignatureValue') || rest.length > 0) {
    return scope(
      'The Signature must hold SignedInfo, SignatureValue and an optional KeyInfo, nothing else (no Object).',
    );
  }
  if (keyInfo && !is(keyInfo, 'KeyInfo')) return scope('Only KeyInfo may follow SignatureValue.');
  const [c14n, method, ...references] = dsigChildren(signedInfo);
  if (!is(c14n, 'CanonicalizationMethod') || !is(method, 'SignatureMethod')) {
    return scope('SignedInfo must start with CanonicalizationMethod and SignatureMethod.');
  }
  const signatureMethod = method.getAttribute('Algorithm') ?? '';
  if (references.length !== 1 || !references.every((r) => is(r, 'Reference'))) {
    return scope(
      `Exactly one Reference is allowed; found ${references.length}.`,
      `${SIG_PATH}/SignedInfo`,
      signatureMethod,
    );
  }
  const reference = references[0] as Element;
  const uriProblem = checkReferenceUri(doc, reference);
  if (uriProblem) return scope(uriProblem, `${SIG_PATH}/SignedInfo/Reference`, signatureMethod);
  const [transformsEl, digestMethod, digestValue, ...extra] = dsigChildren(reference);
  if (
    !is(transformsEl, 'Transforms') ||
    !is(digestMethod, 'DigestMethod') ||
    !is(digestValue, 'DigestValue') ||
    extra.length
  ) {
    return scope(
      'Reference must hold Transforms, DigestMethod and DigestValue.',
      `${SIG_PATH}/SignedInfo/Reference`,
      signatureMethod,
    );
  }
  const transforms = dsigChildren(transformsEl).map((t) => t.getAttribute('Algorithm') ?? '');
  const transformProblem = checkTransforms(transforms);
  if (transformProblem) {
    return transformProblem.kind === 'scope'
      ? scope(transformProblem.message, `${SIG_PATH}/SignedInfo/Reference/Transforms`, signatureMethod)
      : rejected(transformProblem.message, signatureMethod);
  }
  const c14nMethod = c14n.getAttribute('Algorithm') ?? '';
  if (!CANONICALIZATIONS.has(c14nMethod))
    return rejected(`Canonicalization ${c14nMethod} is not allowed.`, signatureMethod);
  if (isHmac(signatureMethod)) return rejected('HMAC signatures are never accepted.', signatureMethod);
  const algorithm = signatureAlgorithm(signatureMethod, allowSha1);
  if (!algorithm)
    return rejected(`SignatureMethod ${signatureMethod} is not allowed by the policy.`, signatureMethod);
  const digest = digestMethod.getAttribute('Algorithm') ?? '';
  if (!digestAlgorithm(digest, allowSha1))
    return rejected(`DigestMethod ${digest} is not allowed by the policy.`, signatureMethod);
  if (signatureMethod === RSA_PSS_PARAMS) {
    const pssDigest = method.getElementsByTagNameNS(XMLDSIG_NS, 'DigestMethod')[0]?.getAttribute('Algorithm');
    if (pssDigest && !digestAlgorithm(pssDigest, false))
      return rejected(`RSA-PSS digest ${pssDigest} is not allowed.`, signatureMethod);
  }
  const certificates = keyInfo
    ? Array.from(keyInfo.getElementsByTagNameNS(XMLDSIG_NS, 'X509Certificate') as ArrayLike<Element>).map(
        (e) => (e.textContent ?? '').replace(/\s+/g, ''),
      )
    : [];
  return { ok: true, value: { signature, signatureMethod, algorithm, certificates } };
}

type TransformProblem = { kind: 'scope' | 'algorithm'; message: string } | null;

function checkTransforms(transforms: readonly string[]): TransformProblem {
  const [first, second, ...more] = transforms;
  if (first !== ENVELOPED_SIGNATURE_URI) {
    const narrowing = transforms.find((t) => SCOPE_NARROWING_TRANSFORMS.has(t));
    if (narrowing) return { kind: 'scope', message: `Transform ${narrowing} narrows what is signed.` };
    return { kind: 'scope', message: 'The first transform must be the enveloped-signature transform.' };
  }
  for (const t of [second, ...more]) {
    if (t !== undefined && SCOPE_NARROWING_TRANSFORMS.has(t)) {
      return { kind: 'scope', message: `Transform ${t} narrows what is signed.` };
    }
  }
  if (more.length > 0)
    return { kind: 'scope', message: 'Only the enveloped transform and one C14N transform are allowed.' };
  if (second !== undefined && !CANONICALIZATIONS.has(second)) {
    return { kind: 'algorithm', message: `Transform ${second} is not allowed.` };
  }
  return null;
}

/** "" or "#<Id of the document element>", where that Id occurs exactly once in the document. */
function checkReferenceUri(doc: Document, reference: Element): string | null {
  if (!reference.hasAttribute('URI')) return 'The Reference has no URI; it must be URI="".';
  const uri = reference.getAttribute('URI') ?? '';
  if (uri === '') return null;
  if (!uri.startsWith('#')) return `Reference URI "${uri.slice(0, 80)}" points outside the document.`;
  const id = uri.slice(1);
  const root = doc.documentElement;
  if (!['Id', 'ID', 'id'].some((name) => root.getAttribute(name) === id)) {
    return 'The Reference points to an element other than the document element.';
  }
  let count = 0;
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const el = all[i] as Element;
    if (el.getAttribute('Id') === id || el.getAttribute('ID') === id || el.getAttribute('id') === id) count++;
  }
  return count === 1 ? null : `The Id "${id.slice(0, 80)}" occurs ${count} times.`;
}

/** Element children in the dsig namespace; text must be whitespace (checked by foreignContent). */
function dsigChildren(el: Element | undefined): Element[] {
  const out: Element[] = [];
  if (!el) return out;
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

const qname = (ns: string, names: readonly string[]) => names.map((n) => `${ns} ${n}`);

/**
 * The elements each element of a Signature may contain, namespace-qualified: the XMLDSig 1.1
 * schema cut to what an edXML signature uses. An element not listed as a key holds no elements.
 * Anything else — an edXML-looking `ds:To` in KeyInfo, a KeyName, an Object — is a place for
 * unsigned content that a reader might pick up, so it is refused.
 */
const CHILDREN: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  (
    [
      [`${XMLDSIG_NS} Signature`, qname(XMLDSIG_NS, ['SignedInfo', 'SignatureValue', 'KeyInfo'])],
      [
        `${XMLDSIG_NS} SignedInfo`,
        qname(XMLDSIG_NS, ['CanonicalizationMethod', 'SignatureMethod', 'Reference']),
      ],
      [`${XMLDSIG_NS} CanonicalizationMethod`, qname(EXC_C14N_NS, ['InclusiveNamespaces'])],
      [
        `${XMLDSIG_NS} SignatureMethod`,
        [...qname(XMLDSIG_NS, ['HMACOutputLength']), ...qname(XMLDSIG_MORE_NS, ['RSAPSSParams'])],
      ],
      [
        `${XMLDSIG_MORE_NS} RSAPSSParams`,
        [
          ...qname(XMLDSIG_NS, ['DigestMethod']),
          ...qname(XMLDSIG_MORE_NS, ['MaskGenerationFunction', 'SaltLength', 'TrailerField']),
        ],
      ],
      [`${XMLDSIG_MORE_NS} MaskGenerationFunction`, qname(XMLDSIG_NS, ['DigestMethod'])],
      [`${XMLDSIG_NS} Reference`, qname(XMLDSIG_NS, ['Transforms', 'DigestMethod', 'DigestValue'])],
      [`${XMLDSIG_NS} Transforms`, qname(XMLDSIG_NS, ['Transform'])],
      [`${XMLDSIG_NS} Transform`, qname(EXC_C14N_NS, ['InclusiveNamespaces'])],
      [`${XMLDSIG_NS} KeyInfo`, qname(XMLDSIG_NS, ['X509Data', 'KeyValue'])],
      [
        `${XMLDSIG_NS} X509Data`,
        [
          ...qname(XMLDSIG_NS, [
            'X509IssuerSerial',
            'X509SKI',
            'X509SubjectName',
            'X509Certificate',
            'X509CRL',
          ]),
          ...qname(XMLDSIG11_NS, ['X509Digest']),
        ],
      ],
      [`${XMLDSIG_NS} X509IssuerSerial`, qname(XMLDSIG_NS, ['X509IssuerName', 'X509SerialNumber'])],
      [
        `${XMLDSIG_NS} KeyValue`,
        [...qname(XMLDSIG_NS, ['RSAKeyValue', 'DSAKeyValue']), ...qname(XMLDSIG11_NS, ['ECKeyValue'])],
      ],
      [`${XMLDSIG_NS} RSAKeyValue`, qname(XMLDSIG_NS, ['Modulus', 'Exponent'])],
      [`${XMLDSIG_NS} DSAKeyValue`, qname(XMLDSIG_NS, ['P', 'Q', 'G', 'Y', 'J', 'Seed', 'PgenCounter'])],
      [`${XMLDSIG11_NS} ECKeyValue`, qname(XMLDSIG11_NS, ['NamedCurve', 'PublicKey'])],
    ] as const
  ).map(([parent, children]) => [parent, new Set<string>(children)]),
);

/** Anything inside the Signature outside the profile's vocabulary could carry unsigned data a reader might pick up. */
function foreignContent(signature: Element): string | null {
  const stack: Element[] = [signature];
  while (stack.length) {
    const el = stack.pop() as Element;
    const allowed = CHILDREN.get(`${el.namespaceURI ?? ''} ${el.localName}`);
    let text = false;
    let elements = 0;
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 1) {
        const child = n as Element;
        if (!allowed?.has(`${child.namespaceURI ?? ''} ${child.localName}`)) {
          return `Element ${child.localName} in namespace ${child.namespaceURI ?? '(none)'} is not allowed inside ${el.localName}.`;
        }
        elements++;
        stack.push(child);
      } else if ((n.nodeType === 3 || n.nodeType === 4) && (n.nodeValue ?? '').trim()) {
        text = true;
      }
    }
    if (elements > 0 && text) return `Text is not allowed between the elements of ${el.localName}.`;
  }
  return null;
}

function rejected(message: string, algorithm: string): ProfileResult {
  return {
    ok: false,
    code: 'ALGORITHM_REJECTED',
    findings: [finding('ALGORITHM_REJECTED', message, SIG_PATH)],
    algorithm,
  };
}

function is(el: Element | undefined, localName: string): el is Element {
  return el !== undefined && el.localName === localName && el.namespaceURI === XMLDSIG_NS;
}

function isEdxml(el: Element | null): boolean {
  return el !== null && el.localName === 'edXML' && el.namespaceURI === EDXML_NS;
}

function isEdxmlElement(el: Element | null | undefined, localName: string): el is Element {
  return !!el && el.nodeType === 1 && el.localName === localName && el.namespaceURI === EDXML_NS;
}

function elementPath(el: Element): string {
  const parts: string[] = [];
  for (
    let n: Node | null = el;
    n && n.nodeType === 1 && n !== el.ownerDocument?.documentElement;
    n = n.parentNode
  ) {
    parts.unshift((n as Element).localName);
  }
  return parts.join('/');
}
