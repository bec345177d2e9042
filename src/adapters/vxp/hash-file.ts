import { createHash } from 'node:crypto';

/*
 * sendEdoc's body is the edXML file followed by "\r\n" (the SDK's misnamed MultipartUtility writes
 * the file, then a line break, and nothing else). The signed `hash-file` is the SHA-256 of the file
 * without that CRLF, rendered by `Integer.toHexString(b & 0xFF)` per byte: hex WITHOUT zero padding,
 * so often shorter than 64 characters (spec vxp-api.md §3.5).
 */

/** The SDK's rendering of SHA-256(file): each byte as lower-case hex without zero padding. */
export function sdkHashFile(file: Uint8Array): string {
  return unpaddedHex(createHash('sha256').update(file).digest());
}

function unpaddedHex(digest: Buffer): string {
  let out = '';
  for (const byte of digest) out += byte.toString(16);
  return out;
}

/** How the declared hash-file matched the package. */
export type HashFileForm = 'sdk-unpadded' | 'standard-hex';

export type SendEdocFileResult =
  | {
      readonly ok: true;
      /** The package bytes (a view into the body, not a copy). */
      readonly file: Buffer;
      /** Whether the body carried the SDK's trailing CRLF. */
      readonly trailingCrlf: boolean;
      readonly form: HashFileForm;
    }
  | { readonly ok: false };

function endsWithCrlf(body: Buffer): boolean {
  return body.length >= 2 && body[body.length - 2] === 0x0d && body[body.length - 1] === 0x0a;
}

/**
 * Cuts the package out of a sendEdoc body and checks it against the declared hash-file.
 *
 * The SDK body always ends in exactly one extra CRLF, so that candidate is tried first. The whole body
 * is tried second, for hand-made clients that send the bare file: whichever candidate matches, its
 * bytes are the ones the client hashed, so the choice never changes what is accepted. The standard
 * 64-digit hex digest is accepted beside the SDK's unpadded form for the same reason.
 */
export function extractSendEdocFile(body: Buffer, declaredHashFile: string): SendEdocFileResult {
  const declared = declaredHashFile.trim().toLowerCase();
  if (declared === '') return { ok: false };
  const candidates: { file: Buffer; trailingCrlf: boolean }[] = [];
  if (endsWithCrlf(body)) candidates.push({ file: body.subarray(0, body.length - 2), trailingCrlf: true });
  candidates.push({ file: body, trailingCrlf: false });
  for (const candidate of candidates) {
    const digest = createHash('sha256').update(candidate.file).digest();
    if (unpaddedHex(digest) === declared) return { ok: true, ...candidate, form: 'sdk-unpadded' };
    if (digest.toString('hex') === declared) return { ok: true, ...candidate, form: 'standard-hex' };
  }
  return { ok: false };
}
