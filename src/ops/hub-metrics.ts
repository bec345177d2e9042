import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HubObserver } from '../hub/index.ts';
import type { DeliveryOutcome, NextStep, PushWork, ReconcileResult } from '../queue/index.ts';
import { ALERT_KINDS, type Alert, type AlertInputs } from './alerts.ts';

/** What the hub counts besides the queue gauges and the process's default metrics. */
export interface HubMetrics {
  readonly registry: Registry;
  /** One push attempt and the step it led to (the engine's onAttempt). */
  attempt(work: PushWork, outcome: DeliveryOutcome, next: NextStep): void;
  /** One relay pass that claimed rows. */
  relayed(result: { readonly claimed: number; readonly published: number }): void;
  /** One reconciler pass. */
  reconciled(result: ReconcileResult): void;
  /** Sets a gauge read at scrape time (outbox backlog, paused nodes). */
  gauge(name: 'outbox_pending' | 'nodes_paused', value: number): void;
  /** The peer hubs' gauges, read at scrape time. */
  peers(views: readonly PeerGauges[]): void;
  /** The registry's exposition followed by `extra` (BullMQ's export), as one text/plain body. */
  render(extra?: string): Promise<string>;
  /** The accepting path's counters (packages accepted and refused, inbox reads). */
  readonly observer: HubObserver;
  /** One signature verification, in seconds. */
  verified(seconds: number): void;
  /** One HTTP request answered: method, route pattern (not the URL: ids would explode the labels), status. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** The alerts and what they were computed from, read at scrape time. */
  alerts(alerts: readonly Alert[], inputs: AlertInputs): void;
}

/** What the metrics show of one peer hub. */
export interface PeerGauges {
  readonly id: string;
  readonly role: 'child' | 'parent';
  readonly backlog: number;
  readonly receiptBacklog: number;
  /** Seconds since the last successful call to it; null when never (or a child that pulls). */
  readonly lastContactAgeSeconds: number | null;
  /** 1 when the last call to it succeeded, 0 when it failed; null when this hub does not call it. */
  readonly reachable: 0 | 1 | null;
}

/**
 * A registry per hub (tests run several hubs in one process, and prom-client's global registry
 * would mix them): Node's default metrics plus the delivery engine's counters, all prefixed
 * `lienthong_`. Counters are per process; sum them across processes in Prometheus.
 */
