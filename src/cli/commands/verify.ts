import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isLienthongError } from '../../core/index.ts';
import type { SignatureVerifier } from '../../signature/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage, USAGE_CODE } from '../cli-context.ts';

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
Prints the verdict as one JSON object: { valid, code, signer, algorithm, findings }. With more than
one file (or a directory), prints one JSON line per file instead: { file, valid, code, … }, or
{ file, error: { code, message } } for a file that cannot be read; a folder of archived packages is
checked in one process.
code is one of OK, SIGNATURE_MISSING, SIGNATURE_INVALID, SIGNATURE_SCOPE, ALGORITHM_REJECTED,
CERT_UNTRUSTED, CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_USAGE, CERT_REVOKED, XML_FORBIDDEN, XML_MALFORMED.
--trust takes a PEM/DER file or a directory of them (self-signed CAs become anchors, other
certificates chain-building aids, *.crl / *.crl.pem files CRLs). A trust profile such as
config/trust/vn must be enabled first (see docs/trust-vn.md).

Exit codes: 0 valid (every file), 1 not valid (one or more), 2 usage (missing --trust, unreadable
file, bad --at, trust load error).
`;

/** `lienthong verify FILE --trust PATH …`: checks the XML signature of an edXML package or status. */
export const registerVerify: CommandRegistrar = (program, ctx) => {
  program
    .command('verify')
    .description('verify the XML signature of an edXML package or status against a trust store')
    .argument('<files...>', 'the .edxml files, or directories of them (every file directly inside)')
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
    .action(async (files: string[], flags: VerifyFlags) => {
      await runVerify(ctx, files, flags);
    });
};

async function runVerify(ctx: CliContext, args: readonly string[], flags: VerifyFlags): Promise<void> {
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
  const files = await expandFiles(args);
  if (!files.ok) return usage(files.message);
  // One file: its bytes are read before the trust store, so a wrong path is a usage error at once.
  let single: Uint8Array | null = null;
  if (files.paths.length === 1) {
    const file = files.paths[0] as string;
    try {
      single = await readFile(file);
    } catch (error) {
      return usage(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  // The leaf module, not the signature index: that one also loads the signer and the XML signature
  // library, which a batch of valid small packages never needs (0.3 s of start-up).
  const { createSignatureVerifier } = await import('../../signature/signature-verifier.ts');
  let verifier: SignatureVerifier;
  try {
    verifier = await createSignatureVerifier({
      trustPaths: flags.trust,
      threads,
      // Files are the only work here: with threads, all of them go to the pool, spread over the threads.
      inline: false,
      ...(flags.crl?.length ? { loadOptions: { crlPaths: flags.crl } } : {}),
    });
  } catch (error) {
    if (isLienthongError(error)) return refusal(error.code, error.message);
    throw error;
  }
  const options = {
    at,
    allowSha1: flags.allowSha1 === true,
    staleCrl: flags.staleCrl,
    requireRevocation: flags.requireRevocation === true,
  } as const;
  try {
    if (single !== null) {
      const verdict = await verifier.verify(single, options);
      ctx.out(`${JSON.stringify(verdict, null, 2)}\n`);
      ctx.exitCode = verdict.valid ? EXIT.ok : EXIT.negative;
      return;
    }
    ctx.exitCode = await verifyMany(ctx, verifier, files.paths, options, Math.max(1, threads));
  } finally {
    await verifier.close();
  }
}

/**
 * Many files: one JSON line each (`{"file", …verdict}`, or `{"file", "error": {code, message}}` for a
 * file that cannot be read), in the order given, while the next files are read and verified (as many
 * at once as there are worker threads, one without). Exit 0 when every file is valid, 1 when one is
 * not, 2 when one could not be read.
 */
async function verifyMany(
  ctx: CliContext,
  verifier: SignatureVerifier,
  paths: readonly string[],
  options: Parameters<SignatureVerifier['verify']>[1],
  parallel: number,
): Promise<number> {
  let exit: number = EXIT.ok;
  const judge = async (file: string): Promise<string> => {
    let bytes: Uint8Array;
    try {
      // Synchronous: this process serves nothing else, and a small file costs a quarter of the
      // thread-pool round trips of fs/promises (open, stat, read, close).
      bytes = readFileSync(file);
    } catch (error) {
      exit = EXIT.usage;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return JSON.stringify({ file, error: { code: USAGE_CODE, message: `cannot read ${file}: ${code}` } });
    }
    const verdict = await verifier.verify(bytes, options);
    if (!verdict.valid && exit === EXIT.ok) exit = EXIT.negative;
    return JSON.stringify({ file, ...verdict });
  };
  // A window of files in flight (two in this thread; with worker threads enough to keep each busy
  // while the answers travel back); lines are written in order, in batches.
  const window = parallel === 1 ? 2 : parallel * 16;
  const pending: Array<Promise<string>> = [];
  let next = 0;
  let batch: string[] = [];
  while (next < paths.length || pending.length > 0) {
    while (next < paths.length && pending.length < window) pending.push(judge(paths[next++] as string));
    batch.push(await (pending.shift() as Promise<string>));
    if (batch.length >= 256) {
      ctx.out(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) ctx.out(`${batch.join('\n')}\n`);
  return exit;
}

/** The files to verify: each argument, or the regular files directly inside a directory (sorted). */
async function expandFiles(
  args: readonly string[],
): Promise<{ ok: true; paths: string[] } | { ok: false; message: string }> {
  const paths: string[] = [];
  for (const arg of args) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(arg);
    } catch {
      // Not there: reported when it is read (one file: a usage error; many: a line of its own).
      paths.push(arg);
      continue;
    }
    if (!info.isDirectory()) {
      paths.push(arg);
      continue;
    }
    const entries = await readdir(arg, { withFileTypes: true });
    const inside = entries.filter((e) => e.isFile()).map((e) => path.join(arg, e.name));
    if (inside.length === 0) return { ok: false, message: `${arg} holds no files` };
    paths.push(...inside.sort());
  }
  return { ok: true, paths };
}
