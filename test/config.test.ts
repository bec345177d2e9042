import { describe, expect, it } from 'vitest';
import { createHub } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig: TLS', () => {
  it('serves plain HTTP unless both LIENTHONG_TLS_CERT and LIENTHONG_TLS_KEY are set', () => {
    expect(loadConfig({}, '/srv').tls).toBeNull();
    expect(
      loadConfig({ LIENTHONG_TLS_CERT: 'tls/hub.crt', LIENTHONG_TLS_KEY: '/etc/hub.key' }, '/srv').tls,
    ).toEqual({
      certFile: '/srv/tls/hub.crt',
      keyFile: '/etc/hub.key',
    });
  });

  it('names the variable that is missing from the pair', () => {
    expect(() => loadConfig({ LIENTHONG_TLS_CERT: 'hub.crt' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', variable: 'LIENTHONG_TLS_KEY' }),
    );
    expect(() => loadConfig({ LIENTHONG_TLS_KEY: 'hub.key' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', variable: 'LIENTHONG_TLS_CERT' }),
    );
  });

  it('refuses to start with a certificate file it cannot read, before opening any database', async () => {
    const config = loadConfig({
      LIENTHONG_TLS_CERT: '/nonexistent/hub.crt',
      LIENTHONG_TLS_KEY: '/nonexistent/hub.key',
      LIENTHONG_DATA_DIR: '/nonexistent/data',
    });
    const started = createHub(config);
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toMatchObject({
      variable: 'LIENTHONG_TLS_CERT',
      message: expect.stringContaining('ENOENT'),
    });
  });
});
