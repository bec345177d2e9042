// A trust profile is a directory of CA certificates shipped with the project (e.g. config/trust/vn)
// plus a profile.json that lists every file with its role and SHA-256. It is off until an operator
// has compared the fingerprints with the official publication and set "enabled": true.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LienthongError } from '../core/index.ts';

export interface TrustProfileEntry {
  /** Path relative to the profile directory, with forward slashes. */
  path: string;
  role: 'anchor' | 'intermediate';
  sha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export interface TrustProfileFile {
  name: string;
  enabled: boolean;
  description?: string;
  entries: TrustProfileEntry[];
}

export interface TrustProfile extends TrustProfileFile {
  sha256Of(relativePath: string): string | undefined;
  roleOf(relativePath: string): 'anchor' | 'intermediate' | undefined;
}

export const PROFILE_FILE = 'profile.json';

/** Reads `<dir>/profile.json`, or returns null when the directory is not a profile. */
export function readTrustProfile(dir: string): TrustProfile | null {
  const file = join(dir, PROFILE_FILE);
  if (!existsSync(file)) return null;
  let parsed: TrustProfileFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as TrustProfileFile;
  } catch (cause) {
    throw new LienthongError('TRUST_STORE_INVALID', `${file} is not valid JSON.`, { where: file, cause });
  }
  if (typeof parsed.name !== 'string' || !Array.isArray(parsed.entries)) {
    throw new LienthongError('TRUST_STORE_INVALID', `${file} lacks "name" or "entries".`, { where: file });
  }
  const byPath = new Map(parsed.entries.map((e) => [e.path, e]));
  const key = (p: string) => p.split('\\').join('/');
  return {
    ...parsed,
    enabled: parsed.enabled === true,
    sha256Of: (p) => byPath.get(key(p))?.sha256,
    roleOf: (p) => byPath.get(key(p))?.role,
  };
}
