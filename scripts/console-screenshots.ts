// Screenshots of the operator console for the documentation (docs/console/*.png): a real hub on
// embedded Postgres with the example directory, realistic traffic made through the store (webhook
// receivers on 127.0.0.1, one of them failing; polling systems; overdue hỏa tốc; business statuses),
// then Debian's Chromium (playwright-core) logs in and photographs every page, in Vietnamese.
//
//   npx tsx scripts/console-screenshots.ts
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { createHub, type Hub } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createOperatorAccounts, DEFAULT_CONSOLE_SETTINGS } from '../src/ops/index.ts';
import { createRootCa } from '../src/signature/dev-pki.ts';
import {
  type BusinessStatusCode,
  createNode,
  type Db,
  generateWebhookSecret,
  insertAcceptedMessage,
  listDeliveriesForMessage,
  listNodes,
  listOrganizations,
  recordBusinessStatus,
  setNodeDeliverySettings,
  setNodeWebhook,
  touchNodeSeen,
} from '../src/store/index.ts';
import { launchBrowser, logIn } from '../test/support/browser.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const outDir = path.join(repoRoot, 'docs', 'console');
const VIEWPORT = { width: 1366, height: 900 } as const;
/** Taller pages are cut at this height (the PNGs stay small enough for a README). */
const MAX_HEIGHT = 2400;
const SETUP = 'operator:setup';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/**
 * Chromium as the console tests launch it (test/support/browser.ts), with a Vietnamese UI locale so
 * that the native date and month fields read dd/mm/yyyy and "tháng 12 năm 2026". On Linux the UI
 * locale comes from LANGUAGE/LANG, not --lang; Debian needs the chromium-l10n package for it
 * (without it, the fields stay en-US and nothing else changes).
 */
