import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VXP_ERROR_FAMILIES, vxpCodes } from '../../../src/adapters/vxp/index.ts';
import { repoRoot } from './fixtures.ts';

// The VXP edge and the hub's VXP service (and the accept check of the declared messagetype).
const srcDirs = [path.join(repoRoot, 'src', 'adapters', 'vxp'), path.join(repoRoot, 'src', 'hub')];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('VXP code registry', () => {
  const files = srcDirs
    .flatMap(sources)
    .filter((f) => !f.endsWith('codes.ts') && !f.endsWith('error-code-map.ts'));
  const used = new Set(
    files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(VXP_[A-Z_]+)'/g)].map((m) => m[1])),
  );

  it('lists every VXP_ code the adapter produces, and produces every listed code', () => {
    expect([...used].sort()).toEqual(Object.keys(vxpCodes).sort());
  });

  it('gives every code a meaning, an action and an HTTP equivalent', () => {
    for (const [code, info] of Object.entries(vxpCodes)) {
      expect(info.meaning.length, code).toBeGreaterThan(10);
      expect(info.action.length, code).toBeGreaterThan(10);
      expect(info.http, code).toBeGreaterThanOrEqual(400);
    }
  });

  it('documents every ErrorCode family in docs/vxp.md', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'vxp.md'), 'utf8');
    for (const family of Object.values(VXP_ERROR_FAMILIES)) {
      expect(doc, family).toMatch(new RegExp(`^\\| \`${family}\` \\|`, 'm'));
    }
  });
});
