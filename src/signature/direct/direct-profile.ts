// The edXML signature profile, read from the scanner's light tree for the direct verifier, in its
// narrowest form: one ds:Signature in edXML/edXMLEnvelope/edXMLHeader holding SignedInfo,
// SignatureValue and an optional KeyInfo of X509Data; one Reference with URI=""; the enveloped
// transform and at most one C14N or exclusive C14N transform (without comments); SHA-2 digests;
// RSA PKCS#1 v1.5 or ECDSA with SHA-2. Everything this accepts, signature-profile.ts accepts too;
// everything else (an Id reference, RSA-PSS, SHA-1, #WithComments, a KeyValue, text between the
// elements…) answers null and the library path decides, with its findings.
import {
  C14N,
  digestAlgorithm,
  ECDSA_SHA256,
  ECDSA_SHA384,
  EXC_C14N,
  RSA_SHA256,
  RSA_SHA384,
  RSA_SHA512,
  type SignatureAlgorithmInfo,
  signatureAlgorithm,
} from '../algorithms.ts';
import { EDXML_NS, ENVELOPED_SIGNATURE_URI, XMLDSIG_NS } from '../namespaces.ts';
import type { ScanElement } from './xml-scan.ts';

const SIGNATURE_METHODS = new Set([RSA_SHA256, RSA_SHA384, RSA_SHA512, ECDSA_SHA256, ECDSA_SHA384]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A canonicalization as the profile gives it: which one, and exclusive C14N's PrefixList. */
export interface C14nChoice {
  /** Exclusive C14N (without a PrefixList: the narrow profile leaves those to the DOM path). */
  readonly exclusive: boolean;
}

export interface DirectSignature {
  readonly signature: ScanElement;
  readonly signedInfo: ScanElement;
  readonly signedInfoC14n: C14nChoice;
  /** The Reference's canonicalization (inclusive C14N when only the enveloped transform is listed). */
  readonly referenceC14n: C14nChoice;
  /** node:crypto hash name of the DigestMethod. */
  readonly digestHash: string;
  readonly digestValue: Buffer;
  readonly signatureMethod: string;
  readonly algorithm: SignatureAlgorithmInfo;
  readonly signatureValue: Buffer;
  /** Base64 DER of every X509Certificate in KeyInfo, in document order (the first is the signer). */
  readonly certificates: string[];
}

/** Thrown inside the profile reader when the tree leaves the narrow profile. */
class OutsideProfile extends Error {}
const outside = (): never => {
  throw new OutsideProfile();
};

/** The signature of a document inside the narrow profile, or null (the library path decides). */
export function readDirectProfile(root: ScanElement): DirectSignature | null {
  try {
    return read(root);
  } catch (error) {
    if (error instanceof OutsideProfile) return null;
    throw error;
  }
}

function read(root: ScanElement): DirectSignature {
  if (root.local !== 'edXML' || root.ns !== EDXML_NS) outside();
  const { signature, declared } = walkDocument(root);
  const header = signature.parent;
  const envelope = header?.parent;
  if (!isEdxml(header, 'edXMLHeader') || !isEdxml(envelope, 'edXMLEnvelope') || envelope?.parent !== root) {
    outside();
  }
  const [signedInfo, signatureValue, keyInfo, ...rest] = dsigChildren(signature);
  if (!is(signedInfo, 'SignedInfo') || !is(signatureValue, 'SignatureValue') || rest.length > 0) outside();
  if (keyInfo !== undefined && !is(keyInfo, 'KeyInfo')) outside();
  const [c14n, method, reference, ...more] = dsigChildren(signedInfo as ScanElement);
  if (!is(c14n, 'CanonicalizationMethod') || !is(method, 'SignatureMethod') || !is(reference, 'Reference')) {
    outside();
  }
  if (more.length > 0) outside();
  const signedInfoC14n = c14nOf(c14n as ScanElement);
  // SignedInfo: exclusive C14N only. xmldsigjs canonicalizes SignedInfo its own way (namespaces of
  // the root and of SignedInfo's descendants copied onto it, its PrefixList ignored), which differs
  // from the specification for inclusive C14N and for several namespace layouts; the direct path
  // keeps to the layouts where both agree (xmldsigjsAgrees) and leaves the others to the DOM path.
  if (!signedInfoC14n.exclusive) outside();
  xmldsigjsAgrees(signedInfo as ScanElement, declared);
  const signatureMethod = attribute(method as ScanElement, 'Algorithm');
  if (!SIGNATURE_METHODS.has(signatureMethod) || (method as ScanElement).children.length > 0) outside();
  const algorithm = signatureAlgorithm(signatureMethod, false) ?? outside();

  const ref = reference as ScanElement;
  if (!ref.attributes.some((a) => a.ns === '' && a.local === 'URI' && a.value === '')) outside();
  const [transforms, digestMethod, digestValue, ...extra] = dsigChildren(ref);
  if (!is(transforms, 'Transforms') || !is(digestMethod, 'DigestMethod') || !is(digestValue, 'DigestValue')) {
    outside();
  }
  if (extra.length > 0) outside();
  const [enveloped, transformC14n, ...moreTransforms] = dsigChildren(transforms as ScanElement);
  if (!is(enveloped, 'Transform') || moreTransforms.length > 0) outside();
  const env = enveloped as ScanElement;
  if (attribute(env, 'Algorithm') !== ENVELOPED_SIGNATURE_URI || env.children.length > 0) outside();
  if (transformC14n !== undefined && !is(transformC14n, 'Transform')) outside();
  const referenceC14n: C14nChoice = transformC14n ? c14nOf(transformC14n) : { exclusive: false };
  const dm = digestMethod as ScanElement;
  if (dm.children.length > 0) outside();
  const hash = digestAlgorithm(attribute(dm, 'Algorithm'), false) ?? outside();
  if (hash === 'SHA-1') outside();

  return {
    signature,
    signedInfo: signedInfo as ScanElement,
    signedInfoC14n,
    referenceC14n,
    digestHash: hash.replace('-', '').toLowerCase(),
    digestValue: base64Of(digestValue as ScanElement),
    signatureMethod,
    algorithm,
    signatureValue: base64Of(signatureValue as ScanElement),
    certificates: keyInfo ? certificatesOf(keyInfo) : [],
  };
}

/**
 * One walk over the document: its one ds:Signature (none or several leave the narrow profile), every
 * namespace binding an element declares, and no element with two namespaced attributes (xmldsigjs
 * sorts those by URI and local name joined together, the specification by URI, then local name).
 */
function walkDocument(root: ScanElement): { signature: ScanElement; declared: Array<[string, string]> } {
  let signature: ScanElement | null = null;
  const declared: Array<[string, string]> = [];
  const stack: ScanElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as ScanElement;
    if (el.ns === XMLDSIG_NS && el.local === 'Signature') {
      if (signature) outside();
      signature = el;
    }
    let namespaced = 0;
    for (const a of el.attributes) if (a.prefix !== '' && ++namespaced > 1) outside();
    // A binding this element declares: its scope is its own map, differing from its parent's there.
    const parentScope = el.parent?.inScope;
    if (el.inScope !== parentScope) {
      for (const [prefix, uri] of el.inScope)
        if (parentScope?.get(prefix) !== uri) declared.push([prefix, uri]);
    }
    for (const child of el.children) if (typeof child !== 'string') stack.push(child);
  }
  return { signature: signature ?? outside(), declared };
}

