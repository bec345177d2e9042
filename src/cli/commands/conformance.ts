// Leaf modules, not the kit's index: `--help` must not load the kit (see src/cli/commands/index.ts).
import { allPassed } from '../../adapters/conformance/conformance-check.ts';
import { WEBHOOK_CONFORMANCE_DEFAULTS } from '../../adapters/conformance/conformance-defaults.ts';
import type { ConformanceCheck } from '../../adapters/conformance/index.ts';
import { type CliContext, type CommandRegistrar, EXIT, reportUsage } from '../cli-context.ts';
import { table } from '../table.ts';

interface ConformanceFlags {
  webhook?: string;
  vxp?: string;
  secret?: string;
  system?: string;
  organ?: string;
  json?: boolean;
  timeout?: string;
  from?: string;
  to?: string;
}

const HELP = `
--webhook URL pushes eight test deliveries to a webhook receiver, exactly as the hub pushes:
  valid, bad-signature, replayed, duplicate, large (~20 MiB), urgent (hỏa tốc), status, unsigned.
The secret may also come from LIENTHONG_CONFORMANCE_SECRET (keeps it out of the process list).
Test message ids start with "conformance-": delete them from your inbox afterwards.
--vxp URL --system ID --organ ORGAN-ID calls a hub's VXP endpoint as the SDK does: authenticate,
  bad-secret, send-edoc (a test package from ORGAN-ID to itself), listed, get-edoc (byte-identical),
  update-status ("done"), acknowledged.
See docs/conformance.md for what each check means.

Exit codes: 0 every check passed, 1 at least one failed, 2 usage.
`;

/** `lienthong conformance --webhook URL --secret S`: checks a vendor's receiver against docs/webhooks.md. */
export const registerConformance: CommandRegistrar = (program, ctx) => {
  program
    .command('conformance')
    .description("check a vendor's webhook receiver (or VXP integration) with a set of test deliveries")
    .option('--webhook <url>', "the receiver's webhook URL")
    .option('--vxp <url>', "a hub's VXP endpoint, as the SDK is given it (https://…/vxp)")
    .option('--secret <secret>', 'the webhook secret (or the VXP secret)')
    .option('--system <id>', 'the VXP system id (with --vxp)')
    .option('--organ <organ-id>', 'an organization the VXP system serves (with --vxp)')
    .option('--from <organ-id>', 'From of the test packages', '000.00.00.H99')
    .option('--to <organ-id>', "To of the test packages: the receiver's organ id", '000.00.00.H98')
    .option(
      '--timeout <ms>',
      'longest wait for one answer, upload included',
      String(WEBHOOK_CONFORMANCE_DEFAULTS.timeoutMs),
    )
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', HELP)
    .action(async (flags: ConformanceFlags) => {
      await runConformance(ctx, flags);
    });
};

async function runConformance(ctx: CliContext, flags: ConformanceFlags): Promise<void> {
  const usage = (message: string) => reportUsage(ctx, `conformance: ${message}`);
  if ((flags.webhook === undefined) === (flags.vxp === undefined)) {
    return usage('give exactly one of --webhook URL or --vxp URL');
  }
  const timeoutMs = Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    return usage('--timeout is a whole number of milliseconds from 100 to 600000');
  }
  const secret = flags.secret ?? (ctx.env ?? process.env)['LIENTHONG_CONFORMANCE_SECRET'];
  if (secret === undefined || secret === '') {
    return usage('--secret SECRET is required (or LIENTHONG_CONFORMANCE_SECRET)');
  }
  if (flags.vxp !== undefined) {
    const endpoint = flags.vxp;
    if (!isHttpUrl(endpoint)) return usage(`--vxp "${endpoint}" is not an absolute http(s) URL`);
    if (flags.system === undefined || flags.system.trim() === '') {
      return usage('--vxp needs --system ID (the system id the hub issued)');
    }
    if (flags.organ === undefined || flags.organ.trim() === '') {
      return usage('--vxp needs --organ ORGAN-ID (an organization the system serves)');
    }
    const { runVxpConformance } = await import('../../adapters/conformance/index.ts');
    const checks = await runVxpConformance({
      endpoint,
      systemId: flags.system,
      secret,
      organId: flags.organ,
      timeoutMs,
    });
    return report(ctx, endpoint, checks, flags.json === true);
  }
  const url = flags.webhook as string;
  if (!isHttpUrl(url)) return usage(`--webhook "${url}" is not an absolute http(s) URL`);
  const { runWebhookConformance } = await import('../../adapters/conformance/index.ts');
  const checks = await runWebhookConformance({
    url,
    secret,
    timeoutMs,
    parties: { from: flags.from ?? '000.00.00.H99', to: flags.to ?? '000.00.00.H98' },
  });
  report(ctx, url, checks, flags.json === true);
}

function report(ctx: CliContext, target: string, checks: readonly ConformanceCheck[], json: boolean): void {
  const passed = allPassed(checks);
  if (json) {
    ctx.out(`${JSON.stringify({ target, passed, checks }, null, 2)}\n`);
  } else {
    ctx.out(
      table([
        ['CHECK', 'EXPECTATION', 'RESULT', 'DETAIL'],
        ...checks.map((c) => [c.id, c.expectation, c.outcome === 'pass' ? 'pass' : 'FAIL', c.detail]),
      ]),
    );
    const failed = checks.filter((c) => c.outcome === 'fail').length;
    ctx.out(
      passed
        ? `\nAll ${checks.length} checks passed for ${target}.\n`
        : `\n${failed} of ${checks.length} checks failed for ${target}: see docs/conformance.md.\n`,
    );
  }
  ctx.exitCode = passed ? EXIT.ok : EXIT.negative;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