function launchVietnameseBrowser(): Promise<Browser> {
  return launchBrowser({
    args: ['--lang=vi-VN'],
    env: { ...process.env, LANGUAGE: 'vi', LANG: 'vi_VN.UTF-8' },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** A receiving e-office system: answers every push with `status`, counts what it got. */
async function startReceiver(status: number): Promise<{ url: string; count: () => number; server: Server }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"ok":true}' : '{"error":"Hệ thống đang bảo trì"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/lienthong/webhook`, count: () => received, server };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** The date of `at` in Vietnam as yyyy/MM/dd, as a DocumentId writes it. */
const docDate = (at: Date) => new Date(at.getTime() + 7 * HOUR).toISOString().slice(0, 10).replace(/-/g, '/');

interface Recipient {
  readonly organId: string;
  readonly nodeId: string;
}

interface Sent {
  readonly id: string;
  readonly documentId: string;
}

/** Accepts one document package through the store, as the hub's API would after verifying it. */
async function sendDocument(
  db: Db,
  input: {
    readonly from: Recipient;
    readonly to: readonly Recipient[];
    readonly number: string;
    readonly subject: string;
    readonly priority: 0 | 1 | 2 | 3;
    readonly receivedAt?: Date;
  },
): Promise<Sent> {
  const receivedAt = input.receivedAt ?? new Date();
  const documentId = `${input.from.organId},${docDate(receivedAt)},${input.number}`;
  const raw = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLHeader><edXML:MessageHeader>
    <edXML:From><edXML:OrganId>${input.from.organId}</edXML:OrganId></edXML:From>
    ${input.to.map((t) => `<edXML:To><edXML:OrganId>${t.organId}</edXML:OrganId></edXML:To>`).join('\n    ')}
    <edXML:DocumentId>${documentId}</edXML:DocumentId>
    <edXML:Subject>${input.subject}</edXML:Subject>
    <edXML:OtherInfo><edXML:Priority>${input.priority}</edXML:Priority></edXML:OtherInfo>
  </edXML:MessageHeader></edXML:edXMLHeader>
  <edXML:edXMLBody/>
</edXML:edXMLEnvelope>
`,
    'utf8',
  );
  const result = await insertAcceptedMessage(db, {
    kind: 'package',
    senderNodeId: input.from.nodeId,
    senderOrganId: input.from.organId,
    documentId,
    businessDocType: 0,
    statusCode: null,
    priority: input.priority,
    raw,
    summary: { documentId, subject: input.subject },
    verdict: { policy: 'require', signer: `CN=Văn thư ${input.from.organId}` },
    receivedAt,
    actor: `node:${input.from.nodeId}`,
    deliveries: input.to.map((r) => ({
      recipientOrganId: r.organId,
      addressedOrganId: r.organId,
      nodeId: r.nodeId,
      route: 'local' as const,
    })),
  });
  if (result.kind !== 'accepted') throw new Error(`${documentId}: not accepted (${result.kind})`);
  return { id: result.message.id, documentId };
}

/** A full-page PNG, cut at MAX_HEIGHT. */
async function shoot(page: Page, name: string, written: string[]): Promise<void> {
  const file = path.join(outDir, name);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot(
    height > MAX_HEIGHT
      ? { path: file, fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height: MAX_HEIGHT } }
      : { path: file, fullPage: true },
  );
  written.push(file);
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lienthong-screenshots-'));
  const trustDir = path.join(tmp, 'trust');
  await mkdir(trustDir, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const receivers: Server[] = [];
  let hub: Hub | null = null;
  let browser: Browser | null = null;
  const written: string[] = [];
  try {
    // ---- trust anchors: one expiring in 25 days (an alert), one for ten years ----
    const expiring = await createRootCa({
      subject: 'CN=CA Ban Co yeu Chinh phu (thu nghiem), O=lienthong, C=VN',
      at: new Date(),
      kind: 'ecdsa',
      days: 25,
    });
    await writeFile(path.join(trustDir, 'ca-bcy-thu-nghiem.pem'), expiring.cert.toString('pem'));
    const normal = await createRootCa({
      subject: 'CN=Root CA Chuyen dung Chinh phu (thu nghiem), O=lienthong, C=VN',
      at: new Date(),
      kind: 'ecdsa',
      days: 3650,
    });
    await writeFile(path.join(trustDir, 'root-ca-chuyen-dung.pem'), normal.cert.toString('pem'));

    // ---- the hub ----
    process.stdout.write('starting the hub (embedded Postgres)…\n');
    hub = await createHub(
      loadConfig({
        LIENTHONG_DATA_DIR: path.join(tmp, 'data'),
        LIENTHONG_TRUST_DIR: trustDir,
        PORT: '0',
      }),
      { logger: pino({ level: 'silent' }), loadExampleDirectory: true },
    );
    const base = (await hub.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    const { db } = hub.database;

    // ---- receivers and nodes ----
    const ok = await startReceiver(200);
    const down = await startReceiver(503);
    receivers.push(ok.server, down.server);

    const organizations = new Map((await listOrganizations(db)).map((o) => [o.organId, o]));
    const nodes = new Map((await listNodes(db)).map((n) => [n.id, n]));
    for (const id of ['vpcp-eoffice', 'tuyenquang-eoffice', 'tuyenquang-xa-eoffice']) {
      if (!nodes.has(id)) throw new Error(`the example directory has no node ${id}`);
    }
    const organ = (organId: string, nodeId: string): Recipient => {
      if (!organizations.has(organId))
        throw new Error(`the example directory has no organization ${organId}`);
      return { organId, nodeId };
    };
    const audit = { at: new Date(), actor: SETUP };
    const newNode = async (id: string, name: string, organId: string) => {
      await createNode(db, { id, name, organizations: [organId], ...audit });
      return organ(organId, id);
    };

    // Văn phòng Chính phủ polls; the province's e-office takes webhooks; the communes' e-office is down.
    const vpcp = organ('000.00.00.G22', 'vpcp-eoffice');
    const tinh = organ('000.00.00.Z08', 'tuyenquang-eoffice');
    const haGiang2 = organ('691.00.01.Z08', 'tuyenquang-xa-eoffice');
    const haGiang1 = organ('694.00.01.Z08', 'tuyenquang-xa-eoffice');
    await setNodeWebhook(db, {
      nodeId: tinh.nodeId,
      url: ok.url,
      secret: generateWebhookSecret(),
      ...audit,
    });
    await setNodeWebhook(db, {
      nodeId: haGiang2.nodeId,
      url: down.url,
      secret: generateWebhookSecret(),
      ...audit,
    });
    await setNodeDeliverySettings(db, {
      nodeId: haGiang2.nodeId,
      settings: { retryMaxAttempts: 1 },
      ...audit,
    });
    const noiVu = await newNode(
      'bonoivu-eoffice',
      'Hệ thống quản lý văn bản và điều hành Bộ Nội vụ',
      '000.00.00.G09',
    );
    await setNodeWebhook(db, {
      nodeId: noiVu.nodeId,
      url: ok.url,
      secret: generateWebhookSecret(),
      ...audit,
    });
    const taiChinh = await newNode(
      'botaichinh-eoffice',
      'Hệ thống quản lý văn bản và điều hành Bộ Tài chính',
      '000.00.00.G12',
    );
    const yTe = await newNode(
      'boyte-eoffice',
      'Hệ thống quản lý văn bản và điều hành Bộ Y tế',
      '000.00.00.G18',
    );
    await setNodeWebhook(db, { nodeId: yTe.nodeId, url: ok.url, secret: generateWebhookSecret(), ...audit });
    const ngocDuong = await newNode(
      'xa-ngocduong-eoffice',
      'Phần mềm quản lý văn bản xã Ngọc Đường',
      '700.00.01.Z08',
    );
    // Polling systems: VPCP polled two minutes ago; xã Ngọc Đường has been silent for three hours.
    await touchNodeSeen(db, { nodeId: vpcp.nodeId, at: ago(2 * MINUTE), staleBefore: new Date() });
    await touchNodeSeen(db, {
      nodeId: ngocDuong.nodeId,
      at: ago(3 * HOUR + 12 * MINUTE),
      staleBefore: new Date(),
    });

    // ---- documents ----
    // Old ones first, to polling systems that have not come for them: overdue
    // under QĐ 28. Hỏa tốc, two hours old, to a ministry whose system has not polled yet.
    await sendDocument(db, {
      from: vpcp,
      to: [taiChinh],
      number: '9876/VPCP-KTTH',
      subject: 'V/v triển khai khẩn cấp các giải pháp bảo đảm cân đối ngân sách nhà nước năm 2026',
      priority: 3,
      receivedAt: ago(2 * HOUR + 5 * MINUTE),
    });
    await sendDocument(db, {
      from: noiVu,
      to: [ngocDuong],
      number: '2210/BNV-CQĐP',
      subject: 'V/v triển khai sắp xếp đơn vị hành chính cấp xã và tổ chức chính quyền địa phương hai cấp',
      priority: 2,
      receivedAt: ago(5 * HOUR + 20 * MINUTE),
    });
    await sendDocument(db, {
      from: yTe,
      to: [taiChinh, vpcp],
      number: '745/BYT-KHTC',
      subject: 'V/v triển khai cơ chế tài chính cho bệnh viện tuyến tỉnh năm 2026',
      priority: 1,
      receivedAt: ago(6 * HOUR + 30 * MINUTE),
    });
    await sendDocument(db, {
      from: tinh,
      to: [vpcp],
      number: '1799/UBND-KT',
      subject: 'V/v báo cáo kết quả triển khai dịch vụ công trực tuyến toàn trình',
      priority: 0,
      receivedAt: ago(35 * MINUTE),
    });
    // Then today's traffic, pushed at once. The one the documents page traces: VPCP to five
    // recipients, delivered, failed (the communes' e-office is down) and waiting (Bộ Tài chính polls).
    const routine: Sent[] = [];
    const routineDocs: ReadonlyArray<readonly [Recipient, Recipient[], string, string, 0 | 1]> = [
      [
        vpcp,
        [tinh, noiVu],
        '3090/VPCP-TCCV',
        'V/v triển khai Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính',
        0,
      ],
      [
        noiVu,
        [tinh, yTe],
        '2188/BNV-CCVC',
        'V/v triển khai đánh giá, xếp loại chất lượng cán bộ, công chức năm 2025',
        1,
      ],
      [yTe, [tinh], '731/BYT-DP', 'V/v triển khai chiến dịch tiêm chủng mở rộng đợt 2 năm 2026', 1],
      [tinh, [noiVu], '1811/UBND-NC', 'V/v đề nghị hướng dẫn biên chế công chức cấp xã sau sắp xếp', 0],
      [vpcp, [yTe, noiVu, tinh], '3101/VPCP-KGVX', 'V/v triển khai Đề án 06 về ứng dụng dữ liệu dân cư', 0],
    ];
    for (const [from, to, number, subject, priority] of routineDocs) {
      routine.push(await sendDocument(db, { from, to, number, subject, priority }));
    }
    const nq57 = await sendDocument(db, {
      from: vpcp,
      to: [tinh, noiVu, yTe, haGiang2, taiChinh],
      number: '3125/VPCP-KGVX',
      subject:
        'V/v triển khai Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia',
      priority: 1,
    });
    // The province to two communes behind the failing e-office and to a polling commune.
    const thienTai = await sendDocument(db, {
      from: tinh,
      to: [haGiang2, haGiang1, ngocDuong],
      number: '1842/UBND-NLN',
      subject: 'V/v triển khai kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026',
      priority: 2,
    });
    hub.engine.kick();

    // Deliveries: the webhooks that answer are delivered; the communes' e-office fails.
    const states = async (doc: Sent) =>
      new Map((await listDeliveriesForMessage(db, doc.id)).map((d) => [d.recipientOrganId, d]));
    const pushed = new Set([tinh.nodeId, noiVu.nodeId, yTe.nodeId, haGiang2.nodeId]);
    const settled = async (doc: Sent) => {
      hub?.engine.kick();
      return [...(await states(doc)).values()].every(
        (d) => d.state === 'delivered' || d.state === 'failed' || !pushed.has(d.nodeId),
      );
    };
    for (const doc of [...routine, nq57, thienTai]) {
      await waitFor(() => settled(doc), 60_000, `${doc.documentId} delivered or failed`);
    }
    const nq57States = await states(nq57);
    for (const [recipient, state] of [
      [tinh, 'delivered'],
      [noiVu, 'delivered'],
      [yTe, 'delivered'],
      [haGiang2, 'failed'],
      [taiChinh, 'queued'],
    ] as const) {
      const got = nq57States.get(recipient.organId)?.state;
      if (got !== state) throw new Error(`${nq57.documentId} to ${recipient.organId}: ${got}, not ${state}`);
    }

    // Business statuses, in the agencies' words, seconds after the deliveries; the 05s in a later
    // minute, so that the trace shows them coming in over time.
    const settledAt = Date.now();
    const after = (seconds: number) => new Date(settledAt + seconds * 1000);
    const status = async (
      doc: Sent,
      recipient: Recipient,
      code: BusinessStatusCode,
      description: string,
      at: Date,
    ) =>
      recordBusinessStatus(db, {
        documentMessageId: doc.id,
        recipientOrganId: recipient.organId,
        code,
        at,
        recordedAt: at,
        inconsistent: false,
        description,
        actor: `node:${recipient.nodeId}`,
      });
    await status(nq57, tinh, '01', 'Văn thư UBND tỉnh Tuyên Quang đã nhận văn bản', after(2));
    await status(nq57, noiVu, '01', 'Đã nhận', after(4));
    await status(nq57, yTe, '01', 'Đã nhận', after(5));
    await status(nq57, tinh, '03', 'Đã vào sổ văn bản đến số 1256', after(9));
    await status(nq57, noiVu, '03', 'Đã vào sổ văn bản đến số 4471', after(12));
    for (const doc of routine.slice(0, 3)) {
      for (const d of (await states(doc)).values()) {
        if (d.state !== 'delivered') continue;
        const recipient = { organId: d.recipientOrganId, nodeId: d.nodeId };
        await status(doc, recipient, '01', 'Đã nhận', after(3));
        await status(doc, recipient, '03', 'Đã vào sổ văn bản đến', after(10));
      }
    }
    const minute = Math.floor((settledAt + 15_000) / MINUTE);
    process.stdout.write('waiting for the next minute (business statuses 05)…\n');
    await waitFor(async () => Math.floor(Date.now() / MINUTE) > minute, 65_000, 'the next minute');
    await status(
      nq57,
      tinh,
      '05',
      'Giao Sở Khoa học và Công nghệ chủ trì tham mưu, hạn xử lý 15 ngày',
      new Date(),
    );
    await status(nq57, noiVu, '05', 'Giao Vụ Tổ chức cán bộ xử lý', new Date());

    // Console accounts: the admin who takes the screenshots, and two colleagues.
    const accounts = createOperatorAccounts(db, DEFAULT_CONSOLE_SETTINGS);
    const admin = await accounts.add({ name: 'nguyenvana', role: 'admin' }, { at: new Date(), actor: SETUP });
    if (!admin.ok) throw new Error(admin.error.message);
    for (const [name, role] of [
      ['tranthib', 'operator'],
      ['lequangc', 'viewer'],
    ] as const) {
      const added = await accounts.add({ name, role }, { at: new Date(), actor: SETUP });
      if (!added.ok) throw new Error(added.error.message);
    }

    // ---- the browser ----
    process.stdout.write(`hub at ${base}; taking screenshots…\n`);
    browser = await launchVietnameseBrowser();
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'vi-VN', deviceScaleFactor: 1 });
    const page = await context.newPage();

    await page.goto(`${base}/console/login`);
    await page.fill('input[name="username"]', 'nguyenvana');
    await page.fill('input[name="password"]', admin.value.password);
    await shoot(page, 'login.png', written);
    await logIn(page, base, 'nguyenvana', admin.value.password);
    if ((await page.textContent('h1')) !== 'Tổng quan')
      throw new Error('the login did not reach the overview');

    // A retry from the console (the communes' system still answers 503: it fails again).
    const failedDelivery = (await states(thienTai)).get(haGiang1.organId);
    if (!failedDelivery) throw new Error('no delivery to Hà Giang 1');
    await page.goto(`${base}/console/failed`);
    await page.locator(`#failed tr[data-delivery-id="${failedDelivery.id}"] button`).click();
    await page.waitForURL(/flash=retried/);
    await waitFor(
      async () => {
        hub?.engine.kick();
        const d = (await states(thienTai)).get(haGiang1.organId);
        return d?.state === 'failed' && d.attempts >= 2;
      },
      60_000,
      'the retried delivery failing again',
    );
    // A new viewer account, added from the console.
    await page.goto(`${base}/console/operators`);
    await page.fill('input[name="name"]', 'phamthid');
    await page.selectOption('select[name="role"]', 'viewer');
    await page.click('form.filters button[type="submit"]');
    await page.waitForSelector('#issued-password');

    await page.goto(`${base}/console`);
    await shoot(page, 'overview.png', written);
    await page.goto(`${base}/console/documents?documentId=${encodeURIComponent(nq57.documentId)}`);
    await shoot(page, 'documents.png', written);
    await page.goto(`${base}/console/documents/${thienTai.id}`);
    await shoot(page, 'document.png', written);
    await page.goto(`${base}/console/failed`);
    await shoot(page, 'failed.png', written);
    await page.goto(`${base}/console/nodes`);
    await shoot(page, 'nodes.png', written);
    await page.goto(`${base}/console/statistics`);
    await shoot(page, 'statistics.png', written);
    await page.goto(`${base}/console/alerts`);
    await shoot(page, 'alerts.png', written);
    await page.goto(`${base}/console/audit`);
    await shoot(page, 'audit.png', written);
    await page.goto(`${base}/console/operators`);
    await shoot(page, 'operators.png', written);
    await context.close();
    process.stdout.write(`receivers: ${ok.count()} pushes answered 200, ${down.count()} answered 503\n`);
  } finally {
    await browser?.close().catch(() => {});
    await hub?.close().catch(() => {});
    for (const server of receivers) await closeServer(server).catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
  for (const file of written) {
    const { size } = await stat(file);
    process.stdout.write(`wrote ${path.relative(repoRoot, file)} (${Math.round(size / 1024)} KiB)\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
