// The VXP conformance kit against the VXP endpoint over the in-memory hub double
// (test/adapters/vxp/harness.ts), directly and through the CLI, and over the real hub pipeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVxpConformance } from '../../../src/adapters/conformance/index.ts';
import { runCli } from '../../support/run-cli.ts';
import { type Harness, RECEIVER, startHarness } from '../vxp/harness.ts';
import { type HubPortHarness, startHubPort } from '../vxp/hub-port-harness.ts';

const ORGAN = '000.00.15.H51';
const IDS = [
  'authenticate',
  'bad-secret',
  'send-edoc',
  'listed',
  'get-edoc',
  'update-status',
  'acknowledged',
];

describe('runVxpConformance', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('passes every check for a system sending to an organization it serves', async () => {
    const checks = await runVxpConformance({
      endpoint: `${harness.origin}/vxp`,
      systemId: RECEIVER.systemId,
      secret: RECEIVER.secret,
      organId: ORGAN,
      timeoutMs: 5_000,
    });
    expect(checks.map((c) => c.id)).toEqual(IDS);
    expect(checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    expect(harness.port.events.map((e) => e.type)).toEqual(['accepted', 'fetched', 'acknowledged']);
  });

  it('fails authentication with a wrong secret and does not run what depends on sendEdoc', async () => {
    const checks = await runVxpConformance({
      endpoint: `${harness.origin}/vxp`,
      systemId: RECEIVER.systemId,
      secret: 'wrong-secret',
      organId: ORGAN,
      timeoutMs: 2_000,
    });
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['authenticate']?.outcome).toBe('fail');
    expect(byId['bad-secret']?.outcome).toBe('pass');
    expect(byId['send-edoc']?.outcome).toBe('fail');
    expect(byId['get-edoc']?.detail).toBe('not run: sendEdoc failed');
  });

  it('fails send-edoc for an organization the system does not serve', async () => {
    const checks = await runVxpConformance({
      endpoint: `${harness.origin}/vxp`,
      systemId: RECEIVER.systemId,
      secret: RECEIVER.secret,
      organId: '000.00.00.H99',
      timeoutMs: 2_000,
    });
    const send = checks.find((c) => c.id === 'send-edoc');
    expect(send?.outcome).toBe('fail');
    expect(send?.detail).toMatch(/^refused: ErrorCode /);
  });

  it('the CLI runs --vxp and exits 0; usage mistakes exit 2', async () => {
    const args = ['conformance', '--vxp', `${harness.origin}/vxp`, '--system', RECEIVER.systemId];
    const run = await runCli(...args, '--secret', RECEIVER.secret, '--organ', ORGAN, '--json');
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.out) as { passed: boolean; checks: { id: string }[] };
    expect(parsed.passed).toBe(true);
    expect(parsed.checks.map((c) => c.id)).toEqual(IDS);
    const noOrgan = await runCli(...args, '--secret', RECEIVER.secret);
    expect(noOrgan.code).toBe(2);
    expect(noOrgan.err).toContain('--organ');
  });
});

describe('runVxpConformance against the real hub pipeline (HubService over Postgres)', () => {
  let hub: HubPortHarness;
  beforeAll(async () => {
    hub = await startHubPort();
  }, 60_000);
  afterAll(() => hub?.close());

  it('passes every check for a legacy-unsigned SDK system sending to its own organization', async () => {
    const system = await hub.addSystem({ id: 'sys-conformance', organizations: [ORGAN] });
    const checks = await runVxpConformance({
      endpoint: `${hub.origin}/vxp`,
      systemId: system.systemId,
      secret: system.secret,
      organId: ORGAN,
      timeoutMs: 10_000,
    });
    expect(checks.map((c) => c.id)).toEqual(IDS);
    expect(checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    // The round trip left its trace in the hub: accepted, and delivered by the update to done.
    const { rows } = await hub.db.query<{ state: string }>(
      "SELECT d.state FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.sender_node_id = 'sys-conformance'",
    );
    expect(rows.map((r) => r.state)).toEqual(['delivered']);
  }, 60_000);
});
