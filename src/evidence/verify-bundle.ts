import { createHash, verify, X509Certificate } from 'node:crypto';
import { BUNDLE_FORMAT, type BundleEntry, type BundleHead, type EvidenceBundle } from './bundle.ts';
import { bodyDigest, entryHash, headPayload } from './entry-hash.ts';

/** One check of a bundle, in the order they are made. */
export interface BundleCheck {
  readonly check: 'format' | 'bytes' | 'chain' | 'entries' | 'head' | 'signature' | 'trust';
  readonly ok: boolean;
  readonly detail: string;
}

/** What `lienthong evidence verify` prints. */
export interface BundleVerdict {
  readonly valid: boolean;
  /** OK, or the stable code of the first check that failed (docs/errors.md, evidence). */
  readonly code:
    | 'OK'
    | 'EVIDENCE_BUNDLE_MALFORMED'
    | 'EVIDENCE_BYTES_MISMATCH'
    | 'EVIDENCE_CHAIN_BROKEN'
    | 'EVIDENCE_ENTRY_MISMATCH'
    | 'EVIDENCE_HEAD_SIGNATURE'
    | 'EVIDENCE_SIGNER_UNTRUSTED';
  /** The reason, for a person. */
  readonly reason: string;
  readonly messageId: string | null;
  /** The signed head the bundle ends at. */
  readonly head: { readonly seq: string; readonly hub: string; readonly signedAt: string } | null;
  /** Whether the hub's certificate was checked against trust anchors given by the checker. */
  readonly trusted: boolean;
  readonly checks: readonly BundleCheck[];
}

export interface VerifyBundleOptions {
  /**
   * Certificates the checker trusts (PEM texts): the head's certificate must be one of them or be
   * issued, through the others, by one that is self-signed. Absent: the signature is checked with
   * the certificate in the bundle, and `trusted` is false.
   */
  readonly trust?: readonly string[];
}

type Failure = { readonly code: Exclude<BundleVerdict['code'], 'OK'>; readonly reason: string };

const HEX64 = /^[0-9a-f]{64}$/;
const SEQ = /^[1-9][0-9]{0,18}$/;

/**
 * Checks a proof bundle with nothing but itself (and the checker's trust anchors): the bytes against
 * their hash, each entry against the chain, the chain's end against the signed head, the head against
 * the hub's signature. Stops at the first check that fails and says why.
 */
export function verifyBundle(value: unknown, options: VerifyBundleOptions = {}): BundleVerdict {
  const checks: BundleCheck[] = [];
  const messageId = readMessageId(value);
  const done = (failure: Failure | null, head: BundleVerdict['head'], trusted = false): BundleVerdict => ({
    valid: failure === null,
    code: failure?.code ?? 'OK',
    reason: failure?.reason ?? 'every check passed',
    messageId,
    head,
    trusted,
    checks,
  });
  const step = (check: BundleCheck['check'], failure: Failure | null, detail: string): boolean => {
    checks.push({ check, ok: failure === null, detail: failure?.reason ?? detail });
    return failure === null;
  };

  const shape = checkShape(value);
  if (!step('format', shape, BUNDLE_FORMAT)) return done(shape, null);
  const bundle = value as EvidenceBundle;
  const head = { seq: bundle.head.seq, hub: bundle.head.hub, signedAt: bundle.head.signedAt };

  const bytes = checkBytes(bundle);
  if (!step('bytes', bytes, `${bundle.message.sizeBytes} bytes, SHA-256 ${bundle.message.sha256}`))
    return done(bytes, head);
  const chain = checkChain(bundle);
  if (!step('chain', chain, `entries ${bundle.chain[0]!.seq}…${head.seq} link up to the head's hash`))
    return done(chain, head);
  const entries = checkEntries(bundle);
  const shown = bundle.chain.filter((e) => 'body' in e).length;
  if (!step('entries', entries, `${shown} entries about the message, the acceptance among them`))
    return done(entries, head);
  const signature = checkSignature(bundle);
  if (!step('signature', signature, `${bundle.head.algorithm} by ${subjectOf(bundle.head.certificate)}`))
    return done(signature, head);
  if (options.trust === undefined) {
    checks.push({ check: 'trust', ok: true, detail: 'not checked: no trust anchors given (--trust)' });
    return done(null, head, false);
  }
  const trust = checkTrust(bundle, options.trust);
  if (!step('trust', trust, 'the hub certificate chains to a trust anchor and was valid when it signed'))
    return done(trust, head);
  return done(null, head, true);
}

