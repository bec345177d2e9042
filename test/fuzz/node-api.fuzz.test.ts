// Short fuzz run of the node API against a real hub on the real Postgres, over HTTP (fetch, and a
// raw socket for what fetch will not send). The long run: `npm run bench -- fuzz`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzHub, startFuzzHub } from './fuzz-hub.ts';
import { nodeApiPackages, nodeApiRequests } from './node-properties.ts';
import { describeCounters, runProperty, runsFrom, seedFromEnv } from './runner.ts';

const settings = (fallback: number) => ({
  numRuns: runsFrom('FUZZ_TEST_RUNS', fallback),
  seed: seedFromEnv(),
  mode: 'assert' as const,
});

describe('fuzz: the node API', () => {
  let hub: FuzzHub;

  beforeAll(async () => {
    hub = await startFuzzHub();
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('hostile requests: never 5xx, every refusal a registered problem, the hub stays up', async () => {
    const report = await runProperty(nodeApiRequests(hub), settings(120));
    const why = describeCounters(report);
    // Not vacuous: most requests got past authentication to the routes, some were served, and
    // some packages reached the codec.
    const unauthenticated =
      report.counters.get('code:AUTH_REQUIRED') +
      report.counters.get('stage:transport') +
      report.counters.get('stage:no-answer');
    expect(report.runs - unauthenticated, why).toBeGreaterThan(report.runs * 0.4);
    expect(report.counters.get('stage:success'), why).toBeGreaterThan(report.runs / 40);
    expect(
      report.counters.sum('code:MESSAGE_NOT_FOUND') + report.counters.sum('code:BAD_REQUEST'),
      why,
    ).toBeGreaterThan(0);
    expect(report.counters.get('stage:codec') + report.counters.get('stage:signature'), why).toBeGreaterThan(
      0,
    );
    expect(report.counters.get('transport:raw'), why).toBeGreaterThan(report.runs / 10);
  }, 60_000);

  it('mutated signed packages: accepted only if verified and read as signed, tampering refused', async () => {
    const report = await runProperty(nodeApiPackages(hub), settings(60));
    const why = describeCounters(report);
    // Not vacuous: a good share reached signature verification, and some mutants were accepted
    // (so the acceptance oracle ran).
    expect(report.counters.get('reached:signature'), why).toBeGreaterThan(report.runs / 5);
    expect(report.counters.sum('accepted:'), why).toBeGreaterThan(0);
    expect(report.counters.get('must-refuse:cases'), why).toBeGreaterThan(report.runs / 5);
  }, 60_000);
});
