/** The formats a directory file comes in; apart from the parsers so the CLI can check a flag cheaply. */
export type DirectoryFormat = 'yaml' | 'csv';

/** The format a file name implies (.yaml/.yml/.csv), or null. */
export function directoryFormatOf(fileName: string): DirectoryFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}
