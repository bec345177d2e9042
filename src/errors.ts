import type { CodeInfo, CodeTable } from './core/index.ts';
import { hubCodes } from './hub/codes.ts';

/**
 * The one registry of stable error codes: every area's table, merged. A code listed by two areas
 * (XML_FORBIDDEN is found by the codec and by the signature check) must mean the same thing.
 * docs/errors.md is generated from this (scripts/gen-errors-doc.ts) and checked by a test.
 */
export const codeSections: ReadonlyArray<{ readonly area: string; readonly table: CodeTable }> = [
  { area: 'hub', table: hubCodes },
];

function merge(): Readonly<Record<string, CodeInfo & { area: string }>> {
  const merged: Record<string, CodeInfo & { area: string }> = {};
  for (const { area, table } of codeSections) {
    for (const [code, info] of Object.entries(table)) {
      merged[code] ??= { ...info, area };
    }
  }
  return Object.freeze(merged);
}

/** Every code the hub can answer with, with its HTTP status, meaning and advice. */
export const codes = merge();
