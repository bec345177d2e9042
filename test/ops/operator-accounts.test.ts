// Console accounts (src/ops/operator-accounts.ts over src/store/operator-account.repository.ts) on a
// migrated schema of the real Postgres. Each hash or check of a password costs about 0.2 s (scrypt).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubResult } from '../../src/hub/index.ts';
import {
  createOperatorAccounts,
  DEFAULT_CONSOLE_SETTINGS,
  type OperatorAccounts,
} from '../../src/ops/index.ts';
import { getOperatorAccount } from '../../src/store/index.ts';
import { openServerTestDatabase, type TestDatabase } from '../support/db.ts';

const T0 = new Date('2025-07-15T03:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const cli = (minutes: number) => ({ at: at(minutes), actor: 'operator:tester', from: 'cli@10.0.0.9' });

/** The value of a success, or the test fails with the refusal. */
function ok<T>(result: HubResult<T>): T {
  if (!result.ok) throw new Error(`refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** The refusal's code, message and details (the test fails on a success). */
function refused<T>(result: HubResult<T>) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

let database: TestDatabase;
let accounts: OperatorAccounts;

beforeAll(async () => {
  database = await openServerTestDatabase();
  accounts = createOperatorAccounts(database.db, { ...DEFAULT_CONSOLE_SETTINGS, maxLoginFailures: 3 });
});
afterAll(async () => {
  await database?.close();
});

async function eventsOf(operator: string) {
  const { rows } = await database.db.query<{ type: string; actor: string; data: Record<string, unknown> }>(
    `SELECT type, actor, data FROM events WHERE data->>'operator' = $1 ORDER BY id`,
    [operator],
  );
  return rows;
}

describe('operator accounts: add', () => {
  let alicePassword = '';

  it('returns a generated password once and stores only a scrypt hash of it', async () => {
    const added = ok(await accounts.add({ name: 'alice', role: 'admin' }, cli(0)));
    expect(added).toMatchObject({ name: 'alice', role: 'admin' });
    expect(added.password).toMatch(/^[A-Za-z0-9_-]{27}$/);
    alicePassword = added.password;
    const stored = await getOperatorAccount(database.db, 'alice');
    expect(stored?.passwordHash).toMatch(/^scrypt\$65536\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(stored?.passwordHash).not.toContain(alicePassword);
    const { rows } = await database.db.query('SELECT * FROM operators WHERE name = $1', ['alice']);
    expect(JSON.stringify(rows)).not.toContain(alicePassword);
    // The list shows no hash.
    const listed = await accounts.list();
    expect(listed).toEqual([
      {
        name: 'alice',
        role: 'admin',
        lockedUntil: null,
        lastLoginAt: null,
        createdAt: at(0).toISOString(),
        passwordChangedAt: at(0).toISOString(),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
  });

  it('two accounts with one password get different hashes (salted)', async () => {
    const password = 'một-mật-khẩu-dài';
    ok(await accounts.add({ name: 'salt.a', role: 'viewer', password }, cli(0)));
    ok(await accounts.add({ name: 'salt.b', role: 'viewer', password }, cli(0)));
    const a = await getOperatorAccount(database.db, 'salt.a');
    const b = await getOperatorAccount(database.db, 'salt.b');
    expect(a?.passwordHash).not.toBe(b?.passwordHash);
  });

  it('refuses a name that is taken with OPERATOR_EXISTS, keeping the first account', async () => {
    const before = await getOperatorAccount(database.db, 'alice');
    const error = refused(await accounts.add({ name: 'alice', role: 'viewer' }, cli(1)));
    expect(error.code).toBe('OPERATOR_EXISTS');
    expect(await getOperatorAccount(database.db, 'alice')).toEqual(before);
    expect(alicePassword).not.toBe('');
  });

  it('refuses a bad name, a bad role or a short password with OPERATOR_INVALID, adding nothing', async () => {
    const bad = [
      { name: '', role: 'viewer' },
      { name: '-dash-first', role: 'viewer' },
      { name: 'has space', role: 'viewer' },
      { name: 'a'.repeat(65), role: 'viewer' },
      { name: 'bob', role: 'root' },
      { name: 'bob', role: 'Admin' },
      { name: 'bob', role: 'operator', password: 'short-11ch.' },
    ];
    for (const input of bad) {
      const error = refused(await accounts.add(input, cli(1)));
      expect(error.code, JSON.stringify(input)).toBe('OPERATOR_INVALID');
    }
    expect(await getOperatorAccount(database.db, 'bob')).toBeNull();
    // 12 characters are enough; 64 characters of name too.
    ok(await accounts.add({ name: 'x'.repeat(64), role: 'viewer', password: 'exactly-12ch' }, cli(1)));
  });
});

describe('operator accounts: log in, sessions, log out', () => {
  const password = 'carol-has-a-long-password';

  beforeAll(async () => {
    ok(await accounts.add({ name: 'carol', role: 'operator', password }, cli(2)));
  });

  it('logs in with the right password: a session id, the identity with its role and a CSRF token', async () => {
    const login = ok(await accounts.login({ username: 'carol', password, from: '192.0.2.7' }, at(3)));
    expect(login.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.identity).toEqual({ name: 'carol', role: 'operator', csrfToken: expect.any(String) });
    expect(login.identity.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.identity.csrfToken).not.toBe(login.sessionId);
    expect(login.expiresAt.toISOString()).toBe(at(3 + DEFAULT_CONSOLE_SETTINGS.sessionMinutes).toISOString());

    expect(await accounts.session(login.sessionId, at(4))).toEqual(login.identity);
    // Only a digest of the session id is stored.
    const { rows } = await database.db.query('SELECT * FROM operator_sessions');
    expect(JSON.stringify(rows)).not.toContain(login.sessionId);

    // Another id of the same shape (its last character changed: 'A', or 'B' when it was 'A').
    const other = `${login.sessionId.slice(0, -1)}${login.sessionId.endsWith('A') ? 'B' : 'A'}`;
    expect(await accounts.session(other, at(4))).toBeNull();
    expect(await accounts.session('', at(4))).toBeNull();
    expect(await accounts.session('x'.repeat(200), at(4))).toBeNull();
    // Not after it expired.
    expect(await accounts.session(login.sessionId, login.expiresAt)).toBeNull();

    await accounts.logout(login.sessionId);
    expect(await accounts.session(login.sessionId, at(5))).toBeNull();
    const [carol] = (await accounts.list()).filter((a) => a.name === 'carol');
    expect(carol?.lastLoginAt).toBe(at(3).toISOString());
  });

  it('accepts the password whatever Unicode normalisation it is typed in', async () => {
    const nfc = 'Mật khẩu của Đào'.normalize('NFC');
    ok(await accounts.add({ name: 'dao', role: 'viewer', password: nfc }, cli(2)));
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const login = ok(await accounts.login({ username: 'dao', password: nfd, from: null }, at(3)));
    expect(login.identity.role).toBe('viewer');
  });

  it('answers a wrong password and an unknown user the same way: LOGIN_FAILED', async () => {
    const wrong = refused(
      await accounts.login({ username: 'carol', password: 'not-the-password', from: '192.0.2.8' }, at(6)),
    );
    const unknown = refused(
      await accounts.login({ username: 'nobody', password: 'not-the-password', from: '192.0.2.8' }, at(6)),
    );
    const invalidName = refused(
      await accounts.login({ username: 'bad name!', password: 'not-the-password', from: null }, at(6)),
    );
    expect(wrong.code).toBe('LOGIN_FAILED');
    expect(unknown).toEqual(wrong);
    expect(invalidName).toEqual(wrong);
  });
});

describe('operator accounts: lock-out', () => {
  const password = 'bob-has-a-long-password';
  const wrong = (minutes: number) =>
    accounts.login({ username: 'bob', password: 'wrong-password!', from: '198.51.100.1' }, at(minutes));

  beforeAll(async () => {
    ok(await accounts.add({ name: 'bob', role: 'operator', password }, cli(10)));
  });

  it('locks the account after maxLoginFailures wrong passwords, refusing even the right one until the lock passes', async () => {
    expect(refused(await wrong(11)).code).toBe('LOGIN_FAILED');
    expect(refused(await wrong(11)).code).toBe('LOGIN_FAILED');
    const locked = refused(await wrong(12));
    expect(locked.code).toBe('LOGIN_LOCKED');
    const until = at(12 + DEFAULT_CONSOLE_SETTINGS.lockMinutes);
    expect(locked.details).toEqual({ until: until.toISOString() });

    const rightButLocked = refused(await accounts.login({ username: 'bob', password, from: null }, at(13)));
    expect(rightButLocked.code).toBe('LOGIN_LOCKED');
    expect(rightButLocked.details).toEqual({ until: until.toISOString() });
    expect((await accounts.list()).find((a) => a.name === 'bob')?.lockedUntil).toBe(until.toISOString());

    const after = ok(
      await accounts.login({ username: 'bob', password, from: null }, new Date(until.getTime() + 1_000)),
    );
    expect(after.identity.name).toBe('bob');
    expect((await getOperatorAccount(database.db, 'bob'))?.lockedUntil).toBeNull();
  });

  it('counts failures afresh after a successful login', async () => {
    // Two failures, a success, two failures: not locked (the count started again).
    expect(refused(await wrong(40)).code).toBe('LOGIN_FAILED');
    expect(refused(await wrong(40)).code).toBe('LOGIN_FAILED');
    ok(await accounts.login({ username: 'bob', password, from: null }, at(41)));
    expect(refused(await wrong(42)).code).toBe('LOGIN_FAILED');
    expect(refused(await wrong(42)).code).toBe('LOGIN_FAILED');
    expect((await getOperatorAccount(database.db, 'bob'))?.lockedUntil).toBeNull();
  });

  it('changePassword ends the sessions and lifts the lock', async () => {
    const login = ok(await accounts.login({ username: 'bob', password, from: null }, at(50)));
    expect(await accounts.session(login.sessionId, at(51))).not.toBeNull();
    for (let i = 0; i < 2; i += 1) expect(refused(await wrong(51)).code).toBe('LOGIN_FAILED');
    expect(refused(await wrong(51)).code).toBe('LOGIN_LOCKED');

    const changed = ok(await accounts.changePassword('bob', undefined, cli(52)));
    expect(changed.name).toBe('bob');
    expect(changed.password).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(await accounts.session(login.sessionId, at(52))).toBeNull();
    // Within the former lock, with the new password; the old one no longer works.
    expect(refused(await accounts.login({ username: 'bob', password, from: null }, at(53))).code).toBe(
      'LOGIN_FAILED',
    );
    const again = ok(
      await accounts.login({ username: 'bob', password: changed.password, from: null }, at(53)),
    );
    expect(again.identity.name).toBe('bob');
  });

  it('changePassword refuses a short password and an unknown account', async () => {
    expect(refused(await accounts.changePassword('bob', 'too-short', cli(60))).code).toBe('OPERATOR_INVALID');
    expect(refused(await accounts.changePassword('ghost', undefined, cli(60))).code).toBe(
      'OPERATOR_NOT_FOUND',
    );
  });
});

describe('operator accounts: remove', () => {
  it('refuses to remove the last admin, and a missing account', async () => {
    const last = refused(await accounts.remove('alice', cli(70)));
    expect(last.code).toBe('OPERATOR_LAST_ADMIN');
    expect(await getOperatorAccount(database.db, 'alice')).not.toBeNull();
    expect(refused(await accounts.remove('ghost', cli(70))).code).toBe('OPERATOR_NOT_FOUND');
  });

  it('removes an account and its sessions; an admin once another admin exists', async () => {
    const login = ok(
      await accounts.login({ username: 'carol', password: 'carol-has-a-long-password', from: null }, at(71)),
    );
    expect(ok(await accounts.remove('carol', cli(72)))).toEqual({ name: 'carol' });
    expect(await accounts.session(login.sessionId, at(72))).toBeNull();
    const { rows } = await database.db.query(
      "SELECT count(*)::int AS n FROM operator_sessions WHERE operator_name = 'carol'",
    );
    expect(rows[0]).toEqual({ n: 0 });

    ok(await accounts.add({ name: 'admin2', role: 'admin' }, cli(73)));
    expect(ok(await accounts.remove('alice', cli(74)))).toEqual({ name: 'alice' });
    expect(refused(await accounts.remove('admin2', cli(75))).code).toBe('OPERATOR_LAST_ADMIN');
    expect((await accounts.list()).map((a) => a.name)).not.toContain('alice');
  });
});

describe('operator accounts: audit events', () => {
  it('records operator.added, password_changed and removed with the actor given and data.from', async () => {
    const alice = await eventsOf('alice');
    expect(alice).toContainEqual({
      type: 'operator.added',
      actor: 'operator:tester',
      data: { operator: 'alice', role: 'admin', from: 'cli@10.0.0.9' },
    });
    expect(alice).toContainEqual({
      type: 'operator.removed',
      actor: 'operator:tester',
      data: { operator: 'alice', from: 'cli@10.0.0.9' },
    });
    expect(await eventsOf('bob')).toContainEqual({
      type: 'operator.password_changed',
      actor: 'operator:tester',
      data: { operator: 'bob', from: 'cli@10.0.0.9' },
    });
    // A refused change is no event.
    expect(alice.filter((e) => e.type === 'operator.removed')).toHaveLength(1);
    expect(alice.filter((e) => e.type === 'operator.added')).toHaveLength(1);
  });

  it('records logins, failed logins and the lock with the console actor and the address', async () => {
    const carol = await eventsOf('carol');
    expect(carol).toContainEqual({
      type: 'operator.login',
      actor: 'console:carol',
      data: { operator: 'carol', from: '192.0.2.7' },
    });
    expect(carol).toContainEqual({
      type: 'operator.login_failed',
      actor: 'console:carol',
      data: { operator: 'carol', from: '192.0.2.8' },
    });
    const bob = await eventsOf('bob');
    expect(bob.map((e) => e.type).slice(0, 5)).toEqual([
      'operator.added',
      'operator.login_failed',
      'operator.login_failed',
      'operator.locked',
      'operator.login',
    ]);
    expect(bob[3]).toEqual({
      type: 'operator.locked',
      actor: 'console:bob',
      data: {
        operator: 'bob',
        from: '198.51.100.1',
        until: at(12 + DEFAULT_CONSOLE_SETTINGS.lockMinutes).toISOString(),
      },
    });
    // The refused right password during the lock, and an unknown user, leave no event.
    expect(bob.filter((e) => e.type === 'operator.locked')).toHaveLength(2);
    expect(await eventsOf('nobody')).toEqual([]);
  });

  it('never writes a password or a session id into an event', async () => {
    const { rows } = await database.db.query<{ data: unknown }>(
      "SELECT data FROM events WHERE type LIKE 'operator.%'",
    );
    const text = JSON.stringify(rows);
    expect(text).not.toContain('carol-has-a-long-password');
    expect(text).not.toContain('bob-has-a-long-password');
    expect(text).not.toContain('scrypt$');
  });
});
