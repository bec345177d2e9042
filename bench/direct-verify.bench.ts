// The long differential run of the direct verifier (issue #16, src/signature/direct/): packages
// signed by lienthong and by xmlsec1 in every way test/support/signature-corpus.ts knows, and seeded
// mutations of them, each verified by the direct path, the DOM path (`direct: false`) and xmldsigjs's
// own canonicalizer; xmlsec1 verifies every package the direct path accepts. A disagreement is a
// package the direct path accepts while another refuses it, or accepts with a different verdict.
// The short version runs in npm test (test/signature/direct/verify-direct.test.ts).
//   npm run bench -- direct-verify [--base 300] [--rounds 34] [--seed 1]
// Figures and the machine they came from: docs/benchmarks/signature.md ("Direct verifier").
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyDirect } from '../src/signature/direct/verify-direct.ts';
import { verifyEdxmlSignature } from '../src/signature/index.ts';
import { testPki } from '../test/support/pki.ts';
import { mutatedCorpus, signedCorpus } from '../test/support/signature-corpus.ts';
import { xmlsecVerify } from '../test/support/signature-xmlsec.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}

export async function run(): Promise<void> {
  const baseCount = option('base', 300);
  const rounds = option('rounds', 34);
  const seed = option('seed', 1);
  const started = performance.now();
  const pki = await testPki();
  const base = await signedCorpus(pki, baseCount, seed);
  const cases = [...base, ...mutatedCorpus(base, rounds, seed + 1)];
  const counts = {
    cases: cases.length,
    'DOM path valid': 0,
    'library valid': 0,
    'direct accepted': 0,
    'direct = DOM verdict': 0,
    'xmlsec1 checked': 0,
    'xmlsec1 valid': 0,
    disagreements: 0,
  };
  const disagreements: string[] = [];
  let directMs = 0;
  let domMs = 0;
  for (const c of cases) {
    const bytes = Buffer.from(c.xml, 'utf8');
    const options = { at: pki.at };
    let t = performance.now();
    const direct = await verifyDirect(bytes, pki.store, options);
    directMs += performance.now() - t;
    t = performance.now();
    const dom = await verifyEdxmlSignature(bytes, pki.store, { ...options, direct: false });
    domMs += performance.now() - t;
    const library = await verifyEdxmlSignature(bytes, pki.store, { ...options, canonicalizer: 'xmldsigjs' });
    if (dom.valid) counts['DOM path valid']++;
    if (library.valid) counts['library valid']++;
    if (direct === null) continue;
    counts['direct accepted']++;
    const same = JSON.stringify(direct) === JSON.stringify(dom);
    if (same) counts['direct = DOM verdict']++;
    counts['xmlsec1 checked']++;
    const xmlsec = xmlsecVerify(c.xml, [pki.rootPath], [pki.caPath]).ok;
    if (xmlsec) counts['xmlsec1 valid']++;
    if (!same || !dom.valid || !library.valid || !xmlsec) {
      counts.disagreements++;
      disagreements.push(
        `${c.name}: dom ${dom.code}, library ${library.code}, xmlsec1 ${xmlsec ? 'OK' : 'refused'}`,
      );
    }
  }
  console.table([counts]);
  console.log(
    `time in the direct path ${(directMs / 1000).toFixed(1)} s, in the DOM path ${(domMs / 1000).toFixed(1)} s, ` +
      `whole run ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const d of disagreements.slice(0, 20)) console.log(`DISAGREEMENT ${d}`);
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, seed ${seed}, ` +
      `${baseCount} signed packages x ${rounds} mutation rounds`,
  );
  if (counts.disagreements > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await run();
}
