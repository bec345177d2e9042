// An RFC 3161 timestamping authority on loopback for tests: `openssl ts -reply` behind a small HTTP
// server, with its own root CA and a TSA certificate (timeStamping key usage, critical), made by
// openssl at test time. `mode` makes it answer badly on purpose.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestTsa {
  readonly url: string;
  readonly dir: string;
  /** The TSA's root CA, PEM (what a checker trusts for timestamps). */
  readonly caPem: string;
  /** How it answers: `ok`, `garbage` (200 with bytes that are not DER), `refuse` (HTTP 500). */
  mode: 'ok' | 'garbage' | 'refuse';
  readonly requests: number;
  close(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startTestTsa(): Promise<TestTsa> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-tsa-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '30',
      '-subj',
      '/CN=Test TSA Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'tsa.key',
      '-out',
      'tsa.csr',
      '-subj',
      '/CN=Test TSA',
    ],
    dir,
  );
  await writeFile(
    path.join(dir, 'ext.cnf'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'tsa.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tsa.pem',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
    ],
    dir,
  );
  await writeFile(path.join(dir, 'serial'), '01\n');
  await writeFile(
    path.join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa1',
      '[ tsa1 ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'other_policies = 1.2.3.4.5.6',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let requests = 0;
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      void (async () => {
        if (tsa.mode === 'refuse') return res.writeHead(500).end('no');
        if (tsa.mode === 'garbage')
          return res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end('not DER');
        const q = path.join(dir, `q${++n}.tsq`);
        const r = path.join(dir, `r${n}.tsr`);
        await writeFile(q, Buffer.concat(chunks));
        try {
          openssl(['ts', '-reply', '-config', path.join(dir, 'tsa.cnf'), '-queryfile', q, '-out', r], dir);
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(await readFile(r));
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${port}/tsa`,
    dir,
    caPem: await readFile(path.join(dir, 'ca.pem'), 'utf8'),
    mode: 'ok',
    get requests() {
      return requests;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}
