import { readFile } from 'node:fs/promises';
import { hasError, isLienthongError } from '../../core/index.ts';
import type { MessageSummary, ParseOptions } from '../../edxml/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';

const MODEL_HELP = `
The JSON model (FILE.json) is the codec's typed model; values are strings unless noted.

  Package:
  {
    "kind": "package",
    "header": {
      "from": { "organId": "000.00.00.G22", "organName": "Văn phòng Chính phủ", "organizationInCharge", "organAdd",
                "email", "telephone", "fax", "website" },
      "to": [ { "organId": "000.00.00.H29", ...same fields as from } ],          (1..n)
      "documentId": "000.00.00.G22,2025/07/01,12/VPCP-TTĐT",
      "code": { "codeNumber": "12", "codeNotation": "VPCP-TTĐT" },
      "promulgationInfo": { "place": "Hà Nội", "promulgationDate": "2025/07/01" },
      "documentType": { "type": "1", "typeDetail": "0", "typeName": "Công văn" },
      "subject": "…", "content": "…",
      "signerInfo": { "competence", "position", "fullName" },
      "dueDate": "2025/07/15",
      "toPlaces": [ "…" ],
      "otherInfo": { "priority": 0 (number 0–4), "sphereOfPromulgation", "typerNotation", "promulgationAmount",
                     "pageAmount", "direction", "appendixes": [ "…" ] },
      "steeringType": "0",
      "responseFor": [ { "organId", "code", "promulgationDate", "documentId" } ]
    },
    "traceHeaders": [ { "organId": "000.00.00.G22", "timestamp": "2025/07/01 08:30:00" } ],
    "business": { "documentId", "docType": 0 (number 0–3), "docReason", "paper": "0",
                  "documentInfo": { "documentInfo", "documentReceiver", "receivers": [ { "organId", "receiverType" } ] },
                  "replacements": [ { "documentId", "organIds": [ "…" ] } ],
                  "staffInfo": { "department", "staff", "mobile", "email" } },
    "manifest": { "version": "1.0", "references": [ { "contentId", "contentType", "description", "attachmentName" } ] },
    "attachments": [ { "contentId": "cid:1", "attachmentName": "a.pdf", "contentType": "application/pdf",
                       "description": "…", "base64": "JVBERi0…" } ]
  }
  "manifest" may be left out: it is then made from the attachments. Optional fields may be left out.

  Status package:
  { "kind": "status", "from": { "organId", … }, "responseFor": { "organId", "code", "promulgationDate", "documentId" },
    "staffInfo": { … }, "statusCode": "01" (01 02 03 04 05 06 13 15 16), "description": "…",
    "timestamp": "2025/07/01 09:00:00", "traceHeaders": [ … ] }

Exit codes: 0 written, 1 the model has errors (findings on stderr as JSON), 2 usage (unreadable file or JSON).
`;

/** The one JSON object `edxml inspect` prints. */
function inspection(summary: MessageSummary | null, kind: string | null, findings: readonly unknown[]) {
  return {
    kind: summary?.kind ?? kind,
    documentId: summary?.documentId ?? null,
    from: summary?.fromOrganId ?? null,
    to: summary?.toOrganIds ?? [],
    businessType: summary?.businessType ?? null,
    priority: summary?.priority ?? null,
    statusCode: summary?.statusCode ?? null,
    attachments: summary?.attachments ?? [],
    findings,
  };
}

async function readInput(ctx: CliContext, file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    reportUsage(ctx, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    return null;
  }
}

function parseLimit(ctx: CliContext, value: string | undefined, name: string): number | undefined | null {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
  reportUsage(ctx, `${name} must be a positive integer`);
  return null;
}

/** `lienthong edxml inspect|build`: the codec at a terminal, no hub needed. */
export const registerEdxml: CommandRegistrar = (program, ctx) => {
  const edxml = program.command('edxml').description('read, check and write edXML packages (offline)');

  edxml
    .command('inspect')
    .description('parse and validate an edXML package or status package; print one JSON object')
    .argument('<file>', 'the .edxml file')
    .option('--strict', 'length limits, unknown elements and other warnings become errors')
    .option('--max-bytes <n>', 'largest package accepted, in bytes (default 64 MiB)')
    .addHelpText('after', '\nExit codes: 0 no error finding, 1 an error finding, 2 usage (missing file).\n')
    .action(async (file: string, options: { strict?: boolean; maxBytes?: string }) => {
      const maxBytes = parseLimit(ctx, options.maxBytes, '--max-bytes');
      if (maxBytes === null) return;
      const bytes = await readInput(ctx, file);
      if (!bytes) return;
      const parseOptions: ParseOptions = {
        strict: options.strict === true,
        ...(maxBytes ? { maxBytes } : {}),
      };
      const { inspectEdxml, summarize } = await import('../../edxml/index.ts');
      const { kind, message, findings } = inspectEdxml(bytes, parseOptions);
      ctx.out(
        `${JSON.stringify(inspection(message ? summarize(message) : null, kind, findings), null, 2)}\n`,
      );
      ctx.exitCode = hasError(findings) ? EXIT.negative : EXIT.ok;
    });

  edxml
    .command('build')
    .description('write edXML (unsigned) to stdout from a JSON model')
    .argument('<file>', 'the JSON model, shape below')
    .option('--strict', 'refuse on warnings too (length limits, …)')
    .addHelpText('after', MODEL_HELP)
    .action(async (file: string, options: { strict?: boolean }) => {
      const bytes = await readInput(ctx, file);
      if (!bytes) return;
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        reportUsage(ctx, `${file} is not JSON`);
        return;
      }
      const { buildEdxml, messageFromJson, validateEdxml } = await import('../../edxml/index.ts');
      const model = messageFromJson(json);
      const findings = model.ok
        ? validateEdxml(model.message, { strict: options.strict === true })
        : model.findings;
      if (findings.length > 0) ctx.err(`${JSON.stringify({ findings }, null, 2)}\n`);
      if (!model.ok || hasError(findings)) {
        ctx.exitCode = EXIT.negative;
        return;
      }
      try {
        ctx.out(buildEdxml(model.message));
        ctx.exitCode = EXIT.ok;
      } catch (error) {
        if (!isLienthongError(error)) throw error;
        const finding = { code: error.code, severity: 'error', path: '$', message: error.message };
        ctx.err(`${JSON.stringify({ findings: [finding] }, null, 2)}\n`);
        ctx.exitCode = EXIT.negative;
      }
    });
};
