import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VxpAgency } from '../../../src/hub/index.ts';
import { readLikeSdk } from '../../support/vxp-sdk-client.ts';
import { expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';

const at = new Date('2026-11-01T00:00:00.000Z');
const AGENCIES: VxpAgency[] = [
  {
    id: '000.00.00.H41',
    code: '000.00.00.H41',
    name: 'UBND Tỉnh Nghệ An',
    mail: 'nghean@gov.vn',
    oldCode: 'H41',
    level: 2,
    centerCode: 'vxp.receiver',
    modifiedAt: at,
    version: 4,
    deleted: false,
    isAgency: true,
  },
  {
    id: '001.00.20.H41',
    parentId: '000.00.00.H41',
    code: '001.00.20.H41',
    name: 'Sở Nội vụ',
    level: 3,
    modifiedAt: at,
    version: 1,
    deleted: false,
    isAgency: true,
  },
  {
    id: '099.00.20.H41',
    parentId: '000.00.00.H41',
    code: '099.00.20.H41',
    name: 'Đơn vị đã giải thể',
    level: 3,
    modifiedAt: at,
    version: 7,
    deleted: true,
    isAgency: false,
  },
];

// ServiceTest's own registerAgency body: malformed JSON ("mail":cc"").
const SERVICE_TEST_BODY =
  '{"id":"","pcode":"00.22.W00","code":"999.010.01.H22","name":"Hà giang test V4 ","mail":cc"","mobile":333"","fax":333""}';
const GOOD_BODY =
  '{"id":"","pcode":"000.00.00.H41","code":"999.010.01.H41","name":"Phòng thử nghiệm","mail":"a@b.vn","mobile":"","fax":""}';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.port.agencies.push(...AGENCIES);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.port.addSystem({ ...SENDER });
  h.port.agencyRequests.length = 0;
});

describe('directory lists', () => {
  it('getAgenciesList: id, pid, code, name, mail, oldCode; no deleted entries; names escaped', async () => {
    const response = await h.sdk(SENDER).getAgenciesList({});
    const json = expectOk(response);
    expect(json['data']).toEqual([
      {
        id: '000.00.00.H41',
        pid: '',
        code: '000.00.00.H41',
        name: 'UBND Tỉnh Nghệ An',
        mail: 'nghean@gov.vn',
        oldCode: 'H41',
      },
      { id: '001.00.20.H41', pid: '000.00.00.H41', code: '001.00.20.H41', name: 'Sở Nội vụ' },
    ]);
    expect(response.body.toString('latin1')).toContain('UBND T\\u1ec9nh Ngh\\u1ec7 An');
    expect(readLikeSdk('getAgenciesList', response).list?.[0]?.['name']).toBe('UBND Tỉnh Nghệ An');
  });

  it('getAgenciesListQD20: code102 from the old identifier, filtered by level', async () => {
    const all = expectOk(await h.sdk(SENDER).getAgenciesListQD20({}));
    expect(all['data']).toEqual([
      {
        id: '000.00.00.H41',
        code: '000.00.00.H41',
        name: 'UBND Tỉnh Nghệ An',
        mail: 'nghean@gov.vn',
        code102: 'H41',
      },
      { id: '001.00.20.H41', code: '001.00.20.H41', name: 'Sở Nội vụ' },
    ]);
    const level3 = expectOk(await h.sdk(SENDER).getAgenciesListQD20({ level: '3' }));
    expect((level3['data'] as Record<string, unknown>[]).map((a) => a['code'])).toEqual(['001.00.20.H41']);
    const bad = expectFail(await h.sdk(SENDER).getAgenciesListQD20({ level: 'one' }), 'VXP_BAD_PARAMETER');
    expect(bad['data']).toEqual([]);
  });

  it('getSynchronizeUnit: every entry with integer version and boolean flags', async () => {
    const response = await h.sdk(SENDER).getSynchronizeUnit({});
    const json = expectOk(response);
    const data = json['data'] as Record<string, unknown>[];
    expect(data).toHaveLength(3);
    expect(data[0]).toEqual({
      id: '000.00.00.H41',
      pid: '',
      code: '000.00.00.H41',
      name: 'UBND Tỉnh Nghệ An',
      mail: 'nghean@gov.vn',
      centerCode: 'vxp.receiver',
      modifyDate: '2026-11-01T00:00:00.000Z',
      version: 4,
      deleted: false,
      isAgency: true,
    });
    expect(data[2]).toMatchObject({ version: 7, deleted: true, isAgency: false });
    expect(readLikeSdk('getSynchronizeUnit', response).list).toHaveLength(3);
  });

  it('answers a directory failure with data []', async () => {
    h.port.faultOnce = new Error('down');
    expect(expectFail(await h.sdk(SENDER).getSynchronizeUnit({}), 'VXP_INTERNAL')['data']).toEqual([]);
  });
});

