// Every SDK sample package of test/fixtures/vxp-sdk/ through sendEdoc on the real hub (Postgres),
// from systems with the legacy-unsigned policy (the samples carry placeholder signatures), and out
// of the receiving system's getEdoc and downloadEdoc byte for byte; a second send is the same
// message. Organizations: From served by the sending system, To by the receiving one (the SaaS
// gateway's lower-case `vxp.saas.*` ids included: the directory decides which ids exist). Statuses
// travel after the package they answer; no sample is refused.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEdxml, summarize } from '../../src/edxml/index.ts';
import { readSdkFixture, sdkFixtureDir } from '../adapters/vxp/fixtures.ts';
import { expectOk } from '../adapters/vxp/harness.ts';
import type { VxpSdkClient } from '../support/vxp-sdk-client.ts';
import { startVxpTestHub, type VxpTestHub, type VxpTestSystem } from './vxp-hub.ts';

/**
 * Sends as the samples' senders: 002.00.20.H13 (edoc, edoc_new), 000.00.00.G22 (update, replace,
 * revoke, the take-back 13), 000.00.15.H51 (received-852e), vxp.saas.03 (the gateway's packages).
 * Also receives edoc.edxml (To 000.00.15.H51) and what vxp.saas.03 sends to itself.
 */
const SYSTEM_1_ORGS = ['002.00.20.H13', '000.00.00.G22', '000.00.15.H51', 'vxp.saas.03'];
/** Receives edoc_new (28.22.H17), the VPCP document (H41, H14, G17) and vxp.saas.02's mail; H41 sends the statuses. */
const SYSTEM_2_ORGS = ['28.22.H17', '000.00.00.H41', '000.00.00.H14', '000.00.00.G17', 'vxp.saas.02'];

type Side = 1 | 2;
/** In sending order: file, sending system, receiving system, messagetype, From. */
const CARRIED: ReadonlyArray<readonly [string, Side, Side, 'edoc' | 'status', string]> = [
  // Its attachment body is a JMeter placeholder, not base64: a warning in lenient mode, carried as is.
  ['edoc.edxml', 1, 1, 'edoc', '002.00.20.H13'],
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
  // G22 asks its recipients for the document back; the sample's ResponseFor/OrganId names H41.
  ['status_cancellation_13.edxml', 1, 2, 'status', '000.00.00.G22'],
  ['status_change-acceptance_15.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['status_change-rejection_16.edxml', 2, 1, 'status', '000.00.00.H41'],
  ['edoc_replacement.edxml', 1, 2, 'edoc', '000.00.00.G22'],
  ['edoc_revocation.edxml', 1, 2, 'edoc', '000.00.00.G22'],
  // From and To are the same organization: the sending system receives it.
  ['received-852e179c-8eca-4502-ac38-0b97321f29c3.edxml', 1, 1, 'edoc', '000.00.15.H51'],
  // The SaaS gateway's packages: lower-case organ ids, several attachments, Bussiness first.
  ['gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml', 1, 2, 'edoc', 'vxp.saas.03'],
  ['gateway-upload-1f881896-6e3a-4a5f-87f1-c380878e148e.edxml', 1, 2, 'edoc', 'vxp.saas.03'],
  ['gateway-upload-b6e1f29d-cdc9-4fa7-8391-442e8566f14e.edxml', 1, 1, 'edoc', 'vxp.saas.03'],
  ['gateway-upload-bb5d2f68-bbce-49da-aa9a-2197cabec3bf.edxml', 1, 2, 'edoc', 'vxp.saas.03'],
  ['gateway-upload-bdb98a62-a2be-4c25-9075-8dcdbcdb1402.edxml', 1, 2, 'edoc', 'vxp.saas.03'],
  ['received-874e0f18-90dc-45fb-989a-65401470ba84.edxml', 1, 1, 'edoc', 'vxp.saas.03'],
  ['received-9e272474-0603-48a2-b525-9cd1af689612.edxml', 1, 1, 'edoc', 'vxp.saas.03'],
];

const ORGS: Readonly<Record<Side, readonly string[]>> = { 1: SYSTEM_1_ORGS, 2: SYSTEM_2_ORGS };

/** The hub's own reading of a sample (lenient codec, as the hub is configured here). */
function summaryOf(file: string) {
  const parsed = parseEdxml(readSdkFixture(file));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.code}`);
  return summarize(parsed.message);
}

let hub: VxpTestHub;
const systems = new Map<Side, VxpTestSystem>();
const clients = new Map<Side, VxpSdkClient>();

beforeAll(async () => {
  hub = await startVxpTestHub({ backend: 'server', organIds: ['000.00.00.G22'] });
  for (const side of [1, 2] as const) {
    const system = await hub.addSystem({
      id: `sdk.sample.${side}`,
      organizations: [...ORGS[side]],
      signaturePolicy: 'legacy-unsigned',
    });
    systems.set(side, system);
    clients.set(side, hub.sdk(system));
  }
}, 120_000);
afterAll(async () => hub?.close());

const client = (side: Side) => clients.get(side)!;

describe('the SDK samples through the VXP API of the real hub', () => {
  it('covers every sample file of the folder', () => {
    const files = readdirSync(sdkFixtureDir).filter((f) => f.endsWith('.edxml'));
    expect(CARRIED.map(([f]) => f).sort()).toEqual(files.sort());
  });

  it('sends each sample from the system serving From to the one serving To, statuses after their document', () => {
    const carried: Array<{ documentId: string; from: string; to: readonly string[] }> = [];
    for (const [file, from, to, messagetype, fromOrgan] of CARRIED) {
      const summary = summaryOf(file);
      expect([summary.kind, summary.fromOrganId], file).toEqual([
        messagetype === 'edoc' ? 'package' : 'status',
        fromOrgan,
      ]);
      expect(ORGS[from], file).toContain(fromOrgan);
      if (summary.kind === 'package') {
        for (const organId of summary.toOrganIds) expect(ORGS[to], `${file} → ${organId}`).toContain(organId);
        carried.push({ documentId: summary.documentId, from: fromOrgan, to: summary.toOrganIds });
        continue;
      }
      // A status answers a package sent earlier: a 13 one its From sent, any other one its From received.
      const answered = carried.find(
        (p) =>
          p.documentId === summary.documentId &&
          (summary.statusCode === '13' ? p.from === fromOrgan : p.to.includes(fromOrgan)),
      );
      expect(answered, file).toBeDefined();
      const recipients = summary.statusCode === '13' ? answered!.to : [answered!.from];
      for (const organId of recipients) expect(ORGS[to], `${file} → ${organId}`).toContain(organId);
    }
  });

  it('sends each sample and gets it back out of getEdoc and downloadEdoc byte for byte', async () => {
    for (const [file, from, to, messagetype, fromOrgan] of CARRIED) {
      const bytes = readSdkFixture(file);
      const sent = expectOk(
        await client(from).sendEdoc({ from: fromOrgan, servicetype: 'eDoc', messagetype }, bytes),
      );
      const docId = String(sent['DocId']);
      expect(docId, file).not.toBe('');
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
});
