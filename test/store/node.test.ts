import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addClientCertificate,
  assignOrganizations,
  createNode,
  findNodeByClientCertificate,
  findNodeByToken,
  getNode,
  getNodeWebhook,
  getOrganization,
  issueMissingTokens,
  listEvents,
  listSignerBindings,
  rotateNodeToken,
  setNodeWebhook,
  setSignaturePolicy,
  TOKEN_PREFIX,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { expectCode, T0, uniqueOrgan } from './store-fixtures.ts';

describe.each(testBackends)('nodes and credentials on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates a node with a token shown once and stored only as its SHA-256', async () => {
    const id = `n-${randomUUID().slice(0, 8)}`;
    const organ = uniqueOrgan();
    const created = await createNode(database.db, { id, organizations: [organ], at: T0, actor: 'cli' });
    expect(created.token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(created.token.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(created.createdOrganizations).toEqual([organ]);
    expect(created.node).toMatchObject({
      id,
      name: id,
      kind: 'system',
      signaturePolicy: 'require',
      organizations: [organ],
      activeTokens: 1,
      webhookUrl: null,
      hasWebhookSecret: false,
    });
    const stored = await database.db.query<{ sha256: string }>(
      'SELECT sha256 FROM node_credentials WHERE node_id = $1',
      [id],
    );
    expect(stored.rows).toEqual([{ sha256: createHash('sha256').update(created.token).digest('hex') }]);
    expect(JSON.stringify(await listEvents(database.db, { nodeId: id }))).not.toContain(created.token);
    expect(await getOrganization(database.db, organ)).toMatchObject({
      name: organ,
      level: 'unit',
      nodeId: id,
    });
  });

  it('finds a node by its token, and not by a rotated one', async () => {
    const id = `n-${randomUUID().slice(0, 8)}`;
    const { token } = await createNode(database.db, {
      id,
      organizations: [uniqueOrgan()],
      at: T0,
      actor: 'cli',
    });
    expect((await findNodeByToken(database.db, token))?.id).toBe(id);
    const rotated = await rotateNodeToken(database.db, { nodeId: id, at: T0, actor: 'cli' });
    expect(rotated.token).not.toBe(token);
    expect(await findNodeByToken(database.db, token)).toBeNull();
    expect((await findNodeByToken(database.db, rotated.token))?.id).toBe(id);
    expect(await findNodeByToken(database.db, `${TOKEN_PREFIX}unknown`)).toBeNull();
    expect((await getNode(database.db, id))?.activeTokens).toBe(1);
    const types = (await listEvents(database.db, { nodeId: id })).map((e) => e.type);
    expect(types).toEqual(['organization.assigned', 'node.created', 'node.token_rotated']);
  });

  it('refuses a second node with the same id, and an organization served elsewhere', async () => {
    const id = `n-${randomUUID().slice(0, 8)}`;
    const organ = uniqueOrgan();
    await createNode(database.db, { id, organizations: [organ], at: T0, actor: 'cli' });
    await expectCode(createNode(database.db, { id, organizations: [], at: T0, actor: 'cli' }), 'NODE_EXISTS');
    const other = `n-${randomUUID().slice(0, 8)}`;
    const error = await expectCode(
      createNode(database.db, { id: other, organizations: [organ], at: T0, actor: 'cli' }),
      'ORG_SERVED_BY_OTHER_NODE',
    );
    expect((error as { details: unknown }).details).toEqual({
      nodeId: other,
      organId: organ,
      servedBy: id,
      organizations: [{ organId: organ, servedBy: id }],
    });
    expect((error as Error).message).toBe(
      `Organization ${organ} is already served by node ${id}; node ${other} cannot serve it too.`,
    );
    expect(await getNode(database.db, other)).toBeNull();
    await expectCode(
      rotateNodeToken(database.db, { nodeId: 'no-such-node', at: T0, actor: 'cli' }),
      'STORE_NOT_FOUND',
    );
    await expectCode(
      createNode(database.db, { id: 'bad id', organizations: [], at: T0, actor: 'cli' }),
      'STORE_INVALID_INPUT',
    );
    for (const notAnId of ['no pe', 'a/b', '', 'x'.repeat(65)]) {
      await expectCode(
        createNode(database.db, {
          id: `n-${randomUUID().slice(0, 8)}`,
          organizations: [notAnId],
          at: T0,
          actor: 'cli',
        }),
        'STORE_INVALID_INPUT',
      );
    }
  });

  it('serves organ ids that are not QĐ 20/2020-shaped (the SDK gateway sends as vxp.saas.03)', async () => {
    const id = `n-${randomUUID().slice(0, 8)}`;
    const suffix = randomUUID().slice(0, 8);
    const organizations = [
      `vxp.saas.${suffix}`,
      `01.02.${suffix.toUpperCase()}`,
      `x_${suffix}-${'y'.repeat(53)}`,
    ];
    const created = await createNode(database.db, {
      id,
      organizations,
      signaturePolicy: 'legacy-unsigned',
      at: T0,
      actor: 'cli',
    });
    expect([...created.createdOrganizations].sort()).toEqual([...organizations].sort());
    expect(await getOrganization(database.db, organizations[0]!)).toMatchObject({ nodeId: id });
    // The database holds the same rule (migration 0006), for writers that bypass createNode.
    const insert = (organId: string) =>
      database.db.query(
        `INSERT INTO organizations (organ_id, name, level, created_at, updated_at) VALUES ($1, 'x', 'unit', $2, $2)`,
        [organId, T0],
      );
    await insert(`lower.${suffix}`);
    for (const notAnId of [`a b${suffix}`, `a/${suffix}`, `.${suffix}`, 'z'.repeat(65)]) {
      await expect(insert(notAnId), notAnId).rejects.toMatchObject({ code: '23514' });
    }
  });

  it('moves organizations only when asked to', async () => {
    const a = `n-${randomUUID().slice(0, 8)}`;
    const b = `n-${randomUUID().slice(0, 8)}`;
    const organ = uniqueOrgan();
    await createNode(database.db, { id: a, organizations: [organ], at: T0, actor: 'cli' });
    await createNode(database.db, { id: b, organizations: [], at: T0, actor: 'cli' });
    expect(await assignOrganizations(database.db, b, [organ], { at: T0, actor: 'cli', move: true })).toEqual([
      { organId: organ, from: a, to: b },
    ]);
    expect(await assignOrganizations(database.db, b, [organ], { at: T0, actor: 'cli', move: true })).toEqual(
      [],
    );
    expect((await getNode(database.db, a))?.organizations).toEqual([]);
  });

  it('pins signer certificates per organization, sets policy, webhook and client certificates', async () => {
    const id = `n-${randomUUID().slice(0, 8)}`;
    const organs = [uniqueOrgan(), uniqueOrgan()].sort();
    const cert = 'ab'.repeat(32);
    await createNode(database.db, {
      id,
      organizations: organs,
      signerCertificates: [{ sha256: cert.toUpperCase(), subject: 'CN=Văn thư' }],
      signaturePolicy: 'legacy-unsigned',
      at: T0,
      actor: 'cli',
    });
    expect(
      (await listSignerBindings(database.db, { nodeId: id })).map((b) => [
        b.organId,
        b.certSha256,
        b.subject,
      ]),
    ).toEqual(organs.map((o) => [o, cert, 'CN=Văn thư']));
    await setSignaturePolicy(database.db, { nodeId: id, policy: 'require', at: T0, actor: 'cli' });
    await setNodeWebhook(database.db, {
      nodeId: id,
      url: 'https://example.test/hook',
      secret: 's3cret',
      at: T0,
      actor: 'cli',
    });
    const client = 'cd'.repeat(32);
    await addClientCertificate(database.db, { nodeId: id, certSha256: client, at: T0, actor: 'cli' });
    await addClientCertificate(database.db, { nodeId: id, certSha256: client, at: T0, actor: 'cli' });
    const node = await getNode(database.db, id);
    expect(node).toMatchObject({
      signaturePolicy: 'require',
      webhookUrl: 'https://example.test/hook',
      hasWebhookSecret: true,
      clientCertificates: [client],
    });
    expect(await getNodeWebhook(database.db, id)).toEqual({
      url: 'https://example.test/hook',
      secret: 's3cret',
    });
    expect((await findNodeByClientCertificate(database.db, client.toUpperCase()))?.id).toBe(id);
    const webhookEvent = (await listEvents(database.db, { nodeId: id, type: 'node.webhook_set' }))[0];
    expect(JSON.stringify(webhookEvent)).not.toContain('s3cret');
  });

  it('issues tokens to nodes that have none (first start), once', async () => {
    await database.db.query(
      `INSERT INTO nodes (id, name, created_at, updated_at) VALUES ('tokenless-a', 'a', $1, $1)`,
      [T0],
    );
    const issued = await issueMissingTokens(database.db, { at: T0, actor: 'hub' });
    expect(issued.map((i) => i.nodeId)).toContain('tokenless-a');
    const token = issued.find((i) => i.nodeId === 'tokenless-a')!.token;
    expect((await findNodeByToken(database.db, token))?.id).toBe('tokenless-a');
    expect(await issueMissingTokens(database.db, { at: T0, actor: 'hub' })).toEqual([]);
  });
});
