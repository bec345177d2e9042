import os from 'node:os';
import { isLienthongError } from '../core/index.ts';
import type { HubFailure, HubResult } from '../hub/index.ts';
import type { Admin } from '../ops/admin.ts';
import { type CliContext, EXIT } from './cli-context.ts';

/** The actor recorded in events for commands run by an operator at a terminal. */
export function operatorActor(): string {
  try {
    return `operator:${os.userInfo().username}`;
  } catch {
    return 'operator:cli';
  }
}

/** An operator's change, now: the audit every admin call takes. */
export const operatorAudit = () => ({ at: new Date(), actor: operatorActor() });

/**
 * Prints a refusal the one way every command does: `error CODE: message` on stderr, or
 * `{ "error": { code, message, details } }` on stdout with --json; exit 1.
 */
export function reportFailure(
  ctx: CliContext,
  json: boolean,
  failure: Pick<HubFailure, 'code' | 'message' | 'details'>,
): void {
  ctx.exitCode = EXIT.negative;
  if (json) {
    ctx.out(
      `${JSON.stringify({ error: { code: failure.code, message: failure.message, details: failure.details ?? {} } })}\n`,
    );
  } else {
    ctx.err(`error ${failure.code}: ${failure.message}\n`);
  }
}

/** The value of a result, or undefined after reporting its failure. */
export function settled<T>(ctx: CliContext, json: boolean, result: HubResult<T>): T | undefined {
  if (result.ok) return result.value;
  reportFailure(ctx, json, result.error);
  return undefined;
}

/**
 * Runs a command with the hub's services over the database that DATABASE_URL / LIENTHONG_DATA_DIR
 * select. A coded error on the way (the data directory busy, a migration) is reported like a refusal.
 */
export async function runAdminCommand(
  ctx: CliContext,
  json: boolean,
  fn: (admin: Admin) => Promise<void>,
): Promise<void> {
  try {
    // Loaded here, not at the top: the services (and the whole hub) only for a command that runs.
    const { withAdmin } = await import('../ops/admin.ts');
    await withAdmin(ctx.env ?? process.env, fn);
  } catch (error) {
    if (!isLienthongError(error)) throw error;
    reportFailure(ctx, json, error);
  }
}
