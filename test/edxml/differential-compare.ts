import { Buffer } from 'node:buffer';
import { type EdxmlMessage, inspectEdxml, parseEdxml } from '../../src/edxml/index.ts';
import { type DomOutcome, readWithXmldom, type XmldomProfile } from './differential-dom.ts';
import { differences, type FieldDifference, projectDom, projectModel } from './differential-projection.ts';

/**
 * How the two parsers judged one input. Only `differ` is dangerous: both accept the document and
 * read a different value for something the hub acts on (a signed package meaning something else).
 */
export type Agreement =
  | { readonly kind: 'both-refused'; readonly code: string; readonly xmldom: string }
  /** The codec refuses what xmldom accepts: the hub never acts on it. */
  | { readonly kind: 'codec-refused'; readonly code: string }
  /** xmldom refuses what the codec accepts: the signature cannot verify (the safe direction). */
  | { readonly kind: 'xmldom-refused'; readonly xmldom: string }
  | { readonly kind: 'agree'; readonly fields: number }
  | { readonly kind: 'differ'; readonly differences: readonly FieldDifference[] };

/** Above this size xmldom is not run on inputs the codec refuses (the 100 MB hostile cases). */
const XMLDOM_BUDGET = 4 * 1024 * 1024;

function describe(dom: DomOutcome): string {
  return dom.ok ? 'accepted' : `${dom.level}: ${dom.message.slice(0, 120)}`;
}

/**
 * Parses `input` with the codec (lenient, as the hub runs by default) and with xmldom, and compares.
 * `values: 'read'` compares what the codec read even when validation refused the values (the
 * builder's generated models need not be valid packages); XML_* refusals still refuse. `profile`
 * picks how xmldom is configured (the signature module's way unless said).
 */
export function compareParsers(
  input: Uint8Array | string,
  options: { values?: 'accepted' | 'read'; profile?: XmldomProfile } = {},
): Agreement {
  // The hub and the signature both receive bytes; a string is compared as its UTF-8 bytes.
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const codec = options.values === 'read' ? readAnyway(bytes) : parseEdxml(bytes);
  if (!codec.ok) {
    if (bytes.byteLength > XMLDOM_BUDGET)
      return { kind: 'both-refused', code: codec.code, xmldom: 'not run' };
    const dom = readWithXmldom(bytes, options.profile);
    return dom.ok
      ? { kind: 'codec-refused', code: codec.code }
      : { kind: 'both-refused', code: codec.code, xmldom: describe(dom) };
  }
  const dom = readWithXmldom(bytes, options.profile);
  if (!dom.ok) return { kind: 'xmldom-refused', xmldom: describe(dom) };
  const mine = projectModel(codec.message);
  const found = differences(mine, projectDom(dom.doc));
  return found.length > 0 ? { kind: 'differ', differences: found } : { kind: 'agree', fields: mine.size };
}

function readAnyway(bytes: Uint8Array): { ok: true; message: EdxmlMessage } | { ok: false; code: string } {
  const { message, findings } = inspectEdxml(bytes);
  const refusal = findings.find((f) => f.severity === 'error' && f.code.startsWith('XML_'));
  if (refusal) return { ok: false, code: refusal.code };
  return message ? { ok: true, message } : { ok: false, code: findings[0]?.code ?? 'none' };
}
