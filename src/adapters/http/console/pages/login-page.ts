import { type Html, html } from '../html.ts';
import type { Translator } from '../i18n.ts';

/** Đăng nhập: user name and password (form fields `username` and `password`). */
export function loginPage(
  tr: Translator,
  form: { readonly token: string; readonly next: string; readonly error: string | null },
): Html {
  return html`<form class="login" method="post" action="/console/login">
  ${form.error ? html`<p class="flash error" id="login-error" role="alert">${form.error}</p>` : ''}
  <input type="hidden" name="_csrf" value="${form.token}">
  <input type="hidden" name="next" value="${form.next}">
  <label for="username">${tr.t('username')}</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">${tr.t('password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">${tr.t('login')}</button>
</form>`;
}
