// Store costs on each backend: accepting a message (the one transaction behind every 202), the
// inbox query, token lookup, and loading the directory snapshot of the example directory.
//   node --import tsx bench/store.bench.ts [--messages N]
// Figures and the machine they came from: docs/benchmarks/store.md.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { parseDirectoryFile } from '../src/routing/index.ts';
import {
  createNode,
  type Database,
  findNodeByToken,
  importDirectory,
  insertAcceptedMessage,
  listInbox,
  loadDirectorySnapshot,
  openDatabase,
} from '../src/store/index.ts';

const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  backend: string;
  operation: string;
  n: number;
  'total ms': number;
  'per op ms': number;
  'ops/s': number;
}

async function time(n: number, body: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await body(i);
  return performance.now() - started;
}

function row(backend: string, operation: string, n: number, ms: number): Row {
  return {
    backend,
    operation,
    n,
    'total ms': Math.round(ms),
    'per op ms': Number((ms / n).toFixed(2)),
    'ops/s': Math.round((n * 1000) / ms),
  };
}

async function measure(backend: string, database: Database, messages: number): Promise<Row[]> {
  const { db } = database;
  const rows: Row[] = [];
  const example = parseDirectoryFile(
    await readFile(new URL('../config/directory.example.yaml', import.meta.url), 'utf8'),
    'yaml',
  );
  if (!example.ok) throw new Error('example directory does not parse');
  let started = performance.now();
  await importDirectory(db, example.file, { at: new Date(), actor: 'bench' });
  rows.push(row(backend, 'import example directory (158 orgs)', 1, performance.now() - started));
  rows.push(row(backend, 'load directory snapshot', 20, await time(20, () => loadDirectorySnapshot(db))));

  const sender = await createNode(db, {
    id: 'bench-sender',
    organizations: ['000.00.00.G09'],
    at: new Date(),
    actor: 'bench',
  });
  const payload = randomBytes(10 * 1024).toString('base64');
  rows.push(row(backend, 'findNodeByToken', 200, await time(200, () => findNodeByToken(db, sender.token))));
  const accept = (i: number) =>
    insertAcceptedMessage(db, {
      kind: 'package',
      senderNodeId: 'bench-sender',
      senderOrganId: '000.00.00.G09',
      documentId: `000.00.00.G09,2025/07/15,${i}/BENCH`,
      businessDocType: 0,
      statusCode: null,
      priority: i % 5,
      raw: Buffer.from(`<edXMLEnvelope>${randomUUID()}${payload}</edXMLEnvelope>`),
      summary: { subject: 'bench' },
      verdict: { status: 'verified' },
      receivedAt: new Date(),
      actor: 'node:bench-sender',
      deliveries: [
        {
          recipientOrganId: '000.00.00.G22',
          addressedOrganId: '000.00.00.G22',
          nodeId: 'vpcp-eoffice',
          route: 'local',
        },
        {
          recipientOrganId: '000.00.00.Z08',
          addressedOrganId: '000.00.00.Y02',
          nodeId: 'tuyenquang-eoffice',
          route: 'local',
        },
      ],
    });
  rows.push(
    row(backend, 'insertAcceptedMessage (14 KB, 2 recipients)', messages, await time(messages, accept)),
  );
  started = performance.now();
  await Promise.all(Array.from({ length: 50 }, (_, i) => accept(messages + i)));
  rows.push(row(backend, 'insertAcceptedMessage, 50 concurrent', 50, performance.now() - started));
  rows.push(
    row(
      backend,
      `listInbox limit 50 (of ${messages + 50})`,
      50,
      await time(50, () => listInbox(db, { nodeId: 'vpcp-eoffice', limit: 50 })),
    ),
  );
  return rows;
}

export async function run(): Promise<void> {
  const argIndex = process.argv.indexOf('--messages');
  const messages = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 300;
  const rows: Row[] = [];

  const schema = `lt_bench_${randomBytes(4).toString('hex')}`;
  const server = await openDatabase({ databaseUrl: DATABASE_URL, schema });
  try {
    rows.push(...(await measure('postgres (pg.Pool)', server, messages)));
  } finally {
    await server.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
  for (const serveSocket of [false, true]) {
    const started = performance.now();
    const embedded = await openDatabase({ dataDir: ':memory:', serveSocket });
    const name = serveSocket ? 'pglite via pglite-socket' : 'pglite direct';
    rows.push(row(name, 'open memory:// + migrate', 1, performance.now() - started));
    try {
      rows.push(...(await measure(name, embedded, messages)));
    } finally {
      await embedded.close();
    }
  }
  console.table(rows);
}

if (
  import.meta.url === new URL(process.argv[1] ?? '', 'file://').href ||
  process.argv[1]?.endsWith('store.bench.ts')
) {
  await run();
}
