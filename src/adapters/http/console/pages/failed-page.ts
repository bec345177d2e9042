import type { ConsoleIdentity, OpsDelivery, OverdueDelivery } from '../../../../ops/index.ts';
import { allows } from '../console-session.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { csrfField } from '../layout.ts';
import { errorTitle, stateBadge } from './parts.ts';

function retryForm(identity: ConsoleIdentity, field: string, value: string, label: string): Html {
  return html`<form class="inline" method="post" action="/console/deliveries/retry">${csrfField(identity)}<input type="hidden" name="${field}" value="${value}"><input type="hidden" name="back" value="/console/failed"><button type="submit">${label}</button></form>`;
}

/** Lỗi và quá hạn: failed deliveries with retry (one, by node, all); overdue by QĐ 28, oldest first. */
export function failedPage(
  tr: Translator,
  identity: ConsoleIdentity,
  failed: readonly OpsDelivery[],
  overdue: readonly OverdueDelivery[],
): Html {
  const canRetry = allows(identity, 'operator');
  const nodes = [...new Set(failed.map((d) => d.nodeId))].sort();
  return html`
<h2>${tr.t('failedDeliveries')} (${failed.length})</h2>
${
  failed.length === 0
    ? html`<p class="muted" id="no-failed">${tr.t('noFailed')}</p>`
    : html`${
        canRetry
          ? html`<p>${retryForm(identity, 'all', '1', tr.t('retryAll'))} ${nodes.map((n) => retryForm(identity, 'nodeId', n, `${tr.t('retryNode')}: ${n}`))}</p>`
          : ''
      }
<table id="failed"><thead><tr><th>${tr.t('documentId')}</th><th>${tr.t('sender')}</th><th>${tr.t('recipient')}</th><th>${tr.t('node')}</th><th>${tr.t('priority')}</th><th class="num">${tr.t('attempts')}</th><th>${tr.t('error')}</th><th>${tr.t('time')}</th>${canRetry ? html`<th>${tr.t('actions')}</th>` : ''}</tr></thead><tbody>
${failed.map(
  (d) =>
    html`<tr data-delivery-id="${d.id}"><td><a class="mono" href="/console/documents/${d.messageId}">${d.documentId}</a></td><td>${d.fromOrganId}</td><td>${d.toOrganId}</td><td>${d.nodeId}</td><td>${tr.priority(d.priority)}</td><td class="num">${d.attempts}</td><td>${d.lastError ?? ''}${d.lastError ? errorTitle(tr, d.lastError) : ''}${d.lastAttempt?.httpStatus ? ` (HTTP ${d.lastAttempt.httpStatus})` : ''}${d.lastAttempt?.errorDetail ? html`<div class="muted">${d.lastAttempt.errorDetail}</div>` : ''}</td><td>${vnDateTime(d.updatedAt)}</td>${canRetry ? html`<td>${retryForm(identity, 'deliveryId', d.id, tr.t('retry'))}</td>` : ''}</tr>`,
)}
</tbody></table>`
}
<h2>${tr.t('overdueDeliveries')} (${overdue.length})</h2>
${
  overdue.length === 0
    ? html`<p class="muted" id="no-overdue">${tr.t('noOverdue')}</p>`
    : html`<table id="overdue"><thead><tr><th>${tr.t('priority')}</th><th>${tr.t('documentId')}</th><th>${tr.t('sender')}</th><th>${tr.t('recipient')}</th><th>${tr.t('node')}</th><th>${tr.t('state')}</th><th>${tr.t('receivedAt')}</th><th>${tr.t('deadline')}</th></tr></thead><tbody>
${overdue.map(
  (d) =>
    html`<tr data-delivery-id="${d.deliveryId}" data-priority="${d.priority}"><td><strong>${tr.priority(d.priority)}</strong></td><td><a class="mono" href="/console/documents/${d.messageId}">${d.documentId}</a></td><td>${d.senderOrganId}</td><td>${d.recipientOrganId}</td><td>${d.nodeId}</td><td>${stateBadge(tr, d.state)}</td><td>${vnDateTime(d.receivedAt)}</td><td>${vnDateTime(d.deadline)}</td></tr>`,
)}
</tbody></table>`
}
`;
}
