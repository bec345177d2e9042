import 'reflect-metadata';
import type * as x509 from '@peculiar/x509';

/**
 * RFC 5280 §7.1 name matching, simplified: equal DER, or equal after case folding and whitespace
 * collapsing of the string form (CAs re-encode names as PrintableString vs UTF8String). The
 * signature check on each link is what actually binds a certificate to its issuer.
 */
export function namesEqual(a: x509.Name, b: x509.Name): boolean {
  const da = new Uint8Array(a.toArrayBuffer());
  const db = new Uint8Array(b.toArrayBuffer());
  if (da.length === db.length && da.every((v, i) => v === db[i])) return true;
  return normalize(a.toString()) === normalize(b.toString());
}

function normalize(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}
