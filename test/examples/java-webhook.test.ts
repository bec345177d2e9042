// examples/java against a real hub: the JDK-only webhook receiver verifies real pushes (and refuses
// a forged, a stale and a malformed one), and LienthongExample sends a package through /v1 and
// polls, fetches and acknowledges it as the recipient's e-office system. javac and java must be
// installed: without them this file fails, it is never skipped.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/adapters/webhook/index.ts';
import { getMessageRaw, listDeliveriesForMessage } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { acceptPackages, addEngineNode } from '../support/engine-harness.ts';
import {
  createExampleNodes,
  type ExampleHub,
  type LineProcess,
  REPO,
  requireTool,
  runToEnd,
  startExampleHub,
  startLineProcess,
} from './example-support.ts';

// Short-lived JVMs on a busy CI machine: skip the optimising compiler, use the small collector.
const FAST_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const JDK = 'a JDK 17 or later (Debian: apt-get install -y openjdk-17-jdk-headless)';

describe('Java examples (examples/java) against a real hub', () => {
  let classes: string;
  let ex: ExampleHub;
  let receiver: LineProcess | null = null;

  beforeAll(async () => {
    requireTool('javac', ['-version'], JDK);
    requireTool('java', ['-version'], JDK);
    classes = await mkdtemp(path.join(os.tmpdir(), 'lienthong-java-'));
    const sources = ['WebhookVerifier.java', 'WebhookReceiver.java', 'LienthongExample.java'].map((f) =>
      path.join(REPO, 'examples/java', f),
    );
    const compiled = await runToEnd('javac', ['-Xlint:all', '-Werror', '-d', classes, ...sources], {
      timeoutMs: 60_000,
    });
    expect(compiled, 'javac output').toMatchObject({ code: 0 });
    ex = await startExampleHub('javaex');
  }, 60_000);

  afterAll(async () => {
    await receiver?.stop();
    await ex?.close();
    if (classes) await rm(classes, { recursive: true, force: true });
  });

  it('WebhookReceiver verifies a real push (200, delivered) and refuses forged, stale and malformed ones (401)', async () => {
    const { hub } = ex;
    const secret = 'whsec-java-example-Đà-Nẵng'; // non-ASCII: the key is the secret's UTF-8 bytes
    const store = path.join(ex.dir, 'received');
    receiver = startLineProcess('java', ['-cp', classes, 'WebhookReceiver', '0', store], {
      ...process.env,
      LIENTHONG_WEBHOOK_SECRET: secret,
    });
    const listening = await receiver.waitForLine((l) => l.startsWith('listening '), 15_000, 'the receiver');
    const port = Number(listening.split(' ')[1]);
    const url = `http://127.0.0.1:${port}/lienthong`;

    const sender = await addEngineNode(hub.database.db, { role: 'sender' });
    const target = await addEngineNode(hub.database.db, { role: 'javarx', webhookUrl: url, secret });
    const [messageId] = await acceptPackages(hub.database.db, sender, [target], 1);
    hub.engine.kick();

    await receiver.waitForLine((l) => l === `ok ${messageId} package`, 20_000, 'the verified push');
    await waitFor(
      async () => {
        const [delivery] = await listDeliveriesForMessage(hub.database.db, messageId!);
        return delivery?.state === 'delivered';
      },
      10_000,
      'delivery recorded as delivered',
    );
    const [delivery] = await listDeliveriesForMessage(hub.database.db, messageId!);
    expect(delivery).toMatchObject({ nodeId: target.nodeId, state: 'delivered', deliveredBy: 'webhook' });
    // The receiver stored the exact bytes the hub holds before it answered 200.
    const raw = await getMessageRaw(hub.database.db, messageId!);
    expect(await readFile(path.join(store, `${messageId}.xml`))).toEqual(raw);

    const body = raw ?? Buffer.alloc(0);
    const push = (headers: Record<string, string>, payload: Uint8Array = body) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'lienthong-kind': 'package', ...headers },
        body: Uint8Array.from(payload),
      });
    const signed = (at: Date, key = secret, id = messageId!, bytes: Uint8Array = body) =>
      signWebhook({ secret: key, messageId: id, body: bytes, at });

    // The same push again (at-least-once delivery): accepted, recognised as a duplicate.
    const again = await push({
      'lienthong-message-id': messageId!,
      'lienthong-signature': signed(new Date()),
    });
    expect(again.status).toBe(200);
    await receiver.waitForLine((l) => l === `ok ${messageId} package duplicate`, 5_000, 'the duplicate');

    const forgedId = '11111111-2222-4333-8444-555555555555';
    const cases: Array<{
      id: string;
      headers: Record<string, string>;
      payload?: Uint8Array;
      reason: string;
    }> = [
      // Signed with another secret.
      {
        id: forgedId,
        headers: { 'lienthong-signature': signed(new Date(), 'not-the-secret', forgedId) },
        reason: 'mismatch',
      },
      // A valid signature over other bytes (the body was changed on the way).
      {
        id: '22222222-2222-4333-8444-555555555555',
        headers: {
          'lienthong-signature': signed(new Date(), secret, '22222222-2222-4333-8444-555555555555'),
        },
        payload: Buffer.concat([body, Buffer.from(' ')]),
        reason: 'mismatch',
      },
      // A captured push replayed ten minutes later.
      {
        id: '33333333-2222-4333-8444-555555555555',
        headers: {
          'lienthong-signature': signed(
            new Date(Date.now() - 600_000),
            secret,
            '33333333-2222-4333-8444-555555555555',
          ),
        },
        reason: 'stale',
      },
      {
        id: '44444444-2222-4333-8444-555555555555',
        headers: { 'lienthong-signature': 't=abc,v1=xyz' },
        reason: 'malformed',
      },
      { id: '55555555-2222-4333-8444-555555555555', headers: {}, reason: 'missing' },
    ];
    for (const c of cases) {
      const res = await push({ 'lienthong-message-id': c.id, ...c.headers }, c.payload);
      expect([c.reason, res.status]).toEqual([c.reason, 401]);
      await receiver.waitForLine((l) => l === `bad ${c.id} ${c.reason}`, 5_000, `bad ${c.reason}`);
    }
    // Nothing refused was stored; the one real message was printed "ok" once, plus its duplicate.
    expect(receiver.lines.filter((l) => l.startsWith('ok '))).toEqual([
      `ok ${messageId} package`,
      `ok ${messageId} package duplicate`,
    ]);
  }, 40_000);

  it('LienthongExample sends through /v1, then polls, fetches and acks as the recipient (delivered by ack)', async () => {
    const { hub, url } = ex;
    const db = hub.database.db;
    // The example package goes from 000.00.00.G22 to 000.00.00.Z08 and is not signed: the sending
    // node takes unsigned packages (legacy-unsigned), the recipient polls (no webhook).
    const { sender, recipient } = await createExampleNodes(hub, 'java');
    const java = (...args: string[]) =>
      runToEnd('java', [...FAST_JVM, '-cp', classes, 'LienthongExample', url, ...args]);

    const sent = await java(sender.token, 'send', path.join(REPO, 'examples/congvan.edxml'));
    expect(sent, sent.err).toMatchObject({ code: 0 });
    const sentId = /^sent (\S+) package duplicate=false$/m.exec(sent.out)?.[1];
    expect(sentId, sent.out).toBeTruthy();
    expect(sent.out).toContain('to 000.00.00.Z08 queued');

    // A package accepted through the store for the same node comes after it (oldest first).
    const [stored] = await acceptPackages(
      db,
      { nodeId: sender.node.id, organId: '000.00.00.G22' },
      [{ nodeId: recipient.node.id, organId: '000.00.00.Z08' }],
      1,
    );

    const polled = await java(recipient.token, 'poll', '5');
    expect(polled, polled.err).toMatchObject({ code: 0 });
    expect(polled.out).toContain(
      `received ${sentId} package 000.00.00.G22,2026/11/20,123/VPCP-VP from 000.00.00.G22`,
    );
    expect(polled.out).toContain(`acked ${sentId} changed=true`);
    expect(await listDeliveriesForMessage(db, sentId!)).toMatchObject([
      { nodeId: recipient.node.id, state: 'delivered', deliveredBy: 'ack' },
    ]);

    // A second poll with a folder stores what is left, byte for byte, before acknowledging it.
    const dir = path.join(ex.dir, 'polled');
    const second = await java(recipient.token, 'poll', '0', dir);
    expect(second.out, second.err).toContain(`acked ${stored} changed=true`);
    expect(await readFile(path.join(dir, `${stored}.xml`))).toEqual(await getMessageRaw(db, stored!));
    expect(await listDeliveriesForMessage(db, stored!)).toMatchObject([
      { state: 'delivered', deliveredBy: 'ack' },
    ]);
    // Errors come back as the hub's stable codes, and the example exits 1 without retrying them.
    const unauthorized = await java('lt_not-a-token', 'poll', '0');
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.err).toContain('401 AUTH_REQUIRED');
  }, 60_000);
});
