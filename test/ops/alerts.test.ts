// computeAlerts (src/ops/alerts.ts): pure, from plain inputs.
import { describe, expect, it } from 'vitest';
import {
  type AlertInputs,
  type AlertRules,
  computeAlerts,
  DEFAULT_CONSOLE_SETTINGS,
  type PeerView,
} from '../../src/ops/index.ts';
import type { TrustDirReport } from '../../src/signature/index.ts';
import type { NodeActivityRecord, SignerExpiryRecord } from '../../src/store/index.ts';

const NOW = new Date('2025-07-15T03:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const ahead = (ms: number) => new Date(NOW.getTime() + ms);

const rules: AlertRules = {
  nodeSilenceMinutes: 60,
  nodeFailuresPerHour: 10,
  expiryDays: 60,
  peerUnreachableMinutes: 15,
};

const emptyTrust: TrustDirReport = { certificates: [], crls: [], unreadable: [] };

function inputs(overrides: Partial<AlertInputs> = {}): AlertInputs {
  return { now: NOW, rules, overdue: [], nodes: [], signers: [], trust: emptyTrust, peers: [], ...overrides };
}

function node(nodeId: string, overrides: Partial<NodeActivityRecord> = {}): NodeActivityRecord {
  return {
    nodeId,
    name: null,
    kind: 'system',
    push: true,
    pausedAt: null,
    waiting: 0,
    inFlight: 0,
    failed: 0,
    oldestWaitingAt: null,
    failuresSince: 0,
    lastContactAt: ago(MINUTE),
    ...overrides,
  };
}

function signer(certSha256: string, notAfter: Date | null): SignerExpiryRecord {
  return { nodeId: 'qlvb-a', organId: '000.00.00.G22', certSha256, subject: `CN=${certSha256}`, notAfter };
}

function trustCert(sha256: string, notAfter: Date): TrustDirReport['certificates'][number] {
  return {
    file: `${sha256}.pem`,
    subject: `CN=Root ${sha256}`,
    issuer: `CN=Root ${sha256}`,
    sha256,
    notBefore: ago(365 * DAY),
    notAfter,
  };
}

function crl(issuer: string, nextUpdate: Date | null): TrustDirReport['crls'][number] {
  return { file: `${issuer}.crl`, issuer, thisUpdate: ago(DAY), nextUpdate };
}

function peer(id: string, overrides: Partial<PeerView> = {}): PeerView {
  return {
    id,
    role: 'parent',
    protocol: 'lienthong',
    url: `https://${id}.example.vn`,
    hasToken: true,
    systemId: null,
    subtreeRoots: [],
    organizations: 0,
    directoryVersion: 1,
    lastContactAt: null,
    lastError: null,
    lastErrorAt: null,
    backlog: 0,
    receiptBacklog: 0,
    oldestBacklogAt: null,
    breaker: 'unknown',
    ...overrides,
  };
}

const keys = (input: AlertInputs) => computeAlerts(input).map((a) => a.key);

describe('computeAlerts: overdue deliveries', () => {
  it('raises one alert per priority with overdue deliveries: critical from khẩn up, warning for thường', () => {
    const alerts = computeAlerts(
      inputs({
        overdue: [
          { priority: 0, count: 4, oldestDeadline: ago(3 * 3_600_000) },
          { priority: 1, count: 1, oldestDeadline: ago(10 * MINUTE) },
          { priority: 3, count: 2, oldestDeadline: ago(5 * MINUTE) },
          { priority: 2, count: 0, oldestDeadline: ago(MINUTE) },
        ],
      }),
    );
    expect(alerts).toEqual([
      {
        key: 'overdue:1',
        kind: 'overdue',
        severity: 'critical',
        subject: '1',
        detail: { priority: 1, count: 1 },
        since: ago(10 * MINUTE).toISOString(),
      },
      {
        key: 'overdue:3',
        kind: 'overdue',
        severity: 'critical',
        subject: '3',
        detail: { priority: 3, count: 2 },
        since: ago(5 * MINUTE).toISOString(),
      },
      {
        key: 'overdue:0',
        kind: 'overdue',
        severity: 'warning',
        subject: '0',
        detail: { priority: 0, count: 4 },
        since: ago(3 * 3_600_000).toISOString(),
      },
    ]);
  });

  it('raises nothing when nothing holds', () => {
    expect(
      computeAlerts(inputs({ nodes: [node('quiet')], peers: [peer('p', { breaker: 'closed' })] })),
    ).toEqual([]);
  });
});

describe('computeAlerts: nodes', () => {
  it('node_failures once failures in the window reach the threshold', () => {
    const alerts = computeAlerts(
      inputs({ nodes: [node('at', { failuresSince: 10 }), node('below', { failuresSince: 9 })] }),
    );
    expect(alerts).toEqual([
      {
        key: 'node_failures:at',
        kind: 'node_failures',
        severity: 'warning',
        subject: 'at',
        detail: { failures: 10, threshold: 10 },
        since: null,
      },
    ]);
  });

  it('node_silent when the last contact is nodeSilenceMinutes old or older', () => {
    const last = ago(61 * MINUTE);
    const alerts = computeAlerts(
      inputs({
        nodes: [
          node('silent-idle', { lastContactAt: last }),
          node('silent-waiting', { lastContactAt: last, waiting: 3 }),
          node('silent-sending', { lastContactAt: last, inFlight: 1 }),
          node('at-limit', { lastContactAt: ago(60 * MINUTE) }),
          node('recent', { lastContactAt: ago(59 * MINUTE), waiting: 3 }),
        ],
      }),
    );
    expect(alerts.map((a) => [a.key, a.severity])).toEqual([
      ['node_silent:silent-waiting', 'critical'],
      ['node_silent:silent-sending', 'critical'],
      ['node_silent:silent-idle', 'warning'],
      ['node_silent:at-limit', 'warning'],
    ]);
    const waiting = alerts.find((a) => a.subject === 'silent-waiting');
    expect(waiting).toMatchObject({
      kind: 'node_silent',
      detail: { minutes: 61, waiting: 3 },
      since: last.toISOString(),
    });
  });

  it('no node_silent for a node that never called, nor for a peer hub node', () => {
    const alerts = computeAlerts(
      inputs({
        nodes: [
          node('never', { lastContactAt: null, waiting: 5 }),
          node('hub-parent', { lastContactAt: ago(DAY), waiting: 5 }),
        ],
        peers: [peer('hub-parent', { breaker: 'closed', lastContactAt: ago(DAY).toISOString() })],
      }),
    );
    expect(alerts).toEqual([]);
  });

  it('a peer hub node still gets node_failures', () => {
    expect(
      keys(
        inputs({
          nodes: [node('hub-parent', { failuresSince: 50, lastContactAt: ago(DAY) })],
          peers: [peer('hub-parent', { breaker: 'closed' })],
        }),
      ),
    ).toEqual(['node_failures:hub-parent']);
  });
});

describe('computeAlerts: certificates and CRLs', () => {
  it('a pinned signer certificate: warning within expiryDays, critical once past, nothing beyond', () => {
    const alerts = computeAlerts(
      inputs({
        signers: [
          signer('soon', ahead(30 * DAY)),
          signer('past', ago(DAY)),
          signer('edge', ahead(60 * DAY)),
          signer('later', ahead(61 * DAY)),
          signer('unknown', null),
        ],
      }),
    );
    expect(alerts.map((a) => [a.key, a.severity])).toEqual([
      ['certificate_expiring:signer:past:000.00.00.G22', 'critical'],
      ['certificate_expiring:signer:soon:000.00.00.G22', 'warning'],
      ['certificate_expiring:signer:edge:000.00.00.G22', 'warning'],
    ]);
    expect(alerts[1]).toMatchObject({
      kind: 'certificate_expiring',
      subject: 'CN=soon',
      detail: {
        use: 'signer',
        node: 'qlvb-a',
        organ: '000.00.00.G22',
        notAfter: ahead(30 * DAY).toISOString(),
        days: 30,
      },
    });
    expect(alerts[0]?.detail['days']).toBe(-1);
  });

  it('a signer without a subject is named by its fingerprint', () => {
    const [alert] = computeAlerts(inputs({ signers: [{ ...signer('ab12', ahead(DAY)), subject: null }] }));
    expect(alert?.subject).toBe('ab12');
  });

  it('a trust certificate: warning within expiryDays, critical once past, nothing beyond', () => {
    const alerts = computeAlerts(
      inputs({
        trust: {
          certificates: [
            trustCert('near', ahead(10 * DAY)),
            trustCert('gone', ago(MINUTE)),
            trustCert('far', ahead(400 * DAY)),
          ],
          crls: [],
          unreadable: [],
        },
      }),
    );
    expect(alerts.map((a) => [a.key, a.severity, a.subject])).toEqual([
      ['certificate_expiring:trust:gone', 'critical', 'CN=Root gone'],
      ['certificate_expiring:trust:near', 'warning', 'CN=Root near'],
    ]);
    expect(alerts[1]?.detail).toEqual({
      use: 'trust',
      file: 'near.pem',
      notAfter: ahead(10 * DAY).toISOString(),
      days: 10,
    });
  });

  it('a CRL: warning when nextUpdate is near, critical once past, nothing beyond or without one', () => {
    const alerts = computeAlerts(
      inputs({
        trust: {
          certificates: [],
          crls: [
            crl('CN=Near CA', ahead(5 * DAY)),
            crl('CN=Stale CA', ago(2 * DAY)),
            crl('CN=Far CA', ahead(90 * DAY)),
            crl('CN=Open CA', null),
          ],
          unreadable: [],
        },
      }),
    );
    expect(alerts.map((a) => [a.key, a.severity, a.subject])).toEqual([
      ['crl_expiring:CN=Stale CA.crl:CN=Stale CA', 'critical', 'CN=Stale CA'],
      ['crl_expiring:CN=Near CA.crl:CN=Near CA', 'warning', 'CN=Near CA'],
    ]);
    expect(alerts[1]?.detail).toEqual({
      file: 'CN=Near CA.crl',
      nextUpdate: ahead(5 * DAY).toISOString(),
      days: 5,
    });
  });

  it('follows expiryDays', () => {
    const input = inputs({ signers: [signer('s', ahead(20 * DAY))] });
    expect(keys(input)).toHaveLength(1);
    expect(keys({ ...input, rules: { ...rules, expiryDays: 10 } })).toEqual([]);
  });
});

describe('computeAlerts: peer hubs', () => {
  it('peer_unreachable when the breaker is open and the last success is peerUnreachableMinutes old', () => {
    const alerts = computeAlerts(
      inputs({
        peers: [
          peer('down', {
            breaker: 'open',
            lastContactAt: ago(20 * MINUTE).toISOString(),
            lastErrorAt: ago(MINUTE).toISOString(),
            lastError: 'PEER_UNREACHABLE',
            backlog: 7,
          }),
          peer('flaky', {
            breaker: 'open',
            lastContactAt: ago(10 * MINUTE).toISOString(),
            lastErrorAt: ago(MINUTE).toISOString(),
          }),
        ],
      }),
    );
    expect(alerts).toEqual([
      {
        key: 'peer_unreachable:down',
        kind: 'peer_unreachable',
        severity: 'critical',
        subject: 'down',
        detail: { minutes: 20, backlog: 7, error: 'PEER_UNREACHABLE' },
        since: ago(20 * MINUTE).toISOString(),
      },
    ]);
  });

  it('a peer never reached counts from its first error', () => {
    const alerts = computeAlerts(
      inputs({
        peers: [
          peer('new-old', { breaker: 'open', lastErrorAt: ago(30 * MINUTE).toISOString() }),
          peer('new-fresh', { breaker: 'open', lastErrorAt: ago(5 * MINUTE).toISOString() }),
        ],
      }),
    );
    expect(alerts.map((a) => [a.key, a.since, a.detail['error']])).toEqual([
      ['peer_unreachable:new-old', ago(30 * MINUTE).toISOString(), ''],
    ]);
  });

  it('no alert for a closed breaker, a pulling peer or one not called yet, however old', () => {
    const old = ago(DAY).toISOString();
    expect(
      computeAlerts(
        inputs({
          peers: [
            peer('closed', { breaker: 'closed', lastContactAt: old, lastErrorAt: old }),
            peer('pull', { breaker: 'pull', url: null, lastErrorAt: old }),
            peer('unknown', { breaker: 'unknown' }),
          ],
        }),
      ),
    ).toEqual([]);
  });
});

describe('computeAlerts: order and purity', () => {
  const mixed = (): AlertInputs =>
    inputs({
      rules: DEFAULT_CONSOLE_SETTINGS.alerts,
      overdue: [
        { priority: 0, count: 1, oldestDeadline: ago(MINUTE) },
        { priority: 2, count: 1, oldestDeadline: ago(MINUTE) },
      ],
      nodes: [
        node('n-fail', { failuresSince: 12 }),
        node('n-silent', { lastContactAt: ago(2 * 3_600_000), waiting: 1 }),
      ],
      signers: [signer('s-soon', ahead(3 * DAY))],
      trust: {
        certificates: [trustCert('t-gone', ago(DAY))],
        crls: [crl('CN=C', ahead(DAY))],
        unreadable: [],
      },
      peers: [peer('p-down', { breaker: 'open', lastErrorAt: ago(3_600_000).toISOString() })],
    });

  it('puts critical alerts first, then by kind (overdue, node, certificate, CRL, peer)', () => {
    expect(computeAlerts(mixed()).map((a) => `${a.severity} ${a.kind}`)).toEqual([
      'critical overdue',
      'critical node_silent',
      'critical certificate_expiring',
      'critical peer_unreachable',
      'warning overdue',
      'warning node_failures',
      'warning certificate_expiring',
      'warning crl_expiring',
    ]);
  });

  it('gives the same alerts for the same inputs, and leaves the inputs as they were', () => {
    const input = mixed();
    const before = JSON.stringify(input);
    const first = computeAlerts(input);
    expect(computeAlerts(input)).toEqual(first);
    expect(JSON.stringify(input)).toBe(before);
    expect(new Set(first.map((a) => a.key)).size).toBe(first.length);
  });
});
