import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CodeTable } from '../../../core/index.ts';
import type { RequestLimits } from '../../../hub/index.ts';
import type {
  ConsoleAudit,
  ConsoleIdentity,
  ConsoleService,
  MessageSearch,
  MessageTraceRecord,
  OperatorRole,
} from '../../../ops/index.ts';
import { DELIVERY_STATES, type DeliveryState } from '../../../ops/index.ts';
import { authenticationGate } from '../request-limit-hooks.ts';
import {
  allows,
  cookieOptions,
  LANG_COOKIE,
  LOGIN_COOKIE,
  langOf,
  localBack,
  redirectWithFlash,
  SESSION_COOKIE,
  sameOrigin,
  sameToken,
} from './console-session.ts';
import { vnDayStart, vnMonth } from './format.ts';
import { type Html, html } from './html.ts';
import { LANGS, type MessageKey, type Translator, translator } from './i18n.ts';
import { layout } from './layout.ts';
import { alertTable } from './pages/alerts-page.ts';
import { auditPage } from './pages/audit-page.ts';
import { type DocumentQuery, documentsPage } from './pages/documents-page.ts';
import { failedPage } from './pages/failed-page.ts';
import { loginPage } from './pages/login-page.ts';
import { nodesPage } from './pages/nodes-page.ts';
import { operatorsPage } from './pages/operators-page.ts';
import { overviewPage } from './pages/overview-page.ts';
import { statisticsCsv, statisticsPage } from './pages/statistics-page.ts';
import { tracePart } from './pages/trace-part.ts';

const CSS = readFileSync(new URL('./console.css', import.meta.url), 'utf8');

/** Options of {@link consoleRoutes}. */
export interface ConsoleRoutesOptions {
  readonly service: ConsoleService;
  readonly codes: CodeTable;
  /** The hub serves HTTPS: cookies get the Secure attribute. */
  readonly secure: boolean;
  /** Failed logins count against the client address (LIENTHONG_AUTH_FAILURES), like tokens. */
  readonly limits?: RequestLimits | undefined;
  readonly now?: () => Date;
}

/**
 * Every response of the console: nothing is loaded from another host (CSP), nothing is framed,
 * nothing is cached (pages show live data and, once, passwords).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Flash messages a redirect may ask a page to show (only these: the query string cannot inject text). */
const FLASHES: Readonly<Record<string, { readonly key: MessageKey; readonly error?: boolean }>> = {
  done: { key: 'done' },
  retried: { key: 'retried' },
  forbidden: { key: 'forbidden', error: true },
  csrf: { key: 'csrf', error: true },
  notfound: { key: 'notFound', error: true },
};

type Body = Readonly<Record<string, unknown>>;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * The operator console at /console: server-rendered pages in Vietnamese (English on request),
 * a login with a session cookie, a CSRF token on every change, roles checked on every action.
 */
