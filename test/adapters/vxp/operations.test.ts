import { describe, expect, it } from 'vitest';
import { VXP_OPERATIONS } from '../../../src/adapters/vxp/index.ts';
import { operationForPath } from '../../../src/adapters/vxp/operations.ts';
import { urgentFirst } from '../../../src/adapters/vxp/ops/inbox-ops.ts';
import { parseDeclaredTo } from '../../../src/adapters/vxp/ops/send-edoc.ts';
import type { VxpInboxItem } from '../../../src/hub/index.ts';

describe('operation table', () => {
  it('serves exactly the 13 operations of the SDK', () => {
    expect([...VXP_OPERATIONS.values()].map((op) => op.name).sort()).toEqual(
      [
        'sendEdoc',
        'getReceivedEdocList',
        'getEdoc',
        'updateStatus',
        'getSentEdocList',
        'countReceiveEdoc',
        'countReceiveStatus',
        'downloadEdoc',
        'getAgenciesList',
        'getAgenciesListQD20',
        'getSynchronizeUnit',
        'registerAgency',
        'deleteAgency',
      ].sort(),
    );
  });
  it('routes on the last non-empty path segment, case-insensitively, ignoring the query', () => {
    expect(operationForPath('/vxp/getEdoc')?.name).toBe('getEdoc');
    expect(operationForPath('//sendEdoc')?.name).toBe('sendEdoc');
    expect(operationForPath('/a/b/getedoc/?x=/deleteAgency')?.name).toBe('getEdoc');
    expect(operationForPath('/vxp/')).toBeUndefined();
    expect(operationForPath('/vxp/nothing')).toBeUndefined();
  });
});

describe('urgentFirst', () => {
  const item = (docId: string, priority: number, second: number): VxpInboxItem => ({
    docId,
    kind: 'edoc',
    priority,
    fromOrganId: 'a',
    toOrganId: 'b',
    receivedAt: new Date(second * 1000),
    updatedAt: new Date(second * 1000),
    failures: 0,
  });
  it('orders by priority, then oldest first, whatever order the hub gave', () => {
    const sorted = urgentFirst([
      item('old-normal', 0, 1),
      item('new-urgent', 4, 9),
      item('new-normal', 0, 5),
      item('old-urgent', 4, 2),
    ]);
    expect(sorted.map((i) => i.docId)).toEqual(['old-urgent', 'new-urgent', 'old-normal', 'new-normal']);
  });
});

describe('parseDeclaredTo', () => {
  it('reads the JSON text the SDK puts in `to`', () => {
    expect(parseDeclaredTo('"00.98.W00"')).toEqual(['00.98.W00']);
    expect(parseDeclaredTo('["00.98.W00","00.97.W00"]')).toEqual(['00.98.W00', '00.97.W00']);
    expect(parseDeclaredTo('00.98.W00')).toEqual(['00.98.W00']);
    expect(parseDeclaredTo(undefined)).toEqual([]);
    expect(parseDeclaredTo('{"a":1}')).toEqual([]);
  });
});
