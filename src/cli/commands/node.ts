import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkWebhookUrl } from '../../ops/admin-inputs.ts';
import type { SignerCertificateInput, VxpAgencyPolicyValue } from '../../ops/index.ts';
// The leaf module: the routing index loads the directory file parsers (YAML, CSV).
import {
  NODE_KINDS,
  type NodeKind,
  SIGNATURE_POLICIES,
  type SignaturePolicy,
} from '../../routing/directory.ts';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import { type CommandRegistrar, reportUsage } from '../cli-context.ts';
import { table } from '../table.ts';
import {
  addNodeClientCertCommand,
  certificateSha256,
  clientCertificateSha256,
  readThumbprints,
} from './node-client-cert.ts';
import { addNodeSetCommand } from './node-set.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const VXP_AGENCY_POLICIES: readonly VxpAgencyPolicyValue[] = ['refuse', 'pending-approval'];

/** SHA-256 of the DER certificate in a PEM file (node:crypto X509Certificate), with its subject and expiry. */
export async function readSignerCertificate(file: string): Promise<SignerCertificateInput> {
  const certificate = new X509Certificate(await readFile(file));
  return {
    sha256: certificateSha256(certificate),
    subject: certificate.subject.replaceAll('\n', ', '),
    notAfter: new Date(certificate.validTo),
  };
}

