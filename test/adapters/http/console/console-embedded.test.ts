// The operator console in the embedded quick start (`lienthong serve` with no Postgres or Redis):
// an account made with the CLI while the hub runs (it reaches the embedded database through the
// hub's socket), then the pages in Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignRequests, launchBrowser, logIn, recordRequests } from '../../../support/browser.ts';
import { freePort } from '../../../support/hub-process.ts';
import { runCliIn } from '../../../support/run-cli.ts';
import { type ServeProcess, spawnServe } from '../../../support/serve-process.ts';

describe('operator console in the embedded quick start, in Chromium', () => {
  let dir: string;
  let hub: ServeProcess;
  let browser: Browser;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-console-embedded-'));
    // Empty values: no server database or Redis from the environment of other suites.
    env = {
      DATABASE_URL: '',
      REDIS_URL: '',
      LIENTHONG_DB_SCHEMA: '',
      LIENTHONG_DATA_DIR: path.join(dir, 'data'),
      PORT: String(await freePort()),
    };
    hub = await spawnServe(env);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('serves every page to an account made with the CLI, from the hub alone', async () => {
    const added = await runCliIn(
      env,
      'operator',
      'add',
      '--name',
      'truc-ban',
      '--role',
      'operator',
      '--json',
    );
    expect(added.err).toBe('');
    const { password } = JSON.parse(added.out) as { password: string };
    const base = hub.url as string;
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = recordRequests(page);
    await logIn(page, base, 'truc-ban', password);
    expect(await page.textContent('h1')).toBe('Tổng quan');
    expect(await page.textContent('#queues')).toContain('in-process');
    // The example directory's systems, on the overview and the nodes page.
    expect(await page.locator('#nodes tr[data-node="tuyenquang-eoffice"]').count()).toBe(1);
    await page.goto(`${base}/console/nodes`);
    expect(await page.textContent('#node-list')).toContain('tuyenquang-eoffice');
    for (const [url, title] of [
      ['/console/documents', 'Văn bản'],
      ['/console/failed', 'Lỗi và quá hạn'],
      ['/console/statistics', 'Thống kê'],
      ['/console/alerts', 'Cảnh báo'],
      ['/console/audit', 'Nhật ký thao tác'],
    ] as const) {
      await page.goto(`${base}${url}`);
      expect([url, await page.textContent('h1')]).toEqual([url, title]);
    }
    // The account's login is in the audit log; the CLI's addition of it too.
    expect(await page.locator('#audit tr[data-type="operator.login"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#audit tr[data-type="operator.added"]').count()).toBe(1);
    const csv = await page.request.get(`${base}/console/statistics.csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toBe(
      '\uFEFFmonth,organ_id,name,sent,received,delivered_on_time,overdue',
    );
    // An operator is no admin: the accounts page is refused.
    await page.goto(`${base}/console/operators`);
    expect(await page.textContent('.flash')).toContain('CONSOLE_FORBIDDEN');
    expect(foreignRequests(requests, base)).toEqual([]);
    await context.close();
  }, 90_000);
});
