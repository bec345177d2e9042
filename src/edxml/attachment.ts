import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { LienthongError } from '../core/index.ts';
import { type Base64Scan, decodedSize, scanBase64Bytes, scanBase64Text } from './base64-scan.ts';

/** The descriptive fields an attachment shares with its manifest Reference. */
export interface AttachmentMeta {
  /** "cid:…", the key that ties the attachment to its manifest Reference. */
  readonly contentId: string;
  readonly attachmentName?: string;
  readonly description?: string;
  readonly contentType?: string;
}

type Source =
  /** Byte ranges of the received package: the base64 is never copied while parsing. */
  | { readonly kind: 'slice'; readonly bytes: Uint8Array; readonly ranges: readonly number[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'decoded'; readonly bytes: Uint8Array };

const CHUNK = 3 * 64 * 1024;

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * AttachmentEncoded/Attachment. The body is data, not a string to copy around: a parsed attachment
 * points into the package bytes, and is decoded only when `decode()` or `sha256()` is called.
 */
export class EdxmlAttachment implements AttachmentMeta {
  readonly contentId: string;
  readonly attachmentName?: string;
  readonly description?: string;
  readonly contentType?: string;
  /** Decoded size in bytes, worked out from the base64 length without decoding. */
  readonly size: number;
  readonly #source: Source;
  readonly #scan: Base64Scan;
  #sha256: string | undefined;

  private constructor(meta: AttachmentMeta, source: Source, scan: Base64Scan) {
    this.contentId = meta.contentId;
    if (meta.attachmentName !== undefined) this.attachmentName = meta.attachmentName;
    if (meta.description !== undefined) this.description = meta.description;
    if (meta.contentType !== undefined) this.contentType = meta.contentType;
    this.#source = source;
    this.#scan = scan;
    // An undecodable body holds no bytes we could vouch for.
    this.size = source.kind === 'decoded' ? source.bytes.byteLength : scan.problem ? 0 : decodedSize(scan);
  }

  /** An attachment for building a package, from the file's bytes (kept by reference: do not mutate). */
  static fromBytes(meta: AttachmentMeta, bytes: Uint8Array): EdxmlAttachment {
    const chars = Math.ceil(bytes.byteLength / 3) * 4;
    const pad = (3 - (bytes.byteLength % 3)) % 3;
    const scan: Base64Scan = {
      dataChars: chars - pad,
      padding: pad,
      whitespace: 0,
      problem: null,
      unpadded: false,
    };
    return new EdxmlAttachment(meta, { kind: 'decoded', bytes }, scan);
  }

  /** An attachment from base64 text (validity is reported by validation, see `base64Problem`). */
  static fromBase64(meta: AttachmentMeta, text: string): EdxmlAttachment {
    return new EdxmlAttachment(meta, { kind: 'text', text }, scanBase64Text(text));
  }

  /** @internal The parser's constructor: `ranges` are [start, end) byte pairs of the body in `bytes`. */
  static fromPackageBytes(
    meta: AttachmentMeta,
    bytes: Uint8Array,
    ranges: readonly number[],
  ): EdxmlAttachment {
    return new EdxmlAttachment(meta, { kind: 'slice', bytes, ranges }, scanBase64Bytes(bytes, ranges));
  }

  /** Why the body does not decode (null when it does). */
  get base64Problem(): Base64Scan['problem'] {
    return this.#scan.problem;
  }

  /** True when the body decodes but lacks its '=' padding. */
  get base64Unpadded(): boolean {
    return this.#scan.unpadded;
  }

  /** Length of the body as written (base64 characters and line breaks). */
  get encodedLength(): number {
    const s = this.#source;
    if (s.kind === 'text') return s.text.length;
    if (s.kind === 'decoded') return this.#scan.dataChars + this.#scan.padding;
    let n = 0;
    for (let r = 0; r + 1 < s.ranges.length; r += 2)
      n += (s.ranges[r + 1] as number) - (s.ranges[r] as number);
    return n;
  }

  /** Characters of `base64()` (line breaks excluded). */
  get base64Length(): number {
    return this.#scan.dataChars + this.#scan.padding;
  }

  /** Writes `base64()` as ASCII bytes into `target` at `offset` without building the string when it can. */
  writeBase64(target: Buffer, offset: number): number {
    const s = this.#source;
    if (s.kind === 'slice' && this.#scan.whitespace === 0) {
      let at = offset;
      for (let r = 0; r + 1 < s.ranges.length; r += 2) {
        target.set(s.bytes.subarray(s.ranges[r] as number, s.ranges[r + 1] as number), at);
        at += (s.ranges[r + 1] as number) - (s.ranges[r] as number);
      }
      return at - offset;
    }
    if (s.kind === 'decoded') {
      // In slices of a multiple of 3 bytes, so that no intermediate string is megabytes long.
      const bytes = view(s.bytes);
      let at = offset;
      for (let i = 0; i < bytes.byteLength; i += CHUNK) {
        at += target.write(bytes.toString('base64', i, Math.min(i + CHUNK, bytes.byteLength)), at, 'latin1');
      }
      return at - offset;
    }
    return target.write(this.base64(), offset, 'latin1');
  }

  /** The body as base64 text without line breaks (what the builder writes). */
  base64(): string {
    const s = this.#source;
    if (s.kind === 'decoded') return view(s.bytes).toString('base64');
    const raw = s.kind === 'text' ? s.text : this.#rawText(s.bytes, s.ranges);
    return this.#scan.whitespace > 0 ? raw.replace(/[ \t\r\n]+/g, '') : raw;
  }

  /**
   * The decoded bytes. Each call decodes again, so hold on to the result rather than calling twice.
   * Throws EDXML_BAD_BASE64 for a body that is not base64 (never returns guessed bytes).
   */
  decode(): Uint8Array {
    const s = this.#source;
    if (s.kind === 'decoded') return s.bytes;
    if (this.#scan.problem) {
      throw new LienthongError(
        'EDXML_BAD_BASE64',
        `attachment ${this.contentId} is not base64 (${this.#scan.problem})`,
        {
          where: 'edxml.attachment',
        },
      );
    }
    // Node's decoder skips whitespace; validity was settled by the scan.
    const buffer = Buffer.from(s.kind === 'text' ? s.text : this.#rawText(s.bytes, s.ranges), 'base64');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** Lower-case hex SHA-256 of the decoded bytes (computed once). */
  sha256(): string {
    this.#sha256 ??= createHash('sha256').update(this.decode()).digest('hex');
    return this.#sha256;
  }

  #rawText(bytes: Uint8Array, ranges: readonly number[]): string {
    const buffer = view(bytes);
    if (ranges.length === 2) return buffer.toString('latin1', ranges[0] as number, ranges[1] as number);
    let text = '';
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      text += buffer.toString('latin1', ranges[r] as number, ranges[r + 1] as number);
    }
    return text;
  }
}
