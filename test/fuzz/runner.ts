// Runs a fuzz property two ways: `assert` (the tests: fast-check shrinks the first failure and
// prints its seed and path) and `count` (the bench: every failure is counted and the first one is
// kept with the seed and path that replay it, `fc.assert(property, { seed, path })`, without
// shrinking, so that a long run reports how often a property fails rather than stopping).
import fc from 'fast-check';

/** Named counts a property keeps while it runs: stages reached, codes seen, outcomes. */
export class Counters {
  readonly #counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Sum of every counter whose key starts with `prefix`. */
  sum(prefix: string): number {
    let total = 0;
    for (const [key, n] of this.#counts) if (key.startsWith(prefix)) total += n;
    return total;
  }

  entries(): Array<[string, number]> {
    return [...this.#counts].sort(([a], [b]) => a.localeCompare(b));
  }
}

export interface PropertySpec<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Throws when the property does not hold for `value`. */
  check(value: T, counters: Counters): Promise<void>;
  /** After every case (the hub still answers), with the case's index. */
  after?(index: number, counters: Counters): Promise<void>;
  /** Once, after the last case (a normal package is still accepted). */
  finish?(counters: Counters): Promise<void>;
}

export interface RunSettings {
  readonly numRuns: number;
  /** Fixed seed (FUZZ_SEED); default: fast-check picks one and prints it on failure. */
  readonly seed?: number | undefined;
  readonly mode: 'assert' | 'count';
}

export interface PropertyReport {
  readonly name: string;
  readonly runs: number;
  readonly failures: number;
  readonly ms: number;
  readonly seed: number;
  readonly counters: Counters;
  /** The first failure (count mode), with how to replay it. */
  readonly firstFailure: string | null;
  /** The first failure of each kind (count mode): kind → message with its replay. */
  readonly failureKinds: ReadonlyMap<string, string>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runProperty<T>(spec: PropertySpec<T>, settings: RunSettings): Promise<PropertyReport> {
  const counters = new Counters();
  // A seed of our own (rather than fast-check's) so that count mode can say how to replay a run.
  const seed = settings.seed ?? (Math.random() * 0x7fffffff) | 0;
  let runs = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const failureKinds = new Map<string, string>();
  const started = performance.now();
  const predicate = async (value: T): Promise<void> => {
    const index = runs++;
    try {
      await spec.check(value, counters);
      await spec.after?.(index, counters);
    } catch (error) {
      if (settings.mode === 'assert') throw error;
      failures++;
      const kind =
        message(error)
          .split(/[:\n]/, 1)[0]
          ?.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')
          .slice(0, 70) ?? '';
      counters.add(`failure:${kind}`);
      const text = `run ${index}, replay with { seed: ${seed}, path: "${index}" }: ${message(error)}\n  input: ${fc
        .stringify(value)
        .slice(0, 2000)}`;
      firstFailure ??= text;
      if (!failureKinds.has(kind) && failureKinds.size < 20) failureKinds.set(kind, text);
    }
  };
  const property = fc.asyncProperty(spec.arbitrary, predicate);
  if (settings.mode === 'assert') {
    await fc.assert(property, { numRuns: settings.numRuns, seed });
  } else {
    await fc.check(property, { numRuns: settings.numRuns, seed });
  }
  try {
    await spec.finish?.(counters);
  } catch (error) {
    if (settings.mode === 'assert') throw error;
    failures++;
    firstFailure ??= `after the last run: ${message(error)}`;
  }
  return {
    name: spec.name,
    runs,
    failures,
    ms: performance.now() - started,
    seed,
    counters,
    firstFailure,
    failureKinds,
  };
}

/** Number of runs: FUZZ_RUNS (the bench) or FUZZ_TEST_RUNS (the tests), else the default. */
export function runsFrom(variable: 'FUZZ_RUNS' | 'FUZZ_TEST_RUNS', fallback: number): number {
  const value = Number(process.env[variable]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** FUZZ_SEED, when set: the same inputs on every run. */
export function seedFromEnv(): number | undefined {
  const value = Number(process.env['FUZZ_SEED']);
  return process.env['FUZZ_SEED'] !== undefined && Number.isInteger(value) ? value : undefined;
}

/** One line per counter, for a report or a failed expectation. */
export function describeCounters(report: PropertyReport): string {
  return report.counters
    .entries()
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
}
