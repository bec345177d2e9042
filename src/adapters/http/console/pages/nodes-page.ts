import type { ConsoleIdentity, ConsoleNodes } from '../../../../ops/index.ts';
import { allows } from '../console-session.ts';
import { vnDate, vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { nodeActions, nodeAdminForms, peerTable } from './parts.ts';

const SHOWN_ORGANIZATIONS = 12;

/** Hệ thống và chứng thư: each node's organizations, delivery mode, contact, certificates; trust anchors and CRLs. */
export function nodesPage(
  tr: Translator,
  identity: ConsoleIdentity,
  data: ConsoleNodes,
  now: Date,
  issued: { readonly nodeId: string; readonly label: string; readonly secret: string } | null = null,
): Html {
  const expiryClass = (d: Date | null) =>
    d === null
      ? ''
      : d.getTime() <= now.getTime()
        ? 'critical'
        : d.getTime() - now.getTime() < 60 * 86_400_000
          ? 'warning'
          : 'closed';
  return html`
${issued ? html`<p class="flash" id="issued-secret">${issued.nodeId} — ${issued.label} <strong class="mono">${issued.secret}</strong></p>` : ''}
<table id="node-list"><thead><tr><th>${tr.t('node')}</th><th>${tr.t('kind')}</th><th>${tr.t('organizations')}</th><th>${tr.t('mode')}</th><th>${tr.t('lastContact')}</th><th>${tr.t('signerCerts')}</th><th>${tr.t('clientCerts')}</th>${allows(identity, 'operator') ? html`<th>${tr.t('actions')}</th>` : ''}${allows(identity, 'admin') ? html`<th>${tr.t('admin')}</th>` : ''}</tr></thead><tbody>
${data.nodes.map(({ node, activity, signers, pausedAt }) => {
  const orgs = node.organizations;
  return html`<tr data-node="${node.id}"><td><strong>${node.id}</strong><div class="muted">${node.name ?? ''}</div>${pausedAt ? html`<span class="badge paused">${tr.t('paused')} ${vnDateTime(pausedAt)}</span>` : ''}</td>
<td>${node.kind}</td>
<td>${orgs.slice(0, SHOWN_ORGANIZATIONS).join(', ')}${orgs.length > SHOWN_ORGANIZATIONS ? html` <span class="muted">… (${tr.t('total')} ${orgs.length})</span>` : ''}</td>
<td>${node.webhookUrl ? html`${tr.t('modePush')}<div class="mono">${node.webhookUrl}</div>` : tr.t('modePoll')}</td>
<td>${activity?.lastContactAt ? vnDateTime(activity.lastContactAt) : tr.t('never')}</td>
<td>${signers.length === 0 ? html`<span class="muted">${tr.t('none')}</span>` : signers.map((s) => html`<div>${s.organId}: ${s.subject ?? s.certSha256.slice(0, 16)} <span class="badge ${expiryClass(s.notAfter)}">${tr.t('expires')} ${vnDate(s.notAfter)}</span></div>`)}</td>
<td>${node.clientCertificates.length === 0 ? html`<span class="muted">${tr.t('none')}</span>` : node.clientCertificates.map((c) => html`<div class="mono">${c.slice(0, 16)}…</div>`)}</td>
${allows(identity, 'operator') ? html`<td>${nodeActions(tr, identity, node.id, pausedAt !== null, '/console/nodes')}</td>` : ''}
${allows(identity, 'admin') ? html`<td>${nodeAdminForms(tr, identity, node.id, node.webhookUrl)}</td>` : ''}</tr>`;
})}
</tbody></table>
<h2>${tr.t('trustAnchors')}</h2>
<p class="muted">${tr.t('trustDir')}: <span class="mono">${data.trustDir}</span></p>
${
  data.trust.certificates.length === 0
    ? html`<p class="muted">${tr.t('none')}</p>`
    : html`<table id="trust"><thead><tr><th>Subject</th><th>${tr.t('issuer')}</th><th>${tr.t('file')}</th><th>${tr.t('expires')}</th></tr></thead><tbody>
${data.trust.certificates.map((c) => html`<tr><td>${c.subject}</td><td>${c.issuer}</td><td class="mono">${c.file}</td><td><span class="badge ${expiryClass(c.notAfter)}">${vnDate(c.notAfter)}</span></td></tr>`)}
</tbody></table>`
}
<h2>${tr.t('crls')}</h2>
${
  data.trust.crls.length === 0
    ? html`<p class="muted">${tr.t('none')}</p>`
    : html`<table id="crls"><thead><tr><th>${tr.t('issuer')}</th><th>${tr.t('file')}</th><th>${tr.t('nextUpdate')}</th></tr></thead><tbody>
${data.trust.crls.map((c) => html`<tr><td>${c.issuer}</td><td class="mono">${c.file}</td><td><span class="badge ${expiryClass(c.nextUpdate)}">${vnDateTime(c.nextUpdate)}</span></td></tr>`)}
</tbody></table>`
}
${data.trust.unreadable.map((u) => html`<p class="flash error">${u.file}: ${u.reason}</p>`)}
<h2>${tr.t('peers')}</h2>
${peerTable(tr, data.peers, identity)}
`;
}
