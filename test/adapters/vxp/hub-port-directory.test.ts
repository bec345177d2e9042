// The VXP directory and access calls against the REAL hub: the agency lists from the hub's directory
// (old identifiers of merged predecessors, levels, ceased organizations), registerAgency/deleteAgency
// under the per-system policy (pending requests are not routable until an operator approves them),
// the per-system IP allow-list, disabled systems, and the secret never showing in events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganizationEntry, OrganizationLevel } from '../../../src/routing/index.ts';
import {
  addClientCertificate,
  decideVxpAgencyRequest,
  listVxpAgencyRequests,
  revokeClientCertificate,
  updateVxpSystem,
  upsertOrganizations,
} from '../../../src/store/index.ts';
import { samplePackage } from '../../support/edxml-samples.ts';
import { readLikeSdk } from '../../support/vxp-sdk-client.ts';
import { expectFail, expectOk } from './harness.ts';
import { type HubPortHarness, startHubPort, type TestSystem } from './hub-port-harness.ts';

const G22 = '000.00.00.G22';
const Z08 = '000.00.00.Z08';
const Y02 = '000.00.00.Y02';
const Y08 = '000.00.00.Y08';
const COMMUNE = '554.02.01.Z08';
const NEW_UNIT = '999.01.01.Z08';

let h: HubPortHarness;
let A: TestSystem;
let P: TestSystem;

beforeAll(async () => {
  h = await startHubPort();
  const audit = { at: new Date(), actor: 'test' };
  await upsertOrganizations(
    h.db,
    [
      { organId: G22, name: 'Văn phòng Chính phủ', level: 'central' },
      { organId: Z08, name: 'Ủy ban nhân dân tỉnh Tuyên Quang', level: 'province' },
      { organId: COMMUNE, name: 'Ủy ban nhân dân phường Hà Giang 2', level: 'commune', parentId: Z08 },
      {
        organId: Y02,
        name: 'Ủy ban nhân dân tỉnh Hà Giang',
        level: 'province',
        validTo: '2025-06-30',
        successorId: Z08,
      },
      {
        organId: Y08,
        name: 'Ủy ban nhân dân tỉnh Tuyên Quang (cũ)',
        level: 'province',
        validTo: '2025-06-30',
        successorId: Z08,
      },
    ].map(
      (o): OrganizationEntry => ({
        parentId: null,
        validFrom: null,
        validTo: null,
        successorId: null,
        synthetic: false,
        ...o,
        level: o.level as OrganizationLevel,
      }),
    ),
    audit,
  );
  A = await h.addSystem({ id: 'sys-a', organizations: [G22] });
  P = await h.addSystem({
    id: 'sys-province',
    organizations: [Z08, COMMUNE],
    agencyPolicy: 'pending-approval',
  });
}, 60_000);
afterAll(async () => h?.close());

const list = (json: Record<string, unknown>) => json['data'] as Record<string, unknown>[];
const byCode = (rows: Record<string, unknown>[], code: string) => rows.find((r) => r['code'] === code);

describe('agency lists from the hub directory', () => {
  it('getAgenciesList: current organizations with parent, and oldCode from the predecessors merged into them', async () => {
    const rows = list(expectOk(await h.sdk(A).getAgenciesList()));
    expect(rows.map((r) => r['code'])).toEqual([G22, Z08, COMMUNE]);
    expect(byCode(rows, Z08)).toEqual({
      id: Z08,
      pid: '',
      code: Z08,
      name: 'Ủy ban nhân dân tỉnh Tuyên Quang',
      oldCode: `${Y02},${Y08}`,
    });
    expect(byCode(rows, COMMUNE)).toMatchObject({ pid: Z08 });
    expect(byCode(rows, G22)).not.toHaveProperty('oldCode');
    expect(readLikeSdk('getAgenciesList', await h.sdk(A).getAgenciesList()).list).toHaveLength(3);
  });

  it('getAgenciesListQD20 filters by level and shows the old identifier as code102', async () => {
    const provinces = list(expectOk(await h.sdk(A).getAgenciesListQD20({ level: '2' })));
    expect(provinces).toEqual([
      { id: Z08, code: Z08, name: 'Ủy ban nhân dân tỉnh Tuyên Quang', code102: `${Y02},${Y08}` },
    ]);
    expect(list(expectOk(await h.sdk(A).getAgenciesListQD20({ level: 4 }))).map((r) => r['code'])).toEqual([
      COMMUNE,
    ]);
  });

  it('getSynchronizeUnit: everything, ceased organizations deleted, integer versions, serving system as centerCode', async () => {
    const response = await h.sdk(A).getSynchronizeUnit();
    const rows = list(expectOk(response));
    expect(rows.map((r) => [r['code'], r['deleted']])).toEqual([
      [G22, false],
      [Y02, true],
      [Y08, true],
      [Z08, false],
      [COMMUNE, false],
    ]);
    for (const row of rows) {
      expect(Number.isInteger(row['version'])).toBe(true);
      expect(row['version']).toBeGreaterThanOrEqual(1);
      expect(row['isAgency']).toBe(true);
      expect(Number.isNaN(Date.parse(String(row['modifyDate'])))).toBe(false);
    }
    expect(byCode(rows, G22)).toMatchObject({ centerCode: 'sys-a' });
    expect(byCode(rows, Y02)).not.toHaveProperty('centerCode');
    // Created, then assigned to its system: two directory changes.
    expect(byCode(rows, G22)?.['version']).toBe(2);
    expect(readLikeSdk('getSynchronizeUnit', response).list).toHaveLength(5);
  });
});

