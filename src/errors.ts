import { peerCodes } from './adapters/peer/codes.ts';
import { vxpCodes } from './adapters/vxp/codes.ts';
import { webhookCodes } from './adapters/webhook/codes.ts';
import type { CodeInfo, CodeTable } from './core/index.ts';
import { edxmlCodes } from './edxml/codes.ts';
import { evidenceCodes } from './evidence/codes.ts';
import { hubCodes } from './hub/codes.ts';
import { opsCodes } from './ops/codes.ts';
import { queueCodes } from './queue/codes.ts';
import { routingCodes } from './routing/codes.ts';
import { signatureCodes } from './signature/codes.ts';
import { storeCodes } from './store/codes.ts';

/**
 * The one registry of stable error codes: every area's table, merged. A code listed by two areas
 * (XML_FORBIDDEN is found by the codec and by the signature check) must mean the same thing.
 * docs/errors.md is generated from this (scripts/gen-errors-doc.ts) and checked by a test.
 */
export const codeSections: ReadonlyArray<{ readonly area: string; readonly table: CodeTable }> = [
  { area: 'edxml (the codec)', table: edxmlCodes },
  { area: 'signature (XMLDSig, certificates, binding)', table: signatureCodes },
  { area: 'hub (accepting, reading, tracing)', table: hubCodes },
  { area: 'routing (directory and route decisions)', table: routingCodes },
  { area: 'store (database and directory records)', table: storeCodes },
  { area: 'queue (delivery scheduling)', table: queueCodes },
  { area: 'webhook (push delivery)', table: webhookCodes },
  { area: 'peer (hand-overs to other hubs)', table: peerCodes },
  { area: 'vxp (national-axis compatible API)', table: vxpCodes },
  { area: 'ops (operator console and accounts)', table: opsCodes },
  { area: 'evidence (the evidence log and proof bundles)', table: evidenceCodes },
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