export function createHubMetrics(labels: Readonly<Record<string, string>> = {}): HubMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ ...labels });
  collectDefaultMetrics({ register: registry, prefix: 'lienthong_' });
  const attempts = new Counter({
    name: 'lienthong_push_attempts_total',
    help: 'Webhook push attempts by target (delivery, receipt) and result (delivered, retry, permanent).',
    labelNames: ['target', 'result'] as const,
    registers: [registry],
  });
  const settled = new Counter({
    name: 'lienthong_push_settled_total',
    help: 'Pushes that ended, by target and final state (delivered, failed).',
    labelNames: ['target', 'state'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lienthong_push_duration_seconds',
    help: 'Duration of webhook push attempts (request sent to answer or error).',
    labelNames: ['target'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const relayedRows = new Counter({
    name: 'lienthong_outbox_relayed_total',
    help: 'Outbox rows the relay moved to the scheduler (claimed), and those scheduled (published).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rescheduled = new Counter({
    name: 'lienthong_reconciler_rescheduled_total',
    help: 'Unfinished pushes the reconciler found missing from the scheduler and scheduled again.',
    registers: [registry],
  });
  const gauges = {
    outbox_pending: new Gauge({
      name: 'lienthong_outbox_pending',
      help: 'Outbox rows not yet relayed to the scheduler.',
      registers: [registry],
    }),
    nodes_paused: new Gauge({
      name: 'lienthong_nodes_paused',
      help: 'Nodes whose circuit breaker is open or half-open in this process.',
      registers: [registry],
    }),
  };

  const peerLabels = ['peer', 'role'] as const;
  const peerGauges = {
    backlog: new Gauge({
      name: 'lienthong_peer_backlog',
      help: 'Deliveries waiting to be handed to a peer hub (queued, retrying, sending).',
      labelNames: peerLabels,
      registers: [registry],
    }),
    receipts: new Gauge({
      name: 'lienthong_peer_receipt_backlog',
      help: 'Receipts waiting to go back to a peer hub.',
      labelNames: peerLabels,
      registers: [registry],
    }),
    age: new Gauge({
      name: 'lienthong_peer_last_contact_age_seconds',
      help: 'Seconds since this hub last reached a peer hub.',
      labelNames: peerLabels,
      registers: [registry],
    }),
    reachable: new Gauge({
      name: 'lienthong_peer_reachable',
      help: '1 when the last call to a peer hub succeeded, 0 when it failed.',
      labelNames: peerLabels,
      registers: [registry],
    }),
  };
  const handOvers = new Counter({
    name: 'lienthong_peer_handovers_total',
    help: 'Hand-overs and receipts to peer hubs by peer and result (forwarded, delivered, retry, permanent).',
    labelNames: ['peer', 'target', 'result'] as const,
    registers: [registry],
  });

  const accepted = new Counter({
    name: 'lienthong_packages_accepted_total',
    help: 'Packages and statuses accepted (202), by kind, and whether they were a resend of bytes accepted before.',
    labelNames: ['kind', 'duplicate'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'lienthong_packages_refused_total',
    help: 'Packages and statuses refused, by stable code (docs/errors.md).',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const verification = new Histogram({
    name: 'lienthong_signature_verification_duration_seconds',
    help: 'Time to verify the XML signature of one package (worker threads included).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Histogram({
    name: 'lienthong_http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inboxPolls = new Counter({
    name: 'lienthong_inbox_polls_total',
    help: 'Inbox reads (polls and long-polls) by node.',
    labelNames: ['node'] as const,
    registers: [registry],
  });
  const alertGauges = {
    active: new Gauge({
      name: 'lienthong_alerts',
      help: 'Alerts that hold now, by kind and severity (the console lists them).',
      labelNames: ['kind', 'severity'] as const,
      registers: [registry],
    }),
    overdue: new Gauge({
      name: 'lienthong_overdue_deliveries',
      help: 'Deliveries past their QĐ 28 deadline and not delivered, by priority (0 thường … 3 hỏa tốc, 4 hỏa tốc hẹn giờ).',
      labelNames: ['priority'] as const,
      registers: [registry],
    }),
    certificate: new Gauge({
      name: 'lienthong_certificate_expiry_timestamp_seconds',
      help: 'When a certificate expires (Unix time): pinned signer certificates (use="signer") and trust anchors and intermediates (use="trust").',
      // sha256 keeps two certificates with one subject (a renewal) apart.
      labelNames: ['use', 'subject', 'node', 'sha256'] as const,
      registers: [registry],
    }),
    crl: new Gauge({
      name: 'lienthong_crl_next_update_timestamp_seconds',
      help: 'When a CRL in the trust folder must be replaced (its nextUpdate, Unix time).',
      labelNames: ['issuer', 'file'] as const,
      registers: [registry],
    }),
    nodeContact: new Gauge({
      name: 'lienthong_node_last_contact_timestamp_seconds',
      help: 'When a node last called the hub or took a push (Unix time); absent when never.',
      labelNames: ['node'] as const,
      registers: [registry],
    }),
    nodeFailures: new Gauge({
      name: 'lienthong_node_failed_attempts_last_hour',
      help: 'Push attempts to a node that did not succeed within the last hour.',
      labelNames: ['node'] as const,
      registers: [registry],
    }),
    nodeWaiting: new Gauge({
      name: 'lienthong_node_waiting_deliveries',
      help: 'Deliveries to a node waiting or being pushed (queued, retrying, sending).',
      labelNames: ['node'] as const,
      registers: [registry],
    }),
  };

  return {
    registry,
    observer: {
      accepted(kind, duplicate) {
        accepted.inc({ kind, duplicate: String(duplicate) });
      },
      refused(code) {
        refused.inc({ code });
      },
      inboxRead(nodeId) {
        inboxPolls.inc({ node: nodeId });
      },
    },
    verified(seconds) {
      verification.observe(seconds);
    },
    request(method, route, status, seconds) {
      requests.observe({ method, route, status_code: String(status) }, seconds);
    },
    alerts(alerts, inputs) {
      for (const gauge of Object.values(alertGauges)) gauge.reset();
      for (const kind of ALERT_KINDS) {
        for (const severity of ['critical', 'warning'] as const) {
          alertGauges.active.set(
            { kind, severity },
            alerts.filter((a) => a.kind === kind && a.severity === severity).length,
          );
        }
      }
      for (const priority of [0, 1, 2, 3, 4]) {
        alertGauges.overdue.set(
          { priority: String(priority) },
          inputs.overdue.find((o) => o.priority === priority)?.count ?? 0,
        );
      }
      for (const s of inputs.signers) {
        if (s.notAfter === null) continue;
        alertGauges.certificate.set(
          { use: 'signer', subject: s.subject ?? s.certSha256, node: s.nodeId, sha256: s.certSha256 },
          s.notAfter.getTime() / 1000,
        );
      }
      for (const c of inputs.trust.certificates) {
        alertGauges.certificate.set(
          { use: 'trust', subject: c.subject, node: '' },
          c.notAfter.getTime() / 1000,
        );
      }
      for (const crl of inputs.trust.crls) {
        if (crl.nextUpdate) {
          alertGauges.crl.set({ issuer: crl.issuer, file: crl.file }, crl.nextUpdate.getTime() / 1000);
        }
      }
      for (const n of inputs.nodes) {
        const node = { node: n.nodeId };
        if (n.lastContactAt) alertGauges.nodeContact.set(node, n.lastContactAt.getTime() / 1000);
        alertGauges.nodeFailures.set(node, n.failuresSince);
        alertGauges.nodeWaiting.set(node, n.waiting + n.inFlight);
      }
    },
    attempt(work, outcome, next) {
      const target = work.target;
      attempts.inc({ target, result: outcome.kind });
      if (work.via.kind === 'peer') handOvers.inc({ peer: work.nodeId, target, result: outcome.kind });
      duration.observe({ target }, outcome.attempt.durationMs / 1000);
      if (next.next !== 'retry') settled.inc({ target, state: next.next });
    },
    relayed(result) {
      relayedRows.inc({ kind: 'claimed' }, result.claimed);
      relayedRows.inc({ kind: 'published' }, result.published);
    },
    reconciled(result) {
      rescheduled.inc(result.scheduled);
    },
    gauge(name, value) {
      gauges[name].set(value);
    },
    peers(views) {
      for (const gauge of Object.values(peerGauges)) gauge.reset();
      for (const v of views) {
        const labels = { peer: v.id, role: v.role };
        peerGauges.backlog.set(labels, v.backlog);
        peerGauges.receipts.set(labels, v.receiptBacklog);
        if (v.lastContactAgeSeconds !== null) peerGauges.age.set(labels, v.lastContactAgeSeconds);
        if (v.reachable !== null) peerGauges.reachable.set(labels, v.reachable);
      }
    },
    async render(extra) {
      const own = await registry.metrics();
      return extra ? `${own.trimEnd()}\n${extra.trimEnd()}\n` : own;
    },
  };
}
