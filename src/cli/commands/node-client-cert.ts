import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import { type CliContext, EXIT, reportUsage } from '../cli-context.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** SHA-256 of a certificate's DER as the hub keeps it: hex, lower case, no colons. */
export function certificateSha256(certificate: X509Certificate): string {
  return certificate.fingerprint256.replaceAll(':', '').toLowerCase();
}

/** SHA-256 of the certificate in a PEM file: what the hub compares with the TLS peer's. */
export async function clientCertificateSha256(file: string): Promise<string> {
  return certificateSha256(new X509Certificate(await readFile(file)));
}

/**
 * Each distinct SHA-256 of `values` (read with `read`), in order; or the first value that cannot be
 * read. Files are read before the database is touched.
 */
export async function readThumbprints(
  values: readonly string[],
  read: (value: string) => Promise<string>,
): Promise<{ ok: true; sha256s: string[] } | { ok: false; value: string }> {
  const sha256s: string[] = [];
  for (const value of values) {
    let sha256: string;
    try {
      sha256 = await read(value);
    } catch {
      return { ok: false, value };
    }
    if (!sha256s.includes(sha256)) sha256s.push(sha256);
  }
  return { ok: true, sha256s };
}

/** A `--remove` value: a PEM file, or the SHA-256 itself (the certificate may be long gone). */
async function thumbprintOf(value: string): Promise<string> {
  const hex = value.replaceAll(':', '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : clientCertificateSha256(value);
}

/**
 * `lienthong node client-cert ID [--add PEM …] [--remove PEM|SHA256 …]`: the TLS client certificates
 * a node must present (src/hub/client-certificate.ts); prints those registered afterwards.
 */
export function addNodeClientCertCommand(node: Command, ctx: CliContext): void {
  node
    .command('client-cert')
    .description(
      'TLS client certificates the node must call with (on a hub serving HTTPS); without any, its token alone',
    )
    .argument('<id>', 'node id')
    .option('--add <pem>', 'register a client certificate (PEM file; repeatable)', collect)
    .option('--remove <pem|sha256>', 'revoke one (PEM file or its SHA-256; repeatable)', collect)
    .option(
      '--json',
      'print one JSON object: { "id", "clientCertificates": [sha256…], "notRegistered": [sha256…] }',
    )
    .action(async (id: string, options: { add?: string[]; remove?: string[]; json?: boolean }) => {
      const usage = (message: string) => {
        reportUsage(ctx, `${message}`);
      };
      const toAdd = await readThumbprints(options.add ?? [], clientCertificateSha256);
      if (!toAdd.ok) return usage(`${toAdd.value} is not a readable PEM certificate`);
      const toRemove = await readThumbprints(options.remove ?? [], thumbprintOf);
      if (!toRemove.ok) return usage(`${toRemove.value} is not a readable PEM certificate or a SHA-256`);
      const [added, removed] = [toAdd.sha256s, toRemove.sha256s];
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const changed = settled(
          ctx,
          options.json === true,
          await admin.nodes.changeClientCertificates(id, { add: added, remove: removed }, operatorAudit()),
        );
        if (changed === undefined) return;
        const { current, notRegistered } = changed;
        // A removal that removed nothing (a mistyped SHA-256) leaves the old certificate valid:
        // a negative result, not a success, for scripts that rotate certificates.
        if (notRegistered.length > 0) ctx.exitCode = EXIT.negative;
        if (options.json) {
          ctx.out(`${JSON.stringify({ id, clientCertificates: current, notRegistered })}\n`);
          return;
        }
        for (const sha256 of notRegistered)
          ctx.err(`error STORE_NOT_FOUND: ${sha256} is not registered for ${id}\n`);
        ctx.out(
          current.length === 0
            ? `Node ${id} has no client certificate: its token alone authenticates it.\n`
            : `Node ${id} must call over TLS with one of these client certificates (SHA-256):\n${current.map((c) => `  ${c}\n`).join('')}`,
        );
      });
    });
}
