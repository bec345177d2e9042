import { existsSync, readFileSync } from 'node:fs';
import { directoryFormatOf, parseDirectoryFile } from '../routing/index.ts';
import { type Db, importDirectory, issueMissingTokens, listOrganizations } from '../store/index.ts';

/** What a first start did: the directory file loaded and the nodes' new tokens (shown once). */
export interface FirstStart {
  readonly directory: string;
  readonly tokens: ReadonlyArray<{ nodeId: string; token: string }>;
}

/**
 * Loads a directory file into an empty directory and issues a token to each of its nodes; null
 * when the directory already has organizations, or when there is no such file (`onMissing` says
 * so). A file with errors throws: a hub must not start half-configured.
 */
export async function loadDirectoryIfEmpty(
  db: Db,
  file: string,
  audit: { readonly at: Date; readonly actor: string },
  onMissing: (file: string) => void,
): Promise<FirstStart | null> {
  if ((await listOrganizations(db)).length > 0) return null;
  const format = directoryFormatOf(file);
  if (!format || !existsSync(file)) {
    onMissing(file);
    return null;
  }
  const parsed = parseDirectoryFile(readFileSync(file, 'utf8'), format);
  if (!parsed.ok) {
    throw new Error(`${file}: ${parsed.findings.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
  }
  await importDirectory(db, parsed.file, audit);
  const tokens = await issueMissingTokens(db, audit);
  return { directory: file, tokens };
}
