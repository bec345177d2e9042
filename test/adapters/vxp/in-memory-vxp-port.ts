import { createHash } from 'node:crypto';
import type {
  HubResult,
  VxpAgency,
  VxpAgencyChange,
  VxpAgencyRequest,
  VxpCredentials,
  VxpDeliveryState,
  VxpInboxItem,
  VxpMessageKind,
  VxpSentItem,
  VxpService,
  VxpSubmission,
  VxpSubmitAccepted,
  VxpSystem,
} from '../../../src/hub/index.ts';
import { checkVxpCredentials } from '../../../src/hub/index.ts';

/*
 * A TEST DOUBLE OF THE HUB, not the hub. When the VXP adapter was written the hub core (store, accept
 * pipeline, directory) did not exist yet, so the adapter is tested against this in-memory VxpService.
 * It keeps the port's promises the adapter relies on (idempotent submit per node and bytes, urgent
 * first, acknowledge idempotent, failure limit, node scoping) and reads the few edXML fields it needs
 * with regular expressions, which is NOT how the hub reads packages. End-to-end tests against the
 * real hub are added when the hub is plugged into the port.
 */

interface StoredMessage {
  readonly id: string;
  readonly senderNode: string;
  readonly kind: VxpMessageKind;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly from: string;
  readonly documentId: string | undefined;
  readonly priority: number;
  readonly title: string | undefined;
  readonly notation: string | undefined;
  readonly receivedAt: Date;
}

interface Delivery {
  readonly messageId: string;
  readonly to: string;
  readonly node: string;
  state: VxpDeliveryState;
  failures: number;
  updatedAt: Date;
  deliveredAt?: Date;
  businessStatus?: { code: string; at: Date };
}

export interface RecordedEvent {
  readonly type: 'accepted' | 'acknowledged' | 'fail-reported' | 'gave-up' | 'transport-remark' | 'fetched';
  readonly nodeId: string;
  readonly docId: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

const text = (xml: string, element: string): string | undefined => {
  const m = new RegExp(`<edXML:${element}>([^<]*)</edXML:${element}>`).exec(xml);
  const value = m?.[1]?.trim();
  return value === undefined || value === '' ? undefined : value;
};
const block = (xml: string, element: string): string[] =>
  [...xml.matchAll(new RegExp(`<edXML:${element}>([\\s\\S]*?)</edXML:${element}>`, 'g'))].map(
    (m) => m[1] ?? '',
  );

function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string; findings: [] } } {
  return { ok: false, error: { code, message, findings: [] } };
}

const ok = <T>(value: T) => ({ ok: true as const, value });

export class InMemoryVxpPort implements VxpService {
  readonly limits = { maxPackageBytes: 50 * 1024 * 1024 };
  readonly systems = new Map<string, VxpSystem>();
  /** organ id → node id serving it. */
  readonly served = new Map<string, string>();
  readonly messages: StoredMessage[] = [];
  readonly deliveries: Delivery[] = [];
  readonly events: RecordedEvent[] = [];
  readonly agencies: VxpAgency[] = [];
  readonly agencyRequests: { nodeId: string; action: 'register' | 'delete'; key: string }[] = [];
  /** Every submission the adapter handed over (duplicates included). */
  readonly submissions: VxpSubmission[] = [];
  /** When set, the next port call throws it (a database outage). */
  faultOnce: Error | undefined;
  #seq = 0;

  addSystem(system: Partial<VxpSystem> & { systemId: string; secret: string }): VxpSystem {
    const full: VxpSystem = {
      nodeId: system.systemId,
      ipAllowList: [],
      agencyPolicy: 'refuse',
      clientCertificates: [],
      ...system,
    };
    this.systems.set(full.systemId, full);
    return full;
  }

  serve(nodeId: string, ...organIds: string[]): void {
    for (const organ of organIds) this.served.set(organ, nodeId);
  }

