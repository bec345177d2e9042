import { createHash } from 'node:crypto';

/** The previous hash of the first entry: 32 zero bytes. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

const DOMAIN = Buffer.from('lienthong-evidence/1\n', 'utf8');

/** SHA-256 of an entry's body (its JSON text, UTF-8). */
export function bodyDigest(body: string): Buffer {
  return createHash('sha256').update(body, 'utf8').digest();
}

/** SHA-256 of the message id an entry is about (its text, '' for an entry about no message). */
export function messageDigest(messageId: string | null): Buffer {
  return createHash('sha256')
    .update(messageId ?? '', 'utf8')
    .digest();
}

/**
 * The hash of entry `seq`: SHA-256("lienthong-evidence/1" LF ‖ seq as 8 bytes big-endian ‖ the
 * previous entry's hash ‖ SHA-256(message id) ‖ SHA-256(body)). Hashing digests rather than the
 * body and the id lets a bundle prove the chain through other messages' entries while showing only
 * their digests — and still show that they are about another message. The database computes the
 * same formula (migrations/0012_evidence.sql) and refuses an entry that differs.
 */
export function entryHash(
  seq: bigint,
  prevHash: Uint8Array,
  messageSha256: Uint8Array,
  bodySha256: Uint8Array,
): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  return createHash('sha256')
    .update(DOMAIN)
    .update(seqBytes)
    .update(prevHash)
    .update(messageSha256)
    .update(bodySha256)
    .digest();
}

/**
 * What the hub signs for a head: five lines, each ending in LF — the format name, the hub id, the
 * entry's seq, its hash (lower-case hex) and the signing time (ISO 8601, UTC, milliseconds).
 */
export function headPayload(head: {
  readonly hubId: string;
  readonly seq: bigint;
  readonly hash: string;
  readonly signedAt: string;
}): Buffer {
  return Buffer.from(
    `lienthong-evidence-head/1\n${head.hubId}\n${head.seq}\n${head.hash}\n${head.signedAt}\n`,
    'utf8',
  );
}
