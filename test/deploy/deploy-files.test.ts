// The monitoring files under deploy/ (Prometheus rules and scrape config, Grafana dashboard, README)
// name metrics, labels and routes of the hub: this fails when they drift from what a real hub exports.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HTTPMethods } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createInProcessScheduler } from '../../src/queue/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { REDIS_URL } from '../support/engine-harness.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const RULES_FILE = path.join(DEPLOY, 'prometheus', 'lienthong-alerts.yml');
const PROMETHEUS_FILE = path.join(DEPLOY, 'prometheus', 'prometheus.example.yml');
const DASHBOARD_FILE = path.join(DEPLOY, 'grafana', 'lienthong-dashboard.json');
const README_FILE = path.join(DEPLOY, 'README.md');

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template string.
const DATASOURCE_UID = '${datasource}';
const TOKEN = randomBytes(16).toString('hex');
const METRIC = /\b(lienthong_[a-z0-9_]+|bullmq_[a-z0-9_]+)\b/g;
/** Labels every series may carry without its metric declaring them: Prometheus's, and the registry's default. */
const TARGET_LABELS = new Set(['job', 'instance', 'role']);

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: { severity?: unknown };
  annotations?: { summary?: unknown; description?: unknown };
}
interface Panel {
  type: string;
  id: number;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr: string; refId: string; datasource?: { uid?: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: {
    list: { name: string; type: string; query: string | { query: string }; datasource?: { uid?: string } }[];
  };
}

const rules = parseYaml(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;

function ruleExprs(): string[] {
  return rules.groups.flatMap((g) => g.rules.map((r) => String(r.expr)));
}
function dashboardExprs(): string[] {
  const panels = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const variables = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => (typeof v.query === 'string' ? v.query : v.query.query));
  return [...panels, ...variables];
}

/** `# TYPE <name> <type>` of an exposition. */
function exportedTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/** The metric names an expression reads, with a histogram's `_bucket|_sum|_count` taken off. */
function metricNames(expr: string, types: ReadonlyMap<string, string>): string[] {
  return [...expr.matchAll(METRIC)].map((m) => {
    const name = m[1]!;
    const base = /^(.+)_(bucket|sum|count)$/.exec(name)?.[1];
    return base !== undefined && types.get(base) === 'histogram' ? base : name;
  });
}

/** The label names a metric declares, read from the hub's registry (prom-client keeps them on the metric). */
function declaredLabels(hub: Hub, name: string): string[] | undefined {
  const metric = hub.metrics.registry.getSingleMetric(name) as unknown as
    | { labelNames?: unknown; type?: unknown }
    | undefined;
  if (!metric) return undefined;
  const names = Array.isArray(metric.labelNames) ? metric.labelNames.map(String) : [];
  return metric.type === 'histogram' ? [...names, 'le'] : names;
}

/** Label names that the samples of a metric carry in an exposition (for the queue's export, not in the registry). */
function sampledLabels(exposition: string, name: string): string[] {
  const labels = new Set<string>();
  for (const match of exposition.matchAll(new RegExp(`^${name}\\{([^}]*)\\}`, 'gm'))) {
    for (const pair of match[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(pair[1]!);
  }
  return [...labels];
}

function startRedisHub(dir: string, schema: string): Promise<Hub> {
  return createHub(
    loadConfig({
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL,
      LIENTHONG_QUEUE_PREFIX: `lt-deploy-${randomBytes(4).toString('hex')}`,
      LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
      LIENTHONG_OPERATOR_TOKEN: TOKEN,
    }),
    { logger: pino({ level: 'silent' }), loadExampleDirectory: false, schema },
  );
}

async function scrape(hub: Hub): Promise<string> {
  // One request on the upload route first (refused: no node token), so that it shows in the request histogram.
  const upload = await hub.app.inject({ method: 'POST', url: '/v1/messages', payload: '' });
  expect(upload.statusCode).toBe(401);
  const res = await hub.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('deploy files: structure', () => {
  it('has alerting rules in groups, each with for, a severity and bilingual annotations', () => {
    expect(rules.groups.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const group of rules.groups) {
      expect(group.name).toMatch(/^lienthong-/);
      expect(group.rules.length).toBeGreaterThan(0);
      for (const rule of group.rules) {
        const where = `${group.name}/${String(rule.alert)}`;
        expect(rule.alert, where).toMatch(/^Lienthong[A-Za-z]+$/);
        expect(typeof rule.expr === 'string' && rule.expr.trim() !== '', where).toBe(true);
        expect(rule.for, where).toMatch(/^\d+[smhd]$/);
        expect(['critical', 'warning'], where).toContain(rule.labels?.severity);
        // Vietnamese first, then English, in one string.
        expect(rule.annotations?.summary, where).toMatch(/\S \/ \S/);
        expect(rule.annotations?.description, where).toMatch(/\S \/ \S/);
        const key = `${String(rule.alert)}:${String(rule.labels?.severity)}`;
        expect(seen.has(key), `${key} twice`).toBe(false);
        seen.add(key);
      }
    }
  });

  it('has a scrape config for job lienthong with a bearer token file, loading the rules beside it', () => {
    const config = parseYaml(readFileSync(PROMETHEUS_FILE, 'utf8')) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        authorization?: { type?: string; credentials_file?: string };
      }[];
    };
    const job = config.scrape_configs.find((s) => s.job_name === 'lienthong');
    expect(job).toMatchObject({ metrics_path: '/metrics' });
    expect(job?.authorization?.type ?? 'Bearer').toBe('Bearer');
    expect(job?.authorization?.credentials_file).toEqual(expect.any(String));
    expect(config.rule_files).toContain('lienthong-alerts.yml');
    for (const file of config.rule_files)
      expect(existsSync(path.join(DEPLOY, 'prometheus', file))).toBe(true);
    // The hub-down rule names the job of the scrape config.
    expect(ruleExprs().some((e) => e.includes('up{job="lienthong"}'))).toBe(true);
  });

  it('has a Grafana dashboard with a Prometheus datasource variable that every panel uses', () => {
    expect(dashboard).toMatchObject({
      uid: 'lienthong',
      title: 'lienthong — trục liên thông',
      schemaVersion: 39,
    });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.title, String(panel.id)).toMatch(/\S \/ \S/);
      expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE_UID);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr, panel.title).toMatch(/\b(lienthong|bullmq)_/);
        expect(target.datasource?.uid ?? DATASOURCE_UID, panel.title).toBe(DATASOURCE_UID);
      }
    }
  });
});

