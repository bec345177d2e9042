import { createHash, verify, X509Certificate } from 'node:crypto';
import { BUNDLE_FORMAT, type BundleEntry, type BundleHead, type EvidenceBundle } from './bundle.ts';
import { bodyDigest, entryHash, headPayload, messageDigest } from './entry-hash.ts';
import { checkTimestampToken } from './timestamp.ts';

/** One check of a bundle, in the order they are made. */
export interface BundleCheck {
  readonly check: 'format' | 'bytes' | 'chain' | 'entries' | 'signature' | 'timestamp' | 'trust';
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
    | 'EVIDENCE_TIMESTAMP_INVALID'
    | 'EVIDENCE_SIGNER_UNTRUSTED';
  /** The reason, for a person. */
  readonly reason: string;
  readonly messageId: string | null;
  /** The signed head the bundle ends at; `timestampedAt`: the time its RFC 3161 timestamp gives. */
  readonly head: {
    readonly seq: string;
    readonly hub: string;
    readonly signedAt: string;
    readonly timestampedAt?: string;
  } | null;
  /** Whether the hub's certificate was checked against trust anchors given by the checker. */
  readonly trusted: boolean;
  readonly checks: readonly BundleCheck[];
}

export interface VerifyBundleOptions {
  /**
   * Certificates the checker trusts (PEM text or DER): the head's certificate (and the timestamping
   * authority's, when the head has a timestamp) must be one of them or be issued by one of them that
   * is a CA. Absent: the signatures are checked with the certificates in the bundle, and `trusted`
   * is false.
   */
  readonly trust?: ReadonlyArray<string | Uint8Array>;
  /** The time of the check (default now): certificates must be valid then when the head has no timestamp. */
  readonly now?: Date;
}

type Failure = { readonly code: Exclude<BundleVerdict['code'], 'OK'>; readonly reason: string };

const HEX64 = /^[0-9a-f]{64}$/;
const SEQ = /^[1-9][0-9]{0,18}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isShownEntry = (e: Record<string, unknown>) =>
  typeof e['body'] === 'string' && e['bodySha256'] === undefined && e['messageSha256'] === undefined;
const isHiddenEntry = (e: Record<string, unknown>) =>
  e['body'] === undefined &&
  typeof e['bodySha256'] === 'string' &&
  HEX64.test(e['bodySha256']) &&
  typeof e['messageSha256'] === 'string' &&
  HEX64.test(e['messageSha256']);

/**
 * Checks a proof bundle with nothing but itself (and the checker's trust anchors): the bytes against
 * their hash, each entry against the chain, the chain's end against the signed head, the head against
 * the hub's signature. Stops at the first check that fails and says why.
 */
