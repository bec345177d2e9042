// Runs in a worker thread of the signature verifier pool (see signature-verifier.ts). Each worker
// loads the trust store once, from the paths in workerData, and verifies with it.
import { workerData } from 'node:worker_threads';
import { type LoadTrustOptions, loadTrustStore, type TrustStore } from './trust-store.ts';
import type { SignatureVerdict, VerifyOptions } from './verdict.ts';
import { verifyEdxmlSignature } from './verify-edxml-signature.ts';

export interface VerifyTask {
  bytes: Uint8Array;
  options: VerifyOptions;
}

export interface VerifyWorkerData {
  trustPaths: readonly string[];
  loadOptions?: Pick<LoadTrustOptions, 'allowDisabledProfiles' | 'crlPaths'>;
}

let store: Promise<TrustStore> | null = null;

/** The pool's task function (called by name: biome forbids default exports). */
export async function verify(task: VerifyTask): Promise<SignatureVerdict> {
  const data = workerData as VerifyWorkerData;
  store ??= loadTrustStore(data.trustPaths, data.loadOptions ?? {});
  return verifyEdxmlSignature(task.bytes, await store, task.options);
}
