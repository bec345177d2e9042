// RFC 3161 timestamps of the evidence log's heads against a timestamping authority on loopback
// (`openssl ts -reply`): the token kept with the head and carried in the bundle, checked by
// verifyBundle and by `openssl ts -verify`; a changed token refused; an authority that is down or
// answers garbage leaves the head signed without a timestamp, with the reason.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../src/evidence/bundle.ts';
import { headPayload } from '../../src/evidence/entry-hash.ts';
import { createEvidenceService, type EvidenceService } from '../../src/evidence/evidence-service.ts';
import { requestTimestamp } from '../../src/evidence/timestamp.ts';
import { verifyBundle } from '../../src/evidence/verify-bundle.ts';
import { appendEvent } from '../../src/store/index.ts';
import { acceptOnePackage, at } from '../store/store-fixtures.ts';
import { openServerTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestTsa, type TestTsa } from '../support/tsa.ts';

describe('timestamped heads (RFC 3161, openssl ts on loopback)', () => {
  let database: TestDatabase;
  let tsa: TestTsa;
  let evidence: EvidenceService;
  let messageId: string;
  let bundle: EvidenceBundle;

  beforeAll(async () => {
    tsa = await startTestTsa();
    database = await openServerTestDatabase();
    evidence = createEvidenceService({
      db: database.db,
      hubId: 'hub-ts',
      now: () => new Date(),
      tsaUrl: tsa.url,
    });
    const sent = await acceptOnePackage(database.db);
    messageId = sent.message.id;
    const exported = await evidence.exportBundle(messageId);
    if (!exported.ok) throw new Error(exported.error.message);
    bundle = exported.value;
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await tsa?.close();
  });

  it('keeps the authority’s token with the head; the bundle checks, and trusts it with the TSA’s CA given', async () => {
    expect(tsa.requests).toBe(1);
    expect(bundle.head.timestampToken).toBeTruthy();
    const verdict = await verifyBundle(bundle);
    expect(verdict).toMatchObject({ valid: true, trusted: false });
    expect(verdict.checks.find((c) => c.check === 'timestamp')).toMatchObject({ ok: true });
    const stamped = new Date(verdict.head!.timestampedAt!).getTime();
    expect(Math.abs(stamped - Date.parse(bundle.head.signedAt))).toBeLessThan(60_000);

    expect(await verifyBundle(bundle, { trust: [bundle.head.certificate, tsa.caPem] })).toMatchObject({
      valid: true,
      trusted: true,
    });
    const hubOnly = await verifyBundle(bundle, { trust: [bundle.head.certificate] });
    expect(hubOnly).toMatchObject({ valid: false, code: 'EVIDENCE_SIGNER_UNTRUSTED' });
    expect(hubOnly.reason).toContain('timestamping authority');
  });

  it('openssl ts -verify accepts the token over the head’s five lines', async () => {
    const payload = headPayload({
      hubId: bundle.head.hub,
      seq: BigInt(bundle.head.seq),
      hash: bundle.head.hash,
      signedAt: bundle.head.signedAt,
    });
    await writeFile(path.join(tsa.dir, 'head.txt'), payload);
    await writeFile(path.join(tsa.dir, 'token.der'), Buffer.from(bundle.head.timestampToken!, 'base64'));
    await writeFile(path.join(tsa.dir, 'tsa-ca.pem'), tsa.caPem);
    const out = execFileSync(
      'openssl',
      ['ts', '-verify', '-data', 'head.txt', '-in', 'token.der', '-token_in', '-CAfile', 'tsa-ca.pem'],
      { cwd: tsa.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out).toContain('Verification: OK');
  });

  it('refuses a token changed, moved to another head, or replaced by garbage', async () => {
    const token = Buffer.from(bundle.head.timestampToken!, 'base64');
    const flipped = Buffer.from(token);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 10) ^ 0x01, flipped.length - 10);
    for (const timestampToken of [flipped.toString('base64'), Buffer.from('not DER').toString('base64')]) {
      const b = { ...bundle, head: { ...bundle.head, timestampToken } };
      expect(await verifyBundle(b)).toMatchObject({ valid: false, code: 'EVIDENCE_TIMESTAMP_INVALID' });
    }
    // A genuine token of the same authority, over other lines: another head's.
    const other = await requestTimestamp(
      tsa.url,
      Buffer.from('lienthong-evidence-head/1\nhub-ts\n1\n00\n2026-01-01T00:00:00.000Z\n'),
    );
    const moved = await verifyBundle({
      ...bundle,
      head: { ...bundle.head, timestampToken: other.toString('base64') },
    });
    expect(moved).toMatchObject({ valid: false, code: 'EVIDENCE_TIMESTAMP_INVALID' });
    expect(moved.reason).toContain('another digest');
  });

  it('signs the head without a timestamp, and says why, when the authority is down or answers garbage', async () => {
    for (const mode of ['garbage', 'refuse'] as const) {
      tsa.mode = mode;
      await appendEvent(database.db, { at: at(21), type: 'operator.test', actor: `operator:${mode}` });
      const head = await evidence.signHead();
      expect(head).toMatchObject({ timestamped: false });
      expect(head!.timestampProblem).toMatch(/timestamping authority/);
    }
    const down = createEvidenceService({
      db: database.db,
      hubId: 'hub-ts',
      now: () => new Date(),
      tsaUrl: 'http://127.0.0.1:9/tsa',
    });
    await appendEvent(database.db, { at: at(22), type: 'operator.test', actor: 'operator:down' });
    const head = await down.signHead();
    expect(head).toMatchObject({ timestamped: false });
    expect(head!.timestampProblem).toMatch(/cannot be reached/);
    tsa.mode = 'ok';
    expect(await evidence.verifyLog()).toMatchObject({ valid: true });
  });
});