describe('registerAgency and deleteAgency', () => {
  const body = (code: string, name = 'Phòng thử nghiệm') =>
    JSON.stringify({ id: '', pcode: Z08, code, name, mail: 'a@b.vn', mobile: '', fax: '' });

  it('are refused by default, and nothing is filed', async () => {
    expectFail(await h.sdk(A).registerAgency({}, body('999.02.01.G22')), 'VXP_AGENCY_POLICY_REFUSED', '5');
    expectFail(await h.sdk(A).deleteAgency({ AgencyCode: G22 }), 'VXP_AGENCY_POLICY_REFUSED', '5');
    expect(await listVxpAgencyRequests(h.db)).toEqual([]);
  });

  it('when allowed, file a request the operator sees; the agency is not routable until approved', async () => {
    const sdk = h.sdk(P);
    expect(expectOk(await sdk.registerAgency({}, body(NEW_UNIT)))['ErrorDesc']).toBe(
      'Success: pending approval',
    );
    expect(expectOk(await sdk.registerAgency({}, body(NEW_UNIT)))['ErrorDesc']).toBe(
      'Success: already requested',
    );
    const [request] = await listVxpAgencyRequests(h.db, { state: 'pending' });
    expect(request).toMatchObject({
      nodeId: 'sys-province',
      action: 'register',
      organId: NEW_UNIT,
      parentId: Z08,
      mail: 'a@b.vn',
    });
    expect(list(expectOk(await h.sdk(A).getAgenciesList())).map((r) => r['code'])).not.toContain(NEW_UNIT);

    const pkg = () =>
      Buffer.from(
        samplePackage({ from: G22, to: [NEW_UNIT], documentId: `${G22},2026/11/20,${randomUUID()}` }),
      );
    const headers = { from: G22, servicetype: 'eDoc', messagetype: 'edoc' };
    expectFail(await h.sdk(A).sendEdoc(headers, pkg()), 'NO_ROUTABLE_RECIPIENT', '6');

    await decideVxpAgencyRequest(h.db, {
      requestId: request!.id,
      approve: true,
      at: new Date(),
      actor: 'operator:test',
    });
    const docId = String(expectOk(await h.sdk(A).sendEdoc(headers, pkg()))['DocId']);
    expect(
      list(expectOk(await sdk.getReceivedEdocList({ messagetype: 'edoc' }))).map((r) => [
        r['docId'],
        r['to'],
      ]),
    ).toEqual([[docId, NEW_UNIT]]);
    expect(byCode(list(expectOk(await h.sdk(A).getAgenciesList())), NEW_UNIT)).toMatchObject({
      name: 'Phòng thử nghiệm',
      pid: Z08,
    });
  });

  it('refuse an agency of another system, a malformed code, and deleting what the system does not serve', async () => {
    const sdk = h.sdk(P);
    expectFail(await sdk.registerAgency({}, body(G22)), 'ORG_SERVED_BY_OTHER_NODE', '10');
    expectFail(await sdk.registerAgency({}, body('not an id')), 'VXP_BAD_BODY', '9');
    expectFail(await sdk.deleteAgency({ AgencyCode: G22 }), 'VXP_AGENCY_NOT_SERVED', '5');
    expectFail(await sdk.deleteAgency({ AgencyCode: '000.00.00.Q99' }), 'VXP_AGENCY_NOT_SERVED', '5');
  });

  it('deleteAgency, once approved, retires the agency: listed as deleted, no longer in getAgenciesList', async () => {
    const sdk = h.sdk(P);
    expectOk(await sdk.deleteAgency({ AgencyCode: COMMUNE }));
    expectOk(await sdk.deleteAgency({ AgencyCode: COMMUNE }));
    const pending = (await listVxpAgencyRequests(h.db, { state: 'pending' })).filter(
      (r) => r.action === 'delete',
    );
    expect(pending.map((r) => r.organId)).toEqual([COMMUNE]);
    expect(list(expectOk(await h.sdk(A).getAgenciesList())).map((r) => r['code'])).toContain(COMMUNE);
    await decideVxpAgencyRequest(h.db, {
      requestId: pending[0]!.id,
      approve: true,
      at: new Date(),
      actor: 'operator:test',
    });
    expect(list(expectOk(await h.sdk(A).getAgenciesList())).map((r) => r['code'])).not.toContain(COMMUNE);
    expect(byCode(list(expectOk(await h.sdk(A).getSynchronizeUnit())), COMMUNE)).toMatchObject({
      deleted: true,
    });
  });
});

