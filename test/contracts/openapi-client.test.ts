// The contract serves a real client: openapi-typescript turns docs/openapi.json into types, a small
// openapi-fetch program written against them type-checks with tsc (including refusals of a wrong path,
// a missing parameter and a code outside the registry), and the same program then sends to a hub
// listening on loopback: it sends a package, reads the receiver's inbox, fetches, acknowledges and
// traces it, gets a typed problem+json error for a bad body, and reads the operator's queue report.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../scripts/gen-openapi.ts';
import { codes } from '../../src/errors.ts';
import { samplePackage } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const A = '000.00.00.G22';
const B = '000.00.00.H41';
const OPERATOR_TOKEN = `op-${randomBytes(12).toString('hex')}`;

/** The client program: type-checked by tsc, then run with tsx. Its last stdout line is a JSON report. */
const CLIENT = `import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import type { components, paths } from './lienthong-api.js';

type Code = components['schemas']['Problem']['code'];

const [baseUrl = '', senderToken = '', receiverToken = '', operatorToken = '', packageFile = ''] =
  process.argv.slice(2);
const bearer = (token: string) => ({ Authorization: \`Bearer \${token}\` });
const sender = createClient<paths>({ baseUrl, headers: bearer(senderToken) });
const receiver = createClient<paths>({ baseUrl, headers: bearer(receiverToken) });
const operator = createClient<paths>({ baseUrl, headers: bearer(operatorToken) });
const xml = { 'Content-Type': 'application/xml' };
const raw = (body: unknown) => body as string;

const sent = await sender.POST('/v1/messages', {
  body: readFileSync(packageFile, 'utf8'),
  bodySerializer: raw,
  headers: xml,
});
if (!sent.data) throw new Error(\`send refused: \${JSON.stringify(sent.error)}\`);
const id: string = sent.data.id;
const duplicate: boolean = sent.data.duplicate;

const bad = await sender.POST('/v1/messages', { body: '<not-edxml/>', bodySerializer: raw, headers: xml });
const badCode: Code | undefined = bad.error?.code;

const inbox = await receiver.GET('/v1/inbox', { params: { query: { wait: 5 } } });
const ids: string[] = (inbox.data?.items ?? []).map((item) => item.id);

const fetched = await receiver.GET('/v1/messages/{id}', { params: { path: { id } }, parseAs: 'text' });
const acked = await receiver.POST('/v1/messages/{id}/ack', { params: { path: { id } } });
const changed: boolean | undefined = acked.data?.changed;
const trace = await sender.GET('/v1/messages/{id}/trace', { params: { path: { id } } });
const states = (trace.data?.deliveries ?? []).map((d) => d.state);
const missing = await receiver.GET('/v1/messages/{id}', {
  params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
});
const missingCode: Code | undefined = missing.error?.code;

const queues = await operator.GET('/ops/queues');
const queueNames = (queues.data?.queues ?? []).map((q) => q.name);
const refusedOperator = await sender.GET('/ops/queues');

// Never called: tsc must refuse each line, or the types are not real.
export function typeChecksOnly(): void {
  // @ts-expect-error no such path
  void sender.GET('/v1/nothing-here');
  // @ts-expect-error the path parameter is required
  void sender.GET('/v1/messages/{id}/trace', {});
  // @ts-expect-error a receipt id is a string
  const wrong: number = sent.data?.id ?? 0;
  // @ts-expect-error not a code of the registry
  const notACode: Code = 'NOT_A_REGISTERED_CODE';
  void wrong;
  void notACode;
}

console.log(
  JSON.stringify({
    sendStatus: sent.response.status,
    id,
    duplicate,
    badStatus: bad.response.status,
    badType: bad.response.headers.get('content-type'),
    badCode,
    inboxStatus: inbox.response.status,
    ids,
    fetchedStatus: fetched.response.status,
    fetchedBytes: typeof fetched.data === 'string' ? fetched.data.length : -1,
    changed,
    states,
    missingStatus: missing.response.status,
    missingCode,
    queuesStatus: queues.response.status,
    queueNames,
    refusedOperatorStatus: refusedOperator.response.status,
    refusedOperatorCode: refusedOperator.error?.code,
  }),
);
`;

function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('a client generated from docs/openapi.json', () => {
  let t: TestHub;
  let dir: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-openapi-client-'));
    // The program resolves openapi-fetch, tsx and @types/node from the repository's node_modules.
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    t = await startTestHub({
      backend: 'server',
      organIds: [A, B],
      env: { LIENTHONG_OPERATOR_TOKEN: OPERATOR_TOKEN },
    });
    tokens['A'] = await t.addNode({ id: 'client-a', organizations: [A] });
    tokens['B'] = await t.addNode({ id: 'client-b', organizations: [B] });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('type-checks with tsc and sends to a real hub through openapi-fetch', async () => {
    const types = astToString(await openapiTS(new URL(`file://${OPENAPI_FILE}`)));
    expect(types).toContain('"/v1/messages"');
    await writeFile(path.join(dir, 'lienthong-api.d.ts'), types);
    await writeFile(path.join(dir, 'client.ts'), CLIENT);
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['client.ts', 'lienthong-api.d.ts'],
      }),
    );
    const tsc = await run(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir],
      dir,
    );
    expect(tsc.out).toBe('');
    expect(tsc.code).toBe(0);

    const pkg = path.join(dir, 'package.xml');
    const documentId = `${A},2026/11/20,77/OPENAPI-${randomBytes(3).toString('hex')}`;
    await writeFile(pkg, await t.sign(samplePackage({ from: A, to: [B], documentId }), A));
    const client = await run(
      process.execPath,
      ['--import', 'tsx', 'client.ts', t.url, tokens['A']!, tokens['B']!, OPERATOR_TOKEN, pkg],
      dir,
    );
    expect(client.code, client.out).toBe(0);
    const report = JSON.parse(client.out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(report).toMatchObject({
      sendStatus: 202,
      duplicate: false,
      badStatus: 422,
      badType: expect.stringContaining('application/problem+json'),
      inboxStatus: 200,
      ids: [report['id']],
      fetchedStatus: 200,
      changed: true,
      missingStatus: 404,
      missingCode: 'MESSAGE_NOT_FOUND',
      queuesStatus: 200,
      refusedOperatorStatus: 401,
      refusedOperatorCode: 'OPERATOR_AUTH_REQUIRED',
    });
    expect(Object.keys(codes)).toContain(report['badCode']);
    expect(report['fetchedBytes']).toBeGreaterThan(100);
    expect(report['states']).toEqual(['delivered']);
    expect((report['queueNames'] as string[]).length).toBeGreaterThan(0);
  }, 60_000);
});
