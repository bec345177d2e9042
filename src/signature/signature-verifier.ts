// Verification off the event loop. Canonicalization is synchronous and CPU-bound (hundreds of
// milliseconds for a 20 MB package), so the hub verifies in a pool of worker threads behind an async
// interface; the HTTP server's event loop keeps serving while a big package is checked. Small
// packages the direct verifier accepts are the exception: checked in the calling thread (cheaper
// than the hand-over to a worker).
//
// Sources are TypeScript run through tsx. A worker thread inherits no loader hooks, and on Node 20
// `execArgv: ['--import', 'tsx']` is not applied in a worker either (measured, see
// verify-worker-entry.mjs), so the worker's entry is a small JavaScript file that registers tsx and
// then imports the TypeScript task module. That works the same under `npx lienthong` (tsx registered
// by API, nothing in process.execArgv), `node --import tsx`, and vitest.
import { verifyDirect } from './direct/verify-direct.ts';
import { type LoadTrustOptions, loadTrustStore } from './trust-store.ts';
import type { SignatureVerdict, VerifyOptions } from './verdict.ts';
import { verifyEdxmlSignature } from './verify-edxml-signature.ts';
import type { VerifyTask, VerifyWorkerData } from './verify-worker.ts';

export interface SignatureVerifier {
  /** Verifies one package or status; never rejects for bad input (a verdict says what is wrong). */
  verify(bytes: Uint8Array, options: VerifyOptions): Promise<SignatureVerdict>;
  /** Stops the worker threads; pending verifications are rejected. */
  close(): Promise<void>;
}

export interface SignatureVerifierConfig {
  /** Trust files and directories, as for loadTrustStore; each worker loads them. */
  trustPaths: readonly string[];
  /** Worker threads. Default: 1. 0 verifies in the calling thread (tests, one-shot CLI use). */
  threads?: number;
  /**
   * With threads: verify small packages the direct verifier accepts in the calling thread (default
   * true: a server, whose thread has other work between packages). false sends everything to the
   * pool: a batch of files spread over the threads (`lienthong verify --threads N FILE…`).
   */
  inline?: boolean;
  loadOptions?: Pick<LoadTrustOptions, 'allowDisabledProfiles' | 'crlPaths'>;
}

/** Loads the trust store once here (so bad paths fail now, not in a worker), then starts the pool. */
export async function createSignatureVerifier(config: SignatureVerifierConfig): Promise<SignatureVerifier> {
  const store = await loadTrustStore(config.trustPaths, config.loadOptions ?? {});
  const threads = config.threads ?? 1;
  if (threads === 0) {
    return { verify: (bytes, options) => verifyEdxmlSignature(bytes, store, options), close: async () => {} };
  }
  const workerData: VerifyWorkerData = {
    trustPaths: [...config.trustPaths],
    ...(config.loadOptions ? { loadOptions: config.loadOptions } : {}),
  };
  // Loaded only with threads: a one-shot `lienthong verify` in this thread does without it.
  const { Piscina } = await import('piscina');
  const pool = new Piscina({
    filename: new URL('./verify-worker-entry.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData,
    // Loader flags of the parent are useless in a worker (see above) and some test runners' flags are
    // refused there; the entry file does the loading.
    execArgv: [],
  });
  const inPool = (bytes: Uint8Array, options: VerifyOptions) =>
    pool.run({ bytes, options } satisfies VerifyTask, { name: 'verify' }) as Promise<SignatureVerdict>;
  return {
    verify: async (bytes, options) => {
      // A small package inside the narrow profile verifies here, from the bytes, in a fraction of a
      // millisecond: less than handing it to a worker costs. Anything else (and every refusal) goes
      // to the pool, which then skips the direct attempt already made.
      if (config.inline === false || !inlineCandidate(bytes, options)) return inPool(bytes, options);
      return (await verifyDirect(bytes, store, options)) ?? inPool(bytes, { ...options, direct: false });
    },
    close: () => pool.destroy(),
  };
}

/**
 * Largest package verified on the calling thread by the direct verifier (about 0.2 ms per 5 KB):
 * bounds how long one verification holds the event loop.
 */
export const INLINE_MAX_BYTES = 64 * 1024;

function inlineCandidate(bytes: Uint8Array, options: VerifyOptions): boolean {
  return (
    bytes.byteLength <= INLINE_MAX_BYTES &&
    (options.canonicalizer ?? 'fast') === 'fast' &&
    options.direct !== false
  );
}
