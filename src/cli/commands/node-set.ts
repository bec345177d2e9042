import type { Command } from 'commander';
import { checkWebhookUrl } from '../../ops/admin-inputs.ts';
import type { NodeDeliverySettingsInput, NodeLimits, NodePushSettings } from '../../ops/index.ts';
import { operatorAudit, runAdminCommand, settled } from '../admin-command.ts';
import { type CliContext, reportUsage } from '../cli-context.ts';

interface SetOptions {
  webhook?: string | false;
  rotateWebhookSecret?: boolean;
  maxAttempts?: string;
  maxAge?: string;
  retryBaseDelay?: string;
  retryMaxDelay?: string;
  breakerFailures?: string;
  breakerOpen?: string;
  receipts?: string;
  rate?: string;
  burst?: string;
  maxUploads?: string;
  maxUploadBytes?: string;
  vxpAllowIp?: string[];
  json?: boolean;
}

/** `--max-attempts default` puts a setting back to the hub's default. */
function setting(value: string | undefined, flag: string): number | null | undefined | Error {
  if (value === undefined) return undefined;
  if (value === 'default') return null;
  if (!/^\d+$/.test(value)) return new Error(`${flag} takes a whole number or "default"`);
  return Number(value);
}

/** The webhook part of a node's settings as shown to the operator (never the secret). */
export function describePush(settings: NodePushSettings): Record<string, unknown> {
  return {
    webhookUrl: settings.webhookUrl,
    hasWebhookSecret: settings.webhookSecret !== null,
    retryMaxAttempts: settings.retryMaxAttempts,
    retryMaxAgeSeconds: settings.retryMaxAgeSeconds,
    retryBaseDelayMs: settings.retryBaseDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    breakerFailureThreshold: settings.breakerFailureThreshold,
    breakerOpenMs: settings.breakerOpenMs,
    receipts: settings.receipts,
  };
}

/**
 * `lienthong node set ID`: the node's webhook (a new secret is printed once), its retry and breaker
 * settings, and whether it gets receipt events. Added to the `node` command group by node.ts.
 */
