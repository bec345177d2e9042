// Wires @peculiar/x509 to Node's WebCrypto, once per thread: all that certificates, chains and CRLs
// need. Apart from xml-setup.ts so that the direct verifier (and `lienthong verify`) does not load
// the XML signature library (xmldsigjs, about 0.3 s of start-up) unless it falls back to the DOM path.
// reflect-metadata must load before @peculiar/x509 (tsyringe throws at import without it).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

let ready = false;

/** Registers Node's WebCrypto with @peculiar/x509. Idempotent. */
export function ensureX509(): void {
  if (ready) return;
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  ready = true;
}

/** Node's WebCrypto, typed as the DOM `Crypto` the libraries expect. */
export const nodeWebCrypto = webcrypto as unknown as Crypto;
