import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../../../src/adapters/webhook/index.ts';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

type Verify = (secret: string, headers: IncomingHttpHeaders, body: Buffer, maxSkewSec?: number) => boolean;

const docsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/webhooks.md');

/** The receiver's check exactly as docs/webhooks.md prints it, between the verify-snippet markers. */
async function loadDocsSnippet(): Promise<{ code: string; verify: Verify; cleanup: () => Promise<void> }> {
  const markdown = await readFile(docsPath, 'utf8');
  const block = /<!-- verify-snippet:start -->\s*```js\n([\s\S]*?)```\s*<!-- verify-snippet:end -->/.exec(
    markdown,
  );
  if (block?.[1] === undefined) throw new Error('verify snippet not found in docs/webhooks.md');
  const dir = await mkdtemp(path.join(tmpdir(), 'lienthong-snippet-'));
  const file = path.join(dir, 'verify.mjs');
  await writeFile(file, block[1]);
  const mod = (await import(pathToFileURL(file).href)) as { verifyLienthong: Verify };
  return {
    code: block[1],
    verify: mod.verifyLienthong,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

describe('the signature check printed in docs/webhooks.md', () => {
  let snippet: Awaited<ReturnType<typeof loadDocsSnippet>>;
  let server: LoopbackServer;
  const sender = createWebhookSender();
  const secret = 'whsec-Ủy-ban-2026';
  const body = Buffer.from('<?xml version="1.0"?>\r\n<edXMLEnvelope>văn bản</edXMLEnvelope>');

  beforeAll(async () => {
    snippet = await loadDocsSnippet();
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const outcome = await sender.send({
      url: server.url,
      secret,
      messageId: 'msg-0001',
      kind: 'package',
      attempt: 1,
      body,
      now: new Date(),
    });
    expect(outcome.kind).toBe('delivered');
  });

  afterAll(async () => {
    await sender.close();
    await server.close();
    await snippet.cleanup();
  });

  it('is five lines of function body', () => {
    const bodyLines = snippet.code.split('\n').filter((line) => line.startsWith('  '));
    expect(bodyLines).toHaveLength(5);
  });

  it('accepts what the hub actually sent', () => {
    const [received] = server.requests;
    expect(snippet.verify(secret, received!.headers, received!.body)).toBe(true);
  });

  it('rejects a changed body, another secret, another message id and a missing header', () => {
    const [received] = server.requests;
    const tampered = Buffer.from(received!.body);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 1, tampered.length - 2);
    expect(snippet.verify(secret, received!.headers, tampered)).toBe(false);
    expect(snippet.verify('other-secret', received!.headers, received!.body)).toBe(false);
    expect(
      snippet.verify(secret, { ...received!.headers, 'lienthong-message-id': 'msg-0002' }, received!.body),
    ).toBe(false);
    const { 'lienthong-signature': _gone, ...unsigned } = received!.headers;
    expect(snippet.verify(secret, unsigned, received!.body)).toBe(false);
    expect(
      snippet.verify(secret, { ...received!.headers, 'lienthong-signature': 't=1,v1' }, received!.body),
    ).toBe(false);
  });

  it('rejects a signature older than the allowed skew (replay)', () => {
    const [received] = server.requests;
    expect(snippet.verify(secret, received!.headers, received!.body, -1)).toBe(false);
  });
});
