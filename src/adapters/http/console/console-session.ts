import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleIdentity, OperatorRole } from '../../../ops/index.ts';
import { LANGS, type Lang } from './i18n.ts';

/** The session cookie: HttpOnly, SameSite=Strict, only sent to /console, Secure under TLS. */
export const SESSION_COOKIE = 'lienthong_console';
/** The login form's own CSRF token (double submit: cookie and hidden field must match). */
export const LOGIN_COOKIE = 'lienthong_login';
export const LANG_COOKIE = 'lienthong_lang';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in operator of a console request (set by the session hook). */
    consoleIdentity: ConsoleIdentity | null;
  }
}

/** Cookie attributes of the console. */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    path: '/console',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** The language: the cookie, else Vietnamese (the console is Vietnamese first). */
export function langOf(request: FastifyRequest): Lang {
  const chosen = request.cookies[LANG_COOKIE];
  return (LANGS as readonly string[]).includes(chosen ?? '') ? (chosen as Lang) : 'vi';
}

/** Constant-time comparison of two tokens (false when either is missing or they differ in length). */
export function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || expected === undefined || expected === '') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A change must come from the console's own page: the session's token in the form, and, when the
 * browser says where the request comes from (Origin, or Referer), that is this hub.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (source === undefined) return true;
  try {
    return new URL(source).host === request.headers.host;
  } catch {
    return false;
  }
}

const RANK: Readonly<Record<OperatorRole, number>> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `identity` may do what `role` may do. */
export function allows(identity: ConsoleIdentity | null, role: OperatorRole): boolean {
  return identity !== null && RANK[identity.role] >= RANK[role];
}

/** A local path to go back to after an action (never another site). */
export function localBack(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/console(\/|\?|$)/.test(value) && !value.startsWith('//')
    ? value
    : fallback;
}

/** Redirects after a change (303: the browser follows with GET) with a message code for the page. */
export function redirectWithFlash(reply: FastifyReply, back: string, flash: string): FastifyReply {
  const url = new URL(back, 'http://console.local');
  url.searchParams.set('flash', flash);
  return reply.redirect(`${url.pathname}${url.search}`, 303);
}
