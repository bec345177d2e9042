// Compiles src/ to dist/ (npm run build; also `prepare`, so `npm ci` on a fresh clone leaves a dist).
//   node scripts/build-dist.mjs [--out-dir DIR] [--no-check] [--if-present]
// 1. tsc -p tsconfig.build.json: .ts → .js + .d.ts, relative `.ts` imports rewritten to `.js`. dist/
//    mirrors src/ depth, so paths resolved from a module (../../migrations/, ../config/…,
//    ../package.json) resolve the same from dist/.
// 2. Copies the files that modules load at run time by URL (every non-TypeScript file under src/,
//    e.g. adapters/http/console/console.css).
// 3. Writes dist/signature/verify-worker-entry.mjs: the source entry registers tsx in the worker thread
//    and imports verify-worker.ts; the compiled worker imports verify-worker.js and needs no tsx.
// --out-dir DIR must be a direct child of the repository (as dist/ is), or the module-relative paths
// above miss. --no-check emits without type checking (tsc --noCheck; `npm run check` type-checks):
// the build test uses it to stay fast.
// --if-present (the `prepare` script): when TypeScript is not installed (`npm ci --omit=dev`), say so
// and exit 0 instead of failing the install.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const ifPresent = args.includes('--if-present');
const outFlag = args.indexOf('--out-dir');
const noCheck = args.includes('--no-check');
const outDir = resolve(root, outFlag >= 0 ? (args[outFlag + 1] ?? 'dist') : 'dist');
const srcDir = join(root, 'src');

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (ifPresent) {
    console.log('lienthong: TypeScript is not installed (production install?); dist/ not built.');
    process.exit(0);
  }
  console.error('lienthong: cannot build, TypeScript is not installed (run npm ci).');
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
const compiled = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, ...(noCheck ? ['--noCheck'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (compiled.status !== 0) {
  rmSync(outDir, { recursive: true, force: true });
  console.error('lienthong: tsc failed; dist/ removed.');
  process.exit(compiled.status ?? 1);
}

const WORKER_ENTRY = join('signature', 'verify-worker-entry.mjs');
let copied = 0;
for (const file of listFiles(srcDir)) {
  const rel = relative(srcDir, file);
  if (rel.endsWith('.ts') || rel === WORKER_ENTRY) continue;
  mkdirSync(dirname(join(outDir, rel)), { recursive: true });
  cpSync(file, join(outDir, rel));
  copied++;
}
writeFileSync(
  join(outDir, WORKER_ENTRY),
  [
    '// Written by scripts/build-dist.mjs. Entry of a verifier worker thread in the compiled build: the',
    '// task module is JavaScript here, so no tsx (src/signature/verify-worker-entry.mjs registers it).',
    "export { verify } from './verify-worker.js';",
    '',
  ].join('\n'),
);
if (!existsSync(join(outDir, 'cli', 'main.js'))) {
  console.error(`lienthong: ${relative(root, outDir)}/cli/main.js missing after the build.`);
  process.exit(1);
}
console.log(`lienthong: built ${relative(root, outDir) || outDir}/ (${copied} asset(s) copied).`);

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}