function readMessageId(value: unknown): string | null {
  const message = (value as { message?: { id?: unknown } } | null)?.message;
  return typeof message?.id === 'string' ? message.id : null;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function checkShape(value: unknown): Failure | null {
  const malformed = (reason: string): Failure => ({ code: 'EVIDENCE_BUNDLE_MALFORMED', reason });
  if (typeof value !== 'object' || value === null) return malformed('the bundle is not a JSON object');
  const b = value as Partial<Record<keyof EvidenceBundle, unknown>>;
  if (b.format !== BUNDLE_FORMAT) return malformed(`format is not ${BUNDLE_FORMAT}`);
  const m = b.message as Record<string, unknown> | undefined;
  if (
    typeof m !== 'object' ||
    m === null ||
    !isString(m['id']) ||
    !isString(m['sha256']) ||
    !HEX64.test(m['sha256']) ||
    !isString(m['bytes']) ||
    !Number.isSafeInteger(m['sizeBytes'])
  )
    return malformed('message needs id, sha256 (64 hex), sizeBytes and bytes (base64)');
  if (!Array.isArray(b.chain) || b.chain.length === 0) return malformed('chain must list at least one entry');
  for (const [i, e] of (b.chain as unknown[]).entries()) {
    const entry = e as Record<string, unknown> | null;
    if (
      typeof entry !== 'object' ||
      entry === null ||
      !isString(entry['seq']) ||
      !SEQ.test(entry['seq']) ||
      !isString(entry['prevHash']) ||
      !HEX64.test(entry['prevHash']) ||
      !isString(entry['hash']) ||
      !HEX64.test(entry['hash']) ||
      isString(entry['body']) === (isString(entry['bodySha256']) && HEX64.test(entry['bodySha256'] as string))
    )
      return malformed(`chain[${i}] needs seq, prevHash, hash and either body or bodySha256`);
  }
  const h = b.head as Record<string, unknown> | undefined;
  if (
    typeof h !== 'object' ||
    h === null ||
    !isString(h['hub']) ||
    !isString(h['seq']) ||
    !SEQ.test(h['seq']) ||
    !isString(h['hash']) ||
    !HEX64.test(h['hash']) ||
    !isString(h['signedAt']) ||
    !isString(h['algorithm']) ||
    !isString(h['signature']) ||
    !isString(h['certificate'])
  )
    return malformed('head needs hub, seq, hash, signedAt, algorithm, signature and certificate');
  return null;
}

function checkBytes(bundle: EvidenceBundle): Failure | null {
  const bytes = Buffer.from(bundle.message.bytes, 'base64');
  if (bytes.toString('base64') !== bundle.message.bytes.replace(/\s/g, ''))
    return { code: 'EVIDENCE_BUNDLE_MALFORMED', reason: 'message.bytes is not base64' };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== bundle.message.sha256 || bytes.byteLength !== bundle.message.sizeBytes) {
    return {
      code: 'EVIDENCE_BYTES_MISMATCH',
      reason: `the message bytes hash to ${sha256} (${bytes.byteLength} bytes), not to the recorded ${bundle.message.sha256} (${bundle.message.sizeBytes} bytes)`,
    };
  }
  return null;
}

function digestOf(entry: BundleEntry): Buffer {
  return 'body' in entry ? bodyDigest(entry.body) : Buffer.from(entry.bodySha256, 'hex');
}

function checkChain(bundle: EvidenceBundle): Failure | null {
  const broken = (reason: string): Failure => ({ code: 'EVIDENCE_CHAIN_BROKEN', reason });
  let previous: BundleEntry | null = null;
  for (const entry of bundle.chain) {
    const seq = BigInt(entry.seq);
    if (previous !== null) {
      if (seq !== BigInt(previous.seq) + 1n)
        return broken(`entry ${entry.seq} does not follow entry ${previous.seq}`);
      if (entry.prevHash !== previous.hash)
        return broken(`entry ${entry.seq} does not carry the hash of entry ${previous.seq}`);
    }
    const expected = entryHash(seq, Buffer.from(entry.prevHash, 'hex'), digestOf(entry)).toString('hex');
    if (expected !== entry.hash)
      return broken(`entry ${entry.seq} does not hash to its recorded hash (its content was changed)`);
    previous = entry;
  }
  const last = previous!;
  if (last.seq !== bundle.head.seq || last.hash !== bundle.head.hash)
    return broken(`the chain ends at entry ${last.seq}, not at the signed head (entry ${bundle.head.seq})`);
  return null;
}

