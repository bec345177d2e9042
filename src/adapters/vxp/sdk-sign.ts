import { signHeaderHmac } from './sign-header.ts';

/*
 * The XroadVnpt-* signing of the national axis SDK, from the client's side (the server's side is
 * sign-header.ts). The SDK keeps its parameters in a Java HashMap<String,String>: `timestamp` and
 * `systemid` put by the constructor, then `Content-Type`, then the call's jsonHeaders, then
 * `hash-file` for sendEdoc. It sends each entry as the header `XroadVnpt-<name>` and signs the Gson
 * JSON of the whole map, in the map's iteration order. A server that rebuilds the JSON from its own
 * HashMap gets the same bytes only if the order is Java's, so the order is reproduced here.
 *
 * Unlike the SDK, a fresh map is built for every call: the SDK never clears its map, so parameters of
 * earlier calls ride along (docs/vxp.md), which lienthong tolerates but nobody should rely on.
 */

/** The version header the SDK sends unsigned beside the signature. */
export const SDK_VERSION = '3.0.201608';

/** The SDK's User-Agent (HttpClient and HttpURLConnection alike). */
export const SDK_USER_AGENT = 'JAVASDKAgent/1.0.0 XRoad/VPCP';

/** `String.hashCode()` over UTF-16 units, with Java's int overflow. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The entries of a `HashMap<String,String>` filled by `put` in this order, in its iteration order.
 * A repeated name keeps its first position and takes the last value (as `put` does). Iteration goes
 * by bucket `(h ^ h >>> 16) & (capacity - 1)`, insertion order within a bucket (a resize splits a
 * bucket keeping relative order); the capacity starts at 16 and doubles once the size exceeds 3/4.
 */
export function javaHashMapOrder(puts: readonly (readonly [string, string])[]): [string, string][] {
  const values = new Map<string, string>();
  let capacity = 16;
  for (const [name, value] of puts) {
    if (!values.has(name) && values.size + 1 > capacity * 0.75) capacity *= 2;
    values.set(name, value);
  }
  const bucket = (name: string) => {
    const h = javaStringHash(name);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return [...values.entries()]
    .map((entry, index) => ({ entry, index, bucket: bucket(entry[0]) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map(({ entry }) => entry);
}

/**
 * A JSON string as Gson 2.2's JsonWriter writes it (not HTML-safe): `"`, `\`, control characters and
 * U+2028/U+2029 escaped, everything else (non-ASCII included) as is. JSON.stringify escapes the same
 * controls the same way, but leaves U+2028/U+2029 alone.
 */
export function gsonString(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
}

/** The SDK's timestamp, `new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS")` in local time (`+SSSS` is ms). */
export function sdkTimestamp(at: Date): string {
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${p(at.getDate())}${p(at.getMonth() + 1)}${p(at.getFullYear(), 4)}T` +
    `${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}+${p(at.getMilliseconds(), 4)}`
  );
}

/**
 * A parameter value as it can travel both signed and as a header. HTTP cannot carry line breaks or
 * other controls in a header, and parsers drop blanks at both ends, so those are replaced and trimmed
 * BEFORE signing: the signed value and the header value stay equal. A lone surrogate becomes U+FFFD
 * (what its UTF-8 encoding would become anyway).
 */
export function cleanParamValue(value: string): string {
  return withoutControls(Buffer.from(value, 'utf8').toString('utf8')).trim();
}

/** The text with each C0 control character and DEL replaced by a space. */
export function withoutControls(text: string): string {
  return Array.from(text, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? ' ' : ch;
  }).join('');
}

/**
 * A header value as one latin1 char per UTF-8 byte: HTTP clients write header strings as latin1, so
 * the server receives exactly the UTF-8 bytes, and lienthong decodes them (latin1 → utf8) back.
 */
export function headerValue(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** One call's parameters to sign. */
export interface SdkSignInput {
  readonly systemId: string;
  readonly secret: string;
  /** The SDK timestamp (`sdkTimestamp`). */
  readonly timestamp: string;
  /** `application/octet-stream` for sendEdoc, `application/json` for the others. */
  readonly contentType: string;
  /** The call's jsonHeaders (and `hash-file` last for sendEdoc), in put order. */
  readonly params: readonly (readonly [string, string])[];
}

/** What a signed call sends. */
export interface SdkSignedHeaders {
  /** The signed members in Java order, prefix removed, values cleaned. */
  readonly members: readonly (readonly [string, string])[];
  /** The XroadVnpt-sign-header JSON text (its UTF-8 bytes are what the HMAC covers). */
  readonly signHeader: string;
  /** The XroadVnpt-sign-header-key value: the member names joined with `;`. */
  readonly signHeaderKey: string;
  /** The XroadVnpt-hash-header value: lower-case hex HMAC-SHA256. */
  readonly hashHeader: string;
  /**
   * The request headers as name/value pairs in the SDK's order: the bare Content-Type, each signed
   * member as `XroadVnpt-<name>`, the key, the sign-header, the hash-header. Values are latin1 strings
   * of the UTF-8 bytes (`headerValue`).
   */
  readonly headers: readonly (readonly [string, string])[];
}

/** Signs one call exactly as the SDK does, over a fresh map. */
export function signSdkParams(input: SdkSignInput): SdkSignedHeaders {
  const members = javaHashMapOrder([
    ['timestamp', cleanParamValue(input.timestamp)],
    ['systemid', cleanParamValue(input.systemId)],
    ['Content-Type', input.contentType],
    ...input.params.map(([name, value]) => [name, cleanParamValue(value)] as const),
  ]);
  const signHeader = `{${members.map(([name, value]) => `${gsonString(`XroadVnpt-${name}`)}:${gsonString(value)}`).join(',')}}`;
  const signHeaderKey = members.map(([name]) => name).join(';');
  const hashHeader = signHeaderHmac(Buffer.from(signHeader, 'utf8'), input.secret);
  const headers: (readonly [string, string])[] = [['Content-Type', input.contentType]];
  for (const [name, value] of members) headers.push([`XroadVnpt-${name}`, headerValue(value)]);
  headers.push(
    ['XroadVnpt-sign-header-key', headerValue(signHeaderKey)],
    ['XroadVnpt-sign-header', headerValue(signHeader)],
    ['XroadVnpt-hash-header', hashHeader],
  );
  return { members, signHeader, signHeaderKey, hashHeader, headers };
}
