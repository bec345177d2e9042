import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The SDK's sample packages (test/fixtures/README.md says where they come from). */
export const sdkDir = path.resolve(repoRoot, 'test', 'fixtures', 'vxp-sdk');

export function sdkPath(name: string): string {
  return path.join(sdkDir, name);
}

export function readSdk(name: string): Uint8Array {
  return readFileSync(sdkPath(name));
}
