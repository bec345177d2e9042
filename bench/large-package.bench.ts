// One large signed package (default 60 MB, under the 64 MiB limit) through the node API of a real
// `lienthong serve` child process, on a Postgres server and on embedded Postgres (PGlite): the time
// until it is accepted (202), how long /livez and a small package took meanwhile (the slowest of
// each, probed every 100 ms), how long the recipient's fetch of the bytes took, and the hub's RSS
// after. Audit point 2 of issue #13: in embedded mode the large package must be accepted in about
// the time the server mode needs, while small requests keep being answered.
//   node --import tsx bench/large-package.bench.ts [--mb 60] [--backends postgres,embedded]
//   npm run bench -- large-package
// Figures and the machine they came from: docs/benchmarks/large-package.md.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Agent, request } from 'undici';
import { signEdxml } from '../src/signature/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';
import { A, B, type Backend, rssMb, startBenchHub } from './bench-hub.ts';
import { option } from './bench-options.ts';

const round1 = (n: number) => Math.round(n * 10) / 10;

interface Row {
  backend: string;
  'package MB': number;
  'accept s': number;
  'fetch s': number;
  '/livez max ms': number;
  'small package max ms': number;
  'small packages': number;
  'RSS after MB': number;
}

/** Calls `probe` every 100 ms until stopped; the slowest answer and how many were made. */
function keepProbing(probe: () => Promise<void>) {
  let stop = false;
  let max = 0;
  let count = 0;
  const loop = (async () => {
    while (!stop) {
      const started = performance.now();
      await probe();
      max = Math.max(max, performance.now() - started);
      count += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return { max, count };
  };
}

async function measure(backend: Backend, megabytes: number): Promise<Row> {
  const { hub, tokens, signer, close } = await startBenchHub(backend, 'large');
  const sign = (documentId: string, attachment: Uint8Array) =>
    signEdxml(
      samplePackage({ from: A, to: [B], documentId, attachments: [{ name: 'scan.pdf', bytes: attachment }] }),
      { keyPem: signer.keyPem, certPem: signer.certPem },
    );
  // Base64 grows the attachment by 4/3: this many raw bytes give a package of about `megabytes`.
  const large = await sign(`${A},2026/12/07,1/LARGE`, randomBytes(Math.floor((megabytes * 1e6 * 3) / 4)));
  const smalls: string[] = [];
  for (let i = 0; i < 200; i += 1)
    smalls.push(await sign(`${A},2026/12/07,${i + 2}/SMALL`, randomBytes(2048)));

  const dispatcher = new Agent({ connections: 8, bodyTimeout: 600_000, headersTimeout: 600_000 });
  const post = async (body: string) => {
    const res = await request(`${hub.url}/v1/messages`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${tokens.a}`, 'content-type': 'application/xml' },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 202) throw new Error(`${res.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text) as { id: string };
  };
  try {
    await post(smalls.pop()!); // warm the verifier and the connections
    const livez = keepProbing(async () => {
      const res = await request(`${hub.url}/livez`, { dispatcher });
      await res.body.text();
    });
    const small = keepProbing(async () => {
      const body = smalls.pop();
      if (body !== undefined) await post(body);
    });
    const started = performance.now();
    const { id } = await post(large);
    const acceptMs = performance.now() - started;
    const [live, sent] = await Promise.all([livez(), small()]);
    const fetchStarted = performance.now();
    const res = await request(`${hub.url}/v1/messages/${id}`, {
      dispatcher,
      headers: { authorization: `Bearer ${tokens.b}` },
    });
    const fetched = Buffer.from(await res.body.arrayBuffer());
    const fetchMs = performance.now() - fetchStarted;
    if (!fetched.equals(Buffer.from(large))) throw new Error('fetched bytes differ from the package sent');
    return {
      backend: backend === 'postgres' ? 'postgres' : 'embedded (PGlite)',
      'package MB': round1(Buffer.byteLength(large) / 1e6),
      'accept s': round1(acceptMs / 1000),
      'fetch s': round1(fetchMs / 1000),
      '/livez max ms': Math.round(live.max),
      'small package max ms': Math.round(sent.max),
      'small packages': sent.count,
      'RSS after MB': rssMb(hub.child.pid!),
    };
  } finally {
    await dispatcher.close();
    await close();
  }
}

export async function run(): Promise<void> {
  const megabytes = Number(option('mb', '60'));
  const backends = option('backends', 'postgres,embedded').split(',') as Backend[];
  const rows: Row[] = [];
  for (const backend of backends) rows.push(await measure(backend, megabytes));
  console.table(rows);
  console.log(
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
