import type { EventRecord, MessageTraceRecord } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { errorTitle, stateBadge } from './parts.ts';

function eventsTable(tr: Translator, events: readonly EventRecord[]): Html {
  if (events.length === 0) return html``;
  return html`<table class="events"><thead><tr><th>${tr.t('time')}</th><th>${tr.t('event')}</th><th>${tr.t('actor')}</th><th>${tr.t('description')}</th></tr></thead><tbody>
${events.map(
  (e) =>
    html`<tr><td>${vnDateTime(e.at)}</td><td class="mono">${e.type}</td><td>${e.actor}</td><td class="mono">${Object.keys(e.data).length > 0 ? JSON.stringify(e.data) : ''}</td></tr>`,
)}
</tbody></table>`;
}

const subjectOf = (summary: unknown) =>
  typeof summary === 'object' &&
  summary !== null &&
  typeof (summary as { subject?: unknown }).subject === 'string'
    ? (summary as { subject: string }).subject
    : null;

/**
 * A message's whole trace: every recipient, every hop, every delivery attempt with its error, every
 * business status with its Description, and the events with actor and time.
 */
export function tracePart(tr: Translator, trace: MessageTraceRecord): Html {
  const m = trace.message;
  return html`<article class="trace" data-message-id="${m.id}">
<h2>${tr.t('docTrace')}: <span class="mono">${m.documentId}</span></h2>
<dl class="facts">
  <dt>${tr.t('message')}</dt><dd class="mono">${m.id}</dd>
  <dt>${tr.t('type')}</dt><dd>${m.kind === 'package' ? tr.docType(m.businessDocType) : tr.status(m.statusCode ?? '')}</dd>
  <dt>${tr.t('sender')}</dt><dd>${m.senderOrganId} <span class="muted">(${m.senderNodeId})</span></dd>
  <dt>${tr.t('subject')}</dt><dd>${subjectOf(m.summary) ?? ''}</dd>
  <dt>${tr.t('priority')}</dt><dd>${tr.priority(m.priority)}</dd>
  <dt>${tr.t('receivedAt')}</dt><dd>${vnDateTime(m.receivedAt)}</dd>
  <dt>${tr.t('hops')}</dt><dd class="mono">${m.hops.length > 0 ? JSON.stringify(m.hops) : '—'}</dd>
  <dt>SHA-256</dt><dd class="mono">${m.sha256} (${m.sizeBytes} B)</dd>
</dl>
<h3>${tr.t('recipients')} (${trace.deliveries.length})</h3>
${trace.deliveries.map((t) => {
  const d = t.delivery;
  return html`<section class="delivery" data-recipient="${d.recipientOrganId}" data-state="${d.state}">
<div><strong>${d.recipientOrganId}</strong>${d.addressedOrganId !== d.recipientOrganId ? html` <span class="muted">(${d.addressedOrganId} →)</span>` : ''} · ${tr.t('node')} ${d.nodeId} · ${tr.t('route')} ${tr.t(`route_${d.route}`)} · ${stateBadge(tr, d.state)} · ${tr.t('attempts')}: ${d.attempts}${d.deliveredAt ? html` · ${vnDateTime(d.deliveredAt)}` : ''}${d.lastError ? html` · <span class="badge failed">${d.lastError}</span>` : ''}</div>
${d.hops.length > 0 ? html`<div class="muted">${tr.t('hops')}: ${d.hops.map((h) => h.hub).join(' → ')}</div>` : ''}
${
  t.attempts.length > 0
    ? html`<table class="attempts"><thead><tr><th>${tr.t('attempt')}</th><th>${tr.t('started')}</th><th>${tr.t('finished')}</th><th>${tr.t('outcome')}</th><th>HTTP</th><th>${tr.t('error')}</th></tr></thead><tbody>
${t.attempts.map((a) => html`<tr><td class="num">${a.attempt}</td><td>${vnDateTime(a.startedAt)}</td><td>${vnDateTime(a.finishedAt)}</td><td>${a.outcome}</td><td>${a.httpStatus ?? ''}</td><td>${a.error ?? ''}${a.error ? errorTitle(tr, a.error) : ''}</td></tr>`)}
</tbody></table>`
    : ''
}
${
  t.statuses.length > 0
    ? html`<table class="statuses"><thead><tr><th>${tr.t('statuses')}</th><th>${tr.t('description')}</th><th>${tr.t('time')}</th></tr></thead><tbody>
${t.statuses.map((s) => html`<tr data-status="${s.code}"><td>${tr.status(s.code)}${s.inconsistent ? html` <span class="badge warning">!</span>` : ''}</td><td>${s.description ?? ''}</td><td>${vnDateTime(s.at)}</td></tr>`)}
</tbody></table>`
    : ''
}
${eventsTable(tr, t.events)}
</section>`;
})}
<h3>${tr.t('events')}</h3>
${eventsTable(tr, trace.events)}
</article>`;
}