export function addNodeSetCommand(node: Command, ctx: CliContext): void {
  node
    .command('set')
    .description(
      'change a node: webhook push (prints the new secret once), retries, circuit breaker, receipts, request limits, VXP allow-list',
    )
    .argument('<id>', 'node id')
    .option('--webhook <url>', 'push deliveries to this https/http URL (a new secret is issued)')
    .option('--no-webhook', 'stop pushing: the node polls its inbox again')
    .option('--rotate-webhook-secret', 'issue a new secret for the current webhook URL')
    .option('--max-attempts <n>', 'attempts per delivery before it fails (default 20; "default" resets)')
    .option('--max-age <seconds>', 'longest a delivery keeps retrying, from its first attempt (default 72 h)')
    .option('--retry-base-delay <ms>', 'first backoff (default 2000)')
    .option('--retry-max-delay <ms>', 'backoff ceiling (default 1800000)')
    .option('--breaker-failures <n>', 'failures in a row that pause the node (default 5)')
    .option('--breaker-open <ms>', 'first pause, doubled on each failed probe (default 30000)')
    .option('--receipts <on|off>', 'push receipt events about the messages this node sends (default on)')
    .option(
      '--rate <n>',
      'requests per second this node may make (0 = no limit; "default": LIENTHONG_NODE_RATE)',
    )
    .option('--burst <n>', 'requests above the rate it may make at once ("default": LIENTHONG_NODE_BURST)')
    .option('--max-uploads <n>', 'packages it may upload at once ("default": LIENTHONG_NODE_UPLOADS)')
    .option(
      '--max-upload-bytes <n>',
      'bytes of its uploads in flight at once ("default": LIENTHONG_NODE_UPLOAD_BYTES)',
    )
    .option(
      '--vxp-allow-ip <address>',
      'a VXP system: the addresses or CIDR blocks it may call from, replacing the list (repeat; "any" clears it)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--json',
      'print one JSON object: { "id", "push": {...} } (+ "webhookSecret" when one was issued)',
    )
    .action(async (id: string, options: SetOptions) => {
      const usage = (message: string) => {
        reportUsage(ctx, `${message}`);
      };
      // Each flag: where it goes (delivery settings or limits) and under which key.
      const flags: Array<[keyof SetOptions, string, 'settings' | 'limits', string]> = [
        ['maxAttempts', '--max-attempts', 'settings', 'retryMaxAttempts'],
        ['maxAge', '--max-age', 'settings', 'retryMaxAgeSeconds'],
        ['retryBaseDelay', '--retry-base-delay', 'settings', 'retryBaseDelayMs'],
        ['retryMaxDelay', '--retry-max-delay', 'settings', 'retryMaxDelayMs'],
        ['breakerFailures', '--breaker-failures', 'settings', 'breakerFailureThreshold'],
        ['breakerOpen', '--breaker-open', 'settings', 'breakerOpenMs'],
        ['rate', '--rate', 'limits', 'rate'],
        ['burst', '--burst', 'limits', 'burst'],
        ['maxUploads', '--max-uploads', 'limits', 'uploads'],
        ['maxUploadBytes', '--max-upload-bytes', 'limits', 'uploadBytes'],
      ];
      const given = {
        settings: {} as Record<string, number | null>,
        limits: {} as Record<string, number | null>,
      };
      for (const [option, flag, group, key] of flags) {
        const value = setting(options[option] as string | undefined, flag);
        if (value instanceof Error) return usage(value.message);
        if (value !== undefined) given[group][key] = value;
      }
      const settings = given.settings as NodeDeliverySettingsInput;
      const limits = given.limits as Partial<NodeLimits>;
      const allow = options.vxpAllowIp;
      const vxpIpAllowList = allow === undefined ? undefined : allow.includes('any') ? [] : allow;
      if (options.receipts !== undefined && options.receipts !== 'on' && options.receipts !== 'off') {
        return usage('--receipts is on or off');
      }
      if (typeof options.webhook === 'string') {
        try {
          checkWebhookUrl(options.webhook);
        } catch {
          return usage('--webhook takes an absolute http(s) URL without credentials');
        }
      }
      if (options.webhook === false && options.rotateWebhookSecret) {
        return usage('--no-webhook and --rotate-webhook-secret exclude each other');
      }
      await runAdminCommand(ctx, options.json === true, async (admin) => {
        const change = {
          webhook: options.webhook,
          rotateWebhookSecret: options.rotateWebhookSecret,
          settings: {
            ...settings,
            ...(options.receipts === undefined ? {} : { receipts: options.receipts === 'on' }),
          },
          limits,
          vxpIpAllowList,
        };
        const changed = settled(
          ctx,
          options.json === true,
          await admin.nodes.changeDelivery(id, change, operatorAudit()),
        );
        if (changed === undefined) return;
        const { push, webhookSecret: secret } = changed;
        if (options.json) {
          ctx.out(
            `${JSON.stringify({
              id,
              push: describePush(push),
              limits: changed.limits,
              ...(changed.vxpIpAllowList === null ? {} : { vxpIpAllowList: changed.vxpIpAllowList }),
              ...(secret === undefined ? {} : { webhookSecret: secret }),
            })}\n`,
          );
          return;
        }
        ctx.out(
          push.webhookUrl === null
            ? `Node ${id} polls its inbox (no webhook).\n`
            : `Node ${id} gets deliveries pushed to ${push.webhookUrl}.\n`,
        );
        if (secret !== undefined) {
          ctx.out(
            `Webhook secret (shown once; the receiver checks Lienthong-Signature with it, docs/webhooks.md):\n${secret}\n`,
          );
        }
        const own = Object.entries(describePush(push)).filter(
          ([key, value]) => value !== null && !['webhookUrl', 'hasWebhookSecret', 'receipts'].includes(key),
        );
        ctx.out(
          `Retries and breaker: ${own.length === 0 ? 'hub defaults' : own.map(([k, v]) => `${k}=${String(v)}`).join(', ')}; receipts ${push.receipts ? 'on' : 'off'}.\n`,
        );
        const ownLimits = Object.entries(changed.limits).filter(([, value]) => value !== null);
        ctx.out(
          `Limits: ${ownLimits.length === 0 ? 'hub defaults' : ownLimits.map(([k, v]) => `${k}=${String(v)}`).join(', ')}.\n`,
        );
        if (changed.vxpIpAllowList !== null) {
          ctx.out(
            `VXP calls allowed from: ${changed.vxpIpAllowList.length === 0 ? 'any address' : changed.vxpIpAllowList.join(', ')}.\n`,
          );
        }
      });
    });
}
