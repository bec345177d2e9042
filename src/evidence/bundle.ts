/**
 * The proof bundle (`lienthong evidence export`): one JSON document, format
 * `lienthong-evidence-bundle/1`, described in docs/evidence.md. Everything a third party needs to
 * check one message offline: its bytes, the verdict the hub gave, the chain segment from the
 * message's first entry to a signed head, and the hub's certificate.
 */
export const BUNDLE_FORMAT = 'lienthong-evidence-bundle/1';

/** An entry of the segment: about the message (its body shown), or another one (only its digest). */
export type BundleEntry =
  | {
      readonly seq: string;
      readonly prevHash: string;
      readonly hash: string;
      /** The entry's JSON text, exactly as hashed. */
      readonly body: string;
    }
  | {
      readonly seq: string;
      readonly prevHash: string;
      readonly hash: string;
      /** SHA-256 of the message id of an entry about something else (of '' when about no message). */
      readonly messageSha256: string;
      /** SHA-256 of that entry's body, which this bundle does not show. */
      readonly bodySha256: string;
    };

export interface BundleHead {
  readonly hub: string;
  readonly seq: string;
  readonly hash: string;
  readonly signedAt: string;
  readonly algorithm: string;
  /** Base64 of the signature over the head payload (entry-hash.ts, headPayload). */
  readonly signature: string;
  /** The hub's certificate, PEM. */
  readonly certificate: string;
  /**
   * Base64 of an RFC 3161 timestamp token (CMS SignedData, DER) over SHA-256 of the head payload,
   * when the hub had a timestamping authority (LIENTHONG_TSA_URL).
   */
  readonly timestampToken?: string;
}

export interface EvidenceBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly exportedAt: string;
  readonly message: {
    readonly id: string;
    readonly kind: string;
    readonly sha256: string;
    readonly sizeBytes: number;
    /** Base64 of the exact bytes the hub accepted. */
    readonly bytes: string;
  };
  /** The verdict the hub gave when it accepted the bytes. */
  readonly verdict: unknown;
  /** Entries from the message's first to the head, in seq order, without gaps. */
  readonly chain: readonly BundleEntry[];
  readonly head: BundleHead;
}
