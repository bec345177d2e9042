import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isLienthongError } from '../../core/index.ts';
import type { CertInfo } from '../../signature/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const DEFAULT_ORGS = ['000.00.00.G22', '000.00.00.H29', '000.00.00.H41'];

const DEV_HELP = `
Writes a development PKI for demos and tests (never for production):
  DIR/trust/root.pem, DIR/trust/ca.pem, DIR/trust/ca.crl.pem   what --trust DIR/trust reads
  DIR/orgs/<organ id>.cert.pem, DIR/orgs/<organ id>.key.pem     one signing identity per organization
  DIR/ca/root.key.pem, DIR/ca/ca.key.pem                        CA keys, to issue more demo certificates
Each organization certificate carries the organ id in the subject OU. Keys are PKCS#8 PEM.
Exit codes: 0 written, 2 usage (DIR already holds a PKI, unwritable).
`;

/** `lienthong pki dev|fingerprints`: development PKI and trust-store inspection. */
export const registerPki: CommandRegistrar = (program, ctx) => {
  const pki = program.command('pki').description('development PKI and trust-store fingerprints');
  pki
    .command('dev')
    .description('create a development PKI (root, issuing CA, organization certificates and keys, CRL)')
    .option('--out <dir>', 'where to write it', 'dev-pki')
    .option(
      '--org <organId>',
      `an organization to issue a certificate for (repeatable; default ${DEFAULT_ORGS.join(', ')})`,
      collect,
    )
    .option('--key-algorithm <alg>', 'rsa or ecdsa (P-256)', 'rsa')
    .addHelpText('after', DEV_HELP)
    .action(async (flags: { out: string; org?: string[]; keyAlgorithm: string }) => {
      await runDev(ctx, flags);
    });
  pki
    .command('fingerprints')
    .description(
      'list the certificates a trust path holds: role, SHA-256, subject, validity (to compare with official sources)',
    )
    .argument('<path...>', 'trust files or directories (a disabled profile is read too)')
    .option('--json', 'print JSON instead of text')
    .action(async (paths: string[], flags: { json?: boolean }) => {
      await runFingerprints(ctx, paths, flags.json === true);
    });
};

async function runDev(
  ctx: CliContext,
  flags: { out: string; org?: string[]; keyAlgorithm: string },
): Promise<void> {
  const usage = (message: string) => reportUsage(ctx, message);
  if (flags.keyAlgorithm !== 'rsa' && flags.keyAlgorithm !== 'ecdsa')
    return usage('--key-algorithm is rsa or ecdsa');
  const organIds = flags.org?.length ? flags.org : DEFAULT_ORGS;
  if (new Set(organIds).size !== organIds.length) return usage('an organ id is repeated');
  const dir = resolve(flags.out);
  if (existsSync(join(dir, 'trust', 'root.pem')))
    return usage(`${dir} already holds a PKI; choose another --out`);
  const { createDevPki } = await import('../../signature/index.ts');
  const pki = await createDevPki({ organIds, at: new Date(), keyAlgorithm: flags.keyAlgorithm });
  const files: Array<[string, string]> = [
    ['trust/root.pem', pki.rootCertPem],
    ['trust/ca.pem', pki.caCertPem],
    ['trust/ca.crl.pem', pki.crlPem],
    ...(pki.rootKeyPem ? [['ca/root.key.pem', pki.rootKeyPem] as [string, string]] : []),
    ...(pki.caKeyPem ? [['ca/ca.key.pem', pki.caKeyPem] as [string, string]] : []),
    ...pki.organizations.flatMap(
      (o): Array<[string, string]> => [
        [o.certPath, o.certPem],
        [o.keyPath, o.keyPem],
      ],
    ),
  ];
  try {
    for (const [rel, content] of files) {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), content, { mode: rel.endsWith('.key.pem') ? 0o600 : 0o644 });
    }
  } catch (error) {
    return usage(`cannot write ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  ctx.out(`development PKI written to ${dir} (${flags.keyAlgorithm}; not for production)\n`);
  for (const [rel] of files) ctx.out(`  ${rel}\n`);
  ctx.out('organizations (organ id in subject OU), certificate SHA-256:\n');
  for (const o of pki.organizations) ctx.out(`  ${o.organId}  ${o.sha256Thumbprint}\n`);
  const first = pki.organizations[0];
  if (first) {
    ctx.out(
      `sign:   npx lienthong sign FILE --key ${join(dir, first.keyPath)} --cert ${join(dir, first.certPath)} > signed.edxml\n`,
    );
    ctx.out(`verify: npx lienthong verify signed.edxml --trust ${join(dir, 'trust')}\n`);
  }
}

async function runFingerprints(ctx: CliContext, paths: readonly string[], json: boolean): Promise<void> {
  const rows: Array<{
    path: string;
    role: 'anchor' | 'intermediate';
    sha256: string;
    subject: string;
    notBefore: string;
    notAfter: string;
  }> = [];
  for (const path of paths) {
    try {
      const { loadTrustStore } = await import('../../signature/index.ts');
      const store = await loadTrustStore([path], { allowDisabledProfiles: true });
      const add = (role: 'anchor' | 'intermediate', c: CertInfo) =>
        rows.push({
          path,
          role,
          sha256: c.sha256,
          subject: c.cert.subject,
          notBefore: c.cert.notBefore.toISOString(),
          notAfter: c.cert.notAfter.toISOString(),
        });
      for (const c of store.anchors) add('anchor', c);
      for (const c of store.intermediates) add('intermediate', c);
    } catch (error) {
      if (!isLienthongError(error)) throw error;
      ctx.err(`error ${error.code}: ${error.message}\n`);
      ctx.exitCode = EXIT.usage;
      return;
    }
  }
  if (json) {
    ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows)
    ctx.out(
      `${r.role.padEnd(12)} ${r.sha256}  ${r.notBefore.slice(0, 10)}..${r.notAfter.slice(0, 10)}  ${r.subject}\n`,
    );
  ctx.out(
    `${rows.filter((r) => r.role === 'anchor').length} anchor(s), ${rows.filter((r) => r.role === 'intermediate').length} CA certificate(s)\n`,
  );
}
