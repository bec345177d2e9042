import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { Readiness } from '../../ops/index.ts';

/** What the health routes need. */
export interface HealthDeps {
  readonly version: string;
  /** Null: this process cannot tell (a bare app in a test); /readyz then says ready. */
  readonly readiness: (() => Promise<Readiness>) | null;
}

const LiveSchema = Type.Object({ status: Type.Literal('ok'), version: Type.String() });
const CheckSchema = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  version: Type.String(),
  checks: Type.Object({
    database: Type.Optional(CheckSchema),
    migrations: Type.Optional(CheckSchema),
    queue: Type.Optional(CheckSchema),
    trust: Type.Optional(CheckSchema),
  }),
});

/**
 * /livez: the process runs and answers (restart it if not). /readyz: it can do its work — database,
 * migrations, queue backend, trust store — 200 or 503 with each check (send it traffic only when
 * 200). /healthz stays as it was (liveness). No credentials: load balancers and orchestrators
 * call them, and they reveal no secret.
 */
export function healthRoutes(deps: HealthDeps) {
  return async function healthPlugin(app: FastifyInstance): Promise<void> {
    const live = async () => ({ status: 'ok', version: deps.version });
    app.get(
      '/healthz',
      {
        schema: {
          operationId: 'healthz',
          summary: 'Liveness, as before /livez existed (kept for old probes)',
          tags: ['health'],
          deprecated: true,
          security: [],
          response: { 200: LiveSchema },
        },
      },
      live,
    );
    app.get(
      '/livez',
      {
        schema: {
          operationId: 'livez',
          summary: 'Liveness: the process runs and answers',
          tags: ['health'],
          security: [],
          response: { 200: LiveSchema },
        },
      },
      live,
    );
    app.get(
      '/readyz',
      {
        schema: {
          operationId: 'readyz',
          summary:
            'Readiness: database reachable, migrations applied, queue backend reachable, trust store loaded',
          tags: ['health'],
          security: [],
          response: { 200: ReadinessSchema, 503: ReadinessSchema },
        },
      },
      async (_request, reply) => {
        const readiness = deps.readiness ? await deps.readiness() : { ready: true, checks: {} };
        return reply.code(readiness.ready ? 200 : 503).send({
          status: readiness.ready ? 'ready' : 'not-ready',
          version: deps.version,
          checks: readiness.checks,
        });
      },
    );
  };
}

/** The small app a worker process listens with (LIENTHONG_HEALTH_PORT): the health routes only. */
export async function buildHealthApp(
  deps: HealthDeps & { readonly logger?: Logger },
): Promise<FastifyInstance> {
  const app = Fastify(
    deps.logger ? { loggerInstance: deps.logger, disableRequestLogging: true } : { logger: false },
  );
  await app.register(healthRoutes(deps));
  return app as unknown as FastifyInstance;
}
