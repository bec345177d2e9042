import type { ConsoleIdentity, OperatorAccountView } from '../../../../ops/index.ts';
import { OPERATOR_ROLES } from '../../../../ops/index.ts';
import { vnDateTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';
import { csrfField } from '../layout.ts';

/** Tài khoản (admins): the accounts, add one, remove one, set a new password. */
export function operatorsPage(
  tr: Translator,
  identity: ConsoleIdentity,
  accounts: readonly OperatorAccountView[],
  issued: { readonly name: string; readonly password: string } | null,
): Html {
  return html`
${issued ? html`<p class="flash" id="issued-password">${issued.name} — ${tr.t('passwordOnce')} <strong class="mono">${issued.password}</strong></p>` : ''}
<table id="operators"><thead><tr><th>${tr.t('username')}</th><th>${tr.t('role')}</th><th>${tr.t('lastLogin')}</th><th>${tr.t('lockedUntil')}</th><th>${tr.t('actions')}</th></tr></thead><tbody>
${accounts.map(
  (a) =>
    html`<tr data-operator="${a.name}"><td>${a.name}</td><td>${tr.t(`role_${a.role}`)}</td><td>${vnDateTime(a.lastLoginAt)}</td><td>${vnDateTime(a.lockedUntil)}</td><td>
<form class="inline" method="post" action="/console/operators/${encodeURIComponent(a.name)}/password">${csrfField(identity)}<button type="submit">${tr.t('newPassword')}</button></form>
${a.name === identity.name ? '' : html`<form class="inline" method="post" action="/console/operators/${encodeURIComponent(a.name)}/remove">${csrfField(identity)}<button type="submit">${tr.t('remove')}</button></form>`}
</td></tr>`,
)}
</tbody></table>
<h2>${tr.t('add')}</h2>
<form class="filters" method="post" action="/console/operators">
  ${csrfField(identity)}
  <label>${tr.t('username')}<input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}"></label>
  <label>${tr.t('role')}<select name="role">${OPERATOR_ROLES.map((r) => html`<option value="${r}">${tr.t(`role_${r}`)}</option>`)}</select></label>
  <button type="submit" class="primary">${tr.t('add')}</button>
</form>`;
}