/** `lienthong node add|token|list|set`. */
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
    .option(
      '--client-cert <pem>',
      'a TLS client certificate (PEM file) the node must call with, besides its token (repeatable)',
      collect,
    )
    .option('--signature-policy <policy>', `${SIGNATURE_POLICIES.join(' | ')} (default require)`)
    .option('--kind <kind>', `${NODE_KINDS.join(' | ')} (default system)`)
    .option('--name <name>', 'display name (default: the id)')
    .option('--vxp', 'also a VXP system (national-axis SDK): prints its shared secret once')
    .option(
      '--vxp-allow-ip <address>',
      'with --vxp: an address or CIDR block it may call from (repeatable)',
      collect,
    )
    .option('--vxp-agency-policy <policy>', `with --vxp: ${VXP_AGENCY_POLICIES.join(' | ')} (default refuse)`)
    .option('--webhook <url>', 'push deliveries to this http(s) URL; prints the webhook secret once')
    .option(
      '--json',
      'print one JSON object: { "id", "token" } (+ "vxpSecret" with --vxp, "webhookSecret" with --webhook, "clientCertificates" with --client-cert)',
    )
    .action(
      async (options: {
        id: string;
        org: string[];
        cert?: string[];
        clientCert?: string[];
        signaturePolicy?: string;
        kind?: string;
        name?: string;
        vxp?: boolean;
        vxpAllowIp?: string[];
        vxpAgencyPolicy?: string;
        webhook?: string;
        json?: boolean;
      }) => {
        if (options.webhook !== undefined) {
          try {
            checkWebhookUrl(options.webhook);
          } catch {
            reportUsage(ctx, '--webhook takes an absolute http(s) URL without credentials');
            return;
          }
        }
        const { checkIpAllowList } = await import('../../ops/index.ts');
        const vxpUsage = vxpOptionsProblem(options, checkIpAllowList);
        if (vxpUsage !== null) {
          reportUsage(ctx, `${vxpUsage}`);
          return;
        }
        if (
          options.signaturePolicy !== undefined &&
          !(SIGNATURE_POLICIES as readonly string[]).includes(options.signaturePolicy)
        ) {
          reportUsage(ctx, `--signature-policy is one of ${SIGNATURE_POLICIES.join(', ')}`);
          return;
        }
        if (options.kind !== undefined && !(NODE_KINDS as readonly string[]).includes(options.kind)) {
          reportUsage(ctx, `--kind is one of ${NODE_KINDS.join(', ')}`);
          return;
        }
        const certificates: SignerCertificateInput[] = [];
        for (const file of options.cert ?? []) {
          try {
            certificates.push(await readSignerCertificate(file));
          } catch {
            reportUsage(ctx, `${file} is not a readable PEM certificate`);
            return;
          }
        }
        const clients = await readThumbprints(options.clientCert ?? [], clientCertificateSha256);
        if (!clients.ok) {
          reportUsage(ctx, `${clients.value} is not a readable PEM certificate`);
          return;
        }
        const clientCertificates = clients.sha256s;
        await runAdminCommand(ctx, options.json === true, async (admin) => {
          const registered = settled(
            ctx,
            options.json === true,
            await admin.nodes.register(
              {
                id: options.id,
                name: options.name,
                kind: options.kind as NodeKind | undefined,
                signaturePolicy: options.signaturePolicy as SignaturePolicy | undefined,
                organizations: options.org,
                signerCertificates: certificates,
                clientCertificates,
                webhookUrl: options.webhook,
                ...(options.vxp
                  ? {
                      vxp: {
                        ipAllowList: options.vxpAllowIp ?? [],
                        agencyPolicy: options.vxpAgencyPolicy as VxpAgencyPolicyValue | undefined,
                      },
                    }
                  : {}),
              },
              operatorAudit(),
            ),
          );
          if (registered === undefined) return;
          const { created, vxpSecret, webhookSecret } = registered;
          if (options.json) {
            ctx.out(
              `${JSON.stringify({
                id: created.node.id,
                token: created.token,
                ...(vxpSecret === undefined ? {} : { vxpSecret }),
                ...(webhookSecret === undefined ? {} : { webhookSecret }),
                ...(clientCertificates.length === 0 ? {} : { clientCertificates }),
              })}\n`,
            );
            return;
          }
          ctx.out(`Node ${created.node.id} serves ${created.node.organizations.join(', ')}.\n`);
          if (created.createdOrganizations.length > 0) {
            ctx.out(
              `Created organizations the directory did not know: ${created.createdOrganizations.join(', ')}.\n`,
            );
          }
          if (certificates.length > 0) ctx.out(`Pinned ${certificates.length} signing certificate(s).\n`);
          if (clientCertificates.length > 0) {
            ctx.out(
              `Registered ${clientCertificates.length} TLS client certificate(s): calls must come over TLS with one of them.\n`,
            );
          }
          ctx.out(`Token (shown once; the hub keeps only its SHA-256):\n${created.token}\n`);
          if (webhookSecret !== undefined) {
            ctx.out(
              `Deliveries are pushed to ${options.webhook}.\nWebhook secret (shown once; the receiver checks Lienthong-Signature with it, docs/webhooks.md):\n${webhookSecret}\n`,
            );
          }
          if (vxpSecret !== undefined) {
            ctx.out(
              `VXP system id: ${created.node.id}\nVXP secret (shown once; give it to the vendor with the system id):\n${vxpSecret}\n`,
            );
          }
        });
      },
    );

  node
    .command('token')
    .description('issue a new token for a node; the previous one stops working')
    .argument('<id>', 'node id')
    .option('--json', 'print one JSON object: { "id", "token" }')
    .action(async (id: string, options: { json?: boolean }) => {
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const rotated = settled(
          ctx,
          options.json === true,
          await admin.nodes.rotateToken(id, operatorAudit()),
        );
        if (rotated === undefined) return;
        const { token } = rotated;
        ctx.out(
          options.json
            ? `${JSON.stringify({ id, token })}\n`
            : `New token for ${id} (shown once; earlier tokens no longer work):\n${token}\n`,
        );
      });
    });

  node
    .command('list')
    .description(
      'list nodes: kind, signature policy, tokens, client certificates, organizations, delivery mode',
    )
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const nodes = await admin.nodes.list();
        if (options.json) {
          ctx.out(`${JSON.stringify({ nodes })}\n`);
          return;
        }
        const rows = nodes.map((n) => [
          n.id,
          n.kind,
          n.signaturePolicy,
          String(n.activeTokens),
          String(n.clientCertificates.length),
          // A URL without a secret (from a directory file) is not pushed to until `node set --webhook`.
          n.webhookUrl ? (n.hasWebhookSecret ? 'webhook' : 'poll (webhook has no secret)') : 'poll',
          n.organizations.length > 3
            ? `${n.organizations.slice(0, 3).join(', ')} +${n.organizations.length - 3}`
            : n.organizations.join(', ') || '-',
        ]);
        ctx.out(
          table([
            ['ID', 'KIND', 'SIGNATURES', 'TOKENS', 'CLIENT CERTS', 'DELIVERY', 'ORGANIZATIONS'],
            ...rows,
          ]),
        );
        ctx.out(`${nodes.length} node(s)\n`);
      });
    });

  addNodeSetCommand(node, ctx);
  addNodeClientCertCommand(node, ctx);
};

/** Why the VXP options of `node add` do not go together, or null. */
function vxpOptionsProblem(
  options: {
    vxp?: boolean;
    vxpAllowIp?: string[];
    vxpAgencyPolicy?: string;
  },
  checkIpAllowList: (entries: readonly string[]) => unknown,
): string | null {
  if (!options.vxp && (options.vxpAllowIp !== undefined || options.vxpAgencyPolicy !== undefined)) {
    return '--vxp-allow-ip and --vxp-agency-policy need --vxp';
  }
  if (
    options.vxpAgencyPolicy !== undefined &&
    !(VXP_AGENCY_POLICIES as readonly string[]).includes(options.vxpAgencyPolicy)
  ) {
    return `--vxp-agency-policy is one of ${VXP_AGENCY_POLICIES.join(', ')}`;
  }
  try {
    checkIpAllowList(options.vxpAllowIp ?? []);
  } catch {
    return '--vxp-allow-ip takes an IP address or CIDR block (10.1.2.3, 10.1.2.0/24, 2001:db8::/32)';
  }
  return null;
}
