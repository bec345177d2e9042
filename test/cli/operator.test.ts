// `lienthong operator add|list|password|remove`, in this process, on a Postgres schema and on a
// fresh embedded data directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorAccounts, DEFAULT_CONSOLE_SETTINGS } from '../../src/ops/index.ts';
import { type Database, listEvents, openDatabase } from '../../src/store/index.ts';
import { dropSchema, makeTempDataDir, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { runCliIn } from '../support/run-cli.ts';

const schema = uniqueSchemaName('lt_cli_operator');
const env = { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema };
const run = (...args: string[]) => runCliIn(env, ...args);

let database: Database;

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
});
afterAll(async () => {
  await database?.close();
  await dropSchema(schema);
});

/** Whether `password` logs `name` in (checked through the accounts service on the same schema). */
async function logsIn(name: string, password: string): Promise<boolean> {
  const accounts = createOperatorAccounts(database.db, DEFAULT_CONSOLE_SETTINGS);
  return (await accounts.login({ username: name, password, from: null }, new Date())).ok;
}

interface Listed {
  name: string;
  role: string;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  passwordChangedAt: string;
}

describe('lienthong operator (Postgres via DATABASE_URL)', () => {
  let alicePassword = '';

  it('add --json prints {"name","role","password"} once; the password logs in', async () => {
    const result = await run('operator', 'add', '--name', 'alice', '--role', 'operator', '--json');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toBe('');
    const added = JSON.parse(result.out) as { name: string; role: string; password: string };
    expect(Object.keys(added).sort()).toEqual(['name', 'password', 'role']);
    expect(added).toMatchObject({ name: 'alice', role: 'operator' });
    expect(added.password).toMatch(/^[A-Za-z0-9_-]{27}$/);
    alicePassword = added.password;
    expect(await logsIn('alice', alicePassword)).toBe(true);
  });

  it('add without --json prints the password in words', async () => {
    const result = await run('operator', 'add', '--name', 'root.admin', '--role', 'admin');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^operator root\.admin \(admin\) added\npassword: [A-Za-z0-9_-]{27}\n/);
  });

  it('list --json gives the accounts by name, without any password or hash', async () => {
    const result = await run('operator', 'list', '--json');
    expect(result.code, result.err).toBe(0);
    const { operators } = JSON.parse(result.out) as { operators: Listed[] };
    expect(operators.map((o) => [o.name, o.role])).toEqual([
      ['alice', 'operator'],
      ['root.admin', 'admin'],
    ]);
    expect(operators[0]?.lastLoginAt).not.toBeNull();
    expect(operators[1]).toMatchObject({ lockedUntil: null, lastLoginAt: null });
    expect(result.out).not.toContain(alicePassword);
    expect(result.out).not.toContain('scrypt');
    const table = await run('operator', 'list');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/NAME\s+ROLE/);
    expect(table.out).toMatch(/alice\s+operator/);
  });

  it('password --json sets a new password: the new one logs in, the old one no longer', async () => {
    const result = await run('operator', 'password', 'alice', '--json');
    expect(result.code, result.err).toBe(0);
    const changed = JSON.parse(result.out) as { name: string; password: string };
    expect(Object.keys(changed).sort()).toEqual(['name', 'password']);
    expect(changed.name).toBe('alice');
    expect(changed.password).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(changed.password).not.toBe(alicePassword);
    expect(await logsIn('alice', alicePassword)).toBe(false);
    expect(await logsIn('alice', changed.password)).toBe(true);

    const missing = await run('operator', 'password', 'ghost');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error OPERATOR_NOT_FOUND: /);
  });

  it('refuses a bad role, a bad name and a taken name with exit 1 and the code', async () => {
    const badRole = await run('operator', 'add', '--name', 'carol', '--role', 'superuser');
    expect(badRole.code).toBe(1);
    expect(badRole.out).toBe('');
    expect(badRole.err).toMatch(/^error OPERATOR_INVALID: .*admin, operator, viewer/);

    const asJson = await run('operator', 'add', '--name', 'carol', '--role', 'superuser', '--json');
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.out)).toMatchObject({ error: { code: 'OPERATOR_INVALID' } });

    const badName = await run('operator', 'add', '--name', 'has space', '--role', 'viewer');
    expect(badName.code).toBe(1);
    expect(badName.err).toMatch(/^error OPERATOR_INVALID: /);

    const taken = await run('operator', 'add', '--name', 'alice', '--role', 'viewer');
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/^error OPERATOR_EXISTS: /);

    const list = JSON.parse((await run('operator', 'list', '--json')).out) as { operators: Listed[] };
    expect(list.operators.map((o) => o.name)).toEqual(['alice', 'root.admin']);
    expect(list.operators[0]?.role).toBe('operator');
  });

  it('remove takes an account away, but not the last admin nor a missing one', async () => {
    const removed = await run('operator', 'remove', 'alice');
    expect(removed.code, removed.err).toBe(0);
    expect(removed.out).toBe('operator alice removed\n');
    expect(await logsIn('alice', alicePassword)).toBe(false);

    const lastAdmin = await run('operator', 'remove', 'root.admin');
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.err).toMatch(/^error OPERATOR_LAST_ADMIN: /);

    const missing = await run('operator', 'remove', 'alice', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'OPERATOR_NOT_FOUND' } });

    const list = JSON.parse((await run('operator', 'list', '--json')).out) as { operators: Listed[] };
    expect(list.operators.map((o) => o.name)).toEqual(['root.admin']);
  });

  it('records each change as an event by operator:<user>', async () => {
    const events = (await listEvents(database.db, { limit: 10_000 })).filter((e) =>
      e.type.startsWith('operator.'),
    );
    const changes = events
      .filter((e) => !['operator.login', 'operator.login_failed'].includes(e.type))
      .map((e) => [e.type, e.data['operator']]);
    expect(changes).toEqual([
      ['operator.added', 'alice'],
      ['operator.added', 'root.admin'],
      ['operator.password_changed', 'alice'],
      ['operator.removed', 'alice'],
    ]);
    for (const e of events.filter((x) => x.type !== 'operator.login' && x.type !== 'operator.login_failed')) {
      expect(e.actor).toMatch(/^operator:./);
    }
  });
});

describe('lienthong operator (fresh embedded data directory)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDataDir>>;
  beforeAll(async () => {
    temp = await makeTempDataDir();
  });
  afterAll(async () => {
    await temp?.cleanup();
  });

  it('adds and lists an account in LIENTHONG_DATA_DIR', async () => {
    const embedded = {
      DATABASE_URL: undefined,
      LIENTHONG_DB_SCHEMA: undefined,
      LIENTHONG_DATA_DIR: temp.dir,
    };
    const added = await runCliIn(embedded, 'operator', 'add', '--name', 'an', '--role', 'viewer', '--json');
    expect(added.code, added.err).toBe(0);
    expect(JSON.parse(added.out)).toMatchObject({ name: 'an', role: 'viewer' });

    const list = await runCliIn(embedded, 'operator', 'list', '--json');
    expect(list.code, list.err).toBe(0);
    expect((JSON.parse(list.out) as { operators: Listed[] }).operators.map((o) => [o.name, o.role])).toEqual([
      ['an', 'viewer'],
    ]);
    // Not in the Postgres schema of the other block.
    const server = JSON.parse((await run('operator', 'list', '--json')).out) as { operators: Listed[] };
    expect(server.operators.map((o) => o.name)).not.toContain('an');

    const bad = await runCliIn(embedded, 'operator', 'add', '--name', 'bo', '--role', 'root');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error OPERATOR_INVALID: /);
  }, 120_000);
});
