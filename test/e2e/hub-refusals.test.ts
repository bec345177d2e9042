// Every refusal of POST /v1/messages and of the read endpoints gets its stable code and stores
// nothing; duplicates, conflicts, successors and revokes behave as the issue says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectoryFile } from '../../src/routing/index.ts';
import { importDirectory } from '../../src/store/index.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const X = '000.00.00.G09'; // served by node X, whose signer is pinned
const OLD = '001.02.03.H41'; // merged into B on 2025-07-01
const UNTRUSTED = '000.00.00.G12';

interface Problem {
  code: string;
  status: number;
  findings: Array<{ code: string }>;
}

describe('hub refusals and rules (Postgres)', () => {
  let t: TestHub;
  const tokens: Record<string, string> = {};
  let seq = 0;
  const docId = (from = A) => `${from},2026/11/21,${++seq}/REF`;

  async function count(table: string): Promise<number> {
    const { rows } = await t.hub.database.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
    return Number(rows[0]?.n);
  }
  async function counts() {
    return {
      messages: await count('messages'),
      deliveries: await count('deliveries'),
      outbox: await count('outbox'),
      statuses: await count('business_statuses'),
      events: await count('events'),
    };
  }
  async function refused(token: string, body: string, status: number, code: string): Promise<Problem> {
    const before = await counts();
    const res = await t.call('POST', '/v1/messages', token, body);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as Problem;
    expect([problem.code, res.status]).toEqual([code, status]);
    expect(await counts()).toEqual(before);
    return problem;
  }

  beforeAll(async () => {
    t = await startTestHub({ backend: 'server', organIds: [A, B, X], untrustedOrganIds: [UNTRUSTED] });
    tokens['A'] = await t.addNode({ id: 'node-a', organizations: [A, UNTRUSTED] });
    tokens['B'] = await t.addNode({ id: 'node-b', organizations: [B] });
    tokens['X'] = await t.addNode({ id: 'node-x', organizations: [X], pinCertificateOf: A });
    const yaml = `version: 1
organizations:
  - { organId: ${OLD}, name: "UBND huyện cũ", level: district, validTo: "2025-06-30", successorId: ${B} }
`;
    const parsed = parseDirectoryFile(yaml, 'yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.findings));
    await importDirectory(t.hub.database.db, parsed.file, { at: new Date(), actor: 'test' });
  }, 120_000);
  afterAll(async () => t?.close());

  it('refuses a request without a valid token (401 AUTH_REQUIRED)', async () => {
    const res = await t.call('GET', '/v1/inbox', null);
    expect(res.status).toBe(401);
    expect(((await res.json()) as Problem).code).toBe('AUTH_REQUIRED');
    const bad = await t.call('GET', '/v1/inbox', 'lt_not-a-token');
    expect(bad.status).toBe(401);
  });

  it('refuses malformed XML, a DOCTYPE and a tampered package', async () => {
    await refused(tokens['A']!, '<edXML><unclosed></edXML>', 422, 'XML_MALFORMED');
    await refused(
      tokens['A']!,
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML>&e;</edXML>',
      422,
      'XML_FORBIDDEN',
    );
    const signed = await t.sign(samplePackage({ from: A, to: [B], documentId: docId(), subject: 'Gốc' }), A);
    const tampered = signed.replace(
      '<edXML:Subject>Gốc</edXML:Subject>',
      '<edXML:Subject>Sửa</edXML:Subject>',
    );
    expect(tampered).not.toBe(signed);
    await refused(tokens['A']!, tampered, 422, 'SIGNATURE_INVALID');
  });

  it('refuses an unsigned package from a node whose policy requires signatures', async () => {
    await refused(
      tokens['A']!,
      samplePackage({ from: A, to: [B], documentId: docId() }),
      422,
      'SIGNATURE_MISSING',
    );
  });

  it('refuses a signer whose CA is not trusted (CERT_UNTRUSTED)', async () => {
    const pkg = await t.sign(
      samplePackage({ from: UNTRUSTED, to: [B], documentId: docId(UNTRUSTED) }),
      UNTRUSTED,
    );
    await refused(tokens['A']!, pkg, 422, 'CERT_UNTRUSTED');
  });

  it('refuses a node sending as an organization it does not serve (403 SENDER_NOT_SERVED)', async () => {
    const pkg = await t.sign(samplePackage({ from: B, to: [A], documentId: docId(B) }), B);
    await refused(tokens['A']!, pkg, 403, 'SENDER_NOT_SERVED');
  });

  it('refuses a signer bound to another organization (403 SIGNER_NOT_SENDER)', async () => {
    // Node B serves B but signs with A's certificate (OU carries A, not B).
    const pkg = await t.sign(samplePackage({ from: B, to: [A], documentId: docId(B) }), A);
    await refused(tokens['B']!, pkg, 403, 'SIGNER_NOT_SENDER');
    // X has a pinned certificate (A's): its own certificate, although OU=X, is not the pinned one.
    const own = await t.sign(samplePackage({ from: X, to: [A], documentId: docId(X) }), X);
    await refused(tokens['X']!, own, 403, 'SIGNER_NOT_SENDER');
    const pinned = await t.sign(samplePackage({ from: X, to: [A], documentId: docId(X) }), A);
    expect((await t.call('POST', '/v1/messages', tokens['X']!, pinned)).status).toBe(202);
  });

  it('refuses a status about a document the hub never carried (422 STATUS_UNKNOWN_DOCUMENT)', async () => {
    const status = await t.sign(
      sampleStatus({
        from: B,
        responseFor: { organId: A, documentId: `${A},2020/01/01,1/NONE` },
        code: '01',
      }),
      B,
    );
    await refused(tokens['B']!, status, 422, 'STATUS_UNKNOWN_DOCUMENT');
  });

  it('refuses a package none of whose recipients can be routed (422 NO_ROUTABLE_RECIPIENT)', async () => {
    const pkg = await t.sign(samplePackage({ from: A, to: ['999.99.99.Q99'], documentId: docId() }), A);
    const problem = await refused(tokens['A']!, pkg, 422, 'NO_ROUTABLE_RECIPIENT');
    expect(problem.code).toBe('NO_ROUTABLE_RECIPIENT');
  });

  it('refuses a body that is too large (413) or not XML (415)', async () => {
    const res = await t.call('POST', '/v1/messages', tokens['A']!, 'x'.repeat(70 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect(((await res.json()) as Problem).code).toBe('PAYLOAD_TOO_LARGE');
    const json = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['A']}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as Problem).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('returns the first receipt for the same bytes and creates nothing; 409 for new bytes under the same DocumentId', async () => {
    const id = docId();
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: id }), A);
    const first = (await (await t.call('POST', '/v1/messages', tokens['A']!, pkg)).json()) as {
      id: string;
      duplicate: boolean;
    };
    expect(first.duplicate).toBe(false);
    const before = await counts();
    const again = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
    expect(again.status).toBe(202);
    expect((await again.json()) as { id: string; duplicate: boolean }).toMatchObject({
      id: first.id,
      duplicate: true,
    });
    expect(await counts()).toEqual(before);
    const changed = await t.sign(samplePackage({ from: A, to: [B], documentId: id, subject: 'Khác' }), A);
    await refused(tokens['A']!, changed, 409, 'DOCUMENT_CONFLICT');
  });

  it('returns the first receipt for the same bytes even when the checks would refuse them now', async () => {
    // The duplicate look-up runs after the checks (saving a round trip per package); a resend must
    // still get its first receipt when the directory changed in between.
    const Z = '000.00.00.H98';
    const snapshotTtl = () => new Promise((resolve) => setTimeout(resolve, 1_100)); // the hub's directory snapshot
    await t.addNode({ id: 'node-z', organizations: [Z] });
    await snapshotTtl();
    const pkg = await t.sign(samplePackage({ from: A, to: [Z], documentId: docId() }), A);
    const sent = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
    expect(sent.status).toBe(202);
    const first = (await sent.json()) as { id: string };
    const ended = parseDirectoryFile(
      `version: 1
organizations:
  - { organId: ${Z}, name: "Cơ quan đã giải thể", level: central, validTo: "2026-01-01" }
`,
      'yaml',
    );
    if (!ended.ok) throw new Error(JSON.stringify(ended.findings));
    await importDirectory(t.hub.database.db, ended.file, { at: new Date(), actor: 'test' });
    await snapshotTtl();
    const fresh = await t.sign(samplePackage({ from: A, to: [Z], documentId: docId() }), A);
    await refused(tokens['A']!, fresh, 422, 'NO_ROUTABLE_RECIPIENT');
    const before = await counts();
    const again = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
    expect([again.status, await again.json()]).toMatchObject([202, { id: first.id, duplicate: true }]);
    expect(await counts()).toEqual(before);
  });

  it('answers identical packages sent at once with one new message and the same receipt', async () => {
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: docId() }), A);
    const before = await counts();
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
        return { status: res.status, body: (await res.json()) as { id: string; duplicate: boolean } };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect((await counts()).messages).toBe(before.messages + 1);
  });

  it('returns the first receipt for a status sent again, recording the status once', async () => {
    const id = docId();
    await t.call(
      'POST',
      '/v1/messages',
      tokens['A']!,
      await t.sign(samplePackage({ from: A, to: [B], documentId: id }), A),
    );
    const status = await t.sign(
      sampleStatus({ from: B, responseFor: { organId: A, documentId: id }, code: '03' }),
      B,
    );
    const first = (await (await t.call('POST', '/v1/messages', tokens['B']!, status)).json()) as {
      id: string;
    };
    const before = await counts();
    const again = await t.call('POST', '/v1/messages', tokens['B']!, status);
    expect([again.status, await again.json()]).toMatchObject([202, { id: first.id, duplicate: true }]);
    expect(await counts()).toEqual(before);
  });

  it('keeps other nodes out of a message: fetch, ack and trace are 404 for them', async () => {
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: docId() }), A);
    const { id } = (await (await t.call('POST', '/v1/messages', tokens['A']!, pkg)).json()) as { id: string };
    for (const [method, path] of [
      ['GET', `/v1/messages/${id}`],
      ['POST', `/v1/messages/${id}/ack`],
      ['GET', `/v1/messages/${id}/trace`],
    ] as const) {
      const res = await t.call(method, path, tokens['X']!);
      expect([path, res.status, ((await res.json()) as Problem).code]).toEqual([
        path,
        404,
        'MESSAGE_NOT_FOUND',
      ]);
    }
    // The sender may fetch, but not ack (it is not a recipient).
    expect((await t.call('GET', `/v1/messages/${id}`, tokens['A']!)).status).toBe(200);
    expect((await t.call('POST', `/v1/messages/${id}/ack`, tokens['A']!)).status).toBe(404);
  });

  it('sends mail for a merged organization to its successor and says so', async () => {
    const pkg = await t.sign(samplePackage({ from: A, to: [OLD], documentId: docId() }), A);
    const res = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as {
      id: string;
      recipients: Array<{ organId: string; deliveredTo?: string; reason?: string }>;
    };
    expect(receipt.recipients[0]).toMatchObject({ organId: OLD, deliveredTo: B });
    expect(receipt.recipients[0]?.reason).toBeTruthy();
    const inbox = (await (await t.call('GET', '/v1/inbox?limit=500', tokens['B']!)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(inbox.items.map((i) => i.id)).toContain(receipt.id);
  });

  it('lists unroutable recipients beside routable ones', async () => {
    const pkg = await t.sign(samplePackage({ from: A, to: [B, '999.99.99.Q98'], documentId: docId() }), A);
    const receipt = (await (await t.call('POST', '/v1/messages', tokens['A']!, pkg)).json()) as {
      recipients: Array<{ organId: string; state: string; reason?: string }>;
    };
    expect(receipt.recipients.find((r) => r.organId === '999.99.99.Q98')).toMatchObject({
      state: 'unroutable',
    });
    expect(receipt.recipients.find((r) => r.organId === B)).toMatchObject({ state: 'queued' });
  });

  it('revokes undelivered deliveries: the inbox no longer offers the original', async () => {
    const id = docId();
    const original = await t.sign(samplePackage({ from: A, to: [B], documentId: id }), A);
    const { id: originalId } = (await (
      await t.call('POST', '/v1/messages', tokens['A']!, original)
    ).json()) as { id: string };
    const revoke = await t.sign(
      samplePackage({ from: A, to: [B], documentId: `${id}-revoke`, businessType: 1, aboutDocumentId: id }),
      A,
    );
    expect((await t.call('POST', '/v1/messages', tokens['A']!, revoke)).status).toBe(202);
    const inbox = (await (await t.call('GET', '/v1/inbox?limit=500', tokens['B']!)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(inbox.items.map((i) => i.id)).not.toContain(originalId);
    const trace = (await (await t.call('GET', `/v1/messages/${originalId}/trace`, tokens['A']!)).json()) as {
      deliveries: Array<{ state: string }>;
    };
    expect(trace.deliveries.map((d) => d.state)).toEqual(['revoked']);
  });

  it('accepts a status out of order and flags it; 13 only from the original sender', async () => {
    const id = docId();
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: id }), A);
    const { id: messageId } = (await (await t.call('POST', '/v1/messages', tokens['A']!, pkg)).json()) as {
      id: string;
    };
    const send = async (from: string, token: string, code: string) =>
      t.call(
        'POST',
        '/v1/messages',
        token,
        await t.sign(
          sampleStatus({
            from,
            responseFor: { organId: A, documentId: id },
            code,
            timestamp: `2026/11/21 10:0${code.at(-1)}:00`,
          }),
          from,
        ),
      );
    expect((await send(B, tokens['B']!, '02')).status).toBe(202);
    const late = await send(B, tokens['B']!, '06');
    expect(late.status).toBe(202);
    expect(
      ((await late.json()) as { findings: Array<{ code: string }> }).findings.map((f) => f.code),
    ).toContain('STATUS_INCONSISTENT');
    const trace = (await (await t.call('GET', `/v1/messages/${messageId}/trace`, tokens['A']!)).json()) as {
      deliveries: Array<{ statuses: Array<{ code: string; inconsistent: boolean }> }>;
    };
    expect(trace.deliveries[0]?.statuses).toEqual([
      expect.objectContaining({ code: '02', nameVi: 'Từ chối tiếp nhận', inconsistent: false }),
      expect.objectContaining({ code: '06', nameVi: 'Hoàn thành', inconsistent: true }),
    ]);
    const wrong13 = await send(B, tokens['B']!, '13');
    expect(wrong13.status).toBe(403);
    expect(((await wrong13.json()) as Problem).code).toBe('STATUS_NOT_ALLOWED');
    expect((await send(A, tokens['A']!, '13')).status).toBe(202);
  });

  it("accepts a 13 whose ResponseFor/OrganId names the recipient (as the SDK's sample does), from the original sender only", async () => {
    const id = docId();
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId: id }), A);
    expect((await t.call('POST', '/v1/messages', tokens['A']!, pkg)).status).toBe(202);
    const takeBack = async (from: string, responseForOrgan: string, documentId = id) =>
      t.sign(
        sampleStatus({ from, responseFor: { organId: responseForOrgan, documentId }, code: '13' }),
        from,
      );
    // The document exists, but B did not send it: looked up under B (From), then under A (ResponseFor).
    await refused(tokens['B']!, await takeBack(B, A), 403, 'STATUS_NOT_ALLOWED');
    // Neither under From nor under ResponseFor: B sent nothing with that DocumentId.
    await refused(tokens['B']!, await takeBack(B, B), 422, 'STATUS_UNKNOWN_DOCUMENT');
    // A has sent no document with this id.
    await refused(tokens['A']!, await takeBack(A, B, docId()), 422, 'STATUS_UNKNOWN_DOCUMENT');

    const res = await t.call('POST', '/v1/messages', tokens['A']!, await takeBack(A, B));
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as {
      id: string;
      kind: string;
      recipients: Array<{ organId: string }>;
    };
    // It goes to the original's recipients.
    expect([receipt.kind, receipt.recipients.map((r) => r.organId)]).toEqual(['status', [B]]);
    const inbox = (await (await t.call('GET', '/v1/inbox?limit=500', tokens['B']!)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(inbox.items.map((i) => i.id)).toContain(receipt.id);
  });
});
