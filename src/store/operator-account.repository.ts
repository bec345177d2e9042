import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import { date, dateOrNull, str } from './sql-values.ts';

/** What a console account may do: viewers read, operators also retry and pause, admins also manage. */
export const OPERATOR_ROLES = ['admin', 'operator', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** A console account as stored (the password hash stays in the store's callers' hands only). */
export interface OperatorAccountRecord {
  readonly name: string;
  readonly role: OperatorRole;
  readonly passwordHash: string;
  readonly failedLogins: number;
  readonly lockedUntil: Date | null;
  readonly lastLoginAt: Date | null;
  readonly createdAt: Date;
  readonly passwordChangedAt: Date;
}

/** Who changes an account, when, and from where (the audit). */
export interface AccountAudit {
  readonly at: Date;
  readonly actor: string;
  readonly from?: string | null | undefined;
}

function toAccount(row: Record<string, unknown>): OperatorAccountRecord {
  return {
    name: str(row, 'name'),
    role: str(row, 'role') as OperatorRole,
    passwordHash: str(row, 'password_hash'),
    failedLogins: Number(row['failed_logins']),
    lockedUntil: dateOrNull(row, 'locked_until'),
    lastLoginAt: dateOrNull(row, 'last_login_at'),
    createdAt: date(row, 'created_at'),
    passwordChangedAt: date(row, 'password_changed_at'),
  };
}

const auditData = (audit: AccountAudit, data: Record<string, unknown>) =>
  audit.from ? { ...data, from: audit.from } : data;

/** Adds an account; false when the name is taken. */
export async function insertOperatorAccount(
  db: Db,
  input: { readonly name: string; readonly role: OperatorRole; readonly passwordHash: string },
  audit: AccountAudit,
): Promise<boolean> {
  return db.tx(async (tx) => {
    const { rowCount } = await tx.query(
      `INSERT INTO operators (name, role, password_hash, created_at, password_changed_at)
       VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING`,
      [input.name, input.role, input.passwordHash, audit.at],
    );
    if (rowCount === 0) return false;
    await appendEvent(tx, {
      type: 'operator.added',
      at: audit.at,
      actor: audit.actor,
      data: auditData(audit, { operator: input.name, role: input.role }),
    });
    return true;
  });
}

export async function getOperatorAccount(db: Db, name: string): Promise<OperatorAccountRecord | null> {
  const { rows } = await db.query('SELECT * FROM operators WHERE name = $1', [name]);
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function listOperatorAccounts(db: Db): Promise<OperatorAccountRecord[]> {
  const { rows } = await db.query('SELECT * FROM operators ORDER BY name');
  return rows.map(toAccount);
}

/**
 * Removes an account and its sessions. Refused (returns 'last-admin') when it is the last admin:
 * a hub without an admin could only get one back from the command line.
 */
export async function deleteOperatorAccount(
  db: Db,
  name: string,
  audit: AccountAudit,
): Promise<'removed' | 'not-found' | 'last-admin'> {
  return db.tx(async (tx) => {
    // Serialises removals, so that two admins removing each other cannot leave none.
    await tx.query('LOCK TABLE operators IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await tx.query<{ role: string }>('SELECT role FROM operators WHERE name = $1', [name]);
    if (!rows[0]) return 'not-found';
    if (rows[0].role === 'admin') {
      const admins = await tx.query<{ n: string }>(
        "SELECT count(*) AS n FROM operators WHERE role = 'admin'",
      );
      if (Number(admins.rows[0]?.n) <= 1) return 'last-admin';
    }
    await tx.query('DELETE FROM operators WHERE name = $1', [name]);
    await appendEvent(tx, {
      type: 'operator.removed',
      at: audit.at,
      actor: audit.actor,
      data: auditData(audit, { operator: name }),
    });
    return 'removed';
  });
}

/** A new password hash; the account's sessions end and its lock-out is lifted. False: no such account. */
export async function setOperatorPassword(
  db: Db,
  name: string,
  passwordHash: string,
  audit: AccountAudit,
): Promise<boolean> {
  return db.tx(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE operators SET password_hash = $2, password_changed_at = $3, failed_logins = 0, locked_until = NULL
       WHERE name = $1`,
      [name, passwordHash, audit.at],
    );
    if (rowCount === 0) return false;
    await tx.query('DELETE FROM operator_sessions WHERE operator_name = $1', [name]);
    await appendEvent(tx, {
      type: 'operator.password_changed',
      at: audit.at,
      actor: audit.actor,
      data: auditData(audit, { operator: name }),
    });
    return true;
  });
}

/**
 * A failed login: counts it, and locks the account until `lockUntil` once `maxFailures` are reached
 * (the count starts again after the lock). Returns the lock's end when this failure locked it.
 */
export async function recordLoginFailure(
  db: Db,
  input: {
    readonly name: string;
    readonly maxFailures: number;
    readonly lockUntil: Date;
    readonly at: Date;
    readonly from: string | null;
  },
): Promise<Date | null> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query<{ failed_logins: number; locked_until: Date | null }>(
      `UPDATE operators
         SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
       WHERE name = $1 RETURNING failed_logins, locked_until`,
      [input.name, input.maxFailures, input.lockUntil],
    );
    const locked = rows[0] && rows[0].failed_logins === 0 ? rows[0].locked_until : null;
    await appendEvent(tx, {
      type: locked ? 'operator.locked' : 'operator.login_failed',
      at: input.at,
      actor: `console:${input.name}`,
      data: { operator: input.name, from: input.from, ...(locked ? { until: locked.toISOString() } : {}) },
    });
    return locked;
  });
}

/** A successful login: the failure count is reset and a session is stored (its id as SHA-256). */
export async function recordLogin(
  db: Db,
  input: {
    readonly name: string;
    readonly sessionSha256: string;
    readonly csrfToken: string;
    readonly at: Date;
    readonly expiresAt: Date;
    readonly from: string | null;
  },
): Promise<void> {
  await db.tx(async (tx) => {
    await tx.query(
      'UPDATE operators SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE name = $1',
      [input.name, input.at],
    );
    await tx.query('DELETE FROM operator_sessions WHERE expires_at < $1', [input.at]);
    await tx.query(
      `INSERT INTO operator_sessions (id_sha256, operator_name, csrf_token, address, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [input.sessionSha256, input.name, input.csrfToken, input.from, input.at, input.expiresAt],
    );
    await appendEvent(tx, {
      type: 'operator.login',
      at: input.at,
      actor: `console:${input.name}`,
      data: { operator: input.name, from: input.from },
    });
  });
}

/** A live session and its account. */
export interface OperatorSessionRecord {
  readonly operator: OperatorAccountRecord;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/** The session with this id hash, when it has not expired. */
export async function getOperatorSession(
  db: Db,
  sessionSha256: string,
  at: Date,
): Promise<OperatorSessionRecord | null> {
  const { rows } = await db.query(
    `SELECT o.*, s.csrf_token, s.expires_at AS session_expires_at
     FROM operator_sessions s JOIN operators o ON o.name = s.operator_name
     WHERE s.id_sha256 = $1 AND s.expires_at > $2`,
    [sessionSha256, at],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    operator: toAccount(row),
    csrfToken: str(row, 'csrf_token'),
    expiresAt: date(row, 'session_expires_at'),
  };
}

/** Ends a session (log out). */
export async function deleteOperatorSession(db: Db, sessionSha256: string): Promise<void> {
  await db.query('DELETE FROM operator_sessions WHERE id_sha256 = $1', [sessionSha256]);
}
