import 'reflect-metadata';
import type * as x509 from '@peculiar/x509';

/**
 * A comparison key for a distinguished name: RFC 5280 §7.1 matching, simplified to the string form
 * after Unicode NFC, case folding and whitespace collapsing (CAs re-encode names as PrintableString
 * vs UTF8String; equal DER always gives equal keys). The signature check on each link is what
 * actually binds a certificate to its issuer. Computed once per certificate or CRL: serializing a
 * Name is a visible share of the cost of a small package.
 */
export function nameKey(name: x509.Name | string): string {
  return (typeof name === 'string' ? name : name.toString())
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
