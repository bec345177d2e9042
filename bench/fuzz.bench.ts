// The long fuzz run: the properties of test/fuzz/ (node API, VXP API, codec) with many more runs,
// against one real hub on the real Postgres (the codec in process). Each property counts its
// failures instead of stopping at the first, and keeps the first failure of each kind with the
// seed and path that replay it (`fc.assert(property, { seed, path })`). Prints one table (property,
// runs, failures, seconds, how deep the inputs got) and then the failures and notes.
//   npm run bench -- fuzz                      (FUZZ_RUNS per property, default 2000)
//   FUZZ_RUNS=500 FUZZ_SEED=42 npm run bench -- fuzz
// Figures and the machine they came from: docs/benchmarks/fuzz.md.
import os from 'node:os';
import { createDevPki, signEdxml } from '../src/signature/index.ts';
import { codecHostileInput, codecJsonModel, codecRoundTrip } from '../test/fuzz/codec-properties.ts';
import { startFuzzHub } from '../test/fuzz/fuzz-hub.ts';
import { nodeApiPackages, nodeApiRequests } from '../test/fuzz/node-properties.ts';
import {
  type Counters,
  type PropertyReport,
  type PropertySpec,
  runProperty,
  runsFrom,
  seedFromEnv,
} from '../test/fuzz/runner.ts';
import { vxpHeaderGames, vxpPackages } from '../test/fuzz/vxp-properties.ts';
import { samplePackage, sampleStatus } from '../test/support/edxml-samples.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

const percent = (part: number, whole: number) =>
  whole === 0 ? '–' : `${Math.round((100 * part) / whole)} %`;

/** What "got deep" means for each property, as one cell. */
function depth(name: string, c: Counters, runs: number): string {
  if (name.startsWith('codec: hostile JSON'))
    return `${c.get('json:roundtrip')} built and read back, ${c.get('json:refused')} refused`;
  if (name.startsWith('codec: hostile'))
    return `${percent(c.get('parse:default:ok'), runs)} read, ${c.entries().filter(([k]) => k.startsWith('code:')).length} codes`;
  if (name.startsWith('codec: round'))
    return `${c.get('roundtrip:model:ok')} models, ${c.get('roundtrip:accepted:ok')} read inputs`;
  if (name.startsWith('node API: hostile'))
    return `${percent(c.get('stage:success'), runs)} 2xx, ${c.get('stage:codec') + c.get('stage:signature') + c.get('stage:after-signature')} to the package checks`;
  if (name.startsWith('VXP API: header'))
    return `${percent(c.get('vxp:authenticated'), runs)} authenticated, ${c.get('vxp:broken-signature')} broken signatures`;
  return `${percent(c.get('reached:signature'), runs)} to the signature, ${c.sum('accepted:')} accepted (${c.get('harmless:accepted')} harmless mutants)`;
}

function row(report: PropertyReport) {
  return {
    property: report.name,
    runs: report.runs,
    failures: report.failures,
    seconds: Math.round(report.ms / 100) / 10,
    'ms/run': Math.round(report.ms / Math.max(1, report.runs)),
    depth: depth(report.name, report.counters, report.runs),
    seed: report.seed,
  };
}

export async function run(): Promise<void> {
  const numRuns = runsFrom('FUZZ_RUNS', 2000);
  const seed = seedFromEnv();
  console.log(
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${numRuns} runs per property${seed === undefined ? '' : `, seed ${seed}`}`,
  );
  const pki = await createDevPki({ organIds: [A], at: new Date() });
  const org = pki.organizations[0];
  if (!org) throw new Error('no development certificate');
  const unsigned = samplePackage({ from: A, to: [B], documentId: `${A},2026/12/08,1/FUZZ` });
  const samples = [
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
  const reports: PropertyReport[] = [];
  const runOne = async <T>(spec: PropertySpec<T>) => {
    const report = await runProperty(spec, { numRuns, seed, mode: 'count' });
    console.log(
      `  ${report.name}: ${report.runs} runs, ${report.failures} failures, ${(report.ms / 1000).toFixed(1)} s`,
    );
    reports.push(report);
  };
  await runOne(codecHostileInput(samples));
  await runOne(codecRoundTrip(samples));
  await runOne(codecJsonModel(samples));
  const hub = await startFuzzHub();
  try {
    await runOne(nodeApiRequests(hub));
    await runOne(nodeApiPackages(hub));
    await runOne(vxpHeaderGames(hub));
    await runOne(vxpPackages(hub));
  } finally {
    await hub.close();
  }
  console.table(reports.map(row));
  for (const report of reports) {
    for (const [kind, first] of report.failureKinds)
      console.log(`\nFAILURE ${report.name} — ${kind}\n${first}`);
  }
  for (const note of hub.notes) console.log(`\nNOTE ${note.slice(0, 2000)}`);
  for (const report of reports)
    console.log(
      `\ncounters of ${report.name}: ${report.counters
        .entries()
        .map(([k, n]) => `${k}=${n}`)
        .join(', ')}`,
    );
  if (reports.some((r) => r.failures > 0)) process.exitCode = 1;
}

if (process.argv[1]?.endsWith('fuzz.bench.ts')) {
  await run();
}