describe('deploy files: against the metrics a hub exports', () => {
  // One hub on Postgres + Redis (BullMQ's export): the hub's own metrics are the same registry in every
  // mode, and embedded mode differs only by its in-process scheduler's export, checked on its own
  // below (an embedded hub takes far longer to start).
  let hub: Hub | undefined;
  let dir: string;
  const schema = uniqueSchemaName('lt_deploy');
  let exposition = '';
  let inProcess = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-deploy-'));
    hub = await startRedisHub(dir, schema);
    exposition = await scrape(hub);
    const scheduler = createInProcessScheduler();
    try {
      inProcess = await scheduler.prometheusMetrics({ role: 'all' });
    } finally {
      await scheduler.close();
    }
  }, 90_000);
  afterAll(async () => {
    await hub?.close();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  const types = () => exportedTypes(exposition);
  const referenced = () =>
    new Set([...ruleExprs(), ...dashboardExprs()].flatMap((e) => metricNames(e, types())));

  it('exports every metric the rules and the dashboard read', () => {
    const names = referenced();
    // The extraction finds what it should (or this test would pass on nothing).
    for (const name of [
      'lienthong_overdue_deliveries',
      'lienthong_http_request_duration_seconds',
      'lienthong_signature_verification_duration_seconds',
      'bullmq_job_count',
    ]) {
      expect(names).toContain(name);
    }
    expect([...names].some((n) => /_(bucket|sum)$/.test(n))).toBe(false);
    const exported = types();
    expect([...names].filter((n) => !exported.has(n))).toEqual([]);
    // The queue metrics are BullMQ's own export.
    expect(exposition).toMatch(/^bullmq_job_count\{queue="lienthong-deliveries"/m);
  });

  it("reads only queue metrics that embedded mode's in-process scheduler exports too", () => {
    const queueNames = [...referenced()].filter((n) => n.startsWith('bullmq_'));
    expect(queueNames.length).toBeGreaterThan(0);
    const exported = exportedTypes(inProcess);
    expect(queueNames.filter((n) => !exported.has(n))).toEqual([]);
    for (const name of queueNames) {
      expect([name, ...sampledLabels(inProcess, name)].sort()).toEqual(
        [name, ...sampledLabels(exposition, name)].sort(),
      );
    }
  });

  it('uses only label names the metrics have, in selectors and in by (...)', () => {
    if (!hub) throw new Error('no hub');
    const labelsOf = (name: string) =>
      new Set([...(declaredLabels(hub!, name) ?? sampledLabels(exposition, name)), ...TARGET_LABELS]);
    const problems: string[] = [];
    for (const expr of [...ruleExprs(), ...dashboardExprs()]) {
      const names = metricNames(expr, types());
      // A selector's matchers belong to its metric.
      for (const m of expr.matchAll(/\b((?:lienthong|bullmq)_[a-z0-9_]+)\{([^}]*)\}/g)) {
        const metric = metricNames(m[1]!, types())[0]!;
        const labels = labelsOf(metric);
        for (const l of m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
          if (!labels.has(l[1]!)) problems.push(`${metric} has no label ${l[1]} (${expr})`);
        }
      }
      // A grouping label must be a label of one of the metrics the expression reads.
      const known = new Set(names.flatMap((n) => [...labelsOf(n)]));
      for (const m of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
        for (const l of m[1]!.split(',').map((s) => s.trim())) {
          if (l !== '' && !known.has(l)) problems.push(`no metric has label ${l} (${expr})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names only routes the hub serves, as the request histogram labels them', () => {
    if (!hub) throw new Error('no hub');
    const routes = [...ruleExprs(), ...dashboardExprs()].flatMap((expr) =>
      [...expr.matchAll(/\{([^}]*\broute="[^"]+"[^}]*)\}/g)].map((m) => ({
        url: /\broute="([^"]+)"/.exec(m[1]!)![1]!,
        method: (/\bmethod="([A-Z]+)"/.exec(m[1]!)?.[1] ?? 'GET') as HTTPMethods,
      })),
    );
    expect(routes).toContainEqual({ url: '/v1/messages', method: 'POST' });
    for (const route of routes) {
      expect(hub.app.hasRoute(route), `${route.method} ${route.url}`).toBe(true);
      expect(exposition).toContain(`method="${route.method}",route="${route.url}"`);
    }
  });

  it('lists every hub metric in deploy/README.md', () => {
    const readme = readFileSync(README_FILE, 'utf8');
    const own = [...types().keys()].filter(
      (n) => !n.startsWith('lienthong_process_') && !n.startsWith('lienthong_nodejs_'),
    );
    expect(own.length).toBeGreaterThan(20);
    expect(own.filter((n) => !readme.includes(`\`${n}`))).toEqual([]);
  });
});
