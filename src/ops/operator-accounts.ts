import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { type HubResult, refuse, success } from '../hub/index.ts';
import {
  type AccountAudit,
  type Db,
  deleteOperatorAccount,
  deleteOperatorSession,
  getOperatorAccount,
  getOperatorSession,
  insertOperatorAccount,
  listOperatorAccounts,
  OPERATOR_ROLES,
  type OperatorRole,
  recordLogin,
  recordLoginFailure,
  setOperatorPassword,
} from '../store/index.ts';
import type { ConsoleSettings } from './console-settings.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt parameters (N=2^16, r=8, p=1: 64 MiB and about 0.2 s a try on one core), kept in each hash. */
const SCRYPT = { N: 2 ** 16, r: 8, p: 1, keylen: 32 } as const;
const MAXMEM = 256 * 1024 * 1024;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, SCRYPT.keylen, {
    ...SCRYPT,
    maxmem: MAXMEM,
  });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Whether `password` matches a hash made by {@link hashPassword}; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(
    password.normalize('NFC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: MAXMEM,
    },
  );
  return timingSafeEqual(actual, expected);
}

/** A hash no password matches, checked when the user name is unknown: the answer takes as long. */
let decoy: Promise<string> | null = null;

/** A password to print once: 20 random bytes, base64url (27 characters). */
export function generatePassword(): string {
  return randomBytes(20).toString('base64url');
}

/** The session id as stored: its SHA-256 (a stolen database does not hold usable cookies). */
export const sessionDigest = (sessionId: string) =>
  createHash('sha256').update(sessionId, 'utf8').digest('hex');

/** A console account as the CLI and the console list it (no hash). */
export interface OperatorAccountView {
  readonly name: string;
  readonly role: OperatorRole;
  readonly lockedUntil: string | null;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
}

/** The person behind a console session. */
export interface ConsoleIdentity {
  readonly name: string;
  readonly role: OperatorRole;
  /** The session's CSRF token: every change must carry it. */
  readonly csrfToken: string;
}

/** A new session: the cookie value (shown to the browser only) and who it is. */
export interface ConsoleLogin {
  readonly sessionId: string;
  readonly identity: ConsoleIdentity;
  readonly expiresAt: Date;
}

/** Console accounts: add, list, remove, new password; log in and out; sessions. */
export interface OperatorAccounts {
  add(
    input: { readonly name: string; readonly role: string; readonly password?: string | undefined },
    audit: AccountAudit,
  ): Promise<HubResult<{ readonly name: string; readonly role: OperatorRole; readonly password: string }>>;
  list(): Promise<OperatorAccountView[]>;
  remove(name: string, audit: AccountAudit): Promise<HubResult<{ readonly name: string }>>;
  /** Sets a new password (generated when none is given); ends the account's sessions. */
  changePassword(
    name: string,
    password: string | undefined,
    audit: AccountAudit,
  ): Promise<HubResult<{ readonly name: string; readonly password: string }>>;
  /** LOGIN_FAILED for a wrong name or password (the same answer for both), LOGIN_LOCKED while locked. */
  login(
    input: { readonly username: string; readonly password: string; readonly from: string | null },
    at: Date,
  ): Promise<HubResult<ConsoleLogin>>;
  /** The identity of a live session, or null. */
  session(sessionId: string, at: Date): Promise<ConsoleIdentity | null>;
  logout(sessionId: string): Promise<void>;
}

const MIN_PASSWORD = 12;

function checkNew(name: string, role: string): HubResult<OperatorRole> {
  if (!NAME.test(name)) {
    return refuse(
      'OPERATOR_INVALID',
      'An operator name is 1-64 of A-Z a-z 0-9 . _ @ - (first a letter or digit).',
    );
  }
  if (!(OPERATOR_ROLES as readonly string[]).includes(role)) {
    return refuse('OPERATOR_INVALID', `The role is one of ${OPERATOR_ROLES.join(', ')}.`);
  }
  return success(role as OperatorRole);
}

