import { randomBytes, X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isUuid } from '../core/index.ts';
import { type HubResult, refuse } from '../hub/hub-failure.ts';
import {
  appendEvidenceEntries,
  countSkippedEvents,
  type Db,
  databaseOptionsFromEnv,
  type EvidenceEntryRecord,
  type EvidenceHeadRecord,
  eventsByIds,
  evidenceEntries,
  evidenceSpanOfMessage,
  findEvidenceHead,
  getMessage,
  getMessageRaw,
  getStoredEvidenceSigner,
  hubIdOf,
  insertEvidenceHead,
  lastEvidenceEntry,
  listEvidenceHeads,
  lockEvidenceChain,
  type PendingEvent,
  pendingEvents,
  storeEvidenceSigner,
  withDatabase,
  xactHorizon,
} from '../store/index.ts';
import { BUNDLE_FORMAT, type BundleEntry, type BundleHead, type EvidenceBundle } from './bundle.ts';
import { bodyDigest, entryHash, GENESIS_HASH, headPayload, messageDigest } from './entry-hash.ts';
import { type EvidenceSigner, evidenceSignerFromPem, generateEvidenceSigner } from './evidence-signer.ts';
import { requestTimestamp } from './timestamp.ts';
import { headSignatureProblem } from './verify-bundle.ts';

export interface EvidenceServiceOptions {
  readonly db: Db;
  /** This hub's id; null: the one kept in the database (made at the hub's first start). */
  readonly hubId: string | null;
  readonly now: () => Date;
  /** The configured signing key (LIENTHONG_EVIDENCE_KEY/_CERT); absent: the one stored in the database, made once. */
  readonly signer?: EvidenceSigner | undefined;
  /** An RFC 3161 timestamping authority for each signed head (LIENTHONG_TSA_URL); absent: none. */
  readonly tsaUrl?: string | null | undefined;
}

/** What `evidence verify-log` reports. */
export interface LogCheck {
  readonly valid: boolean;
  readonly code: 'OK' | 'EVIDENCE_LOG_BROKEN';
  readonly reason: string;
  readonly entries: number;
  readonly heads: number;
  readonly lastSeq: string | null;
  /** Events written but not chained yet (transactions still running, or the keeper behind). */
  readonly pending: boolean;
  /**
   * The certificates that signed heads (subject and SHA-256): one the operator does not know is a
   * head signed by someone else, whose signature checks only against itself.
   */
  readonly signers: ReadonlyArray<{ readonly subject: string; readonly sha256: string }>;
}

/** A signed head, as the CLI prints it. */
export interface HeadSummary {
  readonly seq: string;
  readonly hash: string;
  readonly hub: string;
  readonly signedAt: string;
  readonly algorithm: string;
  /** Whether an RFC 3161 timestamp is kept with the head. */
  readonly timestamped: boolean;
  /** Why a configured timestamping authority gave none (EVIDENCE_TSA_FAILED), when it did not. */
  readonly timestampProblem?: string;
}

export interface EvidenceService {
  /**
   * Chains the events whose transactions have ended, up to the oldest transaction still running
   * (in the whole Postgres cluster: xids are shared by its databases); how many entries it added.
   */
  chainPending(): Promise<number>;
  /**
   * Chains every event of the transactions that ended before this call, waiting (a few seconds at
   * most) for older transactions still running to end; how many entries it added.
   */
  chainUntilNow(): Promise<number>;
  /** Chains what is pending and signs the chain's head unless it is signed already; null when the log is empty. */
  signHead(): Promise<HeadSummary | null>;
  /** The proof bundle of one message, up to a signed head (signed now when none covers it yet). */
  exportBundle(messageId: string): Promise<HubResult<EvidenceBundle>>;
  /** Walks the whole chain and every signed head in the database. */
  verifyLog(): Promise<LogCheck>;
}

const BATCH = 500;
/** How long chainUntilNow waits for transactions that were running when it started. */
const CATCH_UP_MS = 5_000;

/** The JSON text of an event's entry: fixed field order, hashed exactly as written. */
function entryBody(seq: bigint, event: PendingEvent): string {
  return JSON.stringify({
    seq: seq.toString(),
    event: event.id,
    at: event.at.toISOString(),
    type: event.type,
    actor: event.actor,
    message: event.messageId,
    delivery: event.deliveryId,
    node: event.nodeId,
    organ: event.organId,
    document: event.documentId,
    data: event.data ?? {},
  });
}

function toBundleHead(head: EvidenceHeadRecord): BundleHead {
  return {
    hub: head.hubId,
    seq: head.seq.toString(),
    hash: head.hash.toString('hex'),
    signedAt: head.signedAt.toISOString(),
    algorithm: head.algorithm,
    signature: head.signature.toString('base64'),
    certificate: head.certificate,
    ...(head.timestampToken ? { timestampToken: head.timestampToken.toString('base64') } : {}),
  };
}

