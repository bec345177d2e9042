import { DOMParser, type Document } from '@xmldom/xmldom';
import { xml10LineEndings } from '../../src/signature/xml-guard.ts';

/**
 * The other parser of the differential test: @xmldom/xmldom, configured as the signature module
 * configures it (src/signature/xml-guard.ts): the bytes are decoded as strict UTF-8 (a BOM is
 * dropped), line ends follow XML 1.0 (the signature module's own function), and an `error` or a
 * `fatalError` refuses the document. Whatever xmldom refuses, the signature cannot verify, which is
 * the safe direction. The `xmldom-defaults` profile is xmldom as a recipient would use it out of the
 * box (XML 1.1 line ends: U+0085, U+2028 and U+2029 become LF).
 */
export type XmldomProfile = 'signature' | 'xmldom-defaults';

export type DomOutcome =
  | { readonly ok: true; readonly doc: Document; readonly warnings: readonly string[] }
  | {
      readonly ok: false;
      /** `encoding`: not UTF-8; `fatalError`: no DOM at all; `error`: a DOM the signature refuses. */
      readonly level: 'encoding' | 'fatalError' | 'error';
      readonly message: string;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the bytes as the signature module would; the hub and the signature both get bytes. */
export function readWithXmldom(bytes: Uint8Array, profile: XmldomProfile = 'signature'): DomOutcome {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, level: 'encoding', message: 'not UTF-8' };
  }
  const fatal: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  let doc: Document | undefined;
  try {
    doc = new DOMParser({
      ...(profile === 'signature' ? { normalizeLineEndings: xml10LineEndings } : {}),
      onError: (level: string, message: string) => {
        const first = message.split('\n')[0] ?? '';
        if (level === 'fatalError') fatal.push(first);
        else if (level === 'error') errors.push(first);
        else warnings.push(first);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    // xmldom 0.9 throws a ParseError after reporting a fatalError.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, level: 'fatalError', message: fatal[0] ?? message ?? '' };
  }
  if (fatal.length > 0) return { ok: false, level: 'fatalError', message: fatal[0] ?? '' };
  if (errors.length > 0) return { ok: false, level: 'error', message: errors[0] ?? '' };
  if (!doc?.documentElement) return { ok: false, level: 'fatalError', message: 'no root element' };
  return { ok: true, doc, warnings };
}
