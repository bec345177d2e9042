import type { MessageSearchRecord, MessageTraceRecord } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { stateBadge } from './parts.ts';
import { tracePart } from './trace-part.ts';

/** The search form's values, as given in the query string. */
export interface DocumentQuery {
  readonly documentId?: string | undefined;
  readonly sender?: string | undefined;
  readonly recipient?: string | undefined;
  readonly state?: string | undefined;
  readonly priority?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const STATES = ['queued', 'sending', 'retrying', 'delivered', 'failed', 'revoked', 'forwarded'];

/** Văn bản: the search form, what it found, and for a DocumentId search the full trace of each. */
export function documentsPage(
  tr: Translator,
  query: DocumentQuery,
  found: readonly MessageSearchRecord[],
  traces: readonly MessageTraceRecord[],
): Html {
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
  return html`
<form class="filters" method="get" action="/console/documents" role="search">
  <label>${tr.t('documentId')}<input name="documentId" value="${query.documentId ?? ''}" size="40"></label>
  <label>${tr.t('sender')}<input name="sender" value="${query.sender ?? ''}" size="16"></label>
  <label>${tr.t('recipient')}<input name="recipient" value="${query.recipient ?? ''}" size="16"></label>
  <label>${tr.t('state')}<select name="state">${option('', tr.t('any'), query.state)}${STATES.map((s) => option(s, tr.state(s), query.state))}</select></label>
  <label>${tr.t('priority')}<select name="priority">${option('', tr.t('any'), query.priority)}${[0, 1, 2, 3, 4].map((p) => option(String(p), tr.priority(p), query.priority))}</select></label>
  <label>${tr.t('dateFrom')}<input type="date" name="from" value="${query.from ?? ''}"></label>
  <label>${tr.t('dateTo')}<input type="date" name="to" value="${query.to ?? ''}"></label>
  <button type="submit" class="primary">${tr.t('search')}</button>
</form>
${
  found.length === 0
    ? html`<p class="muted" id="no-results">${tr.t('noResults')}</p>`
    : html`<table id="documents"><thead><tr><th>${tr.t('receivedAt')}</th><th>${tr.t('type')}</th><th>${tr.t('documentId')}</th><th>${tr.t('sender')}</th><th>${tr.t('subject')}</th><th>${tr.t('priority')}</th><th>${tr.t('recipients')}</th></tr></thead><tbody>
${found.map(
  (m) =>
    html`<tr><td>${vnDateTime(m.receivedAt)}</td><td>${m.kind === 'package' ? tr.docType(m.businessDocType) : tr.status(m.statusCode ?? '')}</td><td><a href="/console/documents/${m.id}" class="mono">${m.documentId}</a></td><td>${m.senderOrganId}</td><td>${m.subject ?? ''}</td><td>${tr.priority(m.priority)}</td><td>${m.deliveries.map((d) => html`<div>${d.organId} ${stateBadge(tr, d.state)}</div>`)}</td></tr>`,
)}
</tbody></table>`
}
${traces.map((t) => tracePart(tr, t))}
`;
}
