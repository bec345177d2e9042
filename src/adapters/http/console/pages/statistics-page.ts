import type { AgencyMonth } from '../../../../ops/index.ts';
import { formatCsv } from '../../../../routing/index.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';

/** Thống kê: per agency and month, sent, received, delivered on time, overdue; exportable as CSV. */
export function statisticsPage(
  tr: Translator,
  range: { readonly from: string; readonly to: string },
  rows: readonly AgencyMonth[],
): Html {
  const csv = `/console/statistics.csv?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
  return html`
<form class="filters" method="get" action="/console/statistics">
  <label>${tr.t('monthFrom')}<input type="month" name="from" value="${range.from}"></label>
  <label>${tr.t('monthTo')}<input type="month" name="to" value="${range.to}"></label>
  <button type="submit" class="primary">${tr.t('show')}</button>
  <a id="export-csv" href="${csv}" download>${tr.t('exportCsv')}</a>
</form>
${
  rows.length === 0
    ? html`<p class="muted">${tr.t('noResults')}</p>`
    : html`<table id="statistics"><thead><tr><th>${tr.t('month')}</th><th>${tr.t('agency')}</th><th class="num">${tr.t('sent')}</th><th class="num">${tr.t('received')}</th><th class="num">${tr.t('onTime')}</th><th class="num">${tr.t('overdue')}</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td>${r.month.slice(5)}/${r.month.slice(0, 4)}</td><td>${r.organId} <span class="muted">${r.name ?? ''}</span></td><td class="num">${r.sent}</td><td class="num">${r.received}</td><td class="num">${r.deliveredOnTime}</td><td class="num">${r.overdue}</td></tr>`,
)}
</tbody></table>`
}
`;
}

/**
 * The statistics as CSV (UTF-8 with BOM, so that spreadsheet programs read the Vietnamese names). A
 * name that starts like a formula gets a leading apostrophe (CSV injection).
 */
export function statisticsCsv(rows: readonly AgencyMonth[]): string {
  const text = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  return `\uFEFF${formatCsv([
    ['month', 'organ_id', 'name', 'sent', 'received', 'delivered_on_time', 'overdue'],
    ...rows.map((r) => [
      r.month,
      r.organId,
      text(r.name ?? ''),
      r.sent,
      r.received,
      r.deliveredOnTime,
      r.overdue,
    ]),
  ])}`;
}