describe('registerAgency and deleteAgency', () => {
  it('are refused by default with a clear FAIL envelope', async () => {
    const reg = expectFail(
      await h.sdk(SENDER).registerAgency({}, GOOD_BODY),
      'VXP_AGENCY_POLICY_REFUSED',
      '5',
    );
    expect(Object.keys(reg)).toEqual(['status', 'ErrorCode', 'ErrorDesc']);
    expectFail(
      await h.sdk(SENDER).deleteAgency({ AgencyCode: '002.00.20.H13' }),
      'VXP_AGENCY_POLICY_REFUSED',
      '5',
    );
    expect(h.port.agencyRequests).toEqual([]);
  });

  it('when allowed, file the agency as served by the node, pending approval; a repeat changes nothing', async () => {
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    const first = expectOk(await h.sdk(SENDER).registerAgency({}, GOOD_BODY));
    expect(first['ErrorDesc']).toBe('Success: pending approval');
    const again = expectOk(await h.sdk(SENDER).registerAgency({}, GOOD_BODY));
    expect(again['ErrorDesc']).toBe('Success: already requested');
    expect(h.port.agencyRequests).toEqual([
      { nodeId: SENDER.systemId, action: 'register', key: '999.010.01.H41|Phòng thử nghiệm|000.00.00.H41' },
    ]);
  });

  it('answer the malformed ServiceTest body with VXP_BAD_BODY, not a framework 400', async () => {
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    expectFail(await h.sdk(SENDER).registerAgency({}, SERVICE_TEST_BODY), 'VXP_BAD_BODY', '9');
    expectFail(await h.sdk(SENDER).registerAgency({}, '{"code":"x"}'), 'VXP_BAD_BODY');
    expectFail(await h.sdk(SENDER).registerAgency({}, '[]'), 'VXP_BAD_BODY');
  });

  it("pass the hub's refusal of an agency another node serves", async () => {
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    const body = GOOD_BODY.replace('999.010.01.H41', '000.00.15.H51');
    expectFail(await h.sdk(SENDER).registerAgency({}, body), 'ORG_SERVED_BY_OTHER_NODE', '10');
  });

  it('deleteAgency, when allowed, files a deletion request for an agency the node serves', async () => {
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    expectOk(await h.sdk(SENDER).deleteAgency({ AgencyCode: '002.00.20.H13' }));
    expectOk(await h.sdk(SENDER).deleteAgency({ AgencyCode: '002.00.20.H13' }));
    expect(h.port.agencyRequests).toEqual([
      { nodeId: SENDER.systemId, action: 'delete', key: '002.00.20.H13' },
    ]);
    expectFail(await h.sdk(SENDER).deleteAgency({}), 'VXP_MISSING_PARAMETER');
    expectFail(await h.sdk(SENDER).deleteAgency({ agencycode: '000.00.15.H51' }), 'ORG_SERVED_BY_OTHER_NODE');
  });

  it('policy is per node: another system stays refused', async () => {
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    expectFail(
      await h.sdk(RECEIVER).deleteAgency({ AgencyCode: '000.00.15.H51' }),
      'VXP_AGENCY_POLICY_REFUSED',
    );
  });
});
