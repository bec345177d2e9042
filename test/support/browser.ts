// A real browser for the console tests: Debian's Chromium driven by playwright-core (no download).
// CI installs the `chromium` package (.ci/run); LIENTHONG_CHROMIUM names another binary.
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['LIENTHONG_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Chromium headless, with nothing that calls home. `env` sets the browser's environment: on Linux
 * its UI locale (the native date fields) comes from LANGUAGE/LANG (with Debian's chromium-l10n).
 */
export function launchBrowser(
  options: { readonly env?: NodeJS.ProcessEnv; readonly args?: readonly string[] } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.args ?? []),
    ],
    ...(options.env ? { env: options.env } : {}),
  });
}

/** Every URL the page asked for (documents, styles, images, scripts, fetches), in order. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Requests that went anywhere but `origin` (data: URLs stay in the page). */
export function foreignRequests(urls: readonly string[], origin: string): string[] {
  const own = new URL(origin).host;
  return urls.filter((u) => !u.startsWith('data:') && new URL(u).host !== own);
}

/** Logs in through the form (fields `username` and `password`) and waits for the page that answers. */
export async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/login') && r.request().method() === 'POST'),
    page.click('button[type="submit"]'),
  ]);
  await page.waitForLoadState('load');
}

/** dd/MM/yyyy HH:mm, as the console writes every time. */
export const VN_DATE_TIME = /\b\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\b/;
