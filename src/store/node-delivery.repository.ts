import { randomBytes } from 'node:crypto';
import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { type NumericSetting, numericAssignments, updateNodeSettings } from './node-settings.ts';
import type { Audit } from './organization.repository.ts';
import { strOrNull } from './sql-values.ts';

/**
 * How the hub pushes to one node: its webhook (null URL = the node polls its inbox) and its own
 * retry and circuit-breaker settings. A null setting means "the hub's default" (docs/operations.md).
 */
export interface NodePushSettings {
  readonly webhookUrl: string | null;
  /** The HMAC key; only the delivery engine reads it, it is never listed or logged. */
  readonly webhookSecret: string | null;
  readonly retryMaxAttempts: number | null;
  readonly retryMaxAgeSeconds: number | null;
  readonly retryBaseDelayMs: number | null;
  readonly retryMaxDelayMs: number | null;
  readonly breakerFailureThreshold: number | null;
  readonly breakerOpenMs: number | null;
  /** Push receipt events about the messages this node sent (default true). */
  readonly receipts: boolean;
}

/** The settings an operator may change; `null` puts a setting back to the hub's default. */
export type NodeDeliverySettingsInput = Partial<
  Omit<NodePushSettings, 'webhookUrl' | 'webhookSecret' | 'receipts'>
> & { readonly receipts?: boolean | undefined };

/** Column of each setting, and its allowed range (the migration's CHECKs, reported before SQL does). */
const SETTINGS: readonly NumericSetting<keyof Omit<NodeDeliverySettingsInput, 'receipts'>>[] = [
  { key: 'retryMaxAttempts', column: 'retry_max_attempts', min: 1, max: 1000 },
  { key: 'retryMaxAgeSeconds', column: 'retry_max_age_seconds', min: 1, max: 31_536_000 },
  { key: 'retryBaseDelayMs', column: 'retry_base_delay_ms', min: 1, max: 86_400_000 },
  { key: 'retryMaxDelayMs', column: 'retry_max_delay_ms', min: 1, max: 86_400_000 },
  { key: 'breakerFailureThreshold', column: 'breaker_failure_threshold', min: 1, max: 1000 },
  { key: 'breakerOpenMs', column: 'breaker_open_ms', min: 1, max: 86_400_000 },
];

/** Reads the push settings from a row that has the nodes columns. */
export function toNodePushSettings(row: Record<string, unknown>): NodePushSettings {
  const int = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
  return {
    webhookUrl: strOrNull(row, 'webhook_url'),
    webhookSecret: strOrNull(row, 'webhook_secret'),
    retryMaxAttempts: int('retry_max_attempts'),
    retryMaxAgeSeconds: int('retry_max_age_seconds'),
    retryBaseDelayMs: int('retry_base_delay_ms'),
    retryMaxDelayMs: int('retry_max_delay_ms'),
    breakerFailureThreshold: int('breaker_failure_threshold'),
    breakerOpenMs: int('breaker_open_ms'),
    receipts: row['receipts'] !== false,
  };
}

/** The node columns {@link toNodePushSettings} reads, for SELECTs that join `nodes n`. */
export const NODE_PUSH_COLUMNS = `n.webhook_url, n.webhook_secret, n.retry_max_attempts, n.retry_max_age_seconds,
  n.retry_base_delay_ms, n.retry_max_delay_ms, n.breaker_failure_threshold, n.breaker_open_ms, n.receipts`;

/** The node's push settings (secret included: for the delivery engine only), or null. */
export async function getNodePushSettings(db: Db, nodeId: string): Promise<NodePushSettings | null> {
  const { rows } = await db.query(`SELECT ${NODE_PUSH_COLUMNS} FROM nodes n WHERE n.id = $1`, [nodeId]);
  return rows[0] ? toNodePushSettings(rows[0]) : null;
}

/** A new webhook secret: `whsec_` + 32 random bytes (base64url). Shown once to the operator. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** An absolute http(s) URL without credentials, or STORE_INVALID_INPUT. */
export function checkWebhookUrl(url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (
    parsed === null ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.username !== '' ||
    parsed.password !== '' ||
    url.length > 2048
  ) {
    throw new LienthongError(
      'STORE_INVALID_INPUT',
      'A webhook URL is an absolute http(s) URL without credentials.',
      {
        where: 'store/node-delivery',
        details: { field: 'webhookUrl' },
      },
    );
  }
}

/**
 * Changes the node's retry, breaker and receipt settings (only the keys given; null = default) and
 * writes one `node.delivery_settings_set` event. Throws STORE_NOT_FOUND or STORE_INVALID_INPUT.
 */
export async function setNodeDeliverySettings(
  db: Db,
  input: Audit & { readonly nodeId: string; readonly settings: NodeDeliverySettingsInput },
): Promise<NodePushSettings> {
  const assignments = numericAssignments(SETTINGS, input.settings, 'store/node-delivery');
  if (input.settings.receipts !== undefined) {
    assignments.push({ key: 'receipts', column: 'receipts', value: input.settings.receipts });
  }
  return db.tx(async (tx) => {
    await updateNodeSettings(tx, { ...input, event: 'node.delivery_settings_set', assignments });
    const settings = await getNodePushSettings(tx, input.nodeId);
    if (settings === null) throw notFound(input.nodeId);
    return settings;
  });
}

function notFound(nodeId: string): LienthongError {
  return new LienthongError('STORE_NOT_FOUND', `No node ${nodeId}.`, {
    where: 'store/node-delivery',
    details: { nodeId },
  });
}
