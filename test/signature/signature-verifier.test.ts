// The worker-pool verifier: same verdicts as in-thread verification, and the event loop keeps
// running while a 20 MB package is canonicalized in a worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import {
  createSignatureVerifier,
  type SignatureVerifier,
  verifyEdxmlSignature,
} from '../../src/signature/index.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { makePackage, repoRoot } from '../support/signature-docs.ts';
import { xmlsecSign } from '../support/signature-xmlsec.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
let pki: TestPki;
let verifier: SignatureVerifier;

beforeAll(async () => {
  pki = await testPki();
  verifier = await createSignatureVerifier({ trustPaths: [pki.trustDir], threads: 2 });
});
afterAll(async () => {
  await verifier.close();
});

/** Runs `work` while a 5 ms interval timer records how long the event loop went without it firing. */
async function longestStall<T>(
  work: () => Promise<T>,
): Promise<{ result: T; maxGapMs: number; ticks: number; elapsedMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  const t0 = performance.now();
  last = t0;
  const result = await work();
  const elapsedMs = performance.now() - t0;
  clearInterval(timer);
  maxGapMs = Math.max(maxGapMs, performance.now() - last);
  return { result, maxGapMs, ticks, elapsedMs };
}

describe('createSignatureVerifier (worker threads)', () => {
  it('gives the same verdicts with small packages checked in the calling thread and the rest in the pool', async () => {
    const own = await createSignatureVerifier({ trustPaths: [pki.trustDir], threads: 1 });
    const good = xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath);
    const tampered = good.replace('000.00.00.H29', '000.00.00.H30');
    expect((await own.verify(bytes(good), { at: pki.at })).code).toBe('OK');
    const refused = await own.verify(bytes(tampered), { at: pki.at });
    expect(refused).toEqual(await verifyEdxmlSignature(bytes(tampered), pki.store, { at: pki.at }));
    expect(refused.code).toBe('SIGNATURE_INVALID');
    // Outside the narrow profile (#WithComments), a valid package is verified by the pool.
    const comments = xmlsecSign(makePackage(), pki.ids.rsa.keyPath, pki.ids.rsa.certPath, {
      c14n: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
    });
    expect((await own.verify(bytes(comments), { at: pki.at })).code).toBe('OK');
    await own.close();
  });

  it('gives the same verdicts as verification in the calling thread', async () => {
    const good = xmlsecSign(
      makePackage({ attachmentBytes: 2000 }),
      pki.ids.rsa.keyPath,
      pki.ids.rsa.certPath,
    );
    const inputs = [
      good,
      good.replace('000.00.00.H29', '000.00.00.H30'),
      xmlsecSign(makePackage(), pki.ids.revoked.keyPath, pki.ids.revoked.certPath),
      makePackage(),
      '<!DOCTYPE x><x/>',
    ];
    const pooled = await Promise.all(inputs.map((x) => verifier.verify(bytes(x), { at: pki.at })));
    const local = await Promise.all(
      inputs.map((x) => verifyEdxmlSignature(bytes(x), pki.store, { at: pki.at })),
    );
    expect(pooled.map((v) => v.code)).toEqual([
      'OK',
      'SIGNATURE_INVALID',
      'CERT_REVOKED',
      'SIGNATURE_MISSING',
      'XML_FORBIDDEN',
    ]);
    expect(pooled).toEqual(local);
  });

  it('keeps the event loop responsive while a 20 MB package verifies', async () => {
    const big = bytes(
      xmlsecSign(
        makePackage({ attachmentBytes: 15 * 1024 * 1024 }),
        pki.ids.rsa.keyPath,
        pki.ids.rsa.certPath,
      ),
    );
    expect(big.length).toBeGreaterThan(20 * 1024 * 1024);
    // The library's own canonicalizer is used here because it is slow enough (seconds) to make a
    // stall unmistakable; in the calling thread the same work blocks the loop for its whole duration.
    const options = { at: pki.at, canonicalizer: 'xmldsigjs' as const };
    const pooled = await longestStall(() => verifier.verify(big, options));
    expect(pooled.result.code).toBe('OK');
    expect(pooled.elapsedMs).toBeGreaterThan(500);
    // Relative bounds: other test files share the two cores, so absolute gaps vary with the load.
    // The timer keeps firing through the whole verification...
    expect(pooled.maxGapMs).toBeLessThan(pooled.elapsedMs / 4);
    expect(pooled.ticks).toBeGreaterThan(pooled.elapsedMs / 5 / 10);

    // ...while in the calling thread the same verification stalls it for most of its duration.
    const inline = await longestStall(() => verifyEdxmlSignature(big, pki.store, options));
    expect(inline.result.code).toBe('OK');
    expect(inline.maxGapMs).toBeGreaterThan(inline.elapsedMs / 2);
    expect(inline.maxGapMs).toBeGreaterThan(4 * pooled.maxGapMs);
  }, 120_000);

  it('fails at creation on trust paths that cannot be loaded (a disabled profile, a missing path)', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'created',
        (e: unknown) => (isLienthongError(e) ? e.code : String(e)),
      );
    expect(await code(createSignatureVerifier({ trustPaths: [`${repoRoot}/config/trust/vn`] }))).toBe(
      'TRUST_PROFILE_DISABLED',
    );
    expect(await code(createSignatureVerifier({ trustPaths: ['/nonexistent/lienthong'] }))).toBe(
      'TRUST_STORE_INVALID',
    );
  });

  it('threads: 0 verifies in the calling thread', async () => {
    const inline = await createSignatureVerifier({ trustPaths: [pki.trustDir], threads: 0 });
    const signed = xmlsecSign(makePackage(), pki.ids.ecdsa.keyPath, pki.ids.ecdsa.certPath, {
      signatureMethod: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
    });
    expect((await inline.verify(bytes(signed), { at: pki.at })).code).toBe('OK');
    await inline.close();
  });
});