/**
 * The namespace layouts in which xmldsigjs's SignedInfo canonicalization gives the specification's
 * bytes (found by a review, 2026-12-07; test/signature/direct/): every element of SignedInfo is
 * prefixed and no attribute there is, so exclusive C14N renders exactly the elements' own prefixes;
 * and none of those prefixes is bound anywhere in the document to another URI (xmldsigjs copies the
 * root's bindings, and SignedInfo's descendants', onto SignedInfo, the root's winning).
 */
function xmldsigjsAgrees(signedInfo: ScanElement, declared: ReadonlyArray<readonly [string, string]>): void {
  const used = new Map<string, string>();
  const inside: ScanElement[] = [signedInfo];
  while (inside.length > 0) {
    const el = inside.pop() as ScanElement;
    if (el.prefix === '' || el.attributes.some((a) => a.prefix !== '')) outside();
    used.set(el.prefix, el.ns);
    for (const child of el.children) if (typeof child !== 'string') inside.push(child);
  }
  for (const [prefix, uri] of declared) {
    const wanted = used.get(prefix);
    if (wanted !== undefined && wanted !== uri) outside();
  }
}

/** CanonicalizationMethod or a C14N Transform: C14N or exclusive C14N, PrefixList for the latter. */
function c14nOf(el: ScanElement): C14nChoice {
  const algorithm = attribute(el, 'Algorithm');
  const kids = dsigChildren(el);
  if (algorithm === C14N && kids.length === 0) return { exclusive: false };
  if (algorithm !== EXC_C14N || kids.length > 1) return outside();
  // An InclusiveNamespaces PrefixList is read differently by xmldsigjs (split on single spaces, ignored
  // on CanonicalizationMethod): left to the DOM path.
  if (kids.length > 0) outside();
  return { exclusive: true };
}

function certificatesOf(keyInfo: ScanElement): string[] {
  const certificates: string[] = [];
  for (const data of dsigChildren(keyInfo)) {
    if (!is(data, 'X509Data')) outside();
    for (const item of dsigChildren(data)) {
      if (item.ns !== XMLDSIG_NS) outside();
      if (item.local === 'X509Certificate') certificates.push(textOf(item).replace(/[ \t\r\n]+/g, ''));
      else if (item.local === 'X509IssuerSerial') {
        for (const part of dsigChildren(item)) {
          if (!is(part, 'X509IssuerName') && !is(part, 'X509SerialNumber')) outside();
          textOf(part);
        }
      } else if (item.local === 'X509SubjectName' || item.local === 'X509SKI') textOf(item);
      else outside();
    }
  }
  return certificates;
}

/** Element children, with only whitespace text between them. */
function dsigChildren(el: ScanElement): ScanElement[] {
  const out: ScanElement[] = [];
  for (const child of el.children) {
    if (typeof child === 'string') {
      if (child.trim() !== '') outside();
    } else out.push(child);
  }
  return out;
}

/** The text of a leaf element (an element child leaves the profile). */
function textOf(el: ScanElement): string {
  let text = '';
  for (const child of el.children) {
    if (typeof child !== 'string') outside();
    else text += child;
  }
  return text;
}

function base64Of(el: ScanElement): Buffer {
  const text = textOf(el).replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(text)) outside();
  return Buffer.from(text, 'base64');
}

function attribute(el: ScanElement, local: string): string {
  return el.attributes.find((a) => a.ns === '' && a.local === local)?.value ?? '';
}

function is(el: ScanElement | undefined, local: string): el is ScanElement {
  return el !== undefined && el.local === local && el.ns === XMLDSIG_NS;
}

function isEdxml(el: ScanElement | null | undefined, local: string): boolean {
  return el !== null && el !== undefined && el.local === local && el.ns === EDXML_NS;
}