  #fault(): void {
    const fault = this.faultOnce;
    if (fault !== undefined) {
      this.faultOnce = undefined;
      throw fault;
    }
  }

  async authenticate(call: VxpCredentials): Promise<HubResult<VxpSystem>> {
    return checkVxpCredentials(await this.findSystem(call.systemId), call);
  }

  async findSystem(systemId: string): Promise<VxpSystem | null> {
    this.#fault();
    return this.systems.get(systemId) ?? null;
  }

  async submit(s: VxpSubmission): Promise<HubResult<VxpSubmitAccepted>> {
    this.#fault();
    this.submissions.push(s);
    const sha256 = createHash('sha256').update(s.bytes).digest('hex');
    const earlier = this.messages.find((m) => m.senderNode === s.nodeId && m.sha256 === sha256);
    if (earlier !== undefined) return ok({ messageId: earlier.id, duplicate: true });
    const xml = Buffer.from(s.bytes).toString('utf8');
    if (!xml.trimStart().startsWith('<')) return failure('XML_MALFORMED', 'not XML');
    const kind: VxpMessageKind = xml.includes('<edXML:StatusCode>') ? 'status' : 'edoc';
    if (kind !== s.messageType)
      return failure('BAD_REQUEST', `messagetype ${s.messageType} but the package is ${kind}`);
    const from = text(block(xml, 'From')[0] ?? '', 'OrganId');
    if (from === undefined) return failure('EDXML_MISSING_ELEMENT', 'From/OrganId is missing');
    if (this.served.get(from) !== s.nodeId)
      return failure('SENDER_NOT_SERVED', `${from} is not served by ${s.nodeId}`);
    const responseFor = block(xml, 'ResponseFor')[0] ?? '';
    const recipients =
      kind === 'status' ? [text(responseFor, 'OrganId')] : block(xml, 'To').map((to) => text(to, 'OrganId'));
    const routable = recipients.filter((r): r is string => r !== undefined && this.served.has(r));
    if (routable.length === 0) return failure('NO_ROUTABLE_RECIPIENT', 'no recipient can be reached');
    const withoutResponseFor = xml.replace(/<edXML:ResponseFor>[\s\S]*?<\/edXML:ResponseFor>/g, '');
    const code = [text(xml, 'CodeNumber'), text(xml, 'CodeNotation')].filter((v) => v !== undefined);
    const message: StoredMessage = {
      id: `msg-${++this.#seq}`,
      senderNode: s.nodeId,
      kind,
      bytes: Uint8Array.from(s.bytes),
      sha256,
      from,
      documentId: text(withoutResponseFor, 'DocumentId'),
      priority: Number(text(xml, 'Priority') ?? 0),
      title: text(xml, 'Subject'),
      notation: code.length === 0 ? undefined : code.join('/'),
      receivedAt: s.receivedAt,
    };
    this.messages.push(message);
    for (const to of routable) {
      this.deliveries.push({
        messageId: message.id,
        to,
        node: this.served.get(to) ?? '',
        state: 'queued',
        failures: 0,
        updatedAt: s.receivedAt,
      });
    }
    if (kind === 'status') this.#applyBusinessStatus(message, xml, s.nodeId);
    this.events.push({ type: 'accepted', nodeId: s.nodeId, docId: message.id });
    return ok({ messageId: message.id, duplicate: false });
  }

  /** A status from node N about document D applies to D's deliveries to organizations N serves. */
  #applyBusinessStatus(status: StoredMessage, xml: string, nodeId: string): void {
    const documentId = text(block(xml, 'ResponseFor')[0] ?? '', 'DocumentId');
    const statusCode = text(xml, 'StatusCode');
    if (documentId === undefined || statusCode === undefined) return;
    for (const original of this.messages.filter((m) => m.kind === 'edoc' && m.documentId === documentId)) {
      for (const d of this.deliveries.filter((x) => x.messageId === original.id && x.node === nodeId)) {
        d.businessStatus = { code: statusCode, at: status.receivedAt };
      }
    }
  }

  #pending(nodeId: string, kind: VxpMessageKind): { d: Delivery; m: StoredMessage }[] {
    return this.deliveries
      .filter((d) => d.node === nodeId && (d.state === 'queued' || d.state === 'retrying'))
      .map((d) => ({ d, m: this.messages.find((m) => m.id === d.messageId) as StoredMessage }))
      .filter(({ m }) => m.kind === kind);
  }

  async listPending(
    nodeId: string,
    query: { kind: VxpMessageKind; limit: number },
  ): Promise<readonly VxpInboxItem[]> {
    this.#fault();
    return this.#pending(nodeId, query.kind)
      .sort((a, b) => b.m.priority - a.m.priority || a.m.receivedAt.getTime() - b.m.receivedAt.getTime())
      .slice(0, query.limit)
      .map(({ d, m }) => ({
        docId: m.id,
        kind: m.kind,
        priority: m.priority,
        fromOrganId: m.from,
        toOrganId: d.to,
        receivedAt: m.receivedAt,
        updatedAt: d.updatedAt,
        failures: d.failures,
      }));
  }

  async countPending(nodeId: string, kind: VxpMessageKind): Promise<number> {
    this.#fault();
    return this.#pending(nodeId, kind).length;
  }

  #deliveriesOf(nodeId: string, docId: string): Delivery[] {
    return this.deliveries.filter((d) => d.node === nodeId && d.messageId === docId);
  }

  async getMessageBytes(nodeId: string, docId: string): Promise<Uint8Array | null> {
    this.#fault();
    if (this.#deliveriesOf(nodeId, docId).length === 0) return null;
    this.events.push({ type: 'fetched', nodeId, docId });
    return this.messages.find((m) => m.id === docId)?.bytes ?? null;
  }

  async acknowledge(nodeId: string, docId: string, at: Date) {
    this.#fault();
    const mine = this.#deliveriesOf(nodeId, docId);
    if (mine.length === 0) return failure('MESSAGE_NOT_FOUND', 'no such message for this node');
    const open = mine.filter((d) => d.state !== 'delivered');
    for (const d of open) {
      d.state = 'delivered';
      d.deliveredAt = at;
      d.updatedAt = at;
    }
    if (open.length > 0) this.events.push({ type: 'acknowledged', nodeId, docId });
    return ok({ alreadyAcknowledged: open.length === 0 });
  }

  async reportFailure(
    nodeId: string,
    docId: string,
    report: { reason: string; maxFailures: number; at: Date },
  ) {
    this.#fault();
    const mine = this.#deliveriesOf(nodeId, docId);
    if (mine.length === 0) return failure('MESSAGE_NOT_FOUND', 'no such message for this node');
    const open = mine.filter((d) => d.state === 'queued' || d.state === 'retrying');
    if (open.length === 0) return ok({ failures: mine[0]?.failures ?? 0, stillOffered: false });
    let failures = 0;
    for (const d of open) {
      d.failures++;
      d.updatedAt = report.at;
      failures = d.failures;
      this.events.push({ type: 'fail-reported', nodeId, docId, data: { reason: report.reason, failures } });
      if (d.failures >= report.maxFailures) {
        d.state = 'failed';
        this.events.push({ type: 'gave-up', nodeId, docId, data: { failures } });
      }
    }
    return ok({ failures, stillOffered: failures < report.maxFailures });
  }

  async recordTransportRemark(nodeId: string, docId: string, remark: { word: string; at: Date }) {
    this.#fault();
    if (this.#deliveriesOf(nodeId, docId).length === 0)
      return failure('MESSAGE_NOT_FOUND', 'no such message');
    this.events.push({ type: 'transport-remark', nodeId, docId, data: { word: remark.word } });
    return ok(null);
  }

  async listSent(
    nodeId: string,
    query: { docId?: string; kind?: VxpMessageKind; limit: number },
  ): Promise<readonly VxpSentItem[] | null> {
    this.#fault();
    let sent = this.messages.filter((m) => m.senderNode === nodeId);
    if (query.docId !== undefined) {
      sent = sent.filter((m) => m.id === query.docId);
      if (sent.length === 0) return null;
    }
    if (query.kind !== undefined) sent = sent.filter((m) => m.kind === query.kind);
    const rows: VxpSentItem[] = [];
    for (const m of [...sent].reverse()) {
      for (const d of this.deliveries.filter((x) => x.messageId === m.id)) {
        rows.push({
          senderDocId: m.id,
          kind: m.kind,
          fromOrganId: m.from,
          toOrganId: d.to,
          ...(m.title === undefined ? {} : { title: m.title }),
          ...(m.notation === undefined ? {} : { notation: m.notation }),
          sentAt: m.receivedAt,
          ...(d.deliveredAt === undefined ? {} : { deliveredAt: d.deliveredAt }),
          delivery: d.state,
          ...(d.businessStatus === undefined ? {} : { businessStatus: d.businessStatus }),
        });
      }
    }
    return rows.slice(0, query.limit);
  }

  async listAgencies(query: { includeDeleted: boolean; level?: number }): Promise<readonly VxpAgency[]> {
    this.#fault();
    return this.agencies.filter(
      (a) => (query.includeDeleted || !a.deleted) && (query.level === undefined || a.level === query.level),
    );
  }

  async registerAgency(nodeId: string, request: VxpAgencyRequest): Promise<HubResult<VxpAgencyChange>> {
    this.#fault();
    const owner = this.served.get(request.code);
    if (owner !== undefined && owner !== nodeId) {
      return failure('ORG_SERVED_BY_OTHER_NODE', `${request.code} is served by another node`);
    }
    const key = `${request.code}|${request.name}|${request.parentCode ?? ''}`;
    const repeat = this.agencyRequests.some(
      (r) => r.nodeId === nodeId && r.action === 'register' && r.key === key,
    );
    if (!repeat) this.agencyRequests.push({ nodeId, action: 'register', key });
    return ok({ state: repeat ? ('unchanged' as const) : ('pending-approval' as const) });
  }

  async deleteAgency(nodeId: string, code: string): Promise<HubResult<VxpAgencyChange>> {
    this.#fault();
    if (this.served.get(code) !== nodeId)
      return failure('ORG_SERVED_BY_OTHER_NODE', `${code} is not served by this node`);
    const repeat = this.agencyRequests.some(
      (r) => r.nodeId === nodeId && r.action === 'delete' && r.key === code,
    );
    if (!repeat) this.agencyRequests.push({ nodeId, action: 'delete', key: code });
    return ok({ state: repeat ? ('unchanged' as const) : ('pending-approval' as const) });
  }
}
