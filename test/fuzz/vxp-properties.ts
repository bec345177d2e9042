// The VXP API properties, shared by the tests (short) and the bench (long):
//   vxpHeaderGames  every operation, SDK-built with hostile parameters, through header games: a
//                   well-formed envelope with a registered code, never VXP_INTERNAL, every game
//                   that breaks the signature refused as unauthenticated, every request signed
//                   as the SDK signs it authenticated;
//   vxpPackages     sendEdoc of fresh packages (signed from system c, unsigned from the legacy
//                   system d), mutated, with a correct hash-file: an OK means the package verified
//                   (or was taken under legacy-unsigned) and reads exactly as signed.
import fc from 'fast-check';
import { type VxpOperation, VxpSdkClient } from '../support/vxp-sdk-client.ts';
import { type FuzzHub, ORG, UNKNOWN_ORG } from './fuzz-hub.ts';
import {
  applyPlanTracked,
  describePlan,
  type MutationPlan,
  mustBeRefused,
  mutationPlan,
  onlyHarmless,
} from './generators.ts';
import {
  checkAccepted,
  checkNodeAnswer,
  checkVxpAnswer,
  describeRequest,
  FuzzFailure,
  REACHED_SIGNATURE,
  stageOf,
  VXP_AUTH_CODES,
  type VxpVerdict,
} from './oracles.ts';
import type { Counters, PropertySpec } from './runner.ts';
import { type VxpCase, vxpRequest } from './vxp-generators.ts';
import { send, type WireRequest } from './wire.ts';

const CANARY_EVERY = 25;

/** Refusals that mean "not authenticated" (as opposed to a refused path or method). */
const NOT_AUTHENTICATED = new Set([
  'VXP_UNSIGNED',
  'VXP_BAD_SIGN_HEADER',
  'VXP_UNKNOWN_SYSTEM',
  'VXP_BAD_SIGNATURE',
  'VXP_HEADER_MISMATCH',
]);

const ROUTED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);

async function sendVxp(
  hub: FuzzHub,
  request: WireRequest,
  sentTo: VxpOperation | null,
  counters: Counters,
): Promise<VxpVerdict | null> {
  const mark = hub.log.mark();
  const answer = await send(hub.url, request);
  try {
    if (request.method === 'HEAD') {
      // No body to judge: the status alone (Fastify answers HEAD for the GET route).
      if (answer.status >= 500 || answer.status === 0)
        throw new FuzzFailure(`HEAD answered ${answer.status}`);
      counters.add('vxp:head');
      return null;
    }
    if (!ROUTED_METHODS.has(request.method)) {
      // OPTIONS and the like never reach the VXP route: the app's 404 problem answers them.
      const verdict = checkNodeAnswer(request, answer, hub.log, mark);
      counters.add(`vxp:unrouted:${verdict.code ?? answer.status}`);
      return null;
    }
    const verdict = checkVxpAnswer(
      answer,
      sentTo === null || sentTo === 'downloadEdoc',
      hub.log,
      mark,
      request,
    );
    counters.add(`vxp:${verdict.status}`);
    if (verdict.code) counters.add(`code:${verdict.code}`);
    return verdict;
  } catch (error) {
    if (error instanceof FuzzFailure)
      throw new FuzzFailure(`${error.message}\n  request: ${describeRequest(request)}`);
    throw error;
  }
}

const afterEach =
  (hub: FuzzHub) =>
  async (index: number): Promise<void> => {
    await hub.livez();
    if ((index + 1) % CANARY_EVERY === 0) await hub.canary();
  };

export function vxpHeaderGames(hub: FuzzHub): PropertySpec<VxpCase> {
  const arbitrary = vxpRequest({
    origin: hub.url,
    systems: { c: hub.vxp.c, d: hub.vxp.d },
    knownIds: hub.knownIds,
    seeded: hub.seeded,
  });
  return {
    name: 'VXP API: header games and hostile parameters',
    arbitrary,
    async check(c, counters) {
      const verdict = await sendVxp(hub, c.request, c.sentTo, counters);
      if (verdict === null) return;
      const where = `\n  case: ${c.description}\n  request: ${describeRequest(c.request)}`;
      const authenticated =
        verdict.status === 'OK' ||
        (verdict.status === 'raw' && (verdict.rawLength ?? 0) > 0) ||
        (verdict.status === 'FAIL' && verdict.code !== null && !VXP_AUTH_CODES.has(verdict.code));
      if (authenticated) counters.add('vxp:authenticated');
      if (c.breaksAuth === true) {
        counters.add('vxp:broken-signature');
        const refused =
          verdict.status === 'transport' ||
          verdict.status === 'rate-limited' ||
          (verdict.status === 'raw' && verdict.rawLength === 0) ||
          (verdict.status === 'FAIL' && verdict.code !== null && VXP_AUTH_CODES.has(verdict.code));
        if (!refused)
          throw new FuzzFailure(
            `a request with a broken signature was served (${verdict.status} ${verdict.code ?? ''})${where}`,
          );
      }
      if (
        c.mustAuthenticate &&
        verdict.status === 'FAIL' &&
        verdict.code !== null &&
        NOT_AUTHENTICATED.has(verdict.code)
      ) {
        throw new FuzzFailure(`a request signed as the SDK signs was refused with ${verdict.code}${where}`);
      }
      if (c.mustAuthenticate) counters.add('vxp:must-authenticate');
      if (verdict.status === 'OK' && c.sentTo === 'sendEdoc') {
        // The bodies here are random bytes or packages from A, which neither system serves.
        throw new FuzzFailure(`sendEdoc accepted a package its system does not serve${where}`);
      }
    },
    after: afterEach(hub),
    finish: () => hub.canary(),
  };
}

