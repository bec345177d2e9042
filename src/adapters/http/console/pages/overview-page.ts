import type { ConsoleIdentity, ConsoleOverview } from '../../../../ops/index.ts';
import { allows } from '../console-session.ts';
import { shortAge, vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { alertTable } from './alerts-page.ts';
import { nodeActions, peerTable } from './parts.ts';

/** Tổng quan: queues, every node's backlog and health, peer hubs, alerts. */
export function overviewPage(
  tr: Translator,
  identity: ConsoleIdentity,
  data: ConsoleOverview,
  now: Date,
): Html {
  const q = data.queues;
  const paused = new Map((q?.pausedNodes ?? []).map((p) => [p.nodeId, p.state]));
  const totals = data.nodes.reduce(
    (t, n) => ({
      waiting: t.waiting + n.waiting,
      inFlight: t.inFlight + n.inFlight,
      failed: t.failed + n.failed,
    }),
    { waiting: 0, inFlight: 0, failed: 0 },
  );
  const overdue = data.alerts
    .filter((a) => a.kind === 'overdue')
    .reduce((n, a) => n + Number(a.detail['count']), 0);
  const card = (label: string, n: number, bad = false) =>
    html`<div class="card${bad && n > 0 ? ' bad' : ''}"><div class="muted">${label}</div><div class="n">${n}</div></div>`;
  return html`
<div class="cards">
  ${card(tr.t('waiting'), totals.waiting)}
  ${card(tr.t('inFlight'), totals.inFlight)}
  ${card(tr.t('failedCount'), totals.failed, true)}
  ${card(tr.t('overdue'), overdue, true)}
  ${card(tr.t('alerts'), data.alerts.length, true)}
</div>
<h2>${tr.t('queues')}</h2>
${
  q
    ? html`<table id="queues"><thead><tr><th>${tr.t('queue')}</th><th>${tr.t('backend')}</th><th class="num">${tr.t('waiting')}</th><th class="num">${tr.t('inFlight')}</th><th class="num">${tr.t('delayed')}</th><th class="num">${tr.t('failedCount')}</th><th>${tr.t('oldestAge')}</th><th class="num">${tr.t('workers')}</th></tr></thead><tbody>
${q.queues.map(
  (s) =>
    html`<tr><td>${s.name}</td><td>${s.backend}</td><td class="num">${s.waiting}</td><td class="num">${s.active}</td><td class="num">${s.delayed}</td><td class="num">${s.failed}</td><td>${shortAge(s.oldestWaitingAgeMs)}</td><td class="num">${s.workers}</td></tr>`,
)}
</tbody></table>
<p class="muted">${tr.t('outboxPending')}: ${q.outboxPending} · Postgres: ${tr.state('queued')} ${q.deliveries.queued}, ${tr.state('sending')} ${q.deliveries.sending}, ${tr.state('retrying')} ${q.deliveries.retrying}, ${tr.state('failed')} ${q.deliveries.failed}</p>`
    : html`<p class="flash error">${tr.t('queueUnavailable')}: ${data.queueError ?? ''}</p>`
}
<h2>${tr.t('connectedNodes')}</h2>
<table id="nodes"><thead><tr><th>${tr.t('node')}</th><th>${tr.t('mode')}</th><th class="num">${tr.t('waiting')}</th><th class="num">${tr.t('inFlight')}</th><th>${tr.t('oldestAge')}</th><th class="num">${tr.t('failuresHour')}</th><th class="num">${tr.t('failedCount')}</th><th>${tr.t('breaker')}</th><th>${tr.t('lastContact')}</th>${allows(identity, 'operator') ? html`<th>${tr.t('actions')}</th>` : ''}</tr></thead><tbody>
${data.nodes.map((n) => {
  const breaker = n.pausedAt ? 'paused' : (paused.get(n.nodeId) ?? 'closed');
  return html`<tr data-node="${n.nodeId}"><td><strong>${n.nodeId}</strong> <span class="muted">${n.name ?? ''}</span></td><td>${n.push ? tr.t('modePush') : tr.t('modePoll')}</td><td class="num">${n.waiting}</td><td class="num">${n.inFlight}</td><td>${n.oldestWaitingAt ? shortAge(now.getTime() - n.oldestWaitingAt.getTime()) : '—'}</td><td class="num">${n.failuresSince}</td><td class="num">${n.failed}</td><td><span class="badge ${breaker}">${breaker === 'paused' ? tr.t('paused') : tr.breaker(breaker)}</span></td><td>${n.lastContactAt ? vnDateTime(n.lastContactAt) : tr.t('never')}</td>${allows(identity, 'operator') ? html`<td>${nodeActions(tr, identity, n.nodeId, n.pausedAt !== null, '/console')}</td>` : ''}</tr>`;
})}
</tbody></table>
<h2>${tr.t('peers')}</h2>
${peerTable(tr, data.peers)}
<h2>${tr.t('alerts')}</h2>
${alertTable(tr, data.alerts)}
`;
}