export function consoleRoutes(options: ConsoleRoutesOptions) {
  const { service } = options;
  const now = options.now ?? (() => new Date());
  const sessionSeconds = service.settings.sessionMinutes * 60;

  return async function consolePlugin(app: FastifyInstance): Promise<void> {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    app.decorateRequest('consoleIdentity', null);

    app.addHook('onSend', async (_request, reply) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    });

    const page = (
      request: FastifyRequest,
      reply: FastifyReply,
      current: string,
      title: MessageKey,
      body: (tr: Translator) => Html,
      status = 200,
    ) => {
      const tr = translator(langOf(request), options.codes);
      const flashKey = (request.query as Record<string, unknown>)['flash'];
      const flashSpec = typeof flashKey === 'string' ? FLASHES[flashKey.split(':')[0] ?? ''] : undefined;
      const count =
        typeof flashKey === 'string' && flashKey.includes(':')
          ? ` ${Number(flashKey.split(':')[1]) || 0} ${tr.t('deliveries')}`
          : '';
      const flash = flashSpec
        ? { text: `${tr.t(flashSpec.key)}${count}`, error: flashSpec.error ?? false }
        : undefined;
      const frame = { tr, identity: request.consoleIdentity, current, here: request.url, flash };
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(layout(frame, tr.t(title), body(tr)).text);
    };

    const refusePage = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      code: string,
      key: MessageKey,
    ) =>
      page(
        request,
        reply,
        '',
        key,
        (tr) => html`<p class="flash error" data-code="${code}">${code}: ${tr.t(key)}</p>`,
        status,
      );

    /** A refused admin change, on the page it came from, with its code and a way back. */
    const failurePage = (
      request: FastifyRequest,
      reply: FastifyReply,
      back: string,
      title: MessageKey,
      failure: { readonly code: string; readonly message: string },
    ) =>
      page(
        request,
        reply,
        back,
        title,
        () =>
          html`<p class="flash error" data-code="${failure.code}">${failure.code}: ${failure.message}</p><p><a href="${back}">←</a></p>`,
        options.codes[failure.code]?.http ?? 400,
      );

    // Who is asking: the session cookie, checked against the database on every request (a removed
    // account or a new password ends its sessions at once).
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path === '/console/login' || path === '/console/lang' || path.startsWith('/console/assets/'))
        return;
      const sessionId = request.cookies[SESSION_COOKIE];
      const identity = sessionId ? await service.accounts.session(sessionId, now()) : null;
      if (identity === null) {
        if (sessionId) reply.clearCookie(SESSION_COOKIE, cookieOptions(options.secure));
        const next = request.method === 'GET' ? request.url : '/console';
        return reply.redirect(`/console/login?next=${encodeURIComponent(next)}`, 303);
      }
      request.consoleIdentity = identity;
      return undefined;
    });

    // Every change: the session's CSRF token in the form and, when the browser names it, our origin.
    const guard = (role: OperatorRole) => async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Body;
      if (!sameOrigin(request) || !sameToken(body['_csrf'], request.consoleIdentity?.csrfToken)) {
        return refusePage(request, reply, 403, 'CONSOLE_CSRF', 'csrf');
      }
      if (!allows(request.consoleIdentity, role)) {
        return refusePage(request, reply, 403, 'CONSOLE_FORBIDDEN', 'forbidden');
      }
      return undefined;
    };
    const auditOf = (request: FastifyRequest): ConsoleAudit => ({
      at: now(),
      actor: `console:${(request.consoleIdentity as ConsoleIdentity).name}`,
      from: request.ip,
    });

    app.get('/console/assets/console.css', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
    );

    app.get('/console/lang', { schema: { hide: true } }, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const to = (LANGS as readonly string[]).includes(String(query['to'])) ? String(query['to']) : 'vi';
      reply.setCookie(LANG_COOKIE, to, { ...cookieOptions(options.secure, 365 * 86_400), httpOnly: false });
      return reply.redirect(localBack(query['back'], '/console'), 303);
    });

    // ---- login, logout ----
    app.get('/console/login', { schema: { hide: true } }, async (request, reply) => {
      const token = randomBytes(24).toString('base64url');
      reply.setCookie(LOGIN_COOKIE, token, cookieOptions(options.secure, 3600));
      const next = localBack((request.query as Record<string, unknown>)['next'], '/console');
      return page(request, reply, '', 'loginTitle', (tr) => loginPage(tr, { token, next, error: null }));
    });

    app.post('/console/login', { schema: { hide: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const next = localBack(body['next'], '/console');
      const again = (status: number, error: (tr: Translator) => string) => {
        const token = randomBytes(24).toString('base64url');
        reply.setCookie(LOGIN_COOKIE, token, cookieOptions(options.secure, 3600));
        return page(
          request,
          reply,
          '',
          'loginTitle',
          (tr) => loginPage(tr, { token, next, error: error(tr) }),
          status,
        );
      };
      if (!sameOrigin(request) || !sameToken(body['_csrf'], request.cookies[LOGIN_COOKIE])) {
        return again(403, (tr) => tr.t('csrf'));
      }
      const blocked = await authenticationGate(options.limits, request);
      if (blocked) {
        reply.header('retry-after', String(blocked.retryAfterSeconds));
        return again(429, (tr) => `${tr.t('loginLocked')} ${blocked.retryAfterSeconds} s.`);
      }
      const result = await service.accounts.login(
        {
          username: String(body['username'] ?? ''),
          password: String(body['password'] ?? ''),
          from: request.ip,
        },
        now(),
      );
      if (!result.ok) {
        await options.limits?.authenticationFailed(request.ip);
        if (result.error.code === 'LOGIN_LOCKED') {
          const until = String(result.error.details?.['until'] ?? '');
          return again(
            429,
            (tr) =>
              `${tr.t('loginLocked')} ${until ? new Date(until).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : ''}.`,
          );
        }
        return again(401, (tr) => tr.t('loginFailed'));
      }
      reply.clearCookie(LOGIN_COOKIE, cookieOptions(options.secure));
      reply.setCookie(SESSION_COOKIE, result.value.sessionId, cookieOptions(options.secure, sessionSeconds));
      return reply.redirect(next, 303);
    });

    app.post(
      '/console/logout',
      { schema: { hide: true }, preHandler: guard('viewer') },
      async (request, reply) => {
        const sessionId = request.cookies[SESSION_COOKIE];
        if (sessionId) await service.accounts.logout(sessionId);
        reply.clearCookie(SESSION_COOKIE, cookieOptions(options.secure));
        return reply.redirect('/console/login', 303);
      },
    );

    // ---- pages ----
    app.get('/console', { schema: { hide: true } }, async (request, reply) => {
      const data = await service.overview();
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console', 'overview', (tr) => overviewPage(tr, identity, data, now()));
    });

    app.get('/console/documents', { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const query: DocumentQuery = {
        documentId: text(q['documentId']),
        sender: text(q['sender']),
        recipient: text(q['recipient']),
        state: text(q['state']),
        priority: text(q['priority']),
        from: text(q['from']),
        to: text(q['to']),
      };
      const to = vnDayStart(query.to);
      const priority = query.priority === undefined ? undefined : Number(query.priority);
      const search: MessageSearch = {
        documentId: query.documentId,
        senderOrganId: query.sender,
        recipientOrganId: query.recipient,
        state: (DELIVERY_STATES as readonly string[]).includes(query.state ?? '')
          ? (query.state as DeliveryState)
          : undefined,
        priority:
          priority !== undefined && Number.isInteger(priority) && priority >= 0 && priority <= 4
            ? priority
            : undefined,
        receivedFrom: vnDayStart(query.from) ?? undefined,
        receivedBefore: to ? new Date(to.getTime() + 86_400_000) : undefined,
        limit: 200,
      };
      const found = await service.searchDocuments(search);
      // A DocumentId search (a link from a letter, a ticket) shows the whole trace at once.
      const traces: MessageTraceRecord[] = [];
      if (query.documentId !== undefined) {
        for (const m of found.filter((f) => f.kind === 'package').slice(0, 5)) {
          const trace = await service.trace(m.id);
          if (trace) traces.push(trace);
        }
      }
      return page(request, reply, '/console/documents', 'documents', (tr) =>
        documentsPage(tr, query, found, traces),
      );
    });

    app.get('/console/documents/:id', { schema: { hide: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const trace = await service.trace(id);
      if (!trace) return refusePage(request, reply, 404, 'MESSAGE_NOT_FOUND', 'notFound');
      return page(request, reply, '/console/documents', 'docTrace', (tr) => tracePart(tr, trace));
    });

    app.get('/console/failed', { schema: { hide: true } }, async (request, reply) => {
      const [failed, overdue] = await Promise.all([service.failed({ limit: 500 }), service.overdue(500)]);
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console/failed', 'failed', (tr) =>
        failedPage(tr, identity, failed, overdue),
      );
    });

    app.get('/console/nodes', { schema: { hide: true } }, async (request, reply) => {
      const data = await service.nodes();
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console/nodes', 'nodes', (tr) => nodesPage(tr, identity, data, now()));
    });

    const monthRange = (request: FastifyRequest) => {
      const q = request.query as Record<string, unknown>;
      const month = (value: unknown) =>
        typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? value : null;
      const current = vnMonth(now());
      const from = month(q['from']) ?? current;
      const to = month(q['to']) ?? ([from, current].sort()[1] as string);
      return from <= to ? { from, to } : { from: to, to: from };
    };

    app.get('/console/statistics', { schema: { hide: true } }, async (request, reply) => {
      const range = monthRange(request);
      const rows = await service.statistics(range);
      return page(request, reply, '/console/statistics', 'statistics', (tr) =>
        statisticsPage(tr, range, rows),
      );
    });

    app.get('/console/statistics.csv', { schema: { hide: true } }, async (request, reply) => {
      const range = monthRange(request);
      const rows = await service.statistics(range);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="lienthong-statistics-${range.from}-${range.to}.csv"`,
        )
        .send(statisticsCsv(rows));
    });

    app.get('/console/alerts', { schema: { hide: true } }, async (request, reply) => {
      const { alerts } = await service.alertState();
      return page(request, reply, '/console/alerts', 'alerts', (tr) => alertTable(tr, alerts));
    });

    app.get('/console/audit', { schema: { hide: true } }, async (request, reply) => {
      const events = await service.audit(300);
      return page(request, reply, '/console/audit', 'audit', (tr) => auditPage(tr, events));
    });

    app.get('/console/operators', { schema: { hide: true } }, async (request, reply) => {
      if (!allows(request.consoleIdentity, 'admin'))
        return refusePage(request, reply, 403, 'CONSOLE_FORBIDDEN', 'forbidden');
      const accounts = await service.accounts.list();
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console/operators', 'operators', (tr) =>
        operatorsPage(tr, identity, accounts, null),
      );
    });

    // ---- actions ----
    app.post(
      '/console/deliveries/retry',
      { schema: { hide: true }, preHandler: guard('operator') },
      async (request, reply) => {
        const body = (request.body ?? {}) as Body;
        const back = localBack(body['back'], '/console/failed');
        const deliveryId = text(body['deliveryId']);
        const nodeId = text(body['nodeId']);
        const target = deliveryId
          ? { deliveryId }
          : nodeId
            ? { nodeId }
            : body['all'] === '1'
              ? ({ allFailed: true } as const)
              : null;
        if (target === null) return redirectWithFlash(reply, back, 'notfound');
        const result = await service.retry(target, auditOf(request));
        if (!result.ok) return redirectWithFlash(reply, back, 'notfound');
        return redirectWithFlash(reply, back, `retried:${result.value.retried.length}`);
      },
    );

    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/console/nodes/:id/${action}`,
        { schema: { hide: true }, preHandler: guard('operator') },
        async (request, reply) => {
          const { id } = request.params as { id: string };
          const back = localBack(((request.body ?? {}) as Body)['back'], '/console/nodes');
          const result = await service.setPaused(id, action === 'pause', auditOf(request));
          return redirectWithFlash(reply, back, result.ok ? 'done' : 'notfound');
        },
      );
    }

    const nodesWith = async (
      request: FastifyRequest,
      reply: FastifyReply,
      issued: { nodeId: string; key: 'tokenOnce' | 'secretOnce'; secret: string } | null,
    ) => {
      const data = await service.nodes();
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console/nodes', 'nodes', (tr) =>
        nodesPage(
          tr,
          identity,
          data,
          now(),
          issued && { nodeId: issued.nodeId, label: tr.t(issued.key), secret: issued.secret },
        ),
      );
    };
    app.post(
      '/console/nodes/:id/token',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const result = await service.rotateNodeToken(id, auditOf(request));
        return result.ok
          ? nodesWith(request, reply, { nodeId: id, key: 'tokenOnce', secret: result.value.token })
          : failurePage(request, reply, '/console/nodes', 'nodes', result.error);
      },
    );

    app.post(
      '/console/nodes/:id/webhook',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const url = text(((request.body ?? {}) as Body)['webhookUrl']) ?? null;
        const result = await service.setNodeWebhook(id, url, auditOf(request));
        if (!result.ok) return failurePage(request, reply, '/console/nodes', 'nodes', result.error);
        return result.value.webhookSecret
          ? nodesWith(request, reply, { nodeId: id, key: 'secretOnce', secret: result.value.webhookSecret })
          : redirectWithFlash(reply, '/console/nodes', 'done');
      },
    );

    app.post(
      '/console/peers/:id/url',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const url = text(((request.body ?? {}) as Body)['url']) ?? null;
        const result = await service.setPeerUrl(id, url, auditOf(request));
        return result.ok
          ? redirectWithFlash(reply, '/console/nodes', 'done')
          : failurePage(request, reply, '/console/nodes', 'nodes', result.error);
      },
    );

    const showIssued = async (
      request: FastifyRequest,
      reply: FastifyReply,
      issued: { name: string; password: string },
    ) => {
      const accounts = await service.accounts.list();
      const identity = request.consoleIdentity as ConsoleIdentity;
      return page(request, reply, '/console/operators', 'operators', (tr) =>
        operatorsPage(tr, identity, accounts, issued),
      );
    };
    app.post(
      '/console/operators',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const body = (request.body ?? {}) as Body;
        const result = await service.accounts.add(
          { name: String(body['name'] ?? ''), role: String(body['role'] ?? '') },
          auditOf(request),
        );
        return result.ok
          ? showIssued(request, reply, result.value)
          : failurePage(request, reply, '/console/operators', 'operators', result.error);
      },
    );

    app.post(
      '/console/operators/:name/password',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const { name } = request.params as { name: string };
        const result = await service.accounts.changePassword(name, undefined, auditOf(request));
        return result.ok
          ? showIssued(request, reply, result.value)
          : failurePage(request, reply, '/console/operators', 'operators', result.error);
      },
    );

    app.post(
      '/console/operators/:name/remove',
      { schema: { hide: true }, preHandler: guard('admin') },
      async (request, reply) => {
        const { name } = request.params as { name: string };
        const result = await service.accounts.remove(name, auditOf(request));
        return result.ok
          ? redirectWithFlash(reply, '/console/operators', 'done')
          : failurePage(request, reply, '/console/operators', 'operators', result.error);
      },
    );
  };
}
