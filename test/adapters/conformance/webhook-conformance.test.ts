// The webhook conformance kit against a correct receiver (test/support/webhook-receiver.ts), a
// sloppy one that answers 200 to everything, and through the CLI.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPassed,
  type ConformanceCheck,
  runWebhookConformance,
} from '../../../src/adapters/conformance/index.ts';
import { verifyWebhookSignature } from '../../../src/adapters/webhook/index.ts';
import { parseEdxml } from '../../../src/edxml/index.ts';
import { runCli } from '../../support/run-cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const SECRET = 'vendor-webhook-secret-1';
const ALL = ['valid', 'bad-signature', 'replayed', 'duplicate', 'large', 'urgent', 'status', 'unsigned'];
const LARGE = 4 * 1024 * 1024;

const outcomes = (checks: readonly ConformanceCheck[]) =>
  Object.fromEntries(checks.map((c) => [c.id, c.outcome]));

describe('runWebhookConformance against a correct receiver', () => {
  let receiver: WebhookReceiver;
  let checks: ConformanceCheck[];

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
    checks = await runWebhookConformance({
      url: receiver.url,
      secret: SECRET,
      timeoutMs: 10_000,
      largeBytes: LARGE,
    });
  });
  afterAll(() => receiver.close());

  it('runs the eight checks in order and every one passes', () => {
    expect(checks.map((c) => c.id)).toEqual(ALL);
    expect(checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    for (const check of checks) {
      expect(check.title).not.toBe('');
      expect(check.expectation).not.toBe('');
      expect(check.detail).toMatch(/conformance-[0-9a-f-]{36}/);
    }
  });

  it('sends real edXML with the hub headers, conformance-<uuid> ids and the kinds each check names', () => {
    const signed = receiver.receptions.filter((r) => r.signatureOk);
    // valid, duplicate ×2, large, urgent, status
    expect(signed).toHaveLength(6);
    expect(receiver.receptions).toHaveLength(9);
    for (const r of receiver.receptions) {
      expect(r.messageId).toMatch(
        /^conformance-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      const parsed = parseEdxml(r.body);
      expect(parsed.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(parsed.ok && parsed.message.kind).toBe(r.kind);
    }
    expect(signed.filter((r) => r.kind === 'status')).toHaveLength(1);
    const urgent = signed.find((r) => r.body.includes('hỏa tốc'));
    expect(urgent?.body.toString('utf8')).toContain('<edXML:Priority>3</edXML:Priority>');
    const large = signed.reduce((a, b) => (a.body.length > b.body.length ? a : b));
    expect(large.body.length).toBeGreaterThan(LARGE * 0.95);
    expect(large.body.length).toBeLessThan(LARGE * 1.05);
    // The duplicate: same id, attempts 1 then 2, accepted twice (the kit cannot see storage).
    const [duplicateId] = receiver.duplicates();
    expect(receiver.arrivalAttempts.get(duplicateId as string)).toEqual([1, 2]);
    expect(checks.find((c) => c.id === 'duplicate')?.detail).toContain(
      `check your inbox shows message ${duplicateId} once`,
    );
  });
});

describe('runWebhookConformance against a receiver that checks signatures but not their age', () => {
  it('fails only the replay check', async () => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const verdict = verifyWebhookSignature({
          secret: SECRET,
          header: req.headers['lienthong-signature'] as string | undefined,
          messageId: String(req.headers['lienthong-message-id'] ?? ''),
          body: Buffer.concat(chunks),
          now: new Date(),
          toleranceSec: 10 * 365 * 86_400,
        });
        res.writeHead(verdict.ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const checks = await runWebhookConformance({
        url,
        secret: SECRET,
        timeoutMs: 10_000,
        largeBytes: 64 * 1024,
      });
      expect(checks.filter((c) => c.outcome === 'fail').map((c) => c.id)).toEqual(['replayed']);
      expect(checks.find((c) => c.id === 'replayed')?.detail).toMatch(/^answered 200 .*must refuse/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('runWebhookConformance against a sloppy receiver (200 to everything)', () => {
  let server: Server;
  let url: string;
  let bodies = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        bodies += 1;
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails bad-signature, replayed and unsigned, passes the rest', async () => {
    const checks = await runWebhookConformance({
      url,
      secret: SECRET,
      timeoutMs: 10_000,
      largeBytes: 256 * 1024,
    });
    expect(outcomes(checks)).toEqual({
      valid: 'pass',
      'bad-signature': 'fail',
      replayed: 'fail',
      duplicate: 'pass',
      large: 'pass',
      urgent: 'pass',
      status: 'pass',
      unsigned: 'fail',
    });
    expect(allPassed(checks)).toBe(false);
    expect(bodies).toBe(9);
  });

  it('the CLI prints the table and exits 1; --json gives the checks', async () => {
    const run = await runCli('conformance', '--webhook', url, '--secret', SECRET, '--timeout', '10000');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^CHECK +EXPECTATION +RESULT +DETAIL/);
    expect(run.out).toMatch(/\nunsigned +4xx .* FAIL +answered 200/);
    expect(run.out).toContain('3 of 8 checks failed');
    const json = await runCli('conformance', '--webhook', url, '--secret', SECRET, '--json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out) as { passed: boolean; checks: ConformanceCheck[] };
    expect(parsed.passed).toBe(false);
    expect(parsed.checks.map((c) => c.id)).toEqual(ALL);
  });
});

describe('lienthong conformance (CLI)', () => {
  it('exits 0 against a correct receiver', async () => {
    const receiver = await startWebhookReceiver({ secret: SECRET });
    try {
      const run = await runCli('conformance', '--webhook', receiver.url, '--secret', SECRET);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out).toContain('All 8 checks passed');
    } finally {
      await receiver.close();
    }
  });

  it('usage errors exit 2', async () => {
    expect((await runCli('conformance')).code).toBe(2);
    expect((await runCli('conformance', '--webhook', 'ftp://x', '--secret', 's')).code).toBe(2);
    expect((await runCli('conformance', '--webhook', 'http://127.0.0.1:1/', '--timeout', '5')).code).toBe(2);
    const both = await runCli(
      'conformance',
      '--webhook',
      'http://127.0.0.1:1/',
      '--vxp',
      'http://127.0.0.1:1/vxp',
    );
    expect(both.code).toBe(2);
    expect(both.err).toContain('exactly one of --webhook URL or --vxp URL');
  });
});
