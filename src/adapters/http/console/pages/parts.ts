import type { ConsoleIdentity, PeerView } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { csrfField } from '../layout.ts';

/** Pause or resume pushes to a node (operators and admins). */
export function nodeActions(
  tr: Translator,
  identity: ConsoleIdentity,
  nodeId: string,
  paused: boolean,
  back: string,
): Html {
  const action = paused ? 'resume' : 'pause';
  return html`<form class="inline" method="post" action="/console/nodes/${encodeURIComponent(nodeId)}/${action}">${csrfField(identity)}<input type="hidden" name="back" value="${back}"><button type="submit">${tr.t(action)}</button></form>`;
}

/** Admins' node changes: a new token, the webhook URL (empty: the node polls). */
export function nodeAdminForms(
  tr: Translator,
  identity: ConsoleIdentity,
  nodeId: string,
  webhookUrl: string | null,
): Html {
  const id = encodeURIComponent(nodeId);
  return html`<form class="inline" method="post" action="/console/nodes/${id}/token">${csrfField(identity)}<button type="submit">${tr.t('rotateToken')}</button></form>
<form method="post" action="/console/nodes/${id}/webhook">${csrfField(identity)}<input name="webhookUrl" type="url" size="28" value="${webhookUrl ?? ''}" placeholder="https://…"><button type="submit">${tr.t('setWebhook')}</button></form>`;
}

/** Peer hubs: role, how reached, backlog, last contact, breaker; admins may change the URL. */
export function peerTable(
  tr: Translator,
  peers: readonly PeerView[],
  identity: ConsoleIdentity | null = null,
): Html {
  if (peers.length === 0) return html`<p class="muted">${tr.t('none')}</p>`;
  return html`<table id="peers"><thead><tr><th>${tr.t('peer')}</th><th>${tr.t('role')}</th><th>${tr.t('mode')}</th><th class="num">${tr.t('backlog')}</th><th class="num">${tr.t('receipts')}</th><th>${tr.t('lastContact')}</th><th>${tr.t('breaker')}</th><th>${tr.t('error')}</th>${identity?.role === 'admin' ? html`<th>${tr.t('admin')}</th>` : ''}</tr></thead><tbody>
${peers.map(
  (p) =>
    html`<tr><td><strong>${p.id}</strong></td><td>${tr.t(`peer_${p.role}`)}</td><td>${p.protocol} ${p.url ?? 'pull'}</td><td class="num">${p.backlog}</td><td class="num">${p.receiptBacklog}</td><td>${p.lastContactAt ? vnDateTime(p.lastContactAt) : tr.t('never')}</td><td><span class="badge ${p.breaker}">${tr.breaker(p.breaker)}</span></td><td>${p.lastError ?? ''}</td>${
      identity?.role === 'admin'
        ? html`<td><form method="post" action="/console/peers/${encodeURIComponent(p.id)}/url">${csrfField(identity)}<input name="url" type="url" size="28" value="${p.url ?? ''}"><button type="submit">${tr.t('setUrl')}</button></form></td>`
        : ''
    }</tr>`,
)}
</tbody></table>`;
}

/** A delivery state as a coloured badge. */
export function stateBadge(tr: Translator, state: string): Html {
  return html`<span class="badge ${state}" data-state="${state}">${tr.state(state)}</span>`;
}

/** A stable error code's title under the code, in the page's language (nothing for an unknown code). */
export function errorTitle(tr: Translator, code: string): Html | '' {
  const title = tr.errorTitle(code);
  return title === undefined ? '' : html`<div class="muted">${title}</div>`;
}
