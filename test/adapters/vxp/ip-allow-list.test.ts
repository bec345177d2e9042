import { describe, expect, it } from 'vitest';
import { ipAllowed } from '../../../src/hub/vxp/ip-allow-list.ts';

describe('ipAllowed', () => {
  it('allows everything when the list is empty', () => {
    expect(ipAllowed([], '203.0.113.9')).toBe(true);
  });
  it('matches addresses and CIDR blocks of both families', () => {
    const list = ['10.1.2.0/24', '192.0.2.7', '2001:db8::/32'];
    expect(ipAllowed(list, '10.1.2.200')).toBe(true);
    expect(ipAllowed(list, '10.1.3.1')).toBe(false);
    expect(ipAllowed(list, '192.0.2.7')).toBe(true);
    expect(ipAllowed(list, '192.0.2.8')).toBe(false);
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(list, '2001:db9::5')).toBe(false);
  });
  it('treats an IPv4-mapped IPv6 client address as IPv4', () => {
    expect(ipAllowed(['127.0.0.1'], '::ffff:127.0.0.1')).toBe(true);
  });
  it('fails closed on unreadable entries and addresses', () => {
    expect(ipAllowed(['not-an-ip', '10.0.0.0/99'], '10.0.0.1')).toBe(false);
    expect(ipAllowed(['10.0.0.0/8'], 'garbage')).toBe(false);
  });
});