function checkPassword(password: string): HubResult<string> {
  if (password.length < MIN_PASSWORD || password.length > 1024) {
    return refuse('OPERATOR_INVALID', `A password has ${MIN_PASSWORD} to 1024 characters.`);
  }
  return success(password);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function createOperatorAccounts(db: Db, settings: ConsoleSettings): OperatorAccounts {
  return {
    async add(input, audit) {
      const role = checkNew(input.name, input.role);
      if (!role.ok) return role;
      const password = input.password ?? generatePassword();
      const checked = checkPassword(password);
      if (!checked.ok) return checked;
      const created = await insertOperatorAccount(
        db,
        { name: input.name, role: role.value, passwordHash: await hashPassword(password) },
        audit,
      );
      if (!created) return refuse('OPERATOR_EXISTS', `An operator named ${input.name} exists already.`);
      return success({ name: input.name, role: role.value, password });
    },
    async list() {
      return (await listOperatorAccounts(db)).map((a) => ({
        name: a.name,
        role: a.role,
        lockedUntil: iso(a.lockedUntil),
        lastLoginAt: iso(a.lastLoginAt),
        createdAt: a.createdAt.toISOString(),
        passwordChangedAt: a.passwordChangedAt.toISOString(),
      }));
    },
    async remove(name, audit) {
      const result = await deleteOperatorAccount(db, name, audit);
      if (result === 'not-found') return refuse('OPERATOR_NOT_FOUND', `No operator named ${name}.`);
      if (result === 'last-admin') {
        return refuse('OPERATOR_LAST_ADMIN', `${name} is the last admin; add another admin first.`);
      }
      return success({ name });
    },
    async changePassword(name, given, audit) {
      const password = given ?? generatePassword();
      const checked = checkPassword(password);
      if (!checked.ok) return checked;
      if (!(await setOperatorPassword(db, name, await hashPassword(password), audit))) {
        return refuse('OPERATOR_NOT_FOUND', `No operator named ${name}.`);
      }
      return success({ name, password });
    },
    async login(input, at) {
      const failed = () => refuse('LOGIN_FAILED', 'The user name or the password is wrong.');
      const account = NAME.test(input.username) ? await getOperatorAccount(db, input.username) : null;
      if (!account) {
        decoy ??= hashPassword(generatePassword());
        await verifyPassword(input.password, await decoy);
        return failed();
      }
      if (account.lockedUntil !== null && account.lockedUntil > at) {
        return refuse(
          'LOGIN_LOCKED',
          'Too many failed logins: the account is locked for a while. Ask an admin, or wait.',
          [],
          { until: account.lockedUntil.toISOString() },
        );
      }
      if (!(await verifyPassword(input.password, account.passwordHash))) {
        const lockedUntil = await recordLoginFailure(db, {
          name: account.name,
          maxFailures: settings.maxLoginFailures,
          lockUntil: new Date(at.getTime() + settings.lockMinutes * 60_000),
          at,
          from: input.from,
        });
        return lockedUntil
          ? refuse('LOGIN_LOCKED', 'Too many failed logins: the account is now locked for a while.', [], {
              until: lockedUntil.toISOString(),
            })
          : failed();
      }
      const sessionId = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(at.getTime() + settings.sessionMinutes * 60_000);
      await recordLogin(db, {
        name: account.name,
        sessionSha256: sessionDigest(sessionId),
        csrfToken,
        at,
        expiresAt,
        from: input.from,
      });
      return success({
        sessionId,
        identity: { name: account.name, role: account.role, csrfToken },
        expiresAt,
      });
    },
    async session(sessionId, at) {
      if (sessionId.length === 0 || sessionId.length > 128) return null;
      const found = await getOperatorSession(db, sessionDigest(sessionId), at);
      return found
        ? { name: found.operator.name, role: found.operator.role, csrfToken: found.csrfToken }
        : null;
    },
    async logout(sessionId) {
      await deleteOperatorSession(db, sessionDigest(sessionId));
    },
  };
}
