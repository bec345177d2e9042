// The node API properties, shared by the tests (short) and the bench (long):
//   nodeApiRequests  hostile requests to every route: never 5xx, every refusal a registered
//                    problem, a 202 only for a package that verified, the hub stays up;
//   nodeApiPackages  freshly signed packages, mutated, sent as a node would: whatever is accepted
//                    verified and reads exactly as signed; what changed signed content is refused.
import fc from 'fast-check';
import { getMessage } from '../../src/store/index.ts';
import { type FuzzHub, ORG, type SignedBase, UNKNOWN_ORG } from './fuzz-hub.ts';
import {
  applyPlanTracked,
  describePlan,
  type MutationPlan,
  mustBeRefused,
  mutationPlan,
  onlyHarmless,
} from './generators.ts';
import { type NodeCase, nodeRequest } from './http-generators.ts';
import {
  checkAccepted,
  checkNodeAnswer,
  describeRequest,
  FuzzFailure,
  REACHED_SIGNATURE,
  type Stage,
} from './oracles.ts';
import type { Counters, PropertySpec } from './runner.ts';
import { type Answer, send, type WireRequest } from './wire.ts';

/** A normal package every this many cases (and after the last): the hub still accepts. */
const CANARY_EVERY = 25;

/** The request sent before the current one (a 429 note names both: limits are about sequences). */
let previousRequest = '(none)';

async function sendChecked(hub: FuzzHub, request: WireRequest, counters: Counters) {
  const mark = hub.log.mark();
  const answer = await send(hub.url, request);
  const previous = previousRequest;
  previousRequest = `${describeRequest(request).slice(0, 300)} → ${answer.status || answer.noAnswer}`;
  try {
    const verdict = checkNodeAnswer(request, answer, hub.log, mark);
    counters.add(`stage:${verdict.stage}`);
    if (verdict.code) counters.add(`code:${verdict.code}`);
    counters.add(`transport:${request.transport}`);
    if (verdict.stage === 'rate-limited') {
      // The limits are set far above what a property sends: a 429 is worth a look.
      hub.notes.add(
        `429 ${answer.body.toString('utf8').slice(0, 300)} for ${describeRequest(request).slice(0, 400)}, after ${previous}`,
      );
    }
    return { answer, verdict };
  } catch (error) {
    if (error instanceof FuzzFailure) {
      throw new FuzzFailure(`${error.message}\n  request: ${describeRequest(request)}`);
    }
    throw error;
  }
}

const receiptOf = (answer: Answer) =>
  JSON.parse(answer.body.toString('utf8')) as { id: string; duplicate: boolean };

const afterEach =
  (hub: FuzzHub) =>
  async (index: number): Promise<void> => {
    await hub.livez();
    if ((index + 1) % CANARY_EVERY === 0) await hub.canary();
  };

/** Hostile requests to every route of the hub's app. */
export function nodeApiRequests(hub: FuzzHub): PropertySpec<NodeCase> {
  const arbitrary = nodeRequest({
    tokens: hub.tokens,
    otherToken: hub.vxp.c.token,
    knownIds: hub.knownIds,
    seeded: hub.seeded,
  }).map((c) =>
    Object.assign(c, { [fc.toStringMethod]: () => `${describeRequest(c.request)} (body: ${c.body})` }),
  );
  return {
    name: 'node API: hostile requests',
    arbitrary,
    async check(c, counters) {
      const { answer } = await sendChecked(hub, c.request, counters);
      if (answer.status !== 202) return;
      // Only POST /v1/messages answers 202: whatever was sent, it must be a package that verified.
      const receipt = receiptOf(answer);
      if (c.origin === null || c.request.body === null) {
        throw new FuzzFailure(
          `202 for a body that is no signed package (${c.body}): ${describeRequest(c.request)}`,
        );
      }
      const sent = Buffer.from(c.request.body);
      if (!receipt.duplicate && !sent.equals(c.origin.bytes)) {
        throw new FuzzFailure(
          `a second new document with an accepted DocumentId was accepted (${c.body}); expected DOCUMENT_CONFLICT`,
        );
      }
      const stored = await getMessage(hub.db, receipt.id);
      if (stored?.senderNodeId !== 'node-a') {
        throw new FuzzFailure(
          `202 with a receipt of ${stored?.senderNodeId ?? 'nobody'}'s message: ${describeRequest(c.request)}`,
        );
      }
      await checkAccepted(hub, {
        id: receipt.id,
        sent,
        base: c.origin,
        plan: null,
        policy: 'require',
        senderToken: hub.tokens.a,
      });
      counters.add('accepted:resent');
    },
    after: afterEach(hub),
    finish: () => hub.canary(),
  };
}

