import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NODE_KINDS, type NodeKind, SIGNATURE_POLICIES, type SignaturePolicy } from '../../routing/index.ts';
import { createNode, listNodes, rotateNodeToken, type SignerCertificateInput } from '../../store/index.ts';
import { type CommandRegistrar, EXIT } from '../cli-context.ts';
import { operatorActor, runStoreCommand, table } from './directory.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** SHA-256 of the DER certificate in a PEM file (node:crypto X509Certificate), with its subject and expiry. */
export async function readSignerCertificate(file: string): Promise<SignerCertificateInput> {
  const certificate = new X509Certificate(await readFile(file));
  return {
    sha256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
    subject: certificate.subject.replaceAll('\n', ', '),
    notAfter: new Date(certificate.validTo),
  };
}

/** `lienthong node add|token|list`. */
export const registerNode: CommandRegistrar = (program, ctx) => {
  const node = program
    .command('node')
    .description('connected systems (e-office installations, peer hubs) and their tokens');

  node
    .command('add')
    .description('create a node serving organizations; prints its token once')
    .requiredOption('--id <id>', 'node id (A-Z a-z 0-9 . _ : -)')
    .requiredOption(
      '--org <organId>',
      'an organization it serves (repeat for several); unknown ones are created',
      collect,
    )
    .option(
      '--cert <pem>',
      'pin a signing certificate (PEM file) for its organizations (repeatable)',
      collect,
    )
    .option('--signature-policy <policy>', `${SIGNATURE_POLICIES.join(' | ')} (default require)`)
    .option('--kind <kind>', `${NODE_KINDS.join(' | ')} (default system)`)
    .option('--name <name>', 'display name (default: the id)')
    .option('--json', 'print one JSON object: { "id", "token" }')
    .action(
      async (options: {
        id: string;
        org: string[];
        cert?: string[];
        signaturePolicy?: string;
        kind?: string;
        name?: string;
        json?: boolean;
      }) => {
        if (
          options.signaturePolicy !== undefined &&
          !(SIGNATURE_POLICIES as readonly string[]).includes(options.signaturePolicy)
        ) {
          ctx.err(`error: --signature-policy is one of ${SIGNATURE_POLICIES.join(', ')}\n`);
          ctx.exitCode = EXIT.usage;
          return;
        }
        if (options.kind !== undefined && !(NODE_KINDS as readonly string[]).includes(options.kind)) {
          ctx.err(`error: --kind is one of ${NODE_KINDS.join(', ')}\n`);
          ctx.exitCode = EXIT.usage;
          return;
        }
        const certificates: SignerCertificateInput[] = [];
        for (const file of options.cert ?? []) {
          try {
            certificates.push(await readSignerCertificate(file));
          } catch {
            ctx.err(`error: ${file} is not a readable PEM certificate\n`);
            ctx.exitCode = EXIT.usage;
            return;
          }
        }
        await runStoreCommand(ctx, options.json === true, async ({ db }) => {
          const created = await createNode(db, {
            id: options.id,
            name: options.name,
            kind: options.kind as NodeKind | undefined,
            signaturePolicy: options.signaturePolicy as SignaturePolicy | undefined,
            organizations: options.org,
            signerCertificates: certificates,
            at: new Date(),
            actor: operatorActor(),
          });
          if (options.json) {
            ctx.out(`${JSON.stringify({ id: created.node.id, token: created.token })}\n`);
            return;
          }
          ctx.out(`Node ${created.node.id} serves ${created.node.organizations.join(', ')}.\n`);
          if (created.createdOrganizations.length > 0) {
            ctx.out(
              `Created organizations the directory did not know: ${created.createdOrganizations.join(', ')}.\n`,
            );
          }
          if (certificates.length > 0) ctx.out(`Pinned ${certificates.length} signing certificate(s).\n`);
          ctx.out(`Token (shown once; the hub keeps only its SHA-256):\n${created.token}\n`);
        });
      },
    );

  node
    .command('token')
    .description('issue a new token for a node; the previous one stops working')
    .argument('<id>', 'node id')
    .option('--json', 'print one JSON object: { "id", "token" }')
    .action(async (id: string, options: { json?: boolean }) => {
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const { token } = await rotateNodeToken(db, { nodeId: id, at: new Date(), actor: operatorActor() });
        ctx.out(
          options.json
            ? `${JSON.stringify({ id, token })}\n`
            : `New token for ${id} (shown once; earlier tokens no longer work):\n${token}\n`,
        );
      });
    });

  node
    .command('list')
    .description('list nodes: kind, signature policy, tokens, organizations, delivery mode')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      await runStoreCommand(ctx, options.json === true, async ({ db }) => {
        const nodes = await listNodes(db);
        if (options.json) {
          ctx.out(`${JSON.stringify({ nodes })}\n`);
          return;
        }
        const rows = nodes.map((n) => [
          n.id,
          n.kind,
          n.signaturePolicy,
          String(n.activeTokens),
          n.webhookUrl ? 'webhook' : 'poll',
          n.organizations.length > 3
            ? `${n.organizations.slice(0, 3).join(', ')} +${n.organizations.length - 3}`
            : n.organizations.join(', ') || '-',
        ]);
        ctx.out(table([['ID', 'KIND', 'SIGNATURES', 'TOKENS', 'DELIVERY', 'ORGANIZATIONS'], ...rows]));
        ctx.out(`${nodes.length} node(s)\n`);
      });
    });
};
