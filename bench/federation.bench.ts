// One package from a central agency to every commune of Vietnam (3,321, from the 2025 directory
// in test/fixtures/directory) behind 34 provincial hubs under a national hub: 35 lienthong hubs in
// this process, each with its own schema on one Postgres, linked as hubs of hubs. Measures the time
// until the last commune has the package, the time until the last acknowledgement is back at the
// origin, and the CPU spent per hop.
//   npm run bench -- federation            (node --import tsx bench/run.ts federation)
// Figures and the machine they came from: docs/benchmarks/federation.md.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createHub, type Hub } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { parseCsv } from '../src/routing/index.ts';
import { createDevPki, signEdxml } from '../src/signature/index.ts';
import { addPeerHub, importDirectory, issueMissingTokens, setPeerHub } from '../src/store/index.ts';
import { samplePackage } from '../test/support/edxml-samples.ts';

const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIXTURES = new URL('../test/fixtures/directory/', import.meta.url);
const CENTRAL = '000.00.00.G22';
const TARGET_MS = 30_000;

const provinceRoot = (pp: string) => `000.00.00.Z${pp}`;
const communeOf = (pp: string, code: string) => `${code.slice(2)}.${code.slice(0, 2)}.01.Z${pp}`;

interface Province {
  readonly code: string;
  readonly communes: readonly string[];
}

