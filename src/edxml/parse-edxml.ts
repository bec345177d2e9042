import { Buffer } from 'node:buffer';
import type { Finding } from '../core/index.ts';
import { FindingSink } from './finding-sink.ts';
import { EDXML_NAMESPACE, type EdxmlKind, type EdxmlMessage } from './model.ts';
import { readMessage } from './read-message.ts';
import { validateInto } from './validate-message.ts';
import { readXml } from './xml-reader.ts';

export interface ParseOptions {
  /** Length limits, unknown elements and other warnings become errors (organ-id shape stays a warning). */
  strict?: boolean;
  /** Largest package accepted, in bytes of UTF-8. Default 64 MiB. */
  maxBytes?: number;
  /** Deepest element nesting accepted (root = 1). Default 32; edXML needs about 12. */
  maxDepth?: number;
  /**
   * Most elements + attributes + comments accepted. Default 100 000: about 5 800 recipients with
   * every contact field (a package to every commune of the country has 3 321); a hub sets it with
   * LIENTHONG_MAX_XML_NODES.
   */
  maxNodes?: number;
  /** Largest run of text outside attachment bodies, in bytes. Default 1 MiB. */
  maxTextBytes?: number;
}

export const DEFAULT_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxNodes: 100_000,
  maxTextBytes: 1024 * 1024,
} as const;

export type ParseResult =
  | { ok: true; message: EdxmlMessage; findings: Finding[] }
  | { ok: false; code: string; findings: Finding[] };

/** Everything a parse found, whether or not the message is acceptable (for diagnostics). */
export interface Inspection {
  /** null when the input is refused before the kind is known. */
  readonly kind: EdxmlKind | null;
  /** The model as far as it could be read; present with error findings too. */
  readonly message: EdxmlMessage | null;
  /** Ordered: refusals of the XML first, then structure, then values. */
  readonly findings: Finding[];
}

const rawElement = (ns: string, local: string) =>
  local === 'ContentTransferEncoded' && ns === EDXML_NAMESPACE;
// SDK samples use `edXML:` outside the element that declares it; read it as the edXML namespace.
const fallbackPrefixes = { edXML: EDXML_NAMESPACE };

function toBytes(input: Uint8Array | string, maxBytes: number): Uint8Array | null {
  if (typeof input !== 'string') return input.byteLength > maxBytes ? null : input;
  // A string's UTF-8 form is at least as long as the string: refuse before encoding.
  if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) return null;
  return Buffer.from(input, 'utf8');
}

/** Parses and validates, returning the model even when it has error findings. */
export function inspectEdxml(input: Uint8Array | string, options: ParseOptions = {}): Inspection {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const sink = new FindingSink(options.strict === true);
  const bytes = toBytes(input, limits.maxBytes);
  if (bytes === null) {
    sink.error('EDXML_PAYLOAD_TOO_LARGE', '', `the package is larger than ${limits.maxBytes} bytes`);
    return { kind: null, message: null, findings: sink.findings };
  }
  const xml = readXml(bytes, { ...limits, rawElement, fallbackPrefixes });
  for (const w of xml.warnings) sink.warning(w.code, w.path, w.message);
  if (!xml.ok) {
    sink.error(xml.issue.code, xml.issue.path, xml.issue.message);
    return { kind: null, message: null, findings: sink.findings };
  }
  const { kind, message } = readMessage(xml.root, bytes, sink);
  if (message) validateInto(message, sink);
  return { kind, message, findings: sink.deduplicated() };
}

/**
 * Parses and validates an edXML package or status package. Refuses hostile XML (DOCTYPE, entities,
 * depth, size) before reading anything; never fetches anything. Attachment bodies stay views of
 * `input` (no copy): do not reuse or overwrite that buffer while the message is in use.
 */
export function parseEdxml(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  const { message, findings } = inspectEdxml(input, options);
  const firstError = findings.find((f) => f.severity === 'error');
  if (firstError) return { ok: false, code: firstError.code, findings };
  if (!message) return { ok: false, code: 'XML_MALFORMED', findings };
  return { ok: true, message, findings };
}

function definedOnly(options: ParseOptions): Partial<typeof DEFAULT_LIMITS> {
  const out: Record<string, number> = {};
  for (const key of ['maxBytes', 'maxDepth', 'maxNodes', 'maxTextBytes'] as const) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