/** One package case: who sends, to whom, and the mutations. */
export interface PackageCase {
  /** A signed package from A, an unsigned one from the legacy node, or a signed status from B. */
  readonly sender: 'signed' | 'legacy' | 'status';
  /** The status code, when it is a status (valid ones, and some that are not). */
  readonly statusCode: string;
  readonly to: readonly string[];
  readonly priority: number;
  readonly plan: MutationPlan;
  readonly contentType: string;
}

export const packageCase: fc.Arbitrary<PackageCase> = fc
  .record({
    sender: fc.constantFrom<'signed' | 'legacy' | 'status'>('signed', 'signed', 'signed', 'legacy', 'status'),
    statusCode: fc.constantFrom('01', '02', '03', '04', '05', '06', '13', '15', '16', '07', '3', ''),
    to: fc.constantFrom<readonly string[]>(
      [ORG.B],
      [ORG.B],
      [ORG.B, UNKNOWN_ORG],
      [UNKNOWN_ORG],
      [ORG.B, ORG.C],
    ),
    priority: fc.integer({ min: 0, max: 4 }),
    plan: mutationPlan,
    contentType: fc.constantFrom(
      'application/xml',
      'application/xml',
      'text/xml',
      'application/xml; charset=utf-8',
    ),
  })
  .map((c) =>
    Object.assign(c, {
      [fc.toStringMethod]: () =>
        `${c.sender === 'status' ? `status ${c.statusCode} from B` : `${c.sender} → ${c.to.join('+')}`}: ${describePlan(c.plan)}`,
    }),
  );

/** Counts what a package case showed: its stage, and whether harmless mutations were accepted. */
function countPackage(
  counters: Counters,
  plan: MutationPlan,
  stage: Stage,
  accepted: boolean,
  code: string | null,
) {
  if (REACHED_SIGNATURE.has(stage)) counters.add('reached:signature');
  if (onlyHarmless(plan)) {
    counters.add(accepted ? 'harmless:accepted' : 'harmless:refused');
    if (!accepted && code) counters.add(`harmless-refused-by:${code}`);
  }
  if (mustBeRefused(plan)) counters.add('must-refuse:cases');
}

/** Freshly signed (or, from the legacy node, unsigned) packages, mutated, sent to /v1/messages. */
export function nodeApiPackages(hub: FuzzHub): PropertySpec<PackageCase> {
  return {
    name: 'node API: mutated signed packages',
    arbitrary: packageCase,
    async check(c, counters) {
      const legacy = c.sender === 'legacy';
      const base: SignedBase =
        c.sender === 'status'
          ? await hub.freshStatus({ code: c.statusCode })
          : await hub.freshPackage({
              from: legacy ? ORG.D : ORG.A,
              to: c.to,
              priority: c.priority,
              unsigned: legacy,
            });
      const { bytes: sent, effective } = applyPlanTracked(c.plan, base.bytes);
      const token = legacy ? hub.vxp.d.token : c.sender === 'status' ? hub.tokens.b : hub.tokens.a;
      const request: WireRequest = {
        method: 'POST',
        target: '/v1/messages',
        headers: [
          ['Authorization', `Bearer ${token}`],
          ['Content-Type', c.contentType],
        ],
        body: sent,
        transport: 'fetch',
        framing: 'exact',
      };
      const { answer, verdict } = await sendChecked(hub, request, counters);
      const accepted = answer.status === 202;
      countPackage(counters, effective, verdict.stage, accepted, verdict.code);
      if (!accepted) return;
      const receipt = receiptOf(answer);
      const report = await checkAccepted(hub, {
        id: receipt.id,
        sent,
        base,
        plan: effective,
        policy: legacy ? 'legacy-unsigned' : 'require',
        senderToken: token,
      });
      counters.add(`accepted:${c.sender}${report.mutated ? ':mutated' : ''}`);
      if (report.xmlsecDisagrees) {
        counters.add('xmlsec1:disagrees');
        hub.notes.add(`xmlsec1 refuses what the hub accepted: ${report.xmlsecDisagrees}`);
      }
    },
    after: afterEach(hub),
    finish: () => hub.canary(),
  };
}
