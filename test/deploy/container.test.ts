// The image, docker-compose and the Kubernetes manifests hold what deployment relies on: a
// multi-stage build on a supported Node LTS, a non-root user, health checks on /readyz and /livez
// everywhere, the operator token required, the worker's health port. (No container engine runs
// here: the files are parsed and checked, not started.)
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1] as string);

  it('builds in stages on a supported Node LTS and ships production dependencies only', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) {
      const major = Number(/^node:(\d+)/.exec(image)?.[1]);
      // Node 20 reached its end of life in April 2026; 22 and 24 are LTS lines.
      expect([image, major >= 22 && major % 2 === 0]).toEqual([image, true]);
    }
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist/);
  });

  it('runs as a non-root user with a health check on /readyz', () => {
    const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\\\n.*\/readyz/m);
  });

  it('keeps secrets, data and the repository out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'data', 'trust', '*.pem', '*.key', '.env']) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;

  it('has a health check on every service, and starts the hub after its database and Redis are healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Array.isArray(service.healthcheck?.test)]).toEqual([name, true]);
    }
    expect(services['api']?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(JSON.stringify(services['api']?.healthcheck?.test)).toContain(':8080/readyz');
    expect(JSON.stringify(services['worker']?.healthcheck?.test)).toContain(':8081/readyz');
  });

  it('splits the roles and requires an operator token', () => {
    expect(services['api']?.environment?.['LIENTHONG_ROLE']).toBe('api');
    expect(services['worker']?.environment?.['LIENTHONG_ROLE']).toBe('worker');
    expect(services['worker']?.environment?.['LIENTHONG_HEALTH_PORT']).toBe('8081');
    // ${VAR:?message}: compose refuses to start without it.
    expect(services['api']?.environment?.['LIENTHONG_OPERATOR_TOKEN']).toMatch(
      /^\$\{LIENTHONG_OPERATOR_TOKEN:\?/,
    );
    expect(services['worker']?.environment?.['DATABASE_URL']).toBe(
      services['api']?.environment?.['DATABASE_URL'],
    );
  });

  it('documents the first accounts, nodes and the trust folder in an env example that exists', () => {
    const text = read('docker-compose.yml');
    expect(text).toContain('operator add');
    expect(text).toContain('node add');
    expect(text).toContain('pki dev');
    expect(read('deploy/compose.env.example')).toMatch(/^LIENTHONG_OPERATOR_TOKEN=/m);
  });
});

interface K8sContainer {
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
  readonly readinessProbe: { readonly httpGet: { readonly path: string; readonly port: string } };
  readonly livenessProbe: { readonly httpGet: { readonly path: string } };
  readonly startupProbe?: unknown;
  readonly envFrom: ReadonlyArray<{ readonly secretRef: { readonly name: string } }>;
}
interface K8sDocument {
  readonly kind: string;
  readonly resources?: readonly string[];
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly securityContext: { readonly runAsNonRoot: boolean };
        readonly containers: readonly K8sContainer[];
      };
    };
  };
}

describe('Kubernetes manifests', () => {
  const dir = new URL('deploy/kubernetes/', root);
  const documents = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => d.toJS() as K8sDocument),
    );
  const deployments = documents.filter((d) => d.kind === 'Deployment');
  const kustomization = documents.find((d) => d.kind === 'Kustomization');

  it('lists every manifest in the kustomization', () => {
    const files = readdirSync(dir).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes('example'),
    );
    expect([...(kustomization?.resources ?? [])].sort()).toEqual(files.sort());
  });

  it('runs an API and a worker deployment, non-root, each with readiness, liveness and startup probes', () => {
    const byRole = new Map(
      deployments.map((d) => {
        const pod = d.spec.template.spec;
        const container = pod.containers[0] as K8sContainer;
        const role = container.env.find((e) => e.name === 'LIENTHONG_ROLE')?.value;
        return [role, { pod, container }];
      }),
    );
    expect([...byRole.keys()].sort()).toEqual(['api', 'worker']);
    for (const [role, { pod, container }] of byRole) {
      expect([role, pod.securityContext.runAsNonRoot]).toEqual([role, true]);
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/livez');
      expect(container.startupProbe).toBeDefined();
      expect(container.ports.map((p) => p.name)).toContain(container.readinessProbe.httpGet.port);
      expect(container.envFrom[0]?.secretRef.name).toBe('lienthong');
    }
    const worker = byRole.get('worker')?.container as K8sContainer;
    const healthPort = worker.env.find((e) => e.name === 'LIENTHONG_HEALTH_PORT')?.value;
    expect(worker.ports.find((p) => p.name === 'health')?.containerPort).toBe(Number(healthPort));
  });
});
