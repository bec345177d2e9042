import type { PeerView } from '../../ops/index.ts';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import { type CliContext, type CommandRegistrar, reportUsage } from '../cli-context.ts';
import { table } from '../table.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function usage(ctx: CliContext, message: string): void {
  reportUsage(ctx, `${message}`);
}

const age = (iso: string | null) => {
  if (iso === null) return '-';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120
    ? `${s} s ago`
    : s < 7200
      ? `${Math.round(s / 60)} min ago`
      : `${Math.round(s / 3600)} h ago`;
};

function describe(peer: PeerView): string[] {
  return [
    peer.id,
    peer.role,
    peer.protocol,
    peer.url ?? '(pulls)',
    age(peer.lastContactAt),
    `${peer.backlog}${peer.receiptBacklog > 0 ? ` +${peer.receiptBacklog} receipts` : ''}`,
    peer.breaker === 'open' ? `open (${peer.lastError ?? 'error'} ${age(peer.lastErrorAt)})` : peer.breaker,
    peer.role === 'child'
      ? `${peer.organizations} orgs${peer.subtreeRoots.length ? `, ${peer.subtreeRoots.join(' ')}` : ''}`
      : '-',
  ];
}

/** `lienthong hub add|set|list|remove`: the peer hubs of this hub (docs/federation.md). */
export const registerHub: CommandRegistrar = (program, ctx) => {
  const hub = program
    .command('hub')
    .description('peer hubs: child hubs below this one and the parent hub above (hubs of hubs)');

  hub
    .command('add')
    .description(
      'register a peer hub; prints the token IT presents to THIS hub (shown once). A child: --role child [--subtree ROOT …] [--url URL --token TOKEN]; the parent: --role parent --url URL --token TOKEN, or --protocol vxp --url URL --system-id SID --secret SECRET',
    )
    .requiredOption('--id <id>', 'peer hub id (A-Z a-z 0-9 . _ : -)')
    .requiredOption('--role <role>', 'child | parent')
    .option('--url <url>', "the peer's base URL (lienthong: http(s)://host:port; VXP: its VXP endpoint)")
    .option('--token <token>', 'the token the peer printed for this hub (lienthong)')
    .option(
      '--subtree <root>',
      'a child: an organ-id subtree it serves, e.g. 000.00.00.H29 (repeatable)',
      collect,
    )
    .option('--protocol <protocol>', 'lienthong | vxp (the parent only; default lienthong)')
    .option('--system-id <sid>', 'VXP: the system id the parent issued to this hub')
    .option('--secret <secret>', 'VXP: the secret the parent issued to this hub')
    .option('--poll-interval <ms>', 'VXP: how often the parent is polled, ms (default 30000)')
    .option('--json', 'print one JSON object: { "id", "token" }')
    .action(
      async (options: {
        id: string;
        role: string;
        url?: string;
        token?: string;
        subtree?: string[];
        protocol?: string;
        systemId?: string;
        secret?: string;
        pollInterval?: string;
        json?: boolean;
      }) => {
        if (options.role !== 'child' && options.role !== 'parent')
          return usage(ctx, '--role is child or parent');
        const protocol = options.protocol ?? 'lienthong';
        if (protocol !== 'lienthong' && protocol !== 'vxp')
          return usage(ctx, '--protocol is lienthong or vxp');
        const poll = options.pollInterval === undefined ? undefined : Number(options.pollInterval);
        if (poll !== undefined && (!Number.isInteger(poll) || poll < 100)) {
          return usage(ctx, '--poll-interval is a whole number of ms, at least 100');
        }
        await runAdminCommand(ctx, options.json === true, async (admin) => {
          const added = settled(
            ctx,
            options.json === true,
            await admin.peers.add(
              {
                id: options.id,
                role: options.role as 'child' | 'parent',
                protocol,
                url: options.url,
                token: options.token,
                systemId: options.systemId,
                secret: options.secret,
                pollIntervalMs: poll,
                subtreeRoots: options.subtree,
              },
              operatorAudit(),
            ),
          );
          if (added === undefined) return;
          if (options.json) {
            ctx.out(`${JSON.stringify(added)}\n`);
            return;
          }
          ctx.out(`Peer hub ${added.id} added as this hub's ${options.role}.\n`);
          ctx.out(
            `Token for ${added.id} to call this hub (shown once; on ${added.id}: lienthong hub add/set … --token):\n${added.token}\n`,
          );
        });
      },
    );

  hub
    .command('set')
    .description('change how this hub reaches a peer hub (URL, token, VXP credentials), or add subtree roots')
    .argument('<id>', 'peer hub id')
    .option('--url <url>', 'its base URL')
    .option('--no-url', 'this hub cannot reach it (a child then pulls)')
    .option('--token <token>', 'the token the peer issued to this hub')
    .option('--system-id <sid>', 'VXP: the system id')
    .option('--secret <secret>', 'VXP: the secret')
    .option('--subtree <root>', 'a child: add an organ-id subtree root (repeatable)', collect)
    .option('--poll-interval <ms>', 'VXP: how often the parent is polled, ms')
    .option('--json', 'print the peer hub as JSON')
    .action(
      async (
        id: string,
        options: {
          url?: string | false;
          token?: string;
          systemId?: string;
          secret?: string;
          subtree?: string[];
          pollInterval?: string;
          json?: boolean;
        },
      ) => {
        const poll = options.pollInterval === undefined ? undefined : Number(options.pollInterval);
        if (poll !== undefined && (!Number.isInteger(poll) || poll < 100)) {
          return usage(ctx, '--poll-interval is a whole number of ms, at least 100');
        }
        await runAdminCommand(ctx, options.json === true, async (admin) => {
          const peer = settled(
            ctx,
            options.json === true,
            await admin.peers.set(
              {
                id,
                ...(options.url === undefined ? {} : { url: options.url === false ? null : options.url }),
                ...(options.token === undefined ? {} : { token: options.token }),
                ...(options.systemId === undefined ? {} : { systemId: options.systemId }),
                ...(options.secret === undefined ? {} : { secret: options.secret }),
                ...(poll === undefined ? {} : { pollIntervalMs: poll }),
                ...(options.subtree ? { addSubtreeRoots: options.subtree } : {}),
              },
              operatorAudit(),
            ),
          );
          if (peer === undefined) return;
          if (options.json) {
            ctx.out(`${JSON.stringify(peer)}\n`);
            return;
          }
          ctx.out(
            `Peer hub ${peer.id}: ${peer.url ?? 'not reachable from here (it pulls)'}; token ${peer.hasToken ? 'set' : 'not set'}.\n`,
          );
        });
      },
    );

  hub
    .command('list')
    .description('peer hubs: role, URL, last contact, backlog, breaker state, what a child serves')
    .option('--json', 'print one JSON object: { "hubs": [...] }')
    .action(async (options: { json?: boolean }) => {
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const peers = await admin.peers.list();
        if (options.json) {
          ctx.out(`${JSON.stringify({ hubs: peers })}\n`);
          return;
        }
        ctx.out(
          table([
            ['ID', 'ROLE', 'PROTOCOL', 'URL', 'LAST CONTACT', 'BACKLOG', 'BREAKER', 'SERVES'],
            ...peers.map(describe),
          ]),
        );
        ctx.out(`${peers.length} peer hub(s)\n`);
      });
    });

  hub
    .command('remove')
    .description('forget a peer hub: its credentials are revoked, its organizations unassigned')
    .argument('<id>', 'peer hub id')
    .option('--json', 'print one JSON object: { "removed": id }')
    .action(async (id: string, options: { json?: boolean }) => {
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        if (settled(ctx, options.json === true, await admin.peers.remove(id, operatorAudit())) === undefined)
          return;
        ctx.out(options.json ? `${JSON.stringify({ removed: id })}\n` : `Peer hub ${id} removed.\n`);
      });
    });
};
