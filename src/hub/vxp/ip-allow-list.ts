import { BlockList, isIP } from 'node:net';

/*
 * Per-system IP allow-list. The XroadVnpt HMAC covers a frozen timestamp and no path, so a captured
 * request can be replayed forever (spec vxp-api.md §3.7); the source address is the one thing a
 * replaying stranger usually cannot fake.
 */

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the IPv4 address `10.0.0.1`. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

const compiled = new WeakMap<readonly string[], BlockList>();

function compile(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const [address = '', prefix] = raw.trim().split('/');
    const ip = normalise(address);
    const family = isIP(ip);
    if (family === 0) continue; // an unreadable entry allows nothing (fail closed)
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(ip, type);
      continue;
    }
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) continue;
    list.addSubnet(ip, bits, type);
  }
  return list;
}

/** True when the list is empty (no restriction) or the address is in it. */
export function ipAllowed(entries: readonly string[], remoteAddress: string): boolean {
  if (entries.length === 0) return true;
  let list = compiled.get(entries);
  if (list === undefined) {
    list = compile(entries);
    compiled.set(entries, list);
  }
  const ip = normalise(remoteAddress);
  const family = isIP(ip);
  if (family === 0) return false;
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