export async function verifyBundle(
  value: unknown,
  options: VerifyBundleOptions = {},
): Promise<BundleVerdict> {
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
  let head: NonNullable<BundleVerdict['head']> = {
    seq: bundle.head.seq,
    hub: bundle.head.hub,
    signedAt: bundle.head.signedAt,
  };

  const bytes = checkBytes(bundle);
  if (!step('bytes', bytes, `${bundle.message.sizeBytes} bytes, SHA-256 ${bundle.message.sha256}`))
    return done(bytes, head);
  const chain = checkChain(bundle);
  if (!step('chain', chain, `entries ${bundle.chain[0]!.seq}…${head.seq} link up to the head's hash`))
    return done(chain, head);
  const entries = checkEntries(bundle);
  if (!step('entries', entries.failure, entries.note)) return done(entries.failure, head);
  const signature = checkSignature(bundle);
  if (!step('signature', signature, `${bundle.head.algorithm} by ${subjectOf(bundle.head.certificate)}`))
    return done(signature, head);
  let tsaCertificate: string | null = null;
  if (bundle.head.timestampToken !== undefined) {
    const stamp = await checkTimestampToken(
      Buffer.from(bundle.head.timestampToken, 'base64'),
      headPayloadOf(bundle.head),
    );
    const failure: Failure | null =
      'problem' in stamp ? { code: 'EVIDENCE_TIMESTAMP_INVALID', reason: stamp.problem } : null;
    if ('problem' in stamp) {
      step('timestamp', failure, '');
      return done(failure, head);
    }
    tsaCertificate = stamp.tsaCertificate;
    head = { ...head, timestampedAt: stamp.genTime.toISOString() };
    step('timestamp', null, `RFC 3161, ${head.timestampedAt}, by ${subjectOf(stamp.tsaCertificate)}`);
  }
  if (options.trust === undefined) {
    checks.push({ check: 'trust', ok: true, detail: 'not checked: no trust anchors given (--trust)' });
    return done(null, head, false);
  }
  // The time a certificate must have been valid at is one nobody signing could choose: the
  // timestamp's, or without one, now (the head's own signedAt is the signer's word).
  const at = head.timestampedAt ? new Date(head.timestampedAt) : (options.now ?? new Date());
  const trust =
    checkTrust(bundle.head.certificate, at, options.trust, 'hub', bundle.head.hub) ??
    (tsaCertificate === null
      ? null
      : checkTrust(tsaCertificate, at, options.trust, 'timestamping authority'));
  const trusted =
    tsaCertificate === null
      ? 'the hub certificate chains'
      : 'the hub and the timestamping authority certificates chain';
  if (!step('trust', trust, `${trusted} to a trust anchor and were valid when they signed`))
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
      !(isShownEntry(entry) || isHiddenEntry(entry))
    )
      return malformed(
        `chain[${i}] needs seq, prevHash, hash and either body (text) or messageSha256 and bodySha256 (64 hex), not both`,
      );
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
    !ISO_MS.test(h['signedAt']) ||
    !isString(h['algorithm']) ||
    !isString(h['signature']) ||
    !isString(h['certificate']) ||
    (h['timestampToken'] !== undefined && !isString(h['timestampToken']))
  )
    return malformed(
      'head needs hub, seq, hash, signedAt, algorithm, signature and certificate (and timestampToken, if any, as base64)',
    );
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

