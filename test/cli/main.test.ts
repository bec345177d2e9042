import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('lienthong CLI', () => {
  it('prints help and exits 0', async () => {
    const c = capture();
    expect(await main(['node', 'lienthong', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: lienthong');
  });

  it('exits 2 on a usage error', async () => {
    const c = capture();
    expect(await main(['node', 'lienthong', 'no-such-command'], c.io)).toBe(2);
  });
});
