// Verification off the event loop. Canonicalization is synchronous and CPU-bound (hundreds of
// milliseconds for a 20 MB package), so the hub verifies in a pool of worker threads behind an async
// interface; the HTTP server's event loop keeps serving while a big package is checked.
//
// Sources are TypeScript run through tsx. A worker thread inherits no loader hooks, and on Node 20
// `execArgv: ['--import', 'tsx']` is not applied in a worker either (measured, see
// verify-worker-entry.mjs), so the worker's entry is a small JavaScript file that registers tsx and
// then imports the TypeScript task module. That works the same under `npx lienthong` (tsx registered
// by API, nothing in process.execArgv), `node --import tsx`, and vitest.
import { Piscina } from 'piscina';
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
  return {
    verify: (bytes, options) =>
      pool.run({ bytes, options } satisfies VerifyTask, { name: 'verify' }) as Promise<SignatureVerdict>,
    close: () => pool.destroy(),
  };
}
