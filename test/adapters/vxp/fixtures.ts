import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/adapters/vxp/fixtures.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The SDK sample packages, shared read-only beside the repository (see their README.md). */
export const sdkFixtureDir = path.resolve(repoRoot, 'test', 'fixtures', 'vxp-sdk');

export function sdkFixturePath(name: string): string {
  return path.join(sdkFixtureDir, name);
}

export function readSdkFixture(name: string): Buffer {
  return readFileSync(sdkFixturePath(name));
}
