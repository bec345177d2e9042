import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webhookCodes } from '../../src/adapters/webhook/codes.ts';
import { queueCodes } from '../../src/queue/codes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function sources(dir: string): Promise<string> {
  const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.ts') && f !== 'codes.ts');
  const texts = await Promise.all(files.map((f) => readFile(path.join(root, dir, f), 'utf8')));
  return texts.join('\n');
}

describe.each([
  ['src/queue', 'QUEUE', queueCodes],
  ['src/adapters/webhook', 'WEBHOOK', webhookCodes],
] as const)('codes of %s', (dir, prefix, table) => {
  it('lists every code the area writes, and writes every code it lists', async () => {
    const text = await sources(dir);
    const used = new Set([...text.matchAll(new RegExp(`'(${prefix}_[A-Z_]+)'`, 'g'))].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(table).sort());
  });

  it('gives every code an HTTP status, a meaning and an action', () => {
    for (const info of Object.values(table)) {
      expect(info.http).toBeGreaterThanOrEqual(200);
      expect(info.meaning.length).toBeGreaterThan(10);
      expect(info.action.length).toBeGreaterThan(10);
    }
  });
});
