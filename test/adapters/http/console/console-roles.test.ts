// The operator console in a real browser (Chromium through playwright-core) against the split roles
// on Postgres + Redis: an `api` process serves the console, a `worker` process pushes. Accounts are
// made with the real CLI; deliveries fail and succeed against real webhook receivers.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../../../../src/signature/dev-pki.ts';
import {
  type Database,
  listDeliveriesForMessage,
  openDatabase,
  recordBusinessStatus,
  setNodeDeliverySettings,
} from '../../../../src/store/index.ts';
import { waitFor } from '../../../queue/wait-for.ts';
import {
  foreignRequests,
  launchBrowser,
  logIn,
  recordRequests,
  VN_DATE_TIME,
} from '../../../support/browser.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../../../support/db.ts';
import { acceptPackages, addEngineNode, REDIS_URL } from '../../../support/engine-harness.ts';
import { freePort } from '../../../support/hub-process.ts';
import { runCliIn } from '../../../support/run-cli.ts';
import { type ServeProcess, spawnServe } from '../../../support/serve-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../../support/webhook-receiver.ts';

describe('operator console, split roles on Postgres + Redis, in Chromium', () => {
  const schema = uniqueSchemaName('lt_console');
  let dir: string;
  let database: Database;
  let browser: Browser;
  let base: string;
  const processes: ServeProcess[] = [];
  const receivers: WebhookReceiver[] = [];
  const accounts: Record<'admin' | 'operator' | 'viewer', string> = { admin: '', operator: '', viewer: '' };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-console-'));
    await mkdir(path.join(dir, 'trust'));
    // A trust anchor that expires in 20 days: the console must raise an alert (60-day horizon).
    const expiring = await createRootCa({
      subject: 'CN=Sap het han Root CA, O=lienthong test, C=VN',
      at: new Date(),
      kind: 'ecdsa',
      days: 20,
    });
    await writeFile(path.join(dir, 'trust', 'expiring-root.pem'), expiring.cert.toString('pem'));
    env = {
      DATABASE_URL: TEST_DATABASE_URL,
      LIENTHONG_DB_SCHEMA: schema,
      REDIS_URL,
      LIENTHONG_QUEUE_PREFIX: `lt-console-${randomBytes(4).toString('hex')}`,
      LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
      LIENTHONG_VERIFY_THREADS: '1',
      LIENTHONG_RELAY_INTERVAL_MS: '100',
      LIENTHONG_RECONCILE_INTERVAL_MS: '2000',
      LIENTHONG_DIRECTORY: 'none',
      PORT: String(await freePort()),
      LIENTHONG_HEALTH_PORT: '0',
    };
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
    for (const role of ['admin', 'operator', 'viewer'] as const) {
      const added = await runCliIn(env, 'operator', 'add', '--name', `${role}1`, '--role', role, '--json');
      expect(added.err).toBe('');
      const printed = JSON.parse(added.out) as { name: string; password: string };
      expect(printed.name).toBe(`${role}1`);
      accounts[role] = printed.password;
    }
    const api = await spawnServe(env, ['--role', 'api']);
    processes.push(api, await spawnServe(env, ['--role', 'worker']));
    base = api.url as string;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of processes) await p.kill('SIGTERM');
    for (const r of receivers) await r.close();
    await database?.close();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in, finds a document with its recipients and statuses, retries a failed delivery, lists overdue hỏa tốc, raises the certificate alert, and loads nothing from another host', async () => {
    const { db } = database;
    const okSecret = `whsec_${randomBytes(16).toString('hex')}`;
    const badSecret = `whsec_${randomBytes(16).toString('hex')}`;
    const ok = await startWebhookReceiver({ secret: okSecret });
    const bad = await startWebhookReceiver({ secret: badSecret, mode: { kind: 'status', status: 410 } });
    receivers.push(ok, bad);
    const sender = await addEngineNode(db, { role: 'sender' });
    const a = await addEngineNode(db, { role: 'so-noi-vu', webhookUrl: ok.url, secret: okSecret });
    const b = await addEngineNode(db, { role: 'ubnd-xa', webhookUrl: bad.url, secret: badSecret });
    const c = await addEngineNode(db, { role: 'poller' });
    await setNodeDeliverySettings(db, {
      nodeId: b.nodeId,
      settings: { retryMaxAttempts: 1 },
      at: new Date(),
      actor: 'test',
    });
    const [messageId] = await acceptPackages(db, sender, [a, b], 1, { priority: 1 });
    const doc = (
      await db.query<{ document_id: string }>('SELECT document_id FROM messages WHERE id = $1', [messageId])
    ).rows[0]!.document_id;
    const stateOf = async (organId: string) =>
      (await listDeliveriesForMessage(db, messageId!)).find((d) => d.recipientOrganId === organId)?.state;
    await waitFor(
      async () => (await stateOf(a.organId)) === 'delivered' && (await stateOf(b.organId)) === 'failed',
      30_000,
      'A delivered, B failed',
    );
    await recordBusinessStatus(db, {
      documentMessageId: messageId!,
      recipientOrganId: a.organId,
      code: '03',
      at: new Date(),
      recordedAt: new Date(),
      inconsistent: false,
      description: 'Đã vào sổ văn bản đến số 125',
      actor: `node:${a.nodeId}`,
    });
    // Hỏa tốc, two hours old, to a node that polls and never came: overdue (default: 30 minutes).
    const [express] = await acceptPackages(db, sender, [c], 1, {
      priority: 3,
      receivedAt: new Date(Date.now() - 2 * 3_600_000),
    });

    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = recordRequests(page);

    // Not logged in: the console sends the browser to the login form.
    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await logIn(page, base, 'operator1', accounts.operator);
    expect(await page.textContent('h1')).toBe('Tổng quan');
    const cookies = await context.cookies();
    const session = cookies.find((k) => k.name === 'lienthong_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    // A DocumentId as a link: recipients, their states, the status 03 with its Description.
    await page.goto(`${base}/console/documents?documentId=${encodeURIComponent(doc)}`);
    const trace = page.locator(`article.trace[data-message-id="${messageId}"]`);
    await expect.poll(() => trace.count()).toBe(1);
    const sectionA = trace.locator(`section.delivery[data-recipient="${a.organId}"]`);
    const sectionB = trace.locator(`section.delivery[data-recipient="${b.organId}"]`);
    expect(await sectionA.getAttribute('data-state')).toBe('delivered');
    expect(await sectionB.getAttribute('data-state')).toBe('failed');
    expect(await sectionA.textContent()).toContain('03 Đã tiếp nhận');
    expect(await sectionA.textContent()).toContain('Đã vào sổ văn bản đến số 125');
    expect(await sectionB.textContent()).toContain('WEBHOOK_HTTP_REJECTED');
    expect(await trace.textContent()).toMatch(VN_DATE_TIME);

    // Failed and overdue: the failed delivery with its retry button; the hỏa tốc package listed.
    await page.goto(`${base}/console/failed`);
    const failedRow = page.locator('#failed tr', { hasText: doc });
    expect(await failedRow.count()).toBe(1);
    const overdueRow = page.locator('#overdue tr[data-priority="3"]');
    expect(await overdueRow.count()).toBe(1);
    expect(await overdueRow.textContent()).toContain('Hỏa tốc');
    expect(await overdueRow.locator('a').getAttribute('href')).toBe(`/console/documents/${express}`);

    // A viewer sees the failure but no retry, and a retry it forges is refused.
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await logIn(viewer, base, 'viewer1', accounts.viewer);
    await viewer.goto(`${base}/console/failed`);
    expect(await viewer.locator('#failed tr', { hasText: doc }).count()).toBe(1);
    expect(await viewer.locator('#failed button').count()).toBe(0);
    // (The console's CSP forbids scripts and fetches in its pages: the forged request comes from
    // the browser context's own request client, with the viewer's cookies and CSRF token.)
    const csrf = await viewer.locator('input[name="_csrf"]').first().inputValue();
    const deliveryId = await viewer
      .locator('#failed tr[data-delivery-id]')
      .first()
      .getAttribute('data-delivery-id');
    const forgedResponse = await viewer.request.post(`${base}/console/deliveries/retry`, {
      form: { _csrf: csrf, deliveryId: deliveryId ?? '' },
      maxRedirects: 0,
    });
    const forged = { status: forgedResponse.status(), body: await forgedResponse.text() };
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('CONSOLE_FORBIDDEN');
    // A change without the session's CSRF token is refused too (the operator's session this time).
    const noToken = (
      await page.request.post(`${base}/console/deliveries/retry`, { form: { all: '1' }, maxRedirects: 0 })
    ).status();
    expect(noToken).toBe(403);
    expect(await stateOf(b.organId)).toBe('failed');
    await viewerContext.close();

    // The operator retries it once the receiver is back, and sees it delivered.
    bad.setMode({ kind: 'ok' });
    await failedRow.locator('button').click();
    await page.waitForURL(/flash=retried/);
    expect(await page.textContent('.flash')).toContain('1');
    await waitFor(
      async () => (await stateOf(b.organId)) === 'delivered',
      30_000,
      'B delivered after the retry',
    );
    await page.goto(`${base}/console/documents/${messageId}`);
    expect(
      await page.locator(`section.delivery[data-recipient="${b.organId}"]`).getAttribute('data-state'),
    ).toBe('delivered');

    // Alerts: the trust anchor expiring within 60 days; the overdue hỏa tốc.
    await page.goto(`${base}/console/alerts`);
    const certAlert = page.locator('#alerts tr[data-kind="certificate_expiring"]');
    expect(await certAlert.count()).toBe(1);
    expect(await certAlert.textContent()).toContain('Sap het han Root CA');
    expect(await page.locator('#alerts tr[data-kind="overdue"][data-severity="critical"]').count()).toBe(1);

    // The audit log: who retried, from where.
    await page.goto(`${base}/console/audit`);
    const audit = page.locator('#audit tr[data-type="console.retry_requested"]');
    expect(await audit.first().textContent()).toContain('console:operator1');
    expect(await audit.first().textContent()).toContain('127.0.0.1');

    // English on request; the pages stay in Vietnam time.
    await page.goto(`${base}/console`);
    await page.click('a[hreflang="en"]');
    expect(await page.textContent('h1')).toBe('Overview');
    await page.goto(`${base}/console/documents/${messageId}`);
    expect(await page.textContent('body')).toContain('Registered');
    expect(await page.textContent('body')).toMatch(VN_DATE_TIME);

    expect(foreignRequests(requests, base)).toEqual([]);
    expect(requests.length).toBeGreaterThan(10);
    await context.close();
  }, 180_000);

  it('lets admins, and only admins, manage accounts; the password is shown once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, base, 'admin1', accounts.admin);
    await page.goto(`${base}/console/operators`);
    await page.fill('input[name="name"]', 'truc-ban');
    await page.selectOption('select[name="role"]', 'viewer');
    await page.click('form.filters button[type="submit"]');
    const issued = await page.textContent('#issued-password strong');
    expect(issued).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const newcomer = await browser.newContext();
    const newPage = await newcomer.newPage();
    await logIn(newPage, base, 'truc-ban', issued as string);
    expect(await newPage.textContent('#who')).toBe('truc-ban');
    await newPage.goto(`${base}/console/operators`);
    expect(await newPage.textContent('.flash')).toContain('CONSOLE_FORBIDDEN');
    // A viewer has no admin forms on the nodes page, and a forged admin change is refused.
    const node = await addEngineNode(database.db, { role: 'van-phong' });
    await newPage.goto(`${base}/console/nodes`);
    expect(await newPage.locator(`tr[data-node="${node.nodeId}"] form`).count()).toBe(0);
    const forged = await newPage.request.post(`${base}/console/nodes/${node.nodeId}/token`, {
      form: { _csrf: await newPage.locator('input[name="_csrf"]').first().inputValue() },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await newcomer.close();

    // The admin issues the node a new token (shown once) that then opens the node API.
    await page.goto(`${base}/console/nodes`);
    await page.locator(`tr[data-node="${node.nodeId}"] form[action$="/token"] button`).click();
    const token = (await page.textContent('#issued-secret strong')) as string;
    expect(token).toMatch(/^lt_/);
    const inbox = await fetch(`${base}/v1/inbox`, { headers: { authorization: `Bearer ${token}` } });
    expect(inbox.status).toBe(200);
    // … and makes it a webhook node: the signing secret is shown once.
    await page.fill(
      `tr[data-node="${node.nodeId}"] input[name="webhookUrl"]`,
      'http://127.0.0.1:9/lienthong',
    );
    await page.locator(`tr[data-node="${node.nodeId}"] form[action$="/webhook"] button`).click();
    expect(await page.textContent('#issued-secret strong')).toMatch(/^whsec_/);
    await page.goto(`${base}/console/audit`);
    expect(await page.locator('#audit tr[data-type="console.node_token_rotated"]').count()).toBe(1);
    expect(
      await page.locator('#audit tr[data-type="operator.added"]', { hasText: 'console:admin1' }).count(),
    ).toBe(1);
    await context.close();
  }, 60_000);

  it('answers a wrong password with the login form again, and locks the account after repeated failures', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (let i = 0; i < 4; i += 1) {
      await logIn(page, base, 'viewer1', 'not-the-password');
      expect(await page.textContent('#login-error')).toContain('không đúng');
    }
    await logIn(page, base, 'viewer1', 'not-the-password');
    expect(await page.textContent('#login-error')).toContain('khóa');
    // Even the right password waits for the lock to pass.
    await logIn(page, base, 'viewer1', accounts.viewer);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(await page.textContent('#login-error')).toContain('khóa');
    await context.close();
  }, 60_000);
});
