// The compiled build (scripts/build-dist.mjs): compiles the current sources into a scratch directory
// beside dist/ (same depth, so migrations/, config/ and package.json resolve as from dist/) and runs
// the compiled CLI without tsx: --version, --help, verify in a worker thread, serve on embedded.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPki } from '../support/pki.ts';
import { makePackage, repoRoot } from '../support/signature-docs.ts';
import { xmlsecSign } from '../support/signature-xmlsec.ts';

const out = join(repoRoot, `.dist-test-${process.pid}`);
const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;
// What bin/lienthong.js does with dist/, for the scratch directory: argv[1] is the module URL.
const LAUNCH = 'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv);';

/** The environment of a compiled run: no database or Redis of the test machine (embedded store). */
function compiledEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  delete env['DATABASE_URL'];
  delete env['REDIS_URL'];
  delete env['LIENTHONG_FROM_SOURCE'];
  return env;
}

function compiledArgs(args: readonly string[]): string[] {
  return ['--input-type=module', '-e', LAUNCH, pathToFileURL(join(out, 'cli', 'main.js')).href, ...args];
}

function runCompiled(...args: string[]) {
  return spawnSync(process.execPath, compiledArgs(args), { encoding: 'utf8', env: compiledEnv() });
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

beforeAll(() => {
  // --no-check: emit only (npm run check type-checks); the full build adds about 10 s of checking.
  const built = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'build-dist.mjs'), '--out-dir', out, '--no-check'],
    { encoding: 'utf8' },
  );
  expect(built.status, `${built.stdout}\n${built.stderr}`).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('emits JavaScript with rewritten imports, declarations and the run-time assets', () => {
    const files = jsFiles(out);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/(from |import\()\s*'\.{1,2}\/[^']*\.ts'/);
    }
    expect(existsSync(join(out, 'cli', 'main.d.ts'))).toBe(true);
    if (existsSync(join(repoRoot, 'src', 'client', 'index.ts'))) {
      expect(existsSync(join(out, 'client', 'index.js'))).toBe(true);
      expect(existsSync(join(out, 'client', 'index.d.ts'))).toBe(true);
    }
    expect(readFileSync(join(out, 'adapters', 'http', 'console', 'console.css'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'src', 'adapters', 'http', 'console', 'console.css'), 'utf8'),
    );
    const entry = readFileSync(join(out, 'signature', 'verify-worker-entry.mjs'), 'utf8');
    expect(entry).toContain("from './verify-worker.js'");
    expect(entry).not.toContain("from 'tsx");
  });

  it('runs --version and --help compiled', () => {
    const version = runCompiled('--version');
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    const help = runCompiled('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: lienthong');
    expect(help.stdout).toContain('serve');
  });

  it('verifies in a worker thread compiled (the worker loads verify-worker.js, no tsx)', async () => {
    const pki = await testPki();
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-build-verify-'));
    const good = join(dir, 'good.edxml');
    writeFileSync(
      good,
      xmlsecSign(makePackage({ attachmentBytes: 100 }), pki.ids.rsa.keyPath, pki.ids.rsa.certPath),
    );
    try {
      const r = runCompiled('verify', good, '--trust', pki.trustDir, '--threads', '1');
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { code: string }).code).toBe('OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves compiled on the embedded store (migrations from the repository), stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-build-serve-'));
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, compiledArgs(['serve']), {
        env: compiledEnv({ PORT: '0', HOST: '127.0.0.1', LIENTHONG_DATA_DIR: dataDir }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc = child;
      let output = '';
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 30_000);
        const append = (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const listening = /listening on (http:\/\/\S+)/.exec(output);
          if (listening?.[1]) {
            clearTimeout(timer);
            resolve(listening[1]);
          }
        };
        proc.stdout?.on('data', append);
        proc.stderr?.on('data', append);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited with ${code}:\n${output}`));
        });
      });
      expect(output).toContain(`lienthong ${VERSION} hub listening`);
      const css = await fetch(`${url}/console/assets/console.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toBe(
        readFileSync(join(repoRoot, 'src', 'adapters', 'http', 'console', 'console.css'), 'utf8'),
      );
      proc.kill('SIGTERM');
      expect(await exited, output).toBe(0);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
