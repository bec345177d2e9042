// Wires the libraries this folder builds on to Node's own implementations, once per thread.
// reflect-metadata must load before @peculiar/x509 (tsyringe throws at import without it), and
// xml-core needs xmldom and xpath registered by hand: xmldsigjs's README omits this step and
// `Parse()` otherwise throws "Node dependency not found: DOMParser".
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { setNodeDependencies } from 'xml-core';
import * as xmldsig from 'xmldsigjs';
import xpath from 'xpath';
import { ENVELOPED_SIGNATURE_URI, SpecEnvelopedSignatureTransform } from './enveloped-signature-transform.ts';
import { registerNodeDigests } from './node-digest.ts';

let ready = false;

/** Registers xmldom/xpath with xml-core, Node's WebCrypto with xmldsigjs and @peculiar/x509. Idempotent. */
export function ensureXmlCrypto(): void {
  if (ready) return;
  setNodeDependencies({ DOMParser, XMLSerializer, DOMImplementation, xpath });
  xmldsig.Application.setEngine('NodeJS', webcrypto as unknown as Crypto);
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
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

/** Node's WebCrypto, typed as the DOM `Crypto` the libraries expect. */
export const nodeWebCrypto = webcrypto as unknown as Crypto;
