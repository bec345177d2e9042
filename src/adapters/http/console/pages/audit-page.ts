import { isIP } from 'node:net';
import type { EventRecord } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';

/** Nhật ký thao tác: every change made by a person (console or command line): who, what, when, from where. */
export function auditPage(tr: Translator, events: readonly EventRecord[]): Html {
  if (events.length === 0) return html`<p class="muted">${tr.t('noResults')}</p>`;
  return html`<table id="audit"><thead><tr><th>${tr.t('time')}</th><th>${tr.t('actor')}</th><th>${tr.t('event')}</th><th>${tr.t('node')} / ${tr.t('document')}</th><th>${tr.t('from')}</th><th>${tr.t('description')}</th></tr></thead><tbody>
${events.map((e) => {
  // `from` is the client's address in people's events; state changes use it for the previous state.
  const { from, ...others } = e.data as Record<string, unknown>;
  const address = typeof from === 'string' && isIP(from) !== 0 ? from : null;
  const rest = address === null && from !== undefined ? { from, ...others } : others;
  return html`<tr data-type="${e.type}"><td>${vnDateTime(e.at)}</td><td>${e.actor}</td><td class="mono">${e.type}</td><td>${e.nodeId ?? ''}${e.documentId ? html` <span class="mono">${e.documentId}</span>` : ''}${e.deliveryId ? html` <span class="mono muted">${e.deliveryId}</span>` : ''}</td><td>${address ?? ''}</td><td class="mono">${Object.keys(rest).length > 0 ? JSON.stringify(rest) : ''}</td></tr>`;
})}
</tbody></table>`;
}
