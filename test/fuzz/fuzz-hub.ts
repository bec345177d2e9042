// The hub the fuzz properties attack: a real hub (createHub on the real Postgres, unique schema) on
// loopback, its log captured in memory, with two bearer-token nodes and two VXP systems:
//   node-a    serves A, signature policy require (the sender of the mutated packages)
//   node-b    serves B, require (their recipient)
//   vxp.c     serves C, require, agency requests refused (sendEdoc of mutated signed packages)
//   vxp.d     serves D, legacy-unsigned, agency requests filed for approval (unsigned packages reach
//             the codec and routing; registerAgency reaches the store)
// Rate limits are set far above what a property sends, so a refusal is about the input, never the
// pace (a 429 with Retry-After is still accepted as a sane answer by the oracles).
import { createHash, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { messageToJson, parseEdxml } from '../../src/edxml/index.ts';
import { type Db, enableVxpSystem, getMessage, getMessageRaw } from '../../src/store/index.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';
import { LogCapture } from './log-capture.ts';

export const ORG = {
  A: '000.00.00.G22',
  B: '000.00.00.H41',
  C: '000.00.00.H29',
  D: '000.00.00.Z08',
} as const;

/** An organ id nobody serves. */
export const UNKNOWN_ORG = '000.00.00.X99';

export interface VxpSystemCredentials {
  readonly systemId: string;
  readonly secret: string;
  readonly token: string;
}

/** A freshly signed package and what a reader must find in it. */
export interface SignedBase {
  readonly bytes: Buffer;
  readonly documentId: string;
  readonly from: string;
  readonly to: readonly string[];
  /**
   * The codec's model of the package without its signature block: what "exactly what was signed"
   * means (null when the codec refuses the package as made).
   */
  readonly model: unknown;
}

export interface FuzzHub {
  readonly t: TestHub & { dir: string };
  readonly url: string;
  readonly log: LogCapture;
  readonly db: Db;
  readonly tokens: { readonly a: string; readonly b: string };
  readonly vxp: { readonly c: VxpSystemCredentials; readonly d: VxpSystemCredentials };
  /** Ids of messages that exist (sent A → B at start): real ids for the path generators. */
  readonly knownIds: readonly string[];
  /** The packages behind `knownIds`, already accepted: resending or mutating them meets the duplicate rules. */
  readonly seeded: readonly SignedBase[];
  /** Observations that are no failure (e.g. xmlsec1 disagreeing), for the report. */
  readonly notes: Set<string>;
  /** A new package from `from` (signed with its development certificate unless `unsigned`). */
  freshPackage(input: {
    from: string;
    to: readonly string[];
    unsigned?: boolean;
    priority?: number;
  }): Promise<SignedBase>;
  /**
   * A new status package from B (signed) about one of the seeded documents A sent B: its base's
   * documentId is the document it is about, as the hub files a status.
   */
  freshStatus(input: { code: string }): Promise<SignedBase>;
  /** /livez answers 200. Cheap: called after every case. */
  livez(): Promise<void>;
  /** /livez, and a normal signed package is still accepted (202, not a duplicate). */
  canary(): Promise<void>;
  close(): Promise<void>;
}

/** The model of a package without its signature block, or null when the codec refuses it. */
export function modelOf(bytes: Uint8Array): unknown {
  const parsed = parseEdxml(bytes);
  if (!parsed.ok) return null;
  const { signature: _signature, ...rest } = messageToJson(parsed.message);
  return rest;
}

export function sameModel(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let documentCounter = 0;

export async function startFuzzHub(options: { env?: NodeJS.ProcessEnv } = {}): Promise<FuzzHub> {
  const log = new LogCapture();
  const t = await startTestHub({
    backend: 'server',
    organIds: [ORG.A, ORG.B, ORG.C, ORG.D],
    logger: log.logger,
    env: {
      LIENTHONG_NODE_RATE: '1000000',
      LIENTHONG_NODE_BURST: '1000000',
      LIENTHONG_AUTH_FAILURES: '1000000',
      ...options.env,
    },
  });
  try {
    const db = t.hub.database.db;
    const a = await t.addNode({ id: 'node-a', organizations: [ORG.A] });
    const b = await t.addNode({ id: 'node-b', organizations: [ORG.B] });
    const c = await t.addNode({ id: 'vxp.c', organizations: [ORG.C] });
    const d = await t.addNode({ id: 'vxp.d', organizations: [ORG.D], signaturePolicy: 'legacy-unsigned' });
    const at = new Date();
    const cSecret = await enableVxpSystem(db, { nodeId: 'vxp.c', at, actor: 'fuzz' });
    const dSecret = await enableVxpSystem(db, {
      nodeId: 'vxp.d',
      at,
      actor: 'fuzz',
      agencyPolicy: 'pending-approval',
    });

    const freshPackage: FuzzHub['freshPackage'] = async (input) => {
      documentCounter++;
      const documentId = `${input.from},2026/12/08,${documentCounter}-${randomUUID().slice(0, 8)}/FUZZ`;
      const xml = samplePackage({
        from: input.from,
        to: input.to,
        documentId,
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
      });
      const text = input.unsigned ? xml : await t.sign(xml, input.from);
      const bytes = Buffer.from(text, 'utf8');
      const model = modelOf(bytes);
      if (model === null) throw new Error('the fresh sample package does not parse');
      return { bytes, documentId, from: input.from, to: input.to, model };
    };

    let statusCounter = 0;
    const freshStatus = async (input: { code: string }, about: SignedBase): Promise<SignedBase> => {
      statusCounter++;
      const xml = sampleStatus({
        from: ORG.B,
        responseFor: { organId: about.from, documentId: about.documentId },
        code: input.code,
        description: `Trạng thái ${input.code} (${statusCounter}-${randomUUID().slice(0, 8)})`,
      });
      const bytes = Buffer.from(await t.sign(xml, ORG.B), 'utf8');
      // A status code outside the list does not parse (null): such a status must be refused.
      return { bytes, documentId: about.documentId, from: ORG.B, to: [about.from], model: modelOf(bytes) };
    };

    const livez = async () => {
      const response = await fetch(`${t.url}/livez`, { signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) throw new Error(`/livez answered ${response.status}`);
      await response.arrayBuffer();
    };

    const canary = async () => {
      await livez();
      const base = await freshPackage({ from: ORG.A, to: [ORG.B] });
      const response = await t.call('POST', '/v1/messages', a, base.bytes);
      const text = await response.text();
      if (response.status !== 202) {
        throw new Error(
          `the hub no longer accepts a normal signed package: ${response.status} ${text.slice(0, 500)}`,
        );
      }
      const receipt = JSON.parse(text) as { id: string; duplicate: boolean };
      if (receipt.duplicate) throw new Error('a fresh package was reported as a duplicate');
      const stored = await getMessage(db, receipt.id);
      const raw = await getMessageRaw(db, receipt.id);
      if (!stored || !raw?.equals(base.bytes)) throw new Error('the canary package was not stored as sent');
    };

    const knownIds: string[] = [];
    const seeded: SignedBase[] = [];
    for (let i = 0; i < 2; i++) {
      const base = await freshPackage({ from: ORG.A, to: [ORG.B] });
      seeded.push(base);
      const response = await t.call('POST', '/v1/messages', a, base.bytes);
      if (response.status !== 202)
        throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
      knownIds.push(((await response.json()) as { id: string }).id);
    }

    return {
      t,
      url: t.url,
      log,
      db,
      tokens: { a, b },
      vxp: {
        c: { systemId: 'vxp.c', secret: cSecret.secret, token: c },
        d: { systemId: 'vxp.d', secret: dSecret.secret, token: d },
      },
      knownIds,
      seeded,
      notes: new Set(),
      freshPackage,
      freshStatus: (input) => {
        const about = seeded[statusCounter % seeded.length];
        if (!about) throw new Error('no seeded document');
        return freshStatus(input, about);
      },
      livez,
      canary,
      close: () => t.close(),
    };
  } catch (error) {
    await t.close();
    throw error;
  }
}
