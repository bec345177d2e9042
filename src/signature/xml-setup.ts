// Wires the XML signature libraries to Node's own implementations, once per thread (certificates
// alone: x509-setup.ts). xml-core needs xmldom and xpath registered by hand: xmldsigjs's README omits this step and
// `Parse()` otherwise throws "Node dependency not found: DOMParser".
import { webcrypto } from 'node:crypto';
import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { setNodeDependencies } from 'xml-core';
import * as xmldsig from 'xmldsigjs';
import xpath from 'xpath';
import { ENVELOPED_SIGNATURE_URI, SpecEnvelopedSignatureTransform } from './enveloped-signature-transform.ts';
import { registerNodeDigests } from './node-digest.ts';
import { ensureX509 } from './x509-setup.ts';

let ready = false;

/** Registers xmldom/xpath with xml-core, Node's WebCrypto with xmldsigjs and @peculiar/x509. Idempotent. */
export function ensureXmlCrypto(): void {
  if (ready) return;
  setNodeDependencies({ DOMParser, XMLSerializer, DOMImplementation, xpath });
  xmldsig.Application.setEngine('NodeJS', webcrypto as unknown as Crypto);
  ensureX509();
  registerNodeDigests();
  // Used wherever xmldsigjs consults its registry (CryptoConfig.CreateFromName); loaded signatures get
  // it by the in-place swap of xmldsig-verify.ts, because Transforms.OnLoadXml bypasses the registry.
  // (The registry's type wants string output; an enveloped transform outputs a node, as the library's does.)
  xmldsig.CryptoConfig.RegisterTransform(
    ENVELOPED_SIGNATURE_URI,
    SpecEnvelopedSignatureTransform as unknown as Parameters<
      typeof xmldsig.CryptoConfig.RegisterTransform
    >[1],
  );
  ready = true;
}

export { nodeWebCrypto } from './x509-setup.ts';
