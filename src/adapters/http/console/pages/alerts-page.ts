import type { Alert } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { alertText } from './alert-text.ts';

/** The alerts, most severe first. */
export function alertTable(tr: Translator, alerts: readonly Alert[]): Html {
  if (alerts.length === 0) return html`<p class="muted" id="no-alerts">${tr.t('noAlerts')}</p>`;
  return html`<table id="alerts"><thead><tr><th>${tr.t('severity')}</th><th>${tr.t('kind')}</th><th>${tr.t('alerts')}</th><th>${tr.t('since')}</th></tr></thead><tbody>
${alerts.map(
  (a) =>
    html`<tr data-kind="${a.kind}" data-severity="${a.severity}"><td><span class="badge ${a.severity}">${tr.t(a.severity)}</span></td><td>${tr.alertKind(a.kind)}</td><td>${alertText(tr, a)}</td><td>${vnDateTime(a.since)}</td></tr>`,
)}
</tbody></table>`;
}
