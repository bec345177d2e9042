import type { TrustDirReport } from '../signature/index.ts';
import type { NodeActivityRecord, SignerExpiryRecord } from '../store/index.ts';
import type { AlertRules } from './console-settings.ts';
import type { PeerView } from './peer-admin.ts';

/** What an alert is about. */
export const ALERT_KINDS = [
  'overdue',
  'node_failures',
  'node_silent',
  'certificate_expiring',
  'crl_expiring',
  'peer_unreachable',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** One condition an operator should look at. */
export interface Alert {
  /** Stable while the condition lasts (the webhook sends an alert once per key). */
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: 'critical' | 'warning';
  /** What it is about: a node id, a peer hub id, a certificate subject, a CRL issuer, a priority. */
  readonly subject: string;
  /** Figures for the message (counts, minutes, dates as ISO text). */
  readonly detail: Readonly<Record<string, string | number>>;
  /** Since when the condition holds, when known. */
  readonly since: string | null;
}

/** Overdue deliveries of one priority: how many, and since when the oldest is overdue. */
export interface OverdueCount {
  readonly priority: number;
  readonly count: number;
  readonly oldestDeadline: Date;
}

/** Everything the alerts are computed from (read once, so that metrics and pages agree). */
export interface AlertInputs {
  readonly now: Date;
  readonly rules: AlertRules;
  readonly overdue: readonly OverdueCount[];
  readonly nodes: readonly NodeActivityRecord[];
  readonly signers: readonly SignerExpiryRecord[];
  readonly trust: TrustDirReport;
  readonly peers: readonly PeerView[];
}

const DAY_MS = 86_400_000;

/** The alerts that hold now, most severe first. Pure: the same inputs give the same alerts. */
export function computeAlerts(input: AlertInputs): Alert[] {
  const { now, rules } = input;
  const at = now.getTime();
  const alerts: Alert[] = [];
  for (const o of input.overdue) {
    if (o.count === 0) continue;
    alerts.push({
      key: `overdue:${o.priority}`,
      kind: 'overdue',
      severity: o.priority >= 1 ? 'critical' : 'warning',
      subject: String(o.priority),
      detail: { priority: o.priority, count: o.count },
      since: o.oldestDeadline.toISOString(),
    });
  }
  const peerIds = new Set(input.peers.map((p) => p.id));
  for (const n of input.nodes) {
    if (n.failuresSince >= rules.nodeFailuresPerHour) {
      alerts.push({
        key: `node_failures:${n.nodeId}`,
        kind: 'node_failures',
        severity: 'warning',
        subject: n.nodeId,
        detail: { failures: n.failuresSince, threshold: rules.nodeFailuresPerHour },
        since: null,
      });
    }
    // A node that never called is not "silent": it may not be connected yet. Peer hubs have their own alert.
    if (peerIds.has(n.nodeId) || n.lastContactAt === null) continue;
    const silentMinutes = Math.floor((at - n.lastContactAt.getTime()) / 60_000);
    if (silentMinutes >= rules.nodeSilenceMinutes) {
      alerts.push({
        key: `node_silent:${n.nodeId}`,
        kind: 'node_silent',
        // Deliveries wait for it: critical, unless an operator paused it (then waiting is expected).
        severity: n.pausedAt === null && n.waiting + n.inFlight > 0 ? 'critical' : 'warning',
        subject: n.nodeId,
        detail: { minutes: silentMinutes, waiting: n.waiting },
        since: n.lastContactAt.toISOString(),
      });
    }
  }
  const horizon = at + rules.expiryDays * DAY_MS;
  const expiring = (notAfter: Date) => notAfter.getTime() <= horizon;
  const days = (d: Date) => Math.floor((d.getTime() - at) / DAY_MS);
  for (const s of input.signers) {
    if (s.notAfter === null || !expiring(s.notAfter)) continue;
    alerts.push({
      key: `certificate_expiring:signer:${s.certSha256}:${s.organId}`,
      kind: 'certificate_expiring',
      severity: s.notAfter.getTime() <= at ? 'critical' : 'warning',
      subject: s.subject ?? s.certSha256,
      detail: {
        use: 'signer',
        node: s.nodeId,
        organ: s.organId,
        notAfter: s.notAfter.toISOString(),
        days: days(s.notAfter),
      },
      since: null,
    });
  }
  for (const c of input.trust.certificates) {
    if (!expiring(c.notAfter)) continue;
    alerts.push({
      key: `certificate_expiring:trust:${c.sha256}`,
      kind: 'certificate_expiring',
      severity: c.notAfter.getTime() <= at ? 'critical' : 'warning',
      subject: c.subject,
      detail: { use: 'trust', file: c.file, notAfter: c.notAfter.toISOString(), days: days(c.notAfter) },
      since: null,
    });
  }
  for (const crl of input.trust.crls) {
    if (crl.nextUpdate === null || !expiring(crl.nextUpdate)) continue;
    alerts.push({
      key: `crl_expiring:${crl.file}:${crl.issuer}`,
      kind: 'crl_expiring',
      severity: crl.nextUpdate.getTime() <= at ? 'critical' : 'warning',
      subject: crl.issuer,
      detail: { file: crl.file, nextUpdate: crl.nextUpdate.toISOString(), days: days(crl.nextUpdate) },
      since: null,
    });
  }
  for (const p of input.peers) {
    if (p.breaker !== 'open' || p.lastErrorAt === null) continue;
    // Failing since the last success (or since the first error, when it was never reached).
    const since = Date.parse(p.lastContactAt ?? p.lastErrorAt);
    const minutes = Math.floor((at - since) / 60_000);
    if (minutes < rules.peerUnreachableMinutes) continue;
    alerts.push({
      key: `peer_unreachable:${p.id}`,
      kind: 'peer_unreachable',
      severity: 'critical',
      subject: p.id,
      detail: { minutes, backlog: p.backlog, error: p.lastError ?? '' },
      since: new Date(since).toISOString(),
    });
  }
  const rank = (a: Alert) => (a.severity === 'critical' ? 0 : 1);
  return alerts.sort(
    (a, b) => rank(a) - rank(b) || ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind),
  );
}
