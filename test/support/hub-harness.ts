// Starts a real hub (createHub) on 127.0.0.1 with a generated development PKI as its trust store,
// on the real Postgres (unique schema) or on embedded Postgres in a temp folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Logger, pino } from 'pino';
import { createHub, type Hub } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDevPki, type DevOrganization, signEdxml } from '../../src/signature/index.ts';
import { addClientCertificate, createNode } from '../../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './db.ts';

export type Backend = 'server' | 'embedded';

export interface TestHub {
  readonly hub: Hub;
  readonly url: string;
  readonly pki: Map<string, DevOrganization>;
  /** Adds a node serving organizations; returns its bearer token. */
  addNode(input: {
    id: string;
    organizations: string[];
    signaturePolicy?: 'require' | 'legacy-unsigned';
    pinCertificateOf?: string;
    /** SHA-256 of TLS client certificates the node must call with. */
    clientCertificates?: string[];
  }): Promise<string>;
  /** Signs an edXML document with the development certificate of `organId`. */
  sign(xml: string, organId: string): Promise<string>;
  /** HTTP call with a bearer token. */
  call(method: string, pathname: string, token: string | null, body?: string | Uint8Array): Promise<Response>;
  /** Stops the hub and removes its data (schema or temp folder). */
  close(): Promise<void>;
  /** Stops the hub but keeps its data (restart tests). */
  stop(): Promise<void>;
  readonly env: NodeJS.ProcessEnv;
  readonly schema: string | undefined;
}

export interface StartOptions {
  backend: Backend;
  /** Organizations that get a development certificate. */
  organIds: string[];
  /** Extra organizations whose certificates come from an untrusted PKI. */
  untrustedOrganIds?: string[];
  /** Signature worker threads (default 1). */
  verifyThreads?: number;
  /** More configuration (e.g. LIENTHONG_TLS_CERT / LIENTHONG_TLS_KEY). */
  env?: NodeJS.ProcessEnv;
  /**
   * The hub's logger (default: silent). Fuzz tests pass one writing to memory, to check that every
   * 5xx answer has its cause in the log.
   */
  logger?: Logger;
  /** Reuse the data of an earlier hub (restart). */
  reuse?: {
    env: NodeJS.ProcessEnv;
    schema: string | undefined;
    pki: Map<string, DevOrganization>;
    dir: string;
  };
}

export async function startTestHub(options: StartOptions): Promise<TestHub & { dir: string }> {
  const dir = options.reuse?.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'lienthong-hub-')));
  let pki = options.reuse?.pki;
  if (!pki) {
    const at = new Date();
    const dev = await createDevPki({ organIds: options.organIds, at });
    const trust = path.join(dir, 'trust');
    await mkdir(trust, { recursive: true });
    await writeFile(path.join(trust, 'root.pem'), dev.rootCertPem);
    await writeFile(path.join(trust, 'ca.pem'), dev.caCertPem);
    pki = new Map(dev.organizations.map((o) => [o.organId, o]));
    if (options.untrustedOrganIds?.length) {
      const other = await createDevPki({ organIds: options.untrustedOrganIds, at });
      for (const o of other.organizations) pki.set(o.organId, o);
    }
  }
  const schema =
    options.reuse?.schema ?? (options.backend === 'server' ? uniqueSchemaName('lt_e2e') : undefined);
  const env: NodeJS.ProcessEnv = options.reuse?.env ?? {
    ...(options.backend === 'server'
      ? { DATABASE_URL: TEST_DATABASE_URL }
      : { LIENTHONG_DATA_DIR: path.join(dir, 'data') }),
    LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
    LIENTHONG_VERIFY_THREADS: String(options.verifyThreads ?? 1),
    PORT: '0',
    ...options.env,
  };
  const hub = await createHub(loadConfig(env), {
    logger: options.logger ?? pino({ level: 'silent' }),
    loadExampleDirectory: false,
    ...(schema ? { schema } : {}),
  });
  const address = await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const certs = pki;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await hub.close();
  };
  return {
    hub,
    url: address,
    pki: certs,
    env,
    schema,
    dir,
    async addNode(input) {
      const pin = input.pinCertificateOf ? certs.get(input.pinCertificateOf) : undefined;
      const created = await createNode(hub.database.db, {
        id: input.id,
        organizations: input.organizations,
        signaturePolicy: input.signaturePolicy ?? 'require',
        at: new Date(),
        actor: 'test',
        ...(pin ? { signerCertificates: [{ sha256: pin.sha256Thumbprint }] } : {}),
      });
      for (const certSha256 of input.clientCertificates ?? []) {
        await addClientCertificate(hub.database.db, {
          nodeId: input.id,
          certSha256,
          at: new Date(),
          actor: 'test',
        });
      }
      return created.token;
    },
    async sign(xml, organId) {
      const org = certs.get(organId);
      if (!org) throw new Error(`no development certificate for ${organId}`);
      return signEdxml(xml, { keyPem: org.keyPem, certPem: org.certPem });
    },
    call(method, pathname, token, body) {
      return fetch(`${address}${pathname}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/xml' } : {}),
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : new Uint8Array(body).buffer }
          : {}),
      });
    },
    stop,
    async close() {
      await stop();
      if (schema) await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
