// Proof bundles from a real hub (Postgres server): exported after a package was sent, fetched and
// acknowledged, checked offline by verifyBundle and by `lienthong evidence verify`; every kind of
// tampering (a byte of the package, an entry, a hidden entry's digest, the head's signature or time,
// the verdict, a missing entry) fails with its own code and reason.
import { sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../src/evidence/bundle.ts';
import { bodyDigest, headPayload, messageDigest } from '../../src/evidence/entry-hash.ts';
import { verifyBundle } from '../../src/evidence/verify-bundle.ts';
import { createRootCa, issueLeafCertificate, privateKeyToPem } from '../../src/signature/dev-pki.ts';
import { samplePackage } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';
import { runCliIn } from '../support/run-cli.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

describe('proof bundles of a real hub', async () => {
  let t: TestHub & { dir: string };
  let tokens: { a: string; b: string };
  let id: string;
  let signed: string;
  let bundle: EvidenceBundle;
  let cliEnv: NodeJS.ProcessEnv;

  const copy = (): EvidenceBundle => JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;
  const send = async (n: number) => {
    const xml = await t.sign(samplePackage({ from: A, to: [B], documentId: `${A},2026/12/08,${n}/EV` }), A);
    const res = await t.call('POST', '/v1/messages', tokens.a, xml);
    expect(res.status).toBe(202);
    return { id: ((await res.json()) as { id: string }).id, xml };
  };

  beforeAll(async () => {
    t = await startTestHub({ backend: 'server', organIds: [A, B] });
    tokens = {
      a: await t.addNode({ id: 'node-a', organizations: [A] }),
      b: await t.addNode({ id: 'node-b', organizations: [B] }),
    };
    ({ id, xml: signed } = await send(1));
    await send(2); // another message's entries sit between this one's: the bundle shows only their digests
    expect((await t.call('GET', `/v1/messages/${id}`, tokens.b)).status).toBe(200);
    expect((await t.call('POST', `/v1/messages/${id}/ack`, tokens.b)).status).toBe(200);
    const exported = await t.hub.evidence.exportBundle(id);
    if (!exported.ok) throw new Error(exported.error.message);
    bundle = exported.value;
    cliEnv = { ...t.env, LIENTHONG_DB_SCHEMA: t.schema };
  }, 120_000);
  afterAll(async () => t?.close());

  it('holds the exact bytes, the verdict, the entries about the message and only digests of the others', async () => {
    expect(Buffer.from(bundle.message.bytes, 'base64').toString('utf8')).toBe(signed);
    expect(bundle.verdict).toMatchObject({ code: 'OK' });
    const shown = bundle.chain
      .filter((e) => 'body' in e)
      .map((e) => JSON.parse((e as { body: string }).body));
    expect(shown.map((b) => b.type)).toEqual(expect.arrayContaining(['message.accepted', 'delivery.queued']));
    expect(shown.every((b) => b.message === id)).toBe(true);
    expect(shown.some((b) => String(b.type).includes('ack') || String(b.data?.to) === 'delivered')).toBe(
      true,
    );
    expect(bundle.chain.some((e) => 'bodySha256' in e)).toBe(true);
    expect(bundle.chain.at(-1)!.seq).toBe(bundle.head.seq);
  });

  it('checks offline: bytes, chain, entries, head signature; trusted only with the hub certificate given', async () => {
    const verdict = await verifyBundle(bundle);
    expect(verdict).toMatchObject({ valid: true, code: 'OK', messageId: id, trusted: false });
    expect(verdict.checks.map((c) => [c.check, c.ok])).toEqual([
      ['format', true],
      ['bytes', true],
      ['chain', true],
      ['entries', true],
      ['signature', true],
      ['trust', true],
    ]);
    expect(await verifyBundle(bundle, { trust: [bundle.head.certificate] })).toMatchObject({
      valid: true,
      trusted: true,
    });
  });

  it('refuses a hub certificate the checker does not trust', async () => {
    const otherCert = t.pki.get(A)!.certPem;
    expect(await verifyBundle(bundle, { trust: [otherCert] })).toMatchObject({
      valid: false,
      code: 'EVIDENCE_SIGNER_UNTRUSTED',
    });
  });

  it('fails one byte of the package changed', async () => {
    const b = copy();
    const bytes = Buffer.from(b.message.bytes, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0x01, bytes.length - 20);
    (b.message as { bytes: string }).bytes = bytes.toString('base64');
    const verdict = await verifyBundle(b);
    expect(verdict).toMatchObject({ valid: false, code: 'EVIDENCE_BYTES_MISMATCH' });
    expect(verdict.reason).toContain(bundle.message.sha256);
  });

  it('fails one entry changed, a hidden entry’s digest changed, or an entry left out', async () => {
    const changed = copy();
    const i = changed.chain.findIndex((e) => 'body' in e && e.body.includes('message.accepted'));
    const entry = changed.chain[i] as { seq: string; body: string };
    entry.body = entry.body.replace('"actor":"', '"actor":"x');
    expect(await verifyBundle(changed)).toMatchObject({
      valid: false,
      code: 'EVIDENCE_CHAIN_BROKEN',
      reason: `entry ${entry.seq} does not hash to its recorded hash (its content was changed)`,
    });

    const hidden = copy();
    const h = hidden.chain.find((e) => 'bodySha256' in e) as { seq: string; bodySha256: string };
    h.bodySha256 = `${h.bodySha256.slice(0, 63)}${h.bodySha256.endsWith('0') ? '1' : '0'}`;
    expect(await verifyBundle(hidden)).toMatchObject({ valid: false, code: 'EVIDENCE_CHAIN_BROKEN' });
    expect((await verifyBundle(hidden)).reason).toContain(`entry ${h.seq}`);

    const gap = copy();
    (gap.chain as unknown[]).splice(1, 1);
    expect(await verifyBundle(gap)).toMatchObject({ valid: false, code: 'EVIDENCE_CHAIN_BROKEN' });
    expect((await verifyBundle(gap)).reason).toMatch(/does not follow/);

    const short = copy();
    (short.chain as unknown[]).pop();
    expect((await verifyBundle(short)).reason).toMatch(/not at the signed head/);
  });

  it('fails the head signature or the head changed', async () => {
    const sig = copy();
    const raw = Buffer.from(sig.head.signature, 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 0x01, raw.length - 1);
    (sig.head as { signature: string }).signature = raw.toString('base64');
    expect(await verifyBundle(sig)).toMatchObject({ valid: false, code: 'EVIDENCE_HEAD_SIGNATURE' });

    const time = copy();
    (time.head as { signedAt: string }).signedAt = '2020-01-01T00:00:00.000Z';
    expect(await verifyBundle(time)).toMatchObject({ valid: false, code: 'EVIDENCE_HEAD_SIGNATURE' });
  });

  it('fails a verdict other than the one recorded at acceptance, and a malformed bundle', async () => {
    const v = copy();
    (v as { verdict: unknown }).verdict = {
      ...(bundle.verdict as object),
      signer: { subject: 'CN=someone else' },
    };
    expect(await verifyBundle(v)).toMatchObject({ valid: false, code: 'EVIDENCE_ENTRY_MISMATCH' });
    expect(await verifyBundle({})).toMatchObject({ valid: false, code: 'EVIDENCE_BUNDLE_MALFORMED' });
    expect(await verifyBundle(null)).toMatchObject({ valid: false, code: 'EVIDENCE_BUNDLE_MALFORMED' });
    const noBody = copy();
    (noBody.chain[0] as Record<string, unknown>)['bodySha256'] = '0'.repeat(64);
    expect(await verifyBundle(noBody)).toMatchObject({ valid: false, code: 'EVIDENCE_BUNDLE_MALFORMED' });
  });

  it('fails a bundle that hides an entry about its own message, and reads odd bodies without crashing', async () => {
    const hiding = copy();
    const i = hiding.chain.findIndex((e) => 'body' in e && e.body.includes('delivery.queued'));
    const shownEntry = hiding.chain[i] as { seq: string; prevHash: string; hash: string; body: string };
    (hiding.chain as unknown[])[i] = {
      seq: shownEntry.seq,
      prevHash: shownEntry.prevHash,
      hash: shownEntry.hash,
      messageSha256: messageDigest(id).toString('hex'),
      bodySha256: bodyDigest(shownEntry.body).toString('hex'),
    };
    expect(await verifyBundle(hiding)).toMatchObject({
      valid: false,
      code: 'EVIDENCE_ENTRY_MISMATCH',
      reason: `entry ${shownEntry.seq} is about the message but its content is hidden`,
    });
    for (const body of [null, 123, 'null', '[]']) {
      const odd = copy();
      (odd.chain[0] as Record<string, unknown>)['body'] = body;
      const verdict = await verifyBundle(odd);
      expect(verdict.valid).toBe(false);
      expect(['EVIDENCE_BUNDLE_MALFORMED', 'EVIDENCE_CHAIN_BROKEN']).toContain(verdict.code);
    }
  });

  it('trusts a hub certificate issued by a trusted CA only when it names the hub, and only while valid', async () => {
    const at = new Date();
    const root = await createRootCa({ subject: 'CN=Evidence Root, O=Test', at, kind: 'ecdsa' });
    const resign = async (subject: string, notAfter?: Date) => {
      const leaf = await issueLeafCertificate({
        subject,
        issuer: root,
        at,
        kind: 'ecdsa',
        ...(notAfter ? { notBefore: new Date(notAfter.getTime() - 86_400_000), notAfter } : {}),
      });
      const b = copy();
      const keyPem = await privateKeyToPem(leaf.keys.privateKey);
      const payload = headPayload({
        hubId: b.head.hub,
        seq: BigInt(b.head.seq),
        hash: b.head.hash,
        signedAt: b.head.signedAt,
      });
      return {
        ...b,
        head: {
          ...b.head,
          certificate: leaf.cert.toString('pem'),
          signature: sign('sha256', payload, keyPem).toString('base64'),
        },
      };
    };
    const rootPem = root.cert.toString('pem');
    const named = await resign(`CN=lienthong evidence ${bundle.head.hub}, O=Test`);
    expect(await verifyBundle(named, { trust: [rootPem] })).toMatchObject({ valid: true, trusted: true });
    const other = await resign('CN=some other signer, O=Test');
    expect(await verifyBundle(other, { trust: [rootPem] })).toMatchObject({
      valid: false,
      code: 'EVIDENCE_SIGNER_UNTRUSTED',
    });
    expect(await verifyBundle(other)).toMatchObject({ valid: true, trusted: false }); // its signature is fine
    const expired = await resign(
      `CN=lienthong evidence ${bundle.head.hub}, O=Test`,
      new Date(Date.now() - 3_600_000),
    );
    const late = await verifyBundle(expired, { trust: [rootPem] });
    expect(late).toMatchObject({ valid: false, code: 'EVIDENCE_SIGNER_UNTRUSTED' });
    expect(late.reason).toMatch(/was not valid at/);
    // A leaf (not a CA) given as trusted vouches only for itself, never for certificates it "issued".
    expect(await verifyBundle(named, { trust: [named.head.certificate] })).toMatchObject({ trusted: true });
    expect(await verifyBundle(other, { trust: [named.head.certificate] })).toMatchObject({ valid: false });
  });

  it('lienthong evidence export, verify (with and without --trust), verify-log and sign-head', async () => {
    const file = path.join(t.dir, 'bundle.json');
    const exported = await runCliIn(cliEnv, 'evidence', 'export', '--message', id, '--out', file);
    expect(exported, exported.err).toMatchObject({ code: 0 });
    expect(exported.out).toContain(`message ${id}`);

    const ok = await runCliIn(cliEnv, 'evidence', 'verify', file);
    expect(ok.code, ok.out).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ valid: true, code: 'OK', trusted: false });

    const certFile = path.join(t.dir, 'hub-evidence.pem');
    const written = JSON.parse(await readFile(file, 'utf8')) as EvidenceBundle;
    await writeFile(certFile, written.head.certificate);
    const trusted = await runCliIn(cliEnv, 'evidence', 'verify', file, '--trust', certFile);
    expect(JSON.parse(trusted.out)).toMatchObject({ valid: true, trusted: true });
    const wrongTrust = path.join(t.dir, 'other.pem');
    await writeFile(wrongTrust, t.pki.get(B)!.certPem);
    const untrusted = await runCliIn(cliEnv, 'evidence', 'verify', file, '--trust', wrongTrust);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out)).toMatchObject({ valid: false, code: 'EVIDENCE_SIGNER_UNTRUSTED' });

    const tampered = path.join(t.dir, 'tampered.json');
    const bytes = Buffer.from(written.message.bytes, 'base64');
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0x20, 100);
    await writeFile(
      tampered,
      JSON.stringify({ ...written, message: { ...written.message, bytes: bytes.toString('base64') } }),
    );
    const bad = await runCliIn(cliEnv, 'evidence', 'verify', tampered);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ valid: false, code: 'EVIDENCE_BYTES_MISMATCH' });

    const notJson = path.join(t.dir, 'not.json');
    await writeFile(notJson, 'not json');
    expect(JSON.parse((await runCliIn(cliEnv, 'evidence', 'verify', notJson)).out)).toMatchObject({
      code: 'EVIDENCE_BUNDLE_MALFORMED',
    });
    expect((await runCliIn(cliEnv, 'evidence', 'verify', path.join(t.dir, 'absent.json'))).code).toBe(2);

    const unknown = await runCliIn(
      cliEnv,
      'evidence',
      'export',
      '--message',
      '00000000-0000-4000-8000-000000000000',
      '--out',
      file,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('MESSAGE_NOT_FOUND');

    const log = await runCliIn(cliEnv, 'evidence', 'verify-log', '--json');
    expect(log.code, log.err).toBe(0);
    const checked = JSON.parse(log.out) as { signers: Array<{ subject: string; sha256: string }> };
    expect(checked).toMatchObject({ valid: true, code: 'OK' });
    expect(checked.signers).toEqual([
      {
        subject: expect.stringContaining(`CN=lienthong evidence ${bundle.head.hub}`),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const head = await runCliIn(cliEnv, 'evidence', 'sign-head', '--json');
    expect(head.code).toBe(0);
    expect(JSON.parse(head.out)).toMatchObject({ algorithm: 'ecdsa-sha256' });
  });
});
