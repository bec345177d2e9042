// Every SDK sample package of ../shared/fixtures/vxp-sdk/ through sendEdoc on the real hub (Postgres),
// from systems with the legacy-unsigned policy (the samples carry placeholder signatures), and out
// of the receiving system's getEdoc byte for byte. Organizations: From served by the sending system,
// To by the receiving one; statuses travel after the package they answer. The samples the hub
// refuses are listed with the exact refusal and why (see "known gaps" below); a test checks that
// every file of the folder is in one list or the other.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../src/store/index.ts';
import { readSdkFixture, sdkFixtureDir } from '../adapters/vxp/fixtures.ts';
import { expectFail, expectOk } from '../adapters/vxp/harness.ts';
import { samplePackage } from '../support/edxml-samples.ts';
import type { VxpSdkClient } from '../support/vxp-sdk-client.ts';
import { startVxpTestHub, type VxpTestHub, type VxpTestSystem } from './vxp-hub.ts';

const VPCP_DOC = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';
/** Sends as the samples' senders: 002.00.20.H13 (edoc_new), 000.00.00.G22 (update, replace, revoke), 000.00.15.H51. */
const SYSTEM_1_ORGS = ['002.00.20.H13', '000.00.00.G22', '000.00.15.H51'];
/** Receives edoc_new (28.22.H17) and the VPCP document (H41, H14, G17); H41 sends the statuses. */
const SYSTEM_2_ORGS = ['28.22.H17', '000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];

type Side = 1 | 2;
/** In sending order: file, sending system, receiving system, messagetype, From. */
const CARRIED: ReadonlyArray<readonly [string, Side, Side, 'edoc' | 'status', string]> = [
  ['edoc_new.edxml', 1, 2, 'edoc', '002.00.20.H13'],
  // The VPCP document's first package on this hub is the update; the statuses below answer it.
  ['edoc_update.edxml', 1, 2, 'edoc', '000.00.00.G22'],
  ['status.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_inbox_01.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_rejection_02.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_acceptance_03.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_assignment_04.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_processing_05.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_finish_06.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_change-acceptance_15.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_change-rejection_16.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['edoc_replacement.edxml', 1, 2, 'edoc', '000.00.00.G22'],
  ['edoc_revocation.edxml', 1, 2, 'edoc', '000.00.00.G22'],
  // From and To are the same organization: the sending system receives it.
  ['received-852e179c-8eca-4502-ac38-0b97321f29c3.edxml', 1, 1, 'edoc', '000.00.15.H51'],
];

/** Organ ids outside QĐ 20/2020's alphabet (lower case): the directory cannot hold them. */
const SAAS_SAMPLES = [
  'gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml',
  'gateway-upload-1f881896-6e3a-4a5f-87f1-c380878e148e.edxml',
  'gateway-upload-b6e1f29d-cdc9-4fa7-8391-442e8566f14e.edxml',
  'gateway-upload-bb5d2f68-bbce-49da-aa9a-2197cabec3bf.edxml',
  'gateway-upload-bdb98a62-a2be-4c25-9075-8dcdbcdb1402.edxml',
  'received-874e0f18-90dc-45fb-989a-65401470ba84.edxml',
  'received-9e272474-0603-48a2-b525-9cd1af689612.edxml',
];
const REFUSED = ['edoc.edxml', 'status_cancellation_13.edxml', ...SAAS_SAMPLES];

let hub: VxpTestHub;
const systems = new Map<Side, VxpTestSystem>();
const clients = new Map<Side, VxpSdkClient>();

beforeAll(async () => {
  hub = await startVxpTestHub({ backend: 'server', organIds: ['000.00.00.G22'] });
  systems.set(
    1,
    await hub.addSystem({
      id: 'sdk.sample.1',
      organizations: SYSTEM_1_ORGS,
      signaturePolicy: 'legacy-unsigned',
    }),
  );
  systems.set(
    2,
    await hub.addSystem({
      id: 'sdk.sample.2',
      organizations: SYSTEM_2_ORGS,
      signaturePolicy: 'legacy-unsigned',
    }),
  );
  for (const [side, system] of systems) clients.set(side, hub.sdk(system));
}, 120_000);
afterAll(async () => hub?.close());

const client = (side: Side) => clients.get(side)!;

describe('the SDK samples through the VXP API of the real hub', () => {
  it('covers every sample file: carried byte-identical or refused for a reason written here', () => {
    const files = readdirSync(sdkFixtureDir).filter((f) => f.endsWith('.edxml'));
    expect([...CARRIED.map(([f]) => f), ...REFUSED].sort()).toEqual(files.sort());
  });

  it('sends each carried sample and gets it back out of getEdoc byte for byte', async () => {
    for (const [file, from, to, messagetype, fromOrgan] of CARRIED) {
      const bytes = readSdkFixture(file);
      const sent = expectOk(
        await client(from).sendEdoc({ from: fromOrgan, servicetype: 'eDoc', messagetype }, bytes),
      );
      const docId = String(sent['DocId']);
      const listed = expectOk(await client(to).getReceivedEdocList({ servicetype: 'eDoc', messagetype }));
      expect(
        (listed['data'] as Array<Record<string, unknown>>).map((i) => i['docId']),
        file,
      ).toContain(docId);
      const got = expectOk(await client(to).getEdoc({ docId, filePath: '/tmp/vxp' }));
      expect(Buffer.from(String(got['data']), 'base64').equals(bytes), file).toBe(true);
      expect((await client(to).downloadEdoc({ docId })).body.equals(bytes), file).toBe(true);
      expectOk(await client(to).updateStatus({ status: 'done', docId }));
      // A second send of the same bytes is the same message.
      const again = expectOk(
        await client(from).sendEdoc({ from: fromOrgan, servicetype: 'eDoc', messagetype }, bytes),
      );
      expect(again['DocId'], file).toBe(docId);
    }
  });

  describe('known gaps (reported to the hub owners)', () => {
    it('edoc.edxml: its attachment body is a JMeter placeholder, not base64, and the codec refuses it', async () => {
      const response = await client(1).sendEdoc(
        { from: '002.00.20.H13', servicetype: 'eDoc', messagetype: 'edoc' },
        readSdkFixture('edoc.edxml'),
      );
      expect(expectFail(response, 'EDXML_BAD_BASE64', '2')['DocId']).toBe('');
    });

    it('status_cancellation_13: its ResponseFor/OrganId names the recipient, the hub reads it as the original sender', async () => {
      const cancel = readSdkFixture('status_cancellation_13.edxml');
      const headers = { from: '000.00.00.G22', servicetype: 'eDoc', messagetype: 'status' } as const;
      // The hub never carried a package of 000.00.00.H41 with that DocumentId...
      expectFail(await client(1).sendEdoc(headers, cancel), 'STATUS_UNKNOWN_DOCUMENT', '2');
      // ...and once it has, a 13 may come only from that package's sender, which G22 is not.
      const h41 = samplePackage({ from: '000.00.00.H41', to: ['000.00.00.G22'], documentId: VPCP_DOC });
      expectOk(
        await client(2).sendEdoc(
          { from: '000.00.00.H41', servicetype: 'eDoc', messagetype: 'edoc' },
          Buffer.from(h41),
        ),
      );
      expectFail(await client(1).sendEdoc(headers, cancel), 'STATUS_NOT_ALLOWED', '5');
    });

    it('vxp.saas.* samples: lower-case organ ids cannot be registered, so no system may send as them', async () => {
      await expect(
        createNode(hub.t.hub.database.db, {
          id: 'sdk.saas',
          organizations: ['vxp.saas.03', 'vxp.saas.02'],
          signaturePolicy: 'legacy-unsigned',
          at: new Date(),
          actor: 'test',
        }),
      ).rejects.toMatchObject({ code: 'STORE_INVALID_INPUT' });
      for (const file of SAAS_SAMPLES) {
        const response = await client(1).sendEdoc(
          { from: 'vxp.saas.03', servicetype: 'eDoc', messagetype: 'edoc' },
          readSdkFixture(file),
        );
        expect(expectFail(response, 'SENDER_NOT_SERVED', '5')['DocId'], file).toBe('');
      }
    });
  });
});
