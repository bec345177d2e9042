// Short fuzz run of the edXML codec (the long one: `npm run bench -- fuzz`). In process, no hub.
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevPki, signEdxml } from '../../src/signature/index.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { codecHostileInput, codecJsonModel, codecRoundTrip } from './codec-properties.ts';
import { describeCounters, runProperty, runsFrom, seedFromEnv } from './runner.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const settings = (fallback: number) => ({
  numRuns: runsFrom('FUZZ_TEST_RUNS', fallback),
  seed: seedFromEnv(),
  mode: 'assert' as const,
});

describe('fuzz: the edXML codec', () => {
  /** A signed package (so the signature-region mutations have a Signature to work on), and unsigned ones. */
  let samples: Buffer[];

  beforeAll(async () => {
    const pki = await createDevPki({ organIds: [A], at: new Date() });
    const org = pki.organizations[0]!;
    const unsigned = samplePackage({ from: A, to: [B], documentId: `${A},2026/12/08,1/FUZZ` });
    samples = [
      Buffer.from(await signEdxml(unsigned, { keyPem: org.keyPem, certPem: org.certPem })),
      Buffer.from(unsigned),
      Buffer.from(
        sampleStatus({
          from: B,
          responseFor: { organId: A, documentId: `${A},2026/12/08,1/FUZZ` },
          code: '03',
        }),
      ),
    ];
  });

  it('never throws, answers registered codes, in bounded time', async () => {
    const report = await runProperty(codecHostileInput(samples), settings(500));
    // Not vacuous: some inputs are read, many are refused, with many different codes.
    expect(report.counters.sum('parse:default:ok'), describeCounters(report)).toBeGreaterThan(0);
    expect(report.counters.sum('parse:default:refused'), describeCounters(report)).toBeGreaterThan(
      report.runs / 4,
    );
    expect(
      report.counters.entries().filter(([k]) => k.startsWith('code:')).length,
      describeCounters(report),
    ).toBeGreaterThanOrEqual(8);
  }, 30_000);

  it('round-trips valid models, and writes back whatever it read', async () => {
    const report = await runProperty(codecRoundTrip(samples), settings(250));
    expect(report.counters.get('roundtrip:model:ok'), describeCounters(report)).toBeGreaterThan(10);
    expect(report.counters.get('roundtrip:accepted:ok'), describeCounters(report)).toBeGreaterThan(3);
  }, 30_000);

  it('reads hostile JSON models without throwing', async () => {
    const report = await runProperty(codecJsonModel(samples), settings(400));
    expect(report.counters.get('json:refused'), describeCounters(report)).toBeGreaterThan(10);
  }, 30_000);
});
