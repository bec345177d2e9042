// The end-to-end flow over real HTTP on loopback: node A sends a signed package to two
// organizations served by nodes B and C; B and C long-poll, fetch byte-identical packages and ack;
// B sends statuses 01, 03, 05, 06 and C sends 02; A's trace shows exactly that. Run on the real
// Postgres and on embedded Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { type Backend, startTestHub, type TestHub } from '../support/hub-harness.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H29';

interface Receipt {
  id: string;
  documentId: string;
  duplicate: boolean;
  recipients: Array<{ organId: string; state: string; reason?: string }>;
}
interface InboxItem {
  id: string;
  kind: string;
  documentId: string;
  statusCode: string | null;
}
interface Trace {
  receivedAt: string;
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    deliveredAt: string | null;
    deliveredBy: string | null;
    statuses: Array<{
      code: string;
      inconsistent: boolean;
      at: string;
      receivedAt: string;
      description: string | null;
    }>;
  }>;
}

for (const backend of ['server', 'embedded'] as Backend[]) {
  describe(`hub end to end (${backend})`, () => {
    let t: TestHub;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestHub({ backend, organIds: [A, B, C] });
      tokens['A'] = await t.addNode({ id: 'node-a', organizations: [A] });
      tokens['B'] = await t.addNode({ id: 'node-b', organizations: [B] });
      tokens['C'] = await t.addNode({ id: 'node-c', organizations: [C] });
    }, 120_000);
    afterAll(async () => t?.close());

    it('carries a package to two nodes and the statuses back to the sender', async () => {
      const documentId = `${A},2026/11/20,123/VPCP-${backend}`;
      const pkg = await t.sign(samplePackage({ from: A, to: [B, C], documentId }), A);

      // B long-polls before anything is sent: the answer comes when the package is committed.
      const poll = t.call('GET', '/v1/inbox?wait=10', tokens['B']!);
      await new Promise((r) => setTimeout(r, 200));
      const sent = await t.call('POST', '/v1/messages', tokens['A']!, pkg);
      expect(sent.status).toBe(202);
      const receipt = (await sent.json()) as Receipt;
      expect(receipt.duplicate).toBe(false);
      expect(receipt.documentId).toBe(documentId);
      expect(receipt.recipients.map((r) => [r.organId, r.state]).sort()).toEqual(
        [
          [C, 'queued'],
          [B, 'queued'],
        ].sort(),
      );

      const polled = (await (await poll).json()) as { items: InboxItem[] };
      expect(polled.items.map((i) => i.id)).toEqual([receipt.id]);

      for (const who of ['B', 'C']) {
        const inbox = (await (await t.call('GET', '/v1/inbox?wait=5', tokens[who]!)).json()) as {
          items: InboxItem[];
        };
        expect(inbox.items).toHaveLength(1);
        const fetched = await t.call('GET', `/v1/messages/${receipt.id}`, tokens[who]!);
        expect(fetched.status).toBe(200);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(Buffer.from(pkg))).toBe(true);
        const ack = await t.call('POST', `/v1/messages/${receipt.id}/ack`, tokens[who]!);
        expect(((await ack.json()) as { changed: boolean }).changed).toBe(true);
        const again = await t.call('POST', `/v1/messages/${receipt.id}/ack`, tokens[who]!);
        expect(((await again.json()) as { changed: boolean }).changed).toBe(false);
        const empty = (await (await t.call('GET', '/v1/inbox', tokens[who]!)).json()) as {
          items: InboxItem[];
        };
        expect(empty.items).toEqual([]);
      }

      const statuses: Array<[string, string, string]> = [
        ['B', B, '01'],
        ['B', B, '03'],
        ['B', B, '05'],
        ['B', B, '06'],
        ['C', C, '02'],
      ];
      // C's refusal says why and when, in its own words and Vietnam time (whole seconds, taken at
      // least a second after the package was accepted, so it falls between the two receptions).
      await new Promise((r) => setTimeout(r, 1_100));
      const refusedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const refusedAtVietnam = new Date(refusedAt.getTime() + 7 * 3_600_000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ')
        .replaceAll('-', '/');
      for (const [who, organ, code] of statuses) {
        const refusal =
          code === '02' ? { description: 'Không đúng thẩm quyền', timestamp: refusedAtVietnam } : {};
        const status = await t.sign(
          sampleStatus({ from: organ, responseFor: { organId: A, documentId }, code, ...refusal }),
          organ,
        );
        const res = await t.call('POST', '/v1/messages', tokens[who]!, status);
        expect([code, res.status]).toEqual([code, 202]);
      }

      // The statuses reach A's inbox, urgent-first order aside, in the order sent.
      const aInbox = (await (await t.call('GET', '/v1/inbox?limit=50', tokens['A']!)).json()) as {
        items: InboxItem[];
      };
      expect(aInbox.items.map((i) => [i.kind, i.statusCode])).toEqual([
        ['status', '01'],
        ['status', '03'],
        ['status', '05'],
        ['status', '06'],
        ['status', '02'],
      ]);

      const trace = (await (
        await t.call('GET', `/v1/messages/${receipt.id}/trace`, tokens['A']!)
      ).json()) as Trace;
      const byOrgan = Object.fromEntries(trace.deliveries.map((d) => [d.recipientOrganId, d]));
      expect(byOrgan[B]?.state).toBe('delivered');
      expect(byOrgan[B]?.deliveredBy).toBe('ack');
      expect(byOrgan[B]?.statuses.map((s) => s.code)).toEqual(['01', '03', '05', '06']);
      expect(byOrgan[C]?.state).toBe('delivered');
      expect(byOrgan[C]?.statuses.map((s) => s.code)).toEqual(['02']);
      expect(byOrgan[C]?.statuses[0]).toMatchObject({
        description: 'Không đúng thẩm quyền',
        at: refusedAt.toISOString(), // the status Timestamp, read as Vietnam time
      });
      expect(Date.parse(byOrgan[C]!.statuses[0]!.receivedAt)).toBeGreaterThanOrEqual(refusedAt.getTime());
      // B's statuses carry the samples' fixed 2026/11/20 Timestamp, before the package was sent:
      // shown as the package's reception, never earlier.
      expect(byOrgan[B]?.statuses.map((s) => s.at)).toEqual(Array(4).fill(trace.receivedAt));
      expect(byOrgan[B]?.statuses.map((s) => s.description)).toEqual([
        'Trạng thái 01',
        'Trạng thái 03',
        'Trạng thái 05',
        'Trạng thái 06',
      ]);
      expect(trace.deliveries.flatMap((d) => d.statuses).every((s) => !s.inconsistent)).toBe(true);

      // The same document by DocumentId, for the sender.
      const docs = (await (
        await t.call('GET', `/v1/documents?documentId=${encodeURIComponent(documentId)}`, tokens['A']!)
      ).json()) as { items: Trace[] };
      expect(docs.items).toHaveLength(1);

      // A recipient sees only its own part of the trace.
      const bTrace = (await (
        await t.call('GET', `/v1/messages/${receipt.id}/trace`, tokens['B']!)
      ).json()) as Trace;
      expect(bTrace.deliveries.map((d) => d.recipientOrganId)).toEqual([B]);
    });
  });
}
