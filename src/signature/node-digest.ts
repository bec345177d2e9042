// XMLDSig reference digests through node:crypto instead of WebCrypto. The result is the same
// function (SHA-1/2 from OpenSSL either way); what changes is the cost around it: a WebCrypto digest
// is an async job on the libuv pool with a promise round-trip (a visible share of a small package's
// verification), and the library first converts the canonical string to UTF-8 with
// unescape(encodeURIComponent()) plus a per-byte loop (most of a large package's). node:crypto hashes
// the string as UTF-8 directly. Verification already runs in a worker thread, so a synchronous hash
// over a large canonical form does not block the hub's event loop.
import { createHash } from 'node:crypto';
import { CryptoConfig, HashAlgorithm } from 'xmldsigjs';
import { SHA1, SHA256, SHA384, SHA512 } from './algorithms.ts';
import { digestExpanded, extractionIn } from './bulk-text.ts';

type HashClass = Parameters<typeof CryptoConfig.RegisterHashAlgorithm>[1];

function nodeHash(name: 'sha1' | 'sha256' | 'sha384' | 'sha512', webName: string, uri: string): HashClass {
  return class NodeHash extends HashAlgorithm {
    override algorithm = { name: webName };
    override namespaceURI = uri;
    override async Digest(xml: string | BufferSource | Node): Promise<Uint8Array> {
      if (typeof xml === 'string') {
        // The library converts with encodeURIComponent, which throws URIError on a lone surrogate;
        // keep that refusal, then let node:crypto encode UTF-8 itself (no intermediate copy).
        if (!(xml as unknown as { isWellFormed(): boolean }).isWellFormed())
          throw new URIError('URI malformed');
        const extraction = extractionIn(xml);
        if (extraction) return digestExpanded(name, xml, extraction);
        return new Uint8Array(createHash(name).update(xml, 'utf8').digest());
      }
      if (!(ArrayBuffer.isView(xml) || xml instanceof ArrayBuffer)) return super.Digest(xml);
      const bytes =
        xml instanceof ArrayBuffer
          ? new Uint8Array(xml)
          : new Uint8Array(xml.buffer, xml.byteOffset, xml.byteLength);
      return new Uint8Array(createHash(name).update(bytes).digest());
    }
  };
}

/** Registers the node:crypto digests for the XMLDSig digest URIs (idempotent). */
export function registerNodeDigests(): void {
  CryptoConfig.RegisterHashAlgorithm(SHA1, nodeHash('sha1', 'SHA-1', SHA1));
  CryptoConfig.RegisterHashAlgorithm(SHA256, nodeHash('sha256', 'SHA-256', SHA256));
  CryptoConfig.RegisterHashAlgorithm(SHA384, nodeHash('sha384', 'SHA-384', SHA384));
  CryptoConfig.RegisterHashAlgorithm(SHA512, nodeHash('sha512', 'SHA-512', SHA512));
}