/** A JSON value with its object keys sorted, so that two encodings of one value compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function checkEntries(bundle: EvidenceBundle): Failure | null {
  const mismatch = (reason: string): Failure => ({ code: 'EVIDENCE_ENTRY_MISMATCH', reason });
  let accepted: { data?: { sha256?: unknown; verdict?: unknown } } | null = null;
  for (const entry of bundle.chain) {
    if (!('body' in entry)) continue;
    let body: {
      seq?: unknown;
      message?: unknown;
      type?: unknown;
      data?: { sha256?: unknown; verdict?: unknown };
    };
    try {
      body = JSON.parse(entry.body) as typeof body;
    } catch {
      return mismatch(`entry ${entry.seq} is not JSON`);
    }
    if (body.seq !== entry.seq) return mismatch(`entry ${entry.seq} says it is entry ${String(body.seq)}`);
    if (body.message !== bundle.message.id)
      return mismatch(
        `entry ${entry.seq} is about message ${String(body.message)}, not ${bundle.message.id}`,
      );
    if (body.type === 'message.accepted') accepted ??= body;
  }
  if (accepted === null) return mismatch('no entry records the acceptance of the message');
  if (accepted.data?.sha256 !== bundle.message.sha256)
    return mismatch(
      `the acceptance recorded SHA-256 ${String(accepted.data?.sha256)}, not ${bundle.message.sha256}`,
    );
  if (accepted.data?.verdict !== undefined && canonical(accepted.data.verdict) !== canonical(bundle.verdict))
    return mismatch('the verdict in the bundle is not the verdict recorded at acceptance');
  return null;
}

function checkSignature(bundle: EvidenceBundle): Failure | null {
  const problem = headSignatureProblem(bundle.head);
  return problem === null ? null : { code: 'EVIDENCE_HEAD_SIGNATURE', reason: problem };
}

/** Why a head's signature does not verify with its certificate, or null when it does. */
export function headSignatureProblem(head: BundleHead): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(head.certificate);
  } catch {
    return 'the head certificate cannot be read';
  }
  const payload = headPayload({
    hubId: head.hub,
    seq: BigInt(head.seq),
    hash: head.hash,
    signedAt: head.signedAt,
  });
  const keyType = cert.publicKey.asymmetricKeyType;
  const expected = keyType === 'ec' ? 'ecdsa-sha256' : keyType === 'rsa' ? 'rsa-sha256' : null;
  if (head.algorithm !== expected)
    return `the head says ${head.algorithm}, the certificate holds a ${keyType} key`;
  let ok = false;
  try {
    ok = verify('sha256', payload, cert.publicKey, Buffer.from(head.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? null : 'the signature over the head does not verify with the hub certificate';
}

function subjectOf(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return 'an unreadable certificate';
  }
}

function checkTrust(bundle: EvidenceBundle, trustPems: readonly string[]): Failure | null {
  const untrusted = (reason: string): Failure => ({ code: 'EVIDENCE_SIGNER_UNTRUSTED', reason });
  const cert = new X509Certificate(bundle.head.certificate);
  const signedAt = new Date(bundle.head.signedAt);
  const pool: X509Certificate[] = [];
  for (const pem of trustPems) {
    try {
      pool.push(new X509Certificate(pem));
    } catch {
      // A file of the trust folder that is not a certificate (a key, a CRL) is not an anchor.
    }
  }
  const validAt = (c: X509Certificate) =>
    new Date(c.validFrom) <= signedAt && signedAt <= new Date(c.validTo);
  if (!validAt(cert)) return untrusted(`the hub certificate was not valid at ${bundle.head.signedAt}`);
  let current = cert;
  for (let depth = 0; depth < 8; depth += 1) {
    if (pool.some((anchor) => anchor.fingerprint256 === current.fingerprint256)) return null;
    const issuer = pool.find((c) => current.checkIssued(c) && current.verify(c.publicKey) && validAt(c));
    if (!issuer) break;
    current = issuer;
  }
  return untrusted(
    `the hub certificate (${subjectOf(bundle.head.certificate)}) does not chain to a trusted certificate`,
  );
}
