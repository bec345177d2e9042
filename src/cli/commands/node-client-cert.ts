import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LienthongError } from '../../core/index.ts';
import { addClientCertificate, getNode, revokeClientCertificate } from '../../store/index.ts';
import { type CliContext, EXIT } from '../cli-context.ts';
import { operatorActor, runStoreCommand } from './directory.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** SHA-256 (hex, lower case) of the DER certificate in a PEM file: what the hub compares with the TLS peer's. */
export async function clientCertificateSha256(file: string): Promise<string> {
  return new X509Certificate(await readFile(file)).fingerprint256.replaceAll(':', '').toLowerCase();
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
      const added: string[] = [];
      // Files are read before the database is touched; a duplicate is counted once.
      const removed: string[] = [];
      for (const [files, into] of [
        [options.add ?? [], added],
        [options.remove ?? [], removed],
      ] as const) {
        for (const file of files) {
          try {
            const sha256 = into === added ? await clientCertificateSha256(file) : await thumbprintOf(file);
            if (!into.includes(sha256)) into.push(sha256);
          } catch {
            ctx.err(
              `error: ${file} is not a readable PEM certificate${into === removed ? ' or a SHA-256' : ''}\n`,
            );
            ctx.exitCode = EXIT.usage;
            return;
          }
        }
      }
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const at = new Date();
        const actor = operatorActor();
        const { current, notRegistered } = await db.tx(async (tx) => {
          for (const certSha256 of added)
            await addClientCertificate(tx, { nodeId: id, certSha256, at, actor });
          const notRegistered: string[] = [];
          for (const certSha256 of removed) {
            if (!(await revokeClientCertificate(tx, { nodeId: id, certSha256, at, actor })))
              notRegistered.push(certSha256);
          }
          const node = await getNode(tx, id);
          if (node === null) {
            throw new LienthongError('STORE_NOT_FOUND', `No node ${id}.`, {
              where: 'cli/node client-cert',
              details: { nodeId: id },
            });
          }
          return { current: node.clientCertificates, notRegistered };
        });
        // A removal that removed nothing (a mistyped SHA-256) leaves the old certificate valid:
        // a negative result, not a success, for scripts that rotate certificates.
        if (notRegistered.length > 0) ctx.exitCode = EXIT.negative;
        if (options.json) {
          ctx.out(`${JSON.stringify({ id, clientCertificates: current, notRegistered })}\n`);
          return;
        }
        for (const sha256 of notRegistered) ctx.err(`error: ${sha256} is not registered for ${id}\n`);
        ctx.out(
          current.length === 0
            ? `Node ${id} has no client certificate: its token alone authenticates it.\n`
            : `Node ${id} must call over TLS with one of these client certificates (SHA-256):\n${current.map((c) => `  ${c}\n`).join('')}`,
        );
      });
    });
}
