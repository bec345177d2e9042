// LIENTHONG_TRUST_PROXY (audit point 9): the client address the VXP allow-list judges is the
// connection's peer unless the hub is told which proxies to believe; X-Forwarded-For from anyone
// else is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { startTestHub, type TestHub } from '../../support/hub-harness.ts';
import { runCliIn } from '../../support/run-cli.ts';
import { VxpSdkClient } from '../../support/vxp-sdk-client.ts';
import { expectFail, expectOk } from '../vxp/harness.ts';

const SYSTEM = '000.00.00.H22';
const OFFICE_IP = '10.9.8.7';

async function withVxpSystem(t: TestHub): Promise<string> {
  const env = { DATABASE_URL: t.env['DATABASE_URL'], LIENTHONG_DB_SCHEMA: t.schema };
  const run = await runCliIn(
    env,
    'node',
    'add',
    '--id',
    SYSTEM,
    '--org',
    SYSTEM,
    '--vxp',
    '--vxp-allow-ip',
    OFFICE_IP,
    '--json',
  );
  expect(run.code, run.err).toBe(0);
  return (JSON.parse(run.out) as { vxpSecret: string }).vxpSecret;
}

async function callFrom(t: TestHub, secret: string, forwardedFor: string) {
  const sdk = new VxpSdkClient({ endpoint: `${t.url}/vxp`, systemId: SYSTEM, secret });
  const request = sdk.prepare('getSynchronizeUnit');
  request.headers.push(['X-Forwarded-For', forwardedFor]);
  return sdk.send(request);
}

describe('LIENTHONG_TRUST_PROXY', () => {
  let plain: TestHub;
  let proxied: TestHub;
  let plainSecret: string;
  let proxiedSecret: string;

  beforeAll(async () => {
    [plain, proxied] = await Promise.all([
      startTestHub({ backend: 'server', organIds: [SYSTEM] }),
      startTestHub({ backend: 'server', organIds: [SYSTEM], env: { LIENTHONG_TRUST_PROXY: '127.0.0.1' } }),
    ]);
    plainSecret = await withVxpSystem(plain);
    proxiedSecret = await withVxpSystem(proxied);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([plain?.close(), proxied?.close()]);
  });

  it('off by default: X-Forwarded-For does not get a caller past the allow-list', async () => {
    expectFail(await callFrom(plain, plainSecret, OFFICE_IP), 'VXP_IP_NOT_ALLOWED');
  });

  it('set to the proxy: the address it forwards is the one judged', async () => {
    expectOk(await callFrom(proxied, proxiedSecret, OFFICE_IP));
    expectFail(await callFrom(proxied, proxiedSecret, '10.9.8.8'), 'VXP_IP_NOT_ALLOWED');
  });

  it('reads addresses, CIDRs and the proxy-addr names; refuses anything else, "trust all" included', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ LIENTHONG_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,loopback,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'loopback',
      '::1',
    ]);
    for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.example']) {
      expect(() => loadConfig({ LIENTHONG_TRUST_PROXY: bad }), bad).toThrow(/LIENTHONG_TRUST_PROXY/);
    }
  });
});
