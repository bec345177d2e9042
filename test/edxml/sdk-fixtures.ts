import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; CI clones the repo with `shared/` beside it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sdkDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'vxp-sdk');

export function sdkPath(name: string): string {
  return path.join(sdkDir, name);
}

export function readSdk(name: string): Uint8Array {
  return readFileSync(sdkPath(name));
}
