import { readFile } from 'node:fs/promises';
import { isLienthongError } from '../../core/index.ts';
import type { SignatureVerdict, SignatureVerifier } from '../../signature/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface VerifyFlags {
  trust?: string[];
  crl?: string[];
  allowSha1?: boolean;
  at?: string;
  staleCrl?: string;
  requireRevocation?: boolean;
  threads?: string;
}

const HELP = `
Prints the verdict as one JSON object: { valid, code, signer, algorithm, findings }.
code is one of OK, SIGNATURE_MISSING, SIGNATURE_INVALID, SIGNATURE_SCOPE, ALGORITHM_REJECTED,
CERT_UNTRUSTED, CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_USAGE, CERT_REVOKED, XML_FORBIDDEN, XML_MALFORMED.
--trust takes a PEM/DER file or a directory of them (self-signed CAs become anchors, other
certificates chain-building aids, *.crl / *.crl.pem files CRLs). A trust profile such as
config/trust/vn must be enabled first (see docs/trust-vn.md).

Exit codes: 0 valid, 1 not valid, 2 usage (missing --trust, unreadable file, bad --at, trust load error).
`;

/** `lienthong verify FILE --trust PATH …`: checks the XML signature of an edXML package or status. */
export const registerVerify: CommandRegistrar = (program, ctx) => {
  program
    .command('verify')
    .description('verify the XML signature of an edXML package or status against a trust store')
    .argument('<file>', 'the .edxml file')
    .option(
      '--trust <path>',
      'trust anchors and CA certificates: a PEM/DER file or a directory (repeatable)',
      collect,
    )
    .option('--crl <file>', 'a CRL file, PEM or DER (repeatable)', collect)
    .option('--allow-sha1', 'accept legacy RSA-SHA1 / SHA-1 digests and SHA-1 certificate chains')
    .option('--at <iso-time>', 'judge certificate validity at this time (default: now)')
    .option('--stale-crl <policy>', 'a CRL past its nextUpdate: accept (warning) or reject', 'accept')
    .option('--require-revocation', 'refuse certificates without revocation information')
    .option('--threads <n>', 'verify in n worker threads (default 0: in this thread)', '0')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: VerifyFlags) => {
      await runVerify(ctx, file, flags);
    });
};

async function runVerify(ctx: CliContext, file: string, flags: VerifyFlags): Promise<void> {
  const usage = (message: string) => reportUsage(ctx, message);
  const refusal = (code: string, message: string) => {
    ctx.err(`error ${code}: ${message}\n`);
    ctx.exitCode = EXIT.usage;
  };
  if (!flags.trust?.length) return usage('--trust PATH is required (a PEM/DER file or a directory)');
  const at = flags.at === undefined ? new Date() : new Date(flags.at);
  if (Number.isNaN(at.getTime())) return usage(`--at "${flags.at}" is not an ISO 8601 time`);
  if (flags.staleCrl !== 'accept' && flags.staleCrl !== 'reject')
    return usage('--stale-crl is accept or reject');
  const threads = Number(flags.threads);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64)
    return usage('--threads is a whole number from 0 to 64');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return usage(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const { createSignatureVerifier } = await import('../../signature/index.ts');
  let verifier: SignatureVerifier;
  try {
    verifier = await createSignatureVerifier({
      trustPaths: flags.trust,
      threads,
      ...(flags.crl?.length ? { loadOptions: { crlPaths: flags.crl } } : {}),
    });
  } catch (error) {
    if (isLienthongError(error)) return refusal(error.code, error.message);
    throw error;
  }
  let verdict: SignatureVerdict;
  try {
    verdict = await verifier.verify(bytes, {
      at,
      allowSha1: flags.allowSha1 === true,
      staleCrl: flags.staleCrl,
      requireRevocation: flags.requireRevocation === true,
    });
  } finally {
    await verifier.close();
  }
  ctx.out(`${JSON.stringify(verdict, null, 2)}\n`);
  ctx.exitCode = verdict.valid ? EXIT.ok : EXIT.negative;
}
