#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`; `npm ci` builds it through the `prepare` script).
// Runs the TypeScript sources through tsx instead when there is no dist/ (a checkout never built) or
// when LIENTHONG_FROM_SOURCE is set to anything but '' or '0': development, and the tests (set in
// vitest.config.ts), which must run the current sources and never a stale build.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const fromSource = !['', '0', undefined].includes(process.env.LIENTHONG_FROM_SOURCE);
let main;
if (!fromSource && existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
