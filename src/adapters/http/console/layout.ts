import type { ConsoleIdentity } from '../../../ops/index.ts';
import { type Html, html } from './html.ts';
import type { MessageKey, Translator } from './i18n.ts';

/** The pages of the menu, in order, with the key of their title. */
const MENU: ReadonlyArray<{ readonly path: string; readonly key: MessageKey; readonly admin?: boolean }> = [
  { path: '/console', key: 'overview' },
  { path: '/console/documents', key: 'documents' },
  { path: '/console/failed', key: 'failed' },
  { path: '/console/nodes', key: 'nodes' },
  { path: '/console/statistics', key: 'statistics' },
  { path: '/console/alerts', key: 'alerts' },
  { path: '/console/audit', key: 'audit' },
  { path: '/console/operators', key: 'operators', admin: true },
];

/** What every page's frame needs. */
export interface PageFrame {
  readonly tr: Translator;
  readonly identity: ConsoleIdentity | null;
  /** The menu entry to highlight. */
  readonly current: string;
  /** The request's path and query, for the language switch to come back to. */
  readonly here: string;
  readonly flash?: { readonly text: string; readonly error?: boolean } | undefined;
}

/** A hidden field with the session's CSRF token: every form that changes something carries it. */
export function csrfField(identity: ConsoleIdentity | null): Html {
  return html`<input type="hidden" name="_csrf" value="${identity?.csrfToken ?? ''}">`;
}

/** The whole document: head, top bar, menu, the page. */
export function layout(frame: PageFrame, title: string, body: Html): Html {
  const { tr, identity } = frame;
  const other = tr.lang === 'vi' ? 'en' : 'vi';
  const switchTo = `/console/lang?to=${other}&back=${encodeURIComponent(frame.here)}`;
  return html`<!doctype html>
<html lang="${tr.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${tr.t('console')} · lienthong</title>
<link rel="stylesheet" href="/console/assets/console.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="top">
  <span class="brand">lienthong · ${tr.t('console')}</span>
  <span class="who">
    <a href="${switchTo}" hreflang="${other}">${tr.t('language')}</a>
    ${
      identity
        ? html`<span>${tr.t('loggedInAs')} <strong id="who">${identity.name}</strong> (${tr.t(`role_${identity.role}`)})</span>
    <form class="inline" method="post" action="/console/logout">${csrfField(identity)}<button type="submit">${tr.t('logout')}</button></form>`
        : ''
    }
  </span>
</header>
${
  identity
    ? html`<nav class="menu">${MENU.filter((m) => !m.admin || identity.role === 'admin').map(
        (m) =>
          html`<a href="${m.path}"${m.path === frame.current ? html` class="here" aria-current="page"` : ''}>${tr.t(m.key)}</a>`,
      )}</nav>`
    : ''
}
<main${identity ? '' : html` class="anon"`}>
${frame.flash ? html`<div class="flash${frame.flash.error ? ' error' : ''}" role="status">${frame.flash.text}</div>` : ''}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}