function certificateSummary(pem: string): { readonly subject: string; readonly sha256: string } {
  try {
    const cert = new X509Certificate(pem);
    return {
      subject: cert.subject.replace(/\n/g, ', '),
      sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    };
  } catch {
    return { subject: '(unreadable certificate)', sha256: '' };
  }
}

function summary(head: EvidenceHeadRecord, timestampProblem?: string): HeadSummary {
  return {
    seq: head.seq.toString(),
    hash: head.hash.toString('hex'),
    hub: head.hubId,
    signedAt: head.signedAt.toISOString(),
    algorithm: head.algorithm,
    timestamped: head.timestampToken !== null,
    ...(timestampProblem ? { timestampProblem } : {}),
  };
}

export function createEvidenceService(options: EvidenceServiceOptions): EvidenceService {
  const { db, now } = options;
  let signer: EvidenceSigner | null = options.signer ?? null;
  let hubId = options.hubId;
  const getHubId = async (): Promise<string> => {
    hubId ??= await hubIdOf(db, () => `hub-${randomBytes(5).toString('hex')}`, now());
    return hubId;
  };

  const getSigner = async (): Promise<EvidenceSigner> => {
    if (signer) return signer;
    const pem =
      (await getStoredEvidenceSigner(db)) ??
      (await storeEvidenceSigner(db, {
        ...(await generateEvidenceSigner(await getHubId(), now())),
        at: now(),
      }));
    signer = evidenceSignerFromPem(pem.keyPem, pem.certificatePem);
    return signer;
  };

  /** One batch in one transaction under the chain's lock; how many entries it added. */
  const chainBatch = (): Promise<number> =>
    db.tx(async (tx) => {
      await lockEvidenceChain(tx);
      const last = await lastEvidenceEntry(tx);
      const events = await pendingEvents(
        tx,
        last ? { xactId: last.eventXactId, id: last.eventId } : null,
        BATCH,
      );
      let seq = last?.seq ?? 0n;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const entries: EvidenceEntryRecord[] = events.map((event) => {
        seq += 1n;
        const body = entryBody(seq, event);
        const hash = entryHash(seq, prevHash, messageDigest(event.messageId), bodyDigest(body));
        const entry = { seq, eventId: event.id, messageId: event.messageId, prevHash, hash, body };
        prevHash = hash;
        return entry;
      });
      await appendEvidenceEntries(tx, entries);
      return entries.length;
    });

  const chainPending = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const added = await chainBatch();
      total += added;
      if (added < BATCH) return total;
    }
  };

  const chainUntilNow = async (): Promise<number> => {
    const { xmax: started } = await xactHorizon(db);
    const deadline = Date.now() + CATCH_UP_MS;
    let total = 0;
    for (;;) {
      const { xmin } = await xactHorizon(db);
      total += await chainPending();
      if (xmin >= started || Date.now() > deadline) return total;
      await sleep(25);
    }
  };

  /** Signs the chain's last entry as it is now (callers chain first). */
  const signLast = async (): Promise<HeadSummary | null> => {
    const key = await getSigner();
    const hub = await getHubId();
    const last = await lastEvidenceEntry(db);
    if (last === null) return null;
    const signed = await findEvidenceHead(db, last.seq);
    if (signed?.seq === last.seq) return summary(signed);
    // Signed (and timestamped) outside the chain's lock: a slow authority must not hold up chaining.
    // The head names entry `last.seq`, which later entries never change.
    const signedAt = now();
    const payload = headPayload({
      hubId: hub,
      seq: last.seq,
      hash: last.hash.toString('hex'),
      signedAt: signedAt.toISOString(),
    });
    let timestampToken: Buffer | null = null;
    let timestampProblem: string | undefined;
    if (options.tsaUrl) {
      try {
        timestampToken = await requestTimestamp(options.tsaUrl, payload);
      } catch (error) {
        timestampProblem = (error as Error).message;
      }
    }
    const head: EvidenceHeadRecord = {
      seq: last.seq,
      hash: last.hash,
      hubId: hub,
      signedAt,
      algorithm: key.algorithm,
      signature: key.sign(payload),
      certificate: key.certificatePem,
      timestampToken,
    };
    const recorded = await insertEvidenceHead(db, head);
    return summary(recorded, recorded.signature.equals(head.signature) ? timestampProblem : undefined);
  };

  const signHead = async (): Promise<HeadSummary | null> => {
    await chainUntilNow();
    return signLast();
  };

  const exportBundle = async (messageId: string): Promise<HubResult<EvidenceBundle>> => {
    const message = isUuid(messageId) ? await getMessage(db, messageId) : null;
    if (!message) return refuse('MESSAGE_NOT_FOUND', `No message ${messageId} on this hub.`);
    // Whatever happened to the message up to now goes in.
    await chainUntilNow();
    const span = await evidenceSpanOfMessage(db, messageId);
    if (span === null)
      return refuse('EVIDENCE_NOT_CHAINED', `Message ${messageId} has no entry in the evidence log yet.`);
    let head = await findEvidenceHead(db, span.last);
    if (head === null) {
      await signLast(); // the chain was brought up to now above
      head = await findEvidenceHead(db, span.last);
    }
    if (head === null) return refuse('EVIDENCE_NOT_CHAINED', 'The evidence log has no signed head.');
    const raw = await getMessageRaw(db, messageId);
    if (raw === null)
      return refuse('MESSAGE_NOT_FOUND', `The bytes of message ${messageId} are not on this hub.`);
    const chain: BundleEntry[] = (await evidenceEntries(db, span.first, head.seq)).map((e) => {
      const link = {
        seq: e.seq.toString(),
        prevHash: e.prevHash.toString('hex'),
        hash: e.hash.toString('hex'),
      };
      return e.messageId === messageId
        ? { ...link, body: e.body }
        : {
            ...link,
            messageSha256: messageDigest(e.messageId).toString('hex'),
            bodySha256: bodyDigest(e.body).toString('hex'),
          };
    });
    return {
      ok: true,
      value: {
        format: BUNDLE_FORMAT,
        exportedAt: now().toISOString(),
        message: {
          id: message.id,
          kind: message.kind,
          sha256: message.sha256,
          sizeBytes: message.sizeBytes,
          bytes: raw.toString('base64'),
        },
        verdict: message.verdict,
        chain,
        head: toBundleHead(head),
      },
    };
  };

  const verifyLog = async (): Promise<LogCheck> => {
    const heads = new Map((await listEvidenceHeads(db)).map((h) => [h.seq, h]));
    const last = await lastEvidenceEntry(db);
    const pending =
      (await pendingEvents(db, last ? { xactId: last.eventXactId, id: last.eventId } : null, 1)).length > 0;
    let count = 0;
    let prevHash: Buffer = GENESIS_HASH;
    const signers = [...new Set([...heads.values()].map((h) => h.certificate))].map(certificateSummary);
    const broken = (reason: string): LogCheck => ({
      valid: false,
      code: 'EVIDENCE_LOG_BROKEN',
      reason,
      entries: count,
      heads: heads.size,
      lastSeq: last?.seq.toString() ?? null,
      pending,
      signers,
    });
    const end = last?.seq ?? 0n;
    for (let from = 1n; from <= end; from += 5000n) {
      const batch = await evidenceEntries(db, from, from + 4999n);
      const events = await eventsByIds(
        db,
        batch.map((e) => e.eventId),
      );
      for (const entry of batch) {
        const expectedSeq = BigInt(count) + 1n;
        if (entry.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
        if (!entry.prevHash.equals(prevHash))
          return broken(`entry ${entry.seq} does not carry the hash of the entry before it`);
        if (
          !entryHash(
            entry.seq,
            entry.prevHash,
            messageDigest(entry.messageId),
            bodyDigest(entry.body),
          ).equals(entry.hash)
        )
          return broken(`entry ${entry.seq} does not hash to its recorded hash (its content was changed)`);
        // The entry says what its event says: a rewritten body with a hash made to fit is found here.
        const event = events.get(entry.eventId);
        if (!event)
          return broken(`entry ${entry.seq} names event ${entry.eventId}, which is not in the events`);
        if (entry.body !== entryBody(entry.seq, event) || entry.messageId !== event.messageId)
          return broken(`entry ${entry.seq} does not say what event ${entry.eventId} says`);
        const head = heads.get(entry.seq);
        if (head) {
          if (!head.hash.equals(entry.hash))
            return broken(`the signed head at entry ${entry.seq} names another hash`);
          const signature = headSignatureProblem(toBundleHead(head));
          if (signature) return broken(`the signed head at entry ${entry.seq}: ${signature}`);
        }
        prevHash = entry.hash;
        count += 1;
      }
    }
    for (const seq of heads.keys())
      if (seq > end) return broken(`a signed head names entry ${seq}, past the end of the log`);
    if (last) {
      const skipped = await countSkippedEvents(db, { xactId: last.eventXactId, id: last.eventId });
      if (skipped > 0) return broken(`${skipped} events before the chain's last entry have no entry`);
    }
    return {
      valid: true,
      code: 'OK',
      reason: `${count} entries and ${heads.size} signed heads check`,
      entries: count,
      heads: heads.size,
      lastSeq: last?.seq.toString() ?? null,
      pending,
      signers,
    };
  };

  return { chainPending, chainUntilNow, signHead, exportBundle, verifyLog };
}

/**
 * Runs `fn` with the evidence service over the database that DATABASE_URL / LIENTHONG_DATA_DIR select
 * (the CLI's `lienthong evidence …`), and closes it afterwards.
 */
export function withEvidence<T>(
  env: NodeJS.ProcessEnv,
  settings: Pick<EvidenceServiceOptions, 'hubId' | 'signer' | 'tsaUrl'>,
  fn: (evidence: EvidenceService) => Promise<T>,
): Promise<T> {
  return withDatabase(databaseOptionsFromEnv(env), ({ db }) =>
    fn(createEvidenceService({ db, now: () => new Date(), ...settings })),
  );
}
