import { readFile } from 'node:fs/promises';
import { isLienthongError } from '../../core/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';

interface SignFlags {
  key: string;
  cert: string;
  chain?: string;
  alg?: string;
}

const HELP = `
Adds one enveloped XML signature (exclusive C14N, Reference URI="", SHA-256, the certificate in
KeyInfo) as the last child of edXMLHeader and writes the signed document to standard output. Every
other byte stays as it was, except that a placeholder Signature block of the SDK samples is removed.
xmlsec1 --verify accepts the result.

Exit codes: 0 signed, 1 refused (an error object {code, message} on stderr), 2 usage (unreadable file).
`;

/** `lienthong sign FILE --key KEY.pem --cert CERT.pem`: signs an edXML document. */
export const registerSign: CommandRegistrar = (program, ctx) => {
  program
    .command('sign')
    .description('sign an edXML package or status (RSA-SHA256 or ECDSA-SHA256) and print it')
    .argument('<file>', 'the .edxml file to sign')
    .requiredOption('--key <file>', 'private key, PEM (PKCS#8; PKCS#1 RSA and SEC1 EC also read)')
    .requiredOption('--cert <file>', 'the signer certificate, PEM')
    .option('--chain <file>', 'issuing CA certificate(s) to include in KeyInfo, PEM')
    .option('--alg <alg>', 'rsa-sha256 or ecdsa-sha256 (default: from the key)')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: SignFlags) => {
      await runSign(ctx, file, flags);
    });
};

async function runSign(ctx: CliContext, file: string, flags: SignFlags): Promise<void> {
  if (flags.alg !== undefined && flags.alg !== 'rsa-sha256' && flags.alg !== 'ecdsa-sha256') {
    reportUsage(ctx, '--alg is rsa-sha256 or ecdsa-sha256');
    return;
  }
  const read = async (path: string): Promise<Buffer | null> => {
    try {
      return await readFile(path);
    } catch (error) {
      reportUsage(ctx, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      return null;
    }
  };
  const [doc, key, cert, chain] = [
    await read(file),
    await read(flags.key),
    await read(flags.cert),
    flags.chain ? await read(flags.chain) : undefined,
  ];
  if (!doc || !key || !cert || chain === null) return;
  try {
    const { signEdxml } = await import('../../signature/index.ts');
    const signed = await signEdxml(doc, {
      keyPem: key.toString('utf8'),
      certPem: cert.toString('utf8'),
      ...(chain ? { chainPem: chain.toString('utf8') } : {}),
      ...(flags.alg ? { alg: flags.alg as 'rsa-sha256' | 'ecdsa-sha256' } : {}),
    });
    ctx.out(signed);
  } catch (error) {
    if (!isLienthongError(error)) throw error;
    ctx.err(`${JSON.stringify({ code: error.code, message: error.message })}\n`);
    ctx.exitCode = EXIT.negative;
  }
}