async function loadProvinces(): Promise<Province[]> {
  const text = await readFile(new URL('communes-2025.csv', FIXTURES), 'utf8');
  const byProvince = new Map<string, string[]>();
  for (const record of parseCsv(text).slice(1)) {
    const [code = '', , , province = ''] = record.fields;
    const list = byProvince.get(province) ?? [];
    list.push(communeOf(province, code));
    byProvince.set(province, list);
  }
  return [...byProvince]
    .map(([code, communes]) => ({ code, communes }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

async function dropSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
      [`${prefix}%`],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A CPU profile of this process from now on (BENCH_PROFILE=file.cpuprofile), for finding where time goes. */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function run(): Promise<void> {
  const provinces = await loadProvinces();
  const communes = provinces.reduce((n, p) => n + p.communes.length, 0);
  const prefix = `lt_bench_fed_${process.pid}_`;
  const dir = path.join(os.tmpdir(), `lienthong-bench-fed-${process.pid}`);
  const dev = await createDevPki({ organIds: [CENTRAL], at: new Date() });
  await mkdir(path.join(dir, 'trust'), { recursive: true });
  await writeFile(path.join(dir, 'trust', 'root.pem'), dev.rootCertPem);
  await writeFile(path.join(dir, 'trust', 'ca.pem'), dev.caCertPem);
  const hubs: Hub[] = [];
  const started = performance.now();
  const start = async (id: string): Promise<{ hub: Hub; url: string }> => {
    const env = {
      DATABASE_URL,
      LIENTHONG_HUB_ID: id,
      LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
      LIENTHONG_DIRECTORY: 'none',
      LIENTHONG_SCHEDULER: 'in-process',
      LIENTHONG_VERIFY_THREADS: '1',
      // 35 hubs on one Postgres (max_connections 100 by default): one connection for each pool.
      LIENTHONG_DB_POOL: '1',
      LIENTHONG_ENGINE_DB_POOL: '1',
      LIENTHONG_DIRECTORY_REPORT_MS: '3600000',
      LOG_LEVEL: 'silent',
    };
    const hub = await createHub(loadConfig(env), {
      logger: process.env['BENCH_LOG']
        ? pino({ level: 'warn', base: { hub: id } }, pino.destination(process.env['BENCH_LOG']))
        : pino({ level: 'silent' }),
      schema: `${prefix}${id.toLowerCase()}`,
    });
    hubs.push(hub);
    const url = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    return { hub, url };
  };
  try {
    const audit = () => ({ at: new Date(), actor: 'bench' });
    const national = await start('N');
    const ministry = { organId: CENTRAL, token: '' };
    await importDirectory(
      national.hub.database.db,
      {
        organizations: [],
        nodes: [{ id: 'vpcp', organizations: [CENTRAL], subtreeRoots: [], signerCertificates: [] }],
      },
      audit(),
    );
    ministry.token = (await issueMissingTokens(national.hub.database.db, audit()))[0]!.token;

    // The 34 provinces: a hub each, a child of N by its organ-id subtree, a node per commune.
    const provinceHubs: Array<{ province: Province; hub: Hub; url: string; tokens: Map<string, string> }> =
      [];
    for (const province of provinces) {
      const { hub, url } = await start(`P${province.code}`);
      const db = hub.database.db;
      await importDirectory(
        db,
        {
          organizations: province.communes.map((organId) => ({
            organId,
            name: organId,
            level: 'commune' as const,
            parentId: provinceRoot(province.code),
            validFrom: null,
            validTo: null,
            successorId: null,
            synthetic: true,
          })),
          nodes: province.communes.map((organId) => ({
            id: `office-${organId}`,
            organizations: [organId],
            subtreeRoots: [],
            signerCertificates: [],
          })),
        },
        audit(),
      );
      const tokens = new Map(
        (await issueMissingTokens(db, audit())).map((t) => [t.nodeId.slice('office-'.length), t.token]),
      );
      const child = await addPeerHub(national.hub.database.db, {
        id: hub.hubId,
        role: 'child',
        subtreeRoots: [provinceRoot(province.code)],
        ...audit(),
      });
      const parent = await addPeerHub(db, {
        id: 'N',
        role: 'parent',
        url: national.url,
        token: child.token,
        ...audit(),
      });
      await setPeerHub(national.hub.database.db, { id: hub.hubId, url, token: parent.token, ...audit() });
      provinceHubs.push({ province, hub, url, tokens });
    }
    const setupMs = performance.now() - started;

    // One package to every commune.
    const all = provinces.flatMap((p) => p.communes);
    const xml = samplePackage({ from: CENTRAL, to: all, documentId: `${CENTRAL},2026/12/07,1/VPCP-TH` });
    const org = dev.organizations[0]!;
    const signed = await signEdxml(xml, { keyPem: org.keyPem, certPem: org.certPem });
    const phase = process.env['BENCH_PROFILE_PHASE'] ?? 'distribute';
    let profile = process.env['BENCH_PROFILE'] && phase === 'distribute' ? await startProfile() : null;
    const cpu0 = cpuMs();
    const t0 = performance.now();
    const answer = await fetch(`${national.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ministry.token}`, 'content-type': 'application/xml' },
      body: signed,
    });
    if (answer.status !== 202) throw new Error(`send: ${answer.status} ${await answer.text()}`);
    const { id } = (await answer.json()) as { id: string };
    const acceptMs = performance.now() - t0;

    // Until every province holds a delivery for each of its communes: the bench's own connection
    // (not the hubs' pools), one query over every province's schema.
    const watch = new pg.Client({ connectionString: DATABASE_URL });
    await watch.connect();
    const across = provinceHubs
      .map(
        (p) => `SELECT count(*)::int AS n FROM "${p.hub.database.schema}".deliveries WHERE message_id = $1`,
      )
      .join(' UNION ALL ');
    const held = async () =>
      (await watch.query<{ n: number }>(across, [id])).rows.reduce((a, r) => a + r.n, 0);
    while ((await held()) < communes) {
      if (performance.now() - t0 > 300_000)
        throw new Error('the package did not reach every commune in 300 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const arrivedMs = performance.now() - t0;
    const handOvers = await watch.query<{ n: number; error: string | null }>(
      `SELECT count(DISTINCT (a.started_at, d.node_id))::int AS n, a.error
       FROM "${national.hub.database.schema}".delivery_attempts a
       JOIN "${national.hub.database.schema}".deliveries d ON d.id = a.delivery_id
       WHERE d.message_id = $1 GROUP BY a.error`,
      [id],
    );
    if (profile) await profile.stop(process.env['BENCH_PROFILE'] ?? '');
    console.log(
      `setup ${(setupMs / 1000).toFixed(1)} s; accepted ${acceptMs.toFixed(0)} ms; every commune has it after ${(arrivedMs / 1000).toFixed(2)} s`,
    );
    const cpuArrived = cpuMs() - cpu0;
    const handOverCount = handOvers.rows.reduce((a, r) => a + r.n, 0);
    const handOverErrors = handOvers.rows.filter((r) => r.error !== null).map((r) => `${r.error} ×${r.n}`);

    if (process.env['BENCH_PROFILE'] && phase === 'ack') profile = await startProfile();
    // Every commune's system acknowledges (32 at a time), and the receipts travel back to N.
    const acks = provinceHubs.flatMap((p) =>
      [...p.tokens].map(([organId, token]) => ({ url: p.url, organId, token })),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < acks.length; i = next++) {
          const a = acks[i]!;
          const res = await fetch(`${a.url}/v1/messages/${id}/ack`, {
            method: 'POST',
            headers: { authorization: `Bearer ${a.token}` },
          });
          if (res.status !== 200) throw new Error(`ack ${a.organId}: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        }
      }),
    );
    const ackedMs = performance.now() - t0;
    const delivered = `SELECT count(*)::int AS n FROM "${national.hub.database.schema}".deliveries
      WHERE message_id = $1 AND state = 'delivered'`;
    while ((await watch.query<{ n: number }>(delivered, [id])).rows[0]!.n < communes) {
      if (performance.now() - t0 > 600_000)
        throw new Error('the acknowledgements did not come back in 600 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await watch.end();
    const backMs = performance.now() - t0;
    if (profile && phase === 'ack') await profile.stop(process.env['BENCH_PROFILE'] ?? '');
    const cpuBack = cpuMs() - cpu0;
    const hops = provinces.length + 1;
    const table = [
      { measure: 'communes (provincial hubs)', value: `${communes} (${provinces.length})`, target: '' },
      { measure: 'package size', value: `${(Buffer.byteLength(signed) / 1024).toFixed(0)} KiB`, target: '' },
      { measure: 'setup (not measured below)', value: `${(setupMs / 1000).toFixed(1)} s`, target: '' },
      { measure: 'accepted at N (202)', value: `${acceptMs.toFixed(0)} ms`, target: '' },
      {
        measure: 'hand-overs N → provinces (retries)',
        value: `${handOverCount}${handOverErrors.length ? ` (${handOverErrors.join(', ')})` : ''}`,
        target: `${provinces.length}`,
      },
      {
        measure: 'last commune has it',
        value: `${(arrivedMs / 1000).toFixed(2)} s`,
        target: `< ${TARGET_MS / 1000} s`,
      },
      { measure: 'all acknowledgements sent', value: `${(ackedMs / 1000).toFixed(2)} s`, target: '' },
      {
        measure: 'last acknowledgement back at N',
        value: `${(backMs / 1000).toFixed(2)} s`,
        target: `< ${TARGET_MS / 1000} s`,
      },
      {
        measure: 'CPU to distribute (this process, all hubs)',
        value: `${(cpuArrived / 1000).toFixed(2)} s = ${(cpuArrived / hops).toFixed(0)} ms per hop (${hops} hubs)`,
        target: '',
      },
      {
        measure: 'CPU in all (acks and receipts included)',
        value: `${(cpuBack / 1000).toFixed(2)} s = ${(cpuBack / communes).toFixed(2)} ms per commune`,
        target: '',
      },
      {
        measure: 'verdict',
        value: arrivedMs < TARGET_MS && backMs < TARGET_MS ? 'both under target' : 'OVER TARGET',
        target: '',
      },
    ];
    console.table(table);
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
    );
  } finally {
    for (const hub of hubs.reverse()) await hub.close().catch(() => {});
    await dropSchemas(prefix);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