describe('access', () => {
  it('applies the IP allow-list of the system', async () => {
    const S = await h.addSystem({
      id: 'sys-ip',
      organizations: ['000.00.00.G09'],
      ipAllowList: ['10.9.9.9'],
    });
    expectFail(await h.sdk(S).countReceiveEdoc(), 'VXP_IP_NOT_ALLOWED', '4');
    await updateVxpSystem(h.db, {
      nodeId: 'sys-ip',
      ipAllowList: ['127.0.0.0/8', '::1'],
      at: new Date(),
      actor: 'test',
    });
    expect(expectOk(await h.sdk(S).countReceiveEdoc())['count']).toBe(0);
  });

  it("asks for the node's TLS client certificate once one is registered, and stops when it is removed", async () => {
    // Over plain HTTP no certificate can be presented: the refusal proves the store hands the
    // node's certificates to the VXP edge (the TLS side is test/e2e/client-certificates.test.ts).
    const S = await h.addSystem({ id: 'sys-cert', organizations: ['000.00.00.G11'] });
    expectOk(await h.sdk(S).countReceiveEdoc());
    const certSha256 = 'c'.repeat(64);
    const audit = { at: new Date(), actor: 'test' };
    await addClientCertificate(h.db, { nodeId: 'sys-cert', certSha256, ...audit });
    expectFail(await h.sdk(S).countReceiveEdoc(), 'VXP_CLIENT_CERT_REQUIRED', '4');
    const updated = await updateVxpSystem(h.db, { nodeId: 'sys-cert', agencyPolicy: 'refuse', ...audit });
    expect(updated.clientCertificates).toEqual([certSha256]);
    expect(await revokeClientCertificate(h.db, { nodeId: 'sys-cert', certSha256, ...audit })).toBe(true);
    expectOk(await h.sdk(S).countReceiveEdoc());
  });

  it('refuses a disabled system, a wrong secret and a node that is not a VXP system', async () => {
    const S = await h.addSystem({ id: 'sys-off', organizations: ['000.00.00.G10'] });
    expectFail(await h.sdk({ ...S, secret: `${S.secret}x` }).countReceiveEdoc(), 'VXP_BAD_SIGNATURE', '4');
    await updateVxpSystem(h.db, { nodeId: 'sys-off', disabled: true, at: new Date(), actor: 'test' });
    // Disabled or unknown: answered as a bad signature, so no system id is revealed.
    expectFail(await h.sdk(S).countReceiveEdoc(), 'VXP_BAD_SIGNATURE', '4');
    expectFail(await h.sdk({ ...S, systemId: 'no-such-node' }).countReceiveEdoc(), 'VXP_BAD_SIGNATURE', '4');
  });

  it('never writes a secret into the event log', async () => {
    const { rows } = await h.db.query<{ secret: string }>('SELECT secret FROM vxp_systems');
    expect(rows.length).toBeGreaterThan(1);
    const events = await h.db.query<{ text: string }>('SELECT data::text AS text FROM events');
    for (const { secret } of rows) {
      expect(events.rows.some((e) => e.text.includes(secret))).toBe(false);
    }
  });
});
