// Start time and memory of the `lienthong` CLI, compiled (dist/) against the TypeScript sources (tsx),
// beside the floor: a bare `node -e 0` measured in the same run. Each case runs N times, round-robin
// (so load from elsewhere on the machine hits every case alike), after one discarded warm-up each:
// median and p90 wall time of the whole process, and its maximum RSS (`/usr/bin/time -f %M` when
// present, else the child's own process.resourceUsage().maxRSS at exit). Target (the build issue):
// `lienthong --version` within 3× the floor.
// "before the build" is what bin/lienthong.js did until the build: register tsx, load every command
// module (and with them the whole hub), then run main(). The command modules now load the hub only
// when a command runs, so this case imports what they used to: src/app.ts (the hub, its services,
// the signature stack) and the conformance kit.
// Builds dist/ first when it is missing (npm run build).
//   node --import tsx bench/cli-start.bench.ts [--runs 20]
//   npm run bench -- cli-start
// Figures and the machine they came from: docs/benchmarks.md ("CLI start").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { option } from './bench-options.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/lienthong.js', import.meta.url));
const TIME = '/usr/bin/time';

// The old bin/lienthong.js, with the old command modules' static imports of the whole hub.
const BEFORE = [
  "const { register } = await import('tsx/esm/api');",
  'register();',
  "await import('./src/app.ts');",
  "await import('./src/adapters/conformance/index.ts');",
  "await import('./src/cli/commands/index.ts');",
  "const { main } = await import('./src/cli/main.ts');",
  "process.exitCode = await main([process.argv[0], 'lienthong', ...process.argv.slice(1)]);",
].join(' ');

interface Case {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** What the output must show (a run that printed something else measured the wrong thing). */
  prints?: RegExp;
}

const VERSION = /^\d+\.\d+\.\d+\S*\n$/;
const HELP = /Usage: lienthong[\s\S]*serve/;

const compiled: NodeJS.ProcessEnv = { LIENTHONG_FROM_SOURCE: '' };
const source: NodeJS.ProcessEnv = { LIENTHONG_FROM_SOURCE: '1' };
const CASES: Case[] = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'], env: {} },
  { name: 'lienthong --version, dist', args: [BIN, '--version'], env: compiled, prints: VERSION },
  { name: 'lienthong --version, source (tsx)', args: [BIN, '--version'], env: source, prints: VERSION },
  {
    name: 'lienthong --version, before the build',
    args: ['--input-type=module', '-e', BEFORE, '--', '--version'],
    env: {},
    prints: VERSION,
  },
  { name: 'lienthong --help, dist', args: [BIN, '--help'], env: compiled, prints: HELP },
  { name: 'lienthong --help, source (tsx)', args: [BIN, '--help'], env: source, prints: HELP },
  {
    name: 'lienthong --help, before the build',
    args: ['--input-type=module', '-e', BEFORE, '--', '--help'],
    env: {},
    prints: HELP,
  },
];

// Without /usr/bin/time the child reports its own peak RSS (KiB, as time's %M) on stderr at exit.
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n'+process.resourceUsage().maxRSS+'\\n'))`;
const haveTime = existsSync(TIME);

/** One run: wall milliseconds and peak RSS in KiB. */
function once(c: Case): { ms: number; rssKib: number } {
  const env = { ...process.env, ...c.env };
  const [command, args] = haveTime
    ? [TIME, ['-f', '%M', process.execPath, ...c.args]]
    : [process.execPath, ['--import', REPORT_RSS, ...c.args]];
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${c.name} exited with ${r.status}:\n${r.stderr}`);
  if (c.prints && !c.prints.test(r.stdout)) throw new Error(`${c.name} printed:\n${r.stdout}`);
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  return { ms, rssKib: Number(last) };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function run(): Promise<void> {
  const runs = Number(option('runs', '20'));
  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
    console.log('dist/ missing: npm run build');
    const built = spawnSync(process.execPath, ['scripts/build-dist.mjs'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build failed');
  }
  const samples = CASES.map(() => ({ ms: [] as number[], rss: [] as number[] }));
  for (const c of CASES) once(c);
  for (let i = 0; i < runs; i++) {
    CASES.forEach((c, k) => {
      const s = once(c);
      samples[k]!.ms.push(s.ms);
      samples[k]!.rss.push(s.rssKib);
    });
  }
  const stats = samples.map(({ ms, rss }) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), rssMb: Math.max(...rss) / 1024 };
  });
  const floor = stats[0]!;
  const times = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
  console.log(
    `${runs} runs each, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, RSS from ${haveTime ? TIME : 'resourceUsage'}`,
  );
  console.table(
    CASES.map((c, k) => {
      const s = stats[k]!;
      return {
        case: c.name,
        'median ms': Math.round(s.median),
        'median × floor': times(s.median, floor.median),
        'p90 ms': Math.round(s.p90),
        'p90 × floor': times(s.p90, floor.p90),
        'max RSS MB': Math.round(s.rssMb),
        'RSS × floor': times(s.rssMb, floor.rssMb),
      };
    }),
  );
  const version = stats[1]!;
  const ok = version.median <= 3 * floor.median;
  console.log(
    `target: lienthong --version (dist) within 3× the floor: median ${times(version.median, floor.median)}, ` +
      `${ok ? 'met' : 'NOT met'}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
