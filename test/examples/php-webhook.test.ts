// examples/php against a real hub: verify_webhook.php checks a push captured from the hub (and
// refuses it tampered), serves as a live webhook endpoint under `php -S`, and example.php polls,
// fetches and acknowledges. php (with the curl extension) must be installed: without it this file
// fails, it is never skipped.

import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveriesForMessage } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { acceptPackages, addEngineNode } from '../support/engine-harness.ts';
import {
  capturePush,
  createExampleNodes,
  type ExampleHub,
  expectVerdicts,
  type LineProcess,
  REPO,
  requireTool,
  runToEnd,
  startExampleHub,
  startLineProcess,
} from './example-support.ts';

const PHP = 'Debian: apt-get install -y php-cli php-curl';
const VERIFY = path.join(REPO, 'examples/php/verify_webhook.php');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PHP examples (examples/php) against a real hub', () => {
  let ex: ExampleHub;
  let phpServer: LineProcess | null = null;

  beforeAll(async () => {
    requireTool('php', ['--version'], PHP);
    const modules = await runToEnd('php', ['-m']);
    if (!/^curl$/m.test(modules.out))
      throw new Error(`the PHP curl extension is missing. Install it: ${PHP}`);
    ex = await startExampleHub('phpex');
  }, 60_000);

  afterAll(async () => {
    await phpServer?.stop();
    await ex?.close();
  });

  it('verify_webhook.php accepts a push captured from the hub and refuses it tampered', async () => {
    const { hub } = ex;
    const secret = 'whsec-php-example-Hà-Giang';
    const push = await capturePush(hub, { role: 'phpcap', secret });
    const headerLines = (headers: IncomingHttpHeaders) =>
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${String(value)}`)
        .join('\r\n');
    const check = async (name: string, headers: IncomingHttpHeaders, body: Buffer) => {
      const headersFile = path.join(ex.dir, `${name}.headers`);
      const bodyFile = path.join(ex.dir, `${name}.body`);
      await writeFile(headersFile, headerLines(headers));
      await writeFile(bodyFile, body);
      return runToEnd('php', [VERIFY, headersFile, bodyFile], {
        env: { ...process.env, LIENTHONG_WEBHOOK_SECRET: secret },
      });
    };
    await expectVerdicts(push, check);
    // The message id is signed too.
    const otherId = '99999999-2222-4333-8444-555555555555';
    expect(await check('id', { ...push.headers, 'lienthong-message-id': otherId }, push.body)).toMatchObject({
      code: 1,
      out: `bad ${otherId} mismatch\n`,
    });
  }, 40_000);

  it('verify_webhook.php as a live endpoint (php -S) takes a real push; example.php polls and acks', async () => {
    const { hub, url } = ex;
    const db = hub.database.db;
    const secret = 'whsec-php-live';
    const port = await freePort();
    phpServer = startLineProcess('php', ['-S', `127.0.0.1:${port}`, VERIFY], {
      ...process.env,
      LIENTHONG_WEBHOOK_SECRET: secret,
    });
    const sender = await addEngineNode(db, { role: 'sender' });
    const target = await addEngineNode(db, {
      role: 'phplive',
      webhookUrl: `http://127.0.0.1:${port}/lienthong`,
      secret,
    });
    // Wait until php -S answers (a refused connection would only be retried later).
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 405,
      10_000,
      'php -S up',
    );
    const [pushed] = await acceptPackages(db, sender, [target], 1);
    hub.engine.kick();
    await waitFor(
      async () => (await listDeliveriesForMessage(db, pushed!))[0]?.state === 'delivered',
      20_000,
      'the push delivered to php -S',
    );
    expect(await listDeliveriesForMessage(db, pushed!)).toMatchObject([{ deliveredBy: 'webhook' }]);
    await waitFor(() => phpServer!.stderr().includes(`ok ${pushed} package`), 5_000, 'the ok line');
    const forged = await fetch(`http://127.0.0.1:${port}/lienthong`, {
      method: 'POST',
      headers: {
        'lienthong-message-id': pushed!,
        'lienthong-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: 'x',
    });
    expect(forged.status).toBe(401);
    await waitFor(() => phpServer!.stderr().includes(`bad ${pushed} mismatch`), 5_000, 'the bad line');

    const { sender: unsigned, recipient: polling } = await createExampleNodes(hub, 'php');
    const php = (...args: string[]) =>
      runToEnd('php', [path.join(REPO, 'examples/php/example.php'), url, ...args]);
    const sent = await php(unsigned.token, 'send', path.join(REPO, 'examples/congvan.edxml'));
    expect(sent, sent.err).toMatchObject({ code: 0 });
    const id = /^sent (\S+) package duplicate=false$/m.exec(sent.out)?.[1];
    expect(id, sent.out).toBeTruthy();
    const polled = await php(polling.token, 'poll', '5');
    expect(polled, polled.err).toMatchObject({ code: 0 });
    expect(polled.out).toContain(`acked ${id} changed=true`);
    expect(await listDeliveriesForMessage(db, id!)).toMatchObject([
      { nodeId: polling.node.id, state: 'delivered', deliveredBy: 'ack' },
    ]);
    expect(await php(polling.token, 'poll', '0')).toMatchObject({ code: 0, out: 'empty\n' });
    const refused = await php('lt_not-a-token', 'poll', '0');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('401 AUTH_REQUIRED');
  }, 40_000);
});
