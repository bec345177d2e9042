import { OPERATOR_ROLES } from '../../ops/admin-inputs.ts';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import type { CommandRegistrar } from '../cli-context.ts';
import { table } from '../table.ts';

/** `lienthong operator add|list|remove|password`: the console's accounts. */
export const registerOperator: CommandRegistrar = (program, ctx) => {
  const operator = program
    .command('operator')
    .description(
      'operator console accounts (/console): add one with a role, list, remove, set a new password; each change is an audit event',
    );

  operator
    .command('add')
    .description(
      'add an account; its password is printed once (give it to the person, who logs in at /console/login)',
    )
    .requiredOption('--name <name>', 'the user name: 1-64 of A-Z a-z 0-9 . _ @ -')
    .requiredOption(
      '--role <role>',
      `${OPERATOR_ROLES.join(' | ')}: viewers read; operators also retry deliveries and pause or resume nodes; admins also manage accounts`,
    )
    .option('--json', 'print {"name":…,"role":…,"password":…}')
    .action(async (options: { name: string; role: string; json?: boolean }) => {
      const json = options.json === true;
      await runAdminCommand(ctx, json, async (admin) => {
        const added = settled(
          ctx,
          json,
          await admin.accounts.add({ name: options.name, role: options.role }, operatorAudit()),
        );
        if (!added) return;
        if (json) ctx.out(`${JSON.stringify(added)}\n`);
        else
          ctx.out(
            `operator ${added.name} (${added.role}) added\npassword: ${added.password}\n(shown once: keep it now)\n`,
          );
      });
    });

  operator
    .command('list')
    .description('the accounts: role, last login, locked until')
    .option('--json', 'print {"operators":[…]}')
    .action(async (options: { json?: boolean }) => {
      const json = options.json === true;
      await runAdminCommand(ctx, json, async (admin) => {
        const accounts = await admin.accounts.list();
        if (json) {
          ctx.out(`${JSON.stringify({ operators: accounts })}\n`);
          return;
        }
        ctx.out(
          table([
            ['NAME', 'ROLE', 'LAST LOGIN', 'LOCKED UNTIL', 'PASSWORD SET'],
            ...accounts.map((a) => [
              a.name,
              a.role,
              a.lastLoginAt ?? '-',
              a.lockedUntil ?? '-',
              a.passwordChangedAt,
            ]),
          ]),
        );
      });
    });

  operator
    .command('remove')
    .description('remove an account and end its sessions (the last admin cannot be removed)')
    .argument('<name>', 'the user name')
    .option('--json', 'print {"name":…}')
    .action(async (name: string, options: { json?: boolean }) => {
      const json = options.json === true;
      await runAdminCommand(ctx, json, async (admin) => {
        const removed = settled(ctx, json, await admin.accounts.remove(name, operatorAudit()));
        if (!removed) return;
        ctx.out(json ? `${JSON.stringify(removed)}\n` : `operator ${removed.name} removed\n`);
      });
    });

  operator
    .command('password')
    .description(
      "set a new generated password, printed once; ends the account's sessions and lifts a lock-out",
    )
    .argument('<name>', 'the user name')
    .option('--json', 'print {"name":…,"password":…}')
    .action(async (name: string, options: { json?: boolean }) => {
      const json = options.json === true;
      await runAdminCommand(ctx, json, async (admin) => {
        const changed = settled(
          ctx,
          json,
          await admin.accounts.changePassword(name, undefined, operatorAudit()),
        );
        if (!changed) return;
        ctx.out(
          json
            ? `${JSON.stringify(changed)}\n`
            : `operator ${changed.name}: new password ${changed.password}\n(shown once: keep it now)\n`,
        );
      });
    });
};
