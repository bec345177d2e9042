import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHub } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createTlsMaterial } from './support/tls-certs.ts';

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

  // The data directory below cannot be created (its parent is a file), so reaching the database
  // would fail with another error: the TLS files are checked first.
  const unopenable = { LIENTHONG_DATA_DIR: '/etc/hostname/data', DATABASE_URL: '' };

  it('refuses to start with a certificate file it cannot read, before opening any database', async () => {
    const started = createHub(
      loadConfig({
        ...unopenable,
        LIENTHONG_TLS_CERT: '/nonexistent/hub.crt',
        LIENTHONG_TLS_KEY: '/nonexistent/hub.key',
      }),
    );
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toMatchObject({
      variable: 'LIENTHONG_TLS_CERT',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('refuses a key that does not belong to the certificate, before opening any database', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-config-'));
    try {
      const tls = await createTlsMaterial(dir, 1);
      const started = createHub(
        loadConfig({
          ...unopenable,
          LIENTHONG_TLS_CERT: tls.server.certFile,
          LIENTHONG_TLS_KEY: tls.clients[0]!.keyFile,
        }),
      );
      await expect(started).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        variable: 'LIENTHONG_TLS_KEY',
        message: expect.stringContaining('cannot be used together'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('first-start directory (audit point 8)', () => {
  it('loads the example only in the embedded quick start; with DATABASE_URL nothing unless a file is named', () => {
    expect(loadConfig({}).exampleDirectory).toMatch(/directory\.example\.yaml$/);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).exampleDirectory).toBeNull();
    expect(
      loadConfig({ DATABASE_URL: 'postgres://x/y', LIENTHONG_DIRECTORY: '' }).exampleDirectory,
    ).toBeNull();
    expect(loadConfig({ LIENTHONG_DIRECTORY: 'none' }).exampleDirectory).toBeNull();
    expect(
      loadConfig({ DATABASE_URL: 'postgres://x/y', LIENTHONG_DIRECTORY: 'dir.yaml' }, '/srv')
        .exampleDirectory,
    ).toBe('/srv/dir.yaml');
  });
});
