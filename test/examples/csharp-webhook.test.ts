// examples/csharp against a real hub, built with Mono's mcs: WebhookVerifier.cs checks a push
// captured from the hub (and refuses it tampered), Example.cs sends, polls, fetches and acks.
// mcs and mono must be installed: without them this file fails, it is never skipped.
import { writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveriesForMessage } from '../../src/store/index.ts';
import {
  capturePush,
  createExampleNodes,
  type ExampleHub,
  expectVerdicts,
  REPO,
  requireTool,
  runToEnd,
  startExampleHub,
} from './example-support.ts';

const MONO =
  'Debian: apt-get install -y mono-mcs mono-runtime libmono-system-net-http4.0-cil libmono-system-runtime-serialization4.0-cil';

describe('C# examples (examples/csharp) against a real hub', () => {
  let ex: ExampleHub;
  let exe: string;

  beforeAll(async () => {
    requireTool('mcs', ['--version'], MONO);
    requireTool('mono', ['--version'], MONO);
    ex = await startExampleHub('csex');
    exe = path.join(ex.dir, 'Example.exe');
    const built = await runToEnd(
      'mcs',
      [
        `-out:${exe}`,
        '-warnaserror',
        '-r:System.Net.Http.dll',
        '-r:System.Runtime.Serialization.dll',
        path.join(REPO, 'examples/csharp/Example.cs'),
        path.join(REPO, 'examples/csharp/WebhookVerifier.cs'),
      ],
      { timeoutMs: 60_000 },
    );
    expect(built, 'mcs output').toMatchObject({ code: 0 });
  }, 60_000);

  afterAll(async () => {
    await ex?.close();
  });

  it('WebhookVerifier.cs accepts a push captured from the hub and refuses it tampered', async () => {
    const { hub } = ex;
    const secret = 'whsec-csharp-Cà-Mau';
    const push = await capturePush(hub, { role: 'cscap', secret });
    const check = async (name: string, headers: IncomingHttpHeaders, body: Buffer) => {
      const headersFile = path.join(ex.dir, `${name}.headers`);
      const bodyFile = path.join(ex.dir, `${name}.body`);
      await writeFile(
        headersFile,
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n'),
      );
      await writeFile(bodyFile, body);
      return runToEnd('mono', [exe, 'verify', headersFile, bodyFile], {
        env: { ...process.env, LIENTHONG_WEBHOOK_SECRET: secret },
      });
    };
    await expectVerdicts(push, check);
  }, 40_000);

  it('Example.cs sends, then polls, fetches and acks as the recipient (delivered by ack)', async () => {
    const { hub, url } = ex;
    const db = hub.database.db;
    const { sender, recipient } = await createExampleNodes(hub, 'cs');
    const cs = (...args: string[]) => runToEnd('mono', [exe, url, ...args]);
    const sent = await cs(sender.token, 'send', path.join(REPO, 'examples/congvan.edxml'));
    expect(sent, sent.err).toMatchObject({ code: 0 });
    const id = /^sent (\S+) package duplicate=false$/m.exec(sent.out)?.[1];
    expect(id, sent.out).toBeTruthy();
    expect(sent.out).toContain('to 000.00.00.Z08 queued');
    const polled = await cs(recipient.token, 'poll', '5');
    expect(polled, polled.err).toMatchObject({ code: 0 });
    expect(polled.out).toContain(`acked ${id} changed=true`);
    expect(await listDeliveriesForMessage(db, id!)).toMatchObject([
      { nodeId: recipient.node.id, state: 'delivered', deliveredBy: 'ack' },
    ]);
    expect(await cs(recipient.token, 'poll', '0')).toMatchObject({ code: 0, out: 'empty\n' });
    const refused = await cs('lt_not-a-token', 'poll', '0');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('401 AUTH_REQUIRED');
  }, 40_000);
});