/** The two digests an entry's hash covers: an entry shown is about the bundle's message. */
function digestsOf(entry: BundleEntry, messageId: string): [Buffer, Buffer] {
  return 'body' in entry
    ? [messageDigest(messageId), bodyDigest(entry.body)]
    : [Buffer.from(entry.messageSha256, 'hex'), Buffer.from(entry.bodySha256, 'hex')];
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
    const expected = entryHash(
      seq,
      Buffer.from(entry.prevHash, 'hex'),
      ...digestsOf(entry, bundle.message.id),
    ).toString('hex');
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

type EntryBody = {
  readonly seq?: unknown;
  readonly message?: unknown;
  readonly type?: unknown;
  readonly data?: { readonly sha256?: unknown; readonly verdict?: unknown; readonly kind?: unknown } | null;
};

/**
 * The entries shown are about the message (each says its own seq), none of the hidden ones is, and
 * the acceptance among them recorded these bytes, this kind and this verdict. Returns the failure,
 * or a note for the check's detail (a verdict not recorded by a hub before the evidence log).
 */
function checkEntries(bundle: EvidenceBundle): { failure: Failure | null; note: string } {
  const mismatch = (reason: string) => ({
    failure: { code: 'EVIDENCE_ENTRY_MISMATCH' as const, reason },
    note: '',
  });
  const ours = messageDigest(bundle.message.id).toString('hex');
  let accepted: EntryBody | null = null;
  let shown = 0;
  for (const entry of bundle.chain) {
    if (!('body' in entry)) {
      if (entry.messageSha256 === ours)
        return mismatch(`entry ${entry.seq} is about the message but its content is hidden`);
      continue;
    }
    let body: EntryBody;
    try {
      body = JSON.parse(entry.body) as EntryBody;
    } catch {
      return mismatch(`entry ${entry.seq} is not JSON`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return mismatch(`entry ${entry.seq} is not a JSON object`);
    if (body.seq !== entry.seq) return mismatch(`entry ${entry.seq} says it is entry ${String(body.seq)}`);
    if (body.message !== bundle.message.id)
      return mismatch(
        `entry ${entry.seq} is about message ${String(body.message)}, not ${bundle.message.id}`,
      );
    shown += 1;
    if (body.type === 'message.accepted') accepted ??= body;
  }
  if (accepted === null) return mismatch('no entry records the acceptance of the message');
  const data = accepted.data ?? {};
  if (data.sha256 !== bundle.message.sha256)
    return mismatch(`the acceptance recorded SHA-256 ${String(data.sha256)}, not ${bundle.message.sha256}`);
  if (data.kind !== undefined && data.kind !== bundle.message.kind)
    return mismatch(`the acceptance recorded a ${String(data.kind)}, not a ${bundle.message.kind}`);
  if (data.verdict === undefined)
    return {
      failure: null,
      note: `${shown} entries about the message; its acceptance recorded no verdict (accepted before the evidence log kept one), so the bundle's verdict is the hub's word only`,
    };
  if (canonical(data.verdict) !== canonical(bundle.verdict))
    return mismatch('the verdict in the bundle is not the verdict recorded at acceptance');
  return {
    failure: null,
    note: `${shown} entries about the message, the acceptance with its verdict among them`,
  };
}

function checkSignature(bundle: EvidenceBundle): Failure | null {
  const problem = headSignatureProblem(bundle.head);
  return problem === null ? null : { code: 'EVIDENCE_HEAD_SIGNATURE', reason: problem };
}

function headPayloadOf(head: BundleHead): Buffer {
  return headPayload({ hubId: head.hub, seq: BigInt(head.seq), hash: head.hash, signedAt: head.signedAt });
}

/** Why a head's signature does not verify with its certificate, or null when it does. */
export function headSignatureProblem(head: BundleHead): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(head.certificate);
  } catch {
    return 'the head certificate cannot be read';
  }
  const payload = headPayloadOf(head);
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

/**
 * Whether a certificate is trusted at `at`: it is one of the trusted certificates (pinned), or one of
 * them that is a CA (basic constraints, valid at `at`) issued it and — when `name` is given — its
 * subject's CN names it (a CA vouches for many; the hub's id says which).
 */
function checkTrust(
  certificatePem: string,
  at: Date,
  trusted: ReadonlyArray<string | Uint8Array>,
  who: string,
  name?: string,
): Failure | null {
  const untrusted = (reason: string): Failure => ({ code: 'EVIDENCE_SIGNER_UNTRUSTED', reason });
  const cert = new X509Certificate(certificatePem);
  const pool: X509Certificate[] = [];
  for (const pem of trusted) {
    try {
      pool.push(new X509Certificate(pem));
    } catch {
      // A file of the trust folder that is not a certificate (a key, a CRL) is not an anchor.
    }
  }
  const validAt = (c: X509Certificate) => new Date(c.validFrom) <= at && at <= new Date(c.validTo);
  if (!validAt(cert)) return untrusted(`the ${who} certificate was not valid at ${at.toISOString()}`);
  if (pool.some((anchor) => anchor.fingerprint256 === cert.fingerprint256)) return null;
  if (
    name !== undefined &&
    !cert.subject.split('\n').some((part) => part.startsWith('CN=') && part.includes(name))
  )
    return untrusted(`the ${who} certificate (${subjectOf(certificatePem)}) does not name ${name} in its CN`);
  // Every certificate given is trusted, CAs included: one that issued this one is enough.
  const issuer = pool.find((c) => c.ca && validAt(c) && cert.checkIssued(c) && cert.verify(c.publicKey));
  if (issuer) return null;
  return untrusted(
    `the ${who} certificate (${subjectOf(certificatePem)}) is not one of the trusted certificates nor issued by a trusted CA`,
  );
}
