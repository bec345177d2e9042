import { readFile, writeFile } from 'node:fs/promises';
import { isLienthongError } from '../../core/index.ts';
import { reportFailure } from '../admin-command.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';

const HELP = `
The evidence log (docs/evidence.md): every event of the hub — acceptance (with the verdict and the
SHA-256 of the bytes), forwarding, delivery, acknowledgement, status, operator action — is an entry
of an append-only hash chain in the database, whose head the hub signs.

  export --message ID --out FILE   one JSON proof bundle: the message's bytes, its verdict, the chain
                                   from its first entry to a signed head, the hub's certificate
  verify FILE [--trust PATH]       checks a bundle offline (no database): bytes, chain, entries, head
                                   signature, and with --trust the hub certificate; prints a JSON
                                   verdict { valid, code, reason, checks }
  verify-log                       checks the whole chain and every signed head in the database
  sign-head                        chains pending events and signs the head now; prints it

The database is the one DATABASE_URL / LIENTHONG_DATA_DIR select; the signing key
LIENTHONG_EVIDENCE_KEY + LIENTHONG_EVIDENCE_CERT (PEM files), else the one the hub keeps.

Exit codes: 0 valid / done, 1 not valid or refused (the code says why), 2 usage.
`;

/** `lienthong evidence …`: proof bundles and the check of the evidence log. */
export const registerEvidence: CommandRegistrar = (program, ctx) => {
  const evidence = program
    .command('evidence')
    .description('the evidence log: export and verify proof bundles, check the chain, sign its head')
    .addHelpText('after', HELP);

  evidence
    .command('export')
    .description("write one message's proof bundle (JSON) to a file")
    .requiredOption('--message <id>', 'the message id (as in receipts and traces)')
    .requiredOption('--out <file>', 'where to write the bundle')
    .action(async (flags: { message: string; out: string }) => {
      await withEvidenceCli(ctx, async (service) => {
        const result = await service.exportBundle(flags.message);
        if (!result.ok) return reportFailure(ctx, false, result.error);
        try {
          await writeFile(flags.out, `${JSON.stringify(result.value, null, 1)}\n`);
        } catch (error) {
          return reportUsage(
            ctx,
            `cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
          );
        }
        ctx.out(
          `wrote ${flags.out}: message ${flags.message}, ${result.value.chain.length} entries up to the head signed at ${result.value.head.signedAt} (entry ${result.value.head.seq})\n`,
        );
      });
    });

  evidence
    .command('verify')
    .description('check a proof bundle offline: bytes, chain, entries, head signature, trust')
    .argument('<file>', 'the bundle')
    .option(
      '--trust <path>',
      "certificates trusted for the hub's (and the timestamping authority's) signature: a PEM/DER file or a directory (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (file: string, flags: { trust?: string[] }) => {
      await runVerifyBundle(ctx, file, flags.trust);
    });

  evidence
    .command('verify-log')
    .description('check the whole evidence chain and every signed head in the database')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }) => {
      await withEvidenceCli(ctx, async (service) => {
        const check = await service.verifyLog();
        ctx.exitCode = check.valid ? EXIT.ok : EXIT.negative;
        if (flags.json) return ctx.out(`${JSON.stringify(check)}\n`);
        const signedBy = check.signers.map((c) => `${c.subject} (SHA-256 ${c.sha256})`).join('; ');
        const line = `${check.code}: ${check.reason}${check.pending ? ' (events waiting to be chained)' : ''}${signedBy ? `; heads signed by ${signedBy}` : ''}\n`;
        if (check.valid) ctx.out(line);
        else ctx.err(`error ${line}`);
      });
    });

  evidence
    .command('sign-head')
    .description("chain pending events and sign the chain's head now")
    .option('--json', 'print the head as JSON')
    .action(async (flags: { json?: boolean }) => {
      await withEvidenceCli(ctx, async (service) => {
        const head = await service.signHead();
        if (flags.json) return ctx.out(`${JSON.stringify(head)}\n`);
        ctx.out(
          head === null
            ? 'the evidence log is empty: nothing to sign\n'
            : `head: entry ${head.seq}, hash ${head.hash}, signed by hub ${head.hub} at ${head.signedAt} (${head.algorithm}${head.timestamped ? ', timestamped' : ''})\n`,
        );
        if (head?.timestampProblem) ctx.err(`warning EVIDENCE_TSA_FAILED: ${head.timestampProblem}\n`);
      });
    });
};

type Service = import('../../evidence/evidence-service.ts').EvidenceService;

/** Opens the database (with the configured hub id, signing key and timestamping authority) for one evidence command. */
async function withEvidenceCli(ctx: CliContext, fn: (service: Service) => Promise<void>): Promise<void> {
  const env = ctx.env ?? process.env;
  const { ConfigError, loadConfig, readEvidenceSigner } = await import('../../config.ts');
  let config: ReturnType<typeof loadConfig>;
  let signerPem: Awaited<ReturnType<typeof readEvidenceSigner>>;
  try {
    config = loadConfig(env);
    signerPem = await readEvidenceSigner(config.evidence);
  } catch (error) {
    if (error instanceof ConfigError) return reportUsage(ctx, error.message);
    throw error;
  }
  try {
    const { withEvidence } = await import('../../evidence/evidence-service.ts');
    const { evidenceSignerFromPem } = await import('../../evidence/evidence-signer.ts');
    const signer = signerPem && evidenceSignerFromPem(signerPem.keyPem, signerPem.certificatePem);
    await withEvidence(env, { hubId: config.hubId, signer, tsaUrl: config.evidence.tsaUrl }, fn);
  } catch (error) {
    // A coded error on the way (the data directory busy, a migration, a bad key) is a refusal.
    if (!isLienthongError(error)) throw error;
    reportFailure(ctx, false, error);
  }
}

async function runVerifyBundle(
  ctx: CliContext,
  file: string,
  trustPaths: string[] | undefined,
): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return reportUsage(ctx, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let trust: Uint8Array[] | undefined;
  if (trustPaths?.length) {
    // Read as `lienthong verify` reads its --trust: PEM or DER files, folders, trust profiles.
    const { loadTrustStore } = await import('../../signature/trust-store.ts');
    try {
      const store = await loadTrustStore(trustPaths);
      trust = [...store.anchors, ...store.intermediates].map((c) => c.der);
    } catch (error) {
      if (!isLienthongError(error)) throw error;
      return reportUsage(ctx, `--trust: ${error.message}`);
    }
    if (trust.length === 0) return reportUsage(ctx, '--trust holds no certificate');
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch {
    bundle = null; // reported by the format check below, with the same code as any other malformed bundle
  }
  const { verifyBundle } = await import('../../evidence/verify-bundle.ts');
  const verdict = await verifyBundle(bundle, trust ? { trust } : {});
  ctx.out(`${JSON.stringify(verdict, null, 2)}\n`);
  ctx.exitCode = verdict.valid ? EXIT.ok : EXIT.negative;
}
