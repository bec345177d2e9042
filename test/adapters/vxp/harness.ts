import Fastify, { type FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { type VxpPluginOptions, vxpPlugin } from '../../../src/adapters/vxp/index.ts';
import {
  findNulls,
  type SdkResponse,
  type VxpOperation,
  VxpSdkClient,
  type VxpSdkClientOptions,
} from '../../support/vxp-sdk-client.ts';
import { InMemoryVxpPort } from './in-memory-vxp-port.ts';

/** Sender side of the samples: edoc.edxml is From 002.00.20.H13, the gateway uploads From vxp.saas.03. */
export const SENDER = { systemId: 'vxp.sender', secret: 'sender-secret-123' } as const;
/** Receiver side: edoc.edxml is To 000.00.15.H51, gateway uploads To vxp.saas.02. */
export const RECEIVER = { systemId: 'vxp.receiver', secret: 'receiver-secret-456' } as const;

export interface Harness {
  readonly app: FastifyInstance;
  readonly port: InMemoryVxpPort;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** An SDK installation for a system, with the endpoint `<origin><basePath>`. */
  sdk(system: { systemId: string; secret: string }, extra?: Partial<VxpSdkClientOptions>): VxpSdkClient;
  close(): Promise<void>;
}

/**
 * A Fastify app with only the VXP plugin, on a real socket at 127.0.0.1, over the in-memory hub
 * double. The clock advances one second per reading, so arrival order is deterministic.
 */
export async function startHarness(options: Partial<VxpPluginOptions> = {}): Promise<Harness> {
  const port = new InMemoryVxpPort();
  port.addSystem({ ...SENDER });
  port.addSystem({ ...RECEIVER });
  port.serve(SENDER.systemId, '002.00.20.H13', 'vxp.saas.03', '000.00.00.G22');
  port.serve(RECEIVER.systemId, '000.00.15.H51', 'vxp.saas.02', '28.22.H17', '000.00.00.H41');
  let tick = Date.parse('2026-11-25T04:30:00.000Z');
  const app = Fastify({ logger: false });
  const basePath = options.basePath ?? '/vxp';
  const now = () => {
    tick += 1000;
    return new Date(tick);
  };
  await app.register(vxpPlugin({ port, now, ...options }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    app,
    port,
    origin,
    sdk: (system, extra = {}) =>
      new VxpSdkClient({
        endpoint: `${origin}${basePath}`,
        systemId: system.systemId,
        secret: system.secret,
        continueTimeoutMs: 3000,
        ...extra,
      }),
    close: () => app.close(),
  };
}

/**
 * The checks every VXP JSON answer must pass (spec §4, §10.4): HTTP 200, ASCII-only bytes, a JSON object
 * with string status/ErrorCode/ErrorDesc, and no null anywhere. Returns the parsed object.
 */
export function envelopeOf(response: SdkResponse): Record<string, unknown> {
  expect(response.status).toBe(200);
  expect(response.raw.every((b) => b < 0x80)).toBe(true);
  expect(String(response.headers['content-encoding'] ?? 'identity')).toBe('identity');
  const json = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  expect(typeof json).toBe('object');
  expect(findNulls(json)).toEqual([]);
  expect(typeof json['status']).toBe('string');
  expect(typeof json['ErrorCode']).toBe('string');
  expect(typeof json['ErrorDesc']).toBe('string');
  return json;
}

/** Asserts a FAIL envelope with the stable code at the start of ErrorDesc; returns the envelope. */
export function expectFail(response: SdkResponse, code: string, errorCode?: string): Record<string, unknown> {
  const json = envelopeOf(response);
  expect(json['status']).toBe('FAIL');
  expect(json['ErrorCode']).not.toBe('0');
  if (errorCode !== undefined) expect(json['ErrorCode']).toBe(errorCode);
  expect(String(json['ErrorDesc']).split(':')[0]).toBe(code);
  return json;
}

export function expectOk(response: SdkResponse): Record<string, unknown> {
  const json = envelopeOf(response);
  expect(json).toMatchObject({ status: 'OK', ErrorCode: '0' });
  return json;
}

/** The payload member and empty value each operation's FAIL envelope must carry. */
export const EMPTY_PAYLOAD: Readonly<Record<Exclude<VxpOperation, 'downloadEdoc'>, Record<string, unknown>>> =
  {
    sendEdoc: { DocId: '' },
    getReceivedEdocList: { data: [] },
    getSentEdocList: { data: [] },
    getEdoc: { data: '' },
    updateStatus: {},
    countReceiveEdoc: { count: 0 },
    countReceiveStatus: { count: 0 },
    getAgenciesList: { data: [] },
    getAgenciesListQD20: { data: [] },
    getSynchronizeUnit: { data: [] },
    registerAgency: {},
    deleteAgency: {},
  };
