// Short fuzz run of the VXP API (national-axis protocol) against a real hub on the real Postgres,
// with requests built like the SDK's and then played with. The long run: `npm run bench -- fuzz`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzHub, startFuzzHub } from './fuzz-hub.ts';
import { describeCounters, runProperty, runsFrom, seedFromEnv } from './runner.ts';
import { vxpHeaderGames, vxpPackages } from './vxp-properties.ts';

const settings = (fallback: number) => ({
  numRuns: runsFrom('FUZZ_TEST_RUNS', fallback),
  seed: seedFromEnv(),
  mode: 'assert' as const,
});

describe('fuzz: the VXP API', () => {
  let hub: FuzzHub;

  beforeAll(async () => {
    hub = await startFuzzHub();
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('header games and hostile parameters: envelopes with registered codes, broken signatures refused, SDK signatures accepted', async () => {
    const report = await runProperty(vxpHeaderGames(hub), settings(150));
    const why = describeCounters(report);
    // Not vacuous: many requests authenticated and reached the operations, many had their
    // signature broken, many were signed exactly as the SDK signs.
    expect(report.counters.get('vxp:authenticated'), why).toBeGreaterThan(report.runs / 6);
    expect(report.counters.get('vxp:broken-signature'), why).toBeGreaterThan(report.runs / 6);
    expect(report.counters.get('vxp:must-authenticate'), why).toBeGreaterThan(report.runs / 8);
    expect(report.counters.get('vxp:OK'), why).toBeGreaterThan(0);
  }, 60_000);

  it('sendEdoc of mutated packages: an OK only for a package that verified and reads as signed', async () => {
    const report = await runProperty(vxpPackages(hub), settings(50));
    const why = describeCounters(report);
    expect(report.counters.get('reached:signature'), why).toBeGreaterThan(report.runs / 10);
    expect(report.counters.sum('accepted:'), why).toBeGreaterThan(0);
    expect(report.counters.get('must-refuse:cases'), why).toBeGreaterThan(report.runs / 5);
  }, 60_000);
});