export interface VxpPackageCase {
  readonly system: 'c' | 'd';
  readonly to: readonly string[];
  readonly messagetype: string;
  readonly plan: MutationPlan;
}

const vxpPackageCase: fc.Arbitrary<VxpPackageCase> = fc
  .record({
    system: fc.constantFrom<'c' | 'd'>('c', 'c', 'c', 'd'),
    to: fc.constantFrom<readonly string[]>([ORG.B], [ORG.B], [ORG.B, UNKNOWN_ORG], [UNKNOWN_ORG]),
    messagetype: fc.constantFrom('edoc', 'edoc', 'edoc', 'EDOC', 'status'),
    plan: mutationPlan,
  })
  .map((c) =>
    Object.assign(c, {
      [fc.toStringMethod]: () =>
        `system ${c.system} → ${c.to.join('+')} as ${c.messagetype}: ${describePlan(c.plan)}`,
    }),
  );

export function vxpPackages(hub: FuzzHub): PropertySpec<VxpPackageCase> {
  return {
    name: 'VXP API: sendEdoc of mutated packages',
    arbitrary: vxpPackageCase,
    async check(c, counters) {
      const system = c.system === 'c' ? hub.vxp.c : hub.vxp.d;
      const legacy = c.system === 'd';
      const base = await hub.freshPackage({ from: legacy ? ORG.D : ORG.C, to: c.to, unsigned: legacy });
      const { bytes: file, effective } = applyPlanTracked(c.plan, base.bytes);
      const client = new VxpSdkClient({
        endpoint: `${hub.url}/vxp`,
        systemId: system.systemId,
        secret: system.secret,
      });
      const prepared = client.prepare(
        'sendEdoc',
        { from: base.from, messagetype: c.messagetype, servicetype: 'eDoc' },
        file,
      );
      const request: WireRequest = {
        method: prepared.method,
        target: prepared.path,
        headers: prepared.headers.filter(([n]) => n.toLowerCase() !== 'connection'),
        body: prepared.body,
        transport: 'raw',
        framing: 'none',
      };
      const verdict = await sendVxp(hub, request, 'sendEdoc', counters);
      if (verdict === null) throw new FuzzFailure('sendEdoc got no envelope');
      const where = `\n  case: system ${c.system}, ${describePlan(effective)}`;
      const stage = verdict.status === 'OK' ? 'success' : verdict.code ? stageOf(verdict.code) : 'transport';
      counters.add(`stage:${stage}`);
      if (REACHED_SIGNATURE.has(stage)) counters.add('reached:signature');
      if (onlyHarmless(effective))
        counters.add(verdict.status === 'OK' ? 'harmless:accepted' : 'harmless:refused');
      if (mustBeRefused(effective)) counters.add('must-refuse:cases');
      if (verdict.status === 'FAIL' && verdict.code && NOT_AUTHENTICATED.has(verdict.code)) {
        throw new FuzzFailure(`sendEdoc signed as the SDK signs was refused with ${verdict.code}${where}`);
      }
      if (verdict.status !== 'OK') return;
      if (c.messagetype === 'status')
        throw new FuzzFailure(`a document sent as messagetype status was accepted${where}`);
      const docId = verdict.json?.['DocId'];
      if (typeof docId !== 'string' || docId === '') throw new FuzzFailure(`OK without a DocId${where}`);
      const report = await checkAccepted(hub, {
        id: docId,
        sent: file,
        base,
        plan: effective,
        policy: legacy ? 'legacy-unsigned' : 'require',
        senderToken: system.token,
      });
      counters.add(`accepted:${legacy ? 'legacy' : 'signed'}${report.mutated ? ':mutated' : ''}`);
      if (report.xmlsecDisagrees) {
        counters.add('xmlsec1:disagrees');
        hub.notes.add(`xmlsec1 refuses what the hub accepted (VXP): ${report.xmlsecDisagrees}`);
      }
    },
    after: afterEach(hub),
    finish: () => hub.canary(),
  };
}
