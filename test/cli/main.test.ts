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
    expect(c.err.join('')).toMatch(/^error USAGE: unknown command 'no-such-command'/);
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const c = capture();
    expect(await main(['node', 'lienthong'], c.io)).toBe(2);
    expect(c.out.join('')).toBe('');
    expect(c.err.join('')).toContain('Usage: lienthong');
  });

  it("prints commander's own mistakes as error USAGE and exits 2", async () => {
    const unknownOption = capture();
    expect(await main(['node', 'lienthong', 'deliveries', 'list', '--no-such'], unknownOption.io)).toBe(2);
    expect(unknownOption.err.join('')).toMatch(/^error USAGE: unknown option '--no-such'/);
    const missingArgument = capture();
    expect(await main(['node', 'lienthong', 'edxml', 'inspect'], missingArgument.io)).toBe(2);
    expect(missingArgument.err.join('')).toMatch(/^error USAGE: missing required argument 'file'/);
    const group = capture();
    expect(await main(['node', 'lienthong', 'deliveries'], group.io)).toBe(2);
    expect(group.err.join('')).toContain('Usage: lienthong deliveries');
    expect(group.out.join('')).toBe('');
  });

  it("prints a command's usage mistakes as error USAGE and exits 2", async () => {
    const c = capture();
    expect(await main(['node', 'lienthong', 'deliveries', 'list', '--limit', 'many'], c.io)).toBe(2);
    expect(c.err.join('')).toBe('error USAGE: --limit is a whole number in 1..10000\n');
    const unreadable = capture();
    expect(await main(['node', 'lienthong', 'edxml', 'inspect', '/no/such/file.xml'], unreadable.io)).toBe(2);
    expect(unreadable.err.join('')).toBe('error USAGE: cannot read /no/such/file.xml: ENOENT\n');
  });

  it('still exits 0 for --help and a group help asked for', async () => {
    const c = capture();
    expect(await main(['node', 'lienthong', 'help', 'deliveries'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: lienthong deliveries');
  });
});
