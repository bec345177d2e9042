import type { Finding } from '../core/index.ts';
import type { MessageSummary, ParseResult } from '../edxml/index.ts';
import { summarize } from '../edxml/index.ts';
import { type DirectorySnapshot, isInOrganSubtree, type RoutePlan, resolveRoute } from '../routing/index.ts';
import type { SignatureVerdict, VerifyOptions } from '../signature/index.ts';
import { checkSignerBinding } from '../signature/index.ts';
import { type PlannedEffects, planEffects } from './accept-plan.ts';
import { type ForwardedFrom, MAX_HOPS } from './forwarding.ts';
import type { HubFailure } from './hub-failure.ts';
import { refusal } from './hub-failure.ts';
import type { HubStore } from './hub-store.ts';
import type { NodeIdentity } from './hub-types.ts';

/** What the checks are run with: the hub's settings and its I/O. */
export interface AcceptEnv {
  readonly store: HubStore;
  /** The codec with the hub's options (strictness, size) applied. */
  readonly parse: (bytes: Uint8Array) => ParseResult;
  /** Signature verification (worker threads in production). */
  readonly verify: (bytes: Uint8Array, options: VerifyOptions) => Promise<SignatureVerdict>;
  readonly maxPackageBytes: number;
  /** Subject attributes that may carry the signer's organ id (e.g. OU, UID). */
  readonly bindingAttributes: readonly string[];
  readonly allowSha1: boolean;
  /** This hub's id (LIENTHONG_HUB_ID): a message that passed it already is refused (HUB_LOOP). */
  readonly hubId: string;
}

/** One package on its way through the checks; each check fills in what it found. */
export interface AcceptDraft {
  readonly node: NodeIdentity;
  readonly bytes: Uint8Array;
  /** What the edge said the bytes are, when it said (SubmitOptions.declaredKind). */
  readonly declaredKind?: 'package' | 'status' | undefined;
  /** What the peer hub that handed the message over says about it (SubmitOptions.forward). */
  readonly forward?: ForwardedFrom | undefined;
  /** When the hub received it: the instant every rule is judged at. */
  readonly at: Date;
  /** Warnings gathered so far, in the order of the checks. */
  readonly findings: Finding[];
  summary?: MessageSummary;
  /** The signature verdict, or the legacy-unsigned marker, as stored with the message. */
  verdict?: Readonly<Record<string, unknown>>;
  /** Who signed (policy `require` only), for the binding check. */
  signer?: NonNullable<SignatureVerdict['signer']>;
  directory?: DirectorySnapshot;
  plan?: RoutePlan;
  effects?: PlannedEffects;
}

/** A check: refuses with a failure, or lets the package on (having filled in the draft). */
export type AcceptCheck = (
  draft: AcceptDraft,
  env: AcceptEnv,
) => Promise<HubFailure | null> | HubFailure | null;

/** A value a later check needs from an earlier one (a programming error when it is missing). */
export function stage<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`accept check ran before ${name} was known`);
  return value;
}

const checkSize: AcceptCheck = (draft, env) =>
  draft.bytes.byteLength > env.maxPackageBytes
    ? refusal('PAYLOAD_TOO_LARGE', `The package is larger than ${env.maxPackageBytes} bytes.`)
    : null;

/** The directory, loaded once per message (the store reuses a snapshot for a short while). */
async function directoryOf(draft: AcceptDraft, env: AcceptEnv): Promise<DirectorySnapshot> {
  draft.directory ??= await env.store.directory();
  return draft.directory;
}

const isPeer = (node: NodeIdentity) => node.kind !== 'system';

const checkForward: AcceptCheck = (draft, env) => {
  const forward = draft.forward;
  if (forward === undefined) return null;
  if (!isPeer(draft.node)) {
    return refusal(
      'FORWARD_NOT_ALLOWED',
      'Lienthong-Message-Id, Lienthong-Hops and Lienthong-Recipients are for peer hubs; this node is a system.',
    );
  }
  if (forward.hops.includes(env.hubId)) {
    return refusal('HUB_LOOP', `The message already passed this hub (${env.hubId}).`, [], {
      hops: [...forward.hops],
    });
  }
  if (forward.hops.length >= MAX_HOPS) {
    return refusal(
      'HUB_TOO_MANY_HOPS',
      `The message passed ${forward.hops.length} hubs; at most ${MAX_HOPS}.`,
      [],
      {
        hops: [...forward.hops],
      },
    );
  }
  return null;
};

const checkCodec: AcceptCheck = (draft, env) => {
  const parsed = env.parse(draft.bytes);
  if (!parsed.ok) return refusal(parsed.code, 'The package was refused by the edXML codec.', parsed.findings);
  draft.summary = summarize(parsed.message);
  draft.findings.push(...parsed.findings);
  return null;
};

const checkDeclaredKind: AcceptCheck = (draft) => {
  const kind = stage(draft.summary, 'the summary').kind;
  if (draft.declaredKind === undefined || draft.declaredKind === kind) return null;
  const said = draft.declaredKind === 'package' ? 'edoc' : 'status';
  return refusal(
    'VXP_MESSAGETYPE_MISMATCH',
    `messagetype is ${said} but the package is ${kind === 'package' ? 'a document' : 'a status'}.`,
  );
};

const checkSignaturePolicy: AcceptCheck = async (draft, env) => {
  if (draft.node.signaturePolicy === 'legacy-unsigned') {
    draft.verdict = { policy: 'legacy-unsigned', verified: false };
    draft.findings.push({
      code: 'SIGNATURE_NOT_REQUIRED_UNSIGNED',
      severity: 'warning',
      path: 'edXMLEnvelope/edXMLHeader/Signature',
      message: 'Not verified: the sending node has the legacy-unsigned signature policy.',
    });
    return null;
  }
  const verdict = await env.verify(draft.bytes, { at: draft.at, allowSha1: env.allowSha1 });
  if (!verdict.valid || !verdict.signer) {
    return refusal(verdict.code, `The signature was refused: ${verdict.code}.`, verdict.findings);
  }
  draft.signer = verdict.signer;
  draft.verdict = {
    policy: 'require',
    verified: true,
    code: verdict.code,
    algorithm: verdict.algorithm,
    signer: verdict.signer,
  };
  draft.findings.push(...verdict.findings.filter((f) => f.severity === 'warning'));
  return null;
};

/**
 * A node sends only as the organizations it serves. A child hub relays only what its subtree sent
 * (what it reported, or its subtree roots); the parent relays only what came from outside this
 * hub's own subtree (an organization this hub routes to one of its own nodes or children cannot
 * have come down from above).
 */
const checkSenderServed: AcceptCheck = async (draft, env) => {
  const from = stage(draft.summary, 'the summary').fromOrganId;
  const { node } = draft;
  const refuse = (why: string) => refusal('SENDER_NOT_SERVED', why, [], { fromOrganId: from });
  if (node.kind === 'parent_hub') {
    const route = resolveRoute(await directoryOf(draft, env), from, { at: draft.at });
    return route.kind === 'local' || route.kind === 'child-hub'
      ? refuse(`${from} is below this hub: a package from it cannot come from the parent hub.`)
      : null;
  }
  if (node.organIds.includes(from)) return null;
  if (node.kind === 'peer_hub' && node.subtreeRoots.some((root) => isInOrganSubtree(from, root))) return null;
  return refuse(
    node.kind === 'peer_hub'
      ? `${from} is not in the subtree of child hub ${node.id}.`
      : `This node does not serve the sending organization ${from}.`,
  );
};

const checkSignerBound: AcceptCheck = async (draft, env) => {
  const directory = await directoryOf(draft, env);
  if (draft.signer === undefined) return null; // legacy-unsigned: nothing was verified to bind
  const from = stage(draft.summary, 'the summary').fromOrganId;
  const pins = directory.signerPins.get(from) ?? [];
  const binding = checkSignerBinding(draft.signer, from, {
    bindings: pins.map((p) => ({ kind: 'thumbprint', organId: p.organId, sha256: p.certSha256 })),
    subjectAttributes: env.bindingAttributes,
  });
  return binding ? refusal('SIGNER_NOT_SENDER', binding.message, [binding]) : null;
};

const checkEffects: AcceptCheck = async (draft, env) => {
  const planned = await planEffects(
    env.store,
    await directoryOf(draft, env),
    stage(draft.summary, 'the summary'),
    {
      at: draft.at,
      node: draft.node,
      forward: draft.forward,
    },
  );
  if (!planned.ok) return planned.error;
  draft.plan = planned.value.plan;
  draft.effects = planned.value.effects;
  draft.findings.push(...planned.value.findings);
  return null;
};

const checkRoutable: AcceptCheck = (draft) => {
  const plan = stage(draft.plan, 'the route plan');
  if (plan.deliveries.length > 0) return null;
  return refusal(
    'NO_ROUTABLE_RECIPIENT',
    'None of the recipients can be reached through this hub.',
    draft.findings,
    { recipients: recipientReceipts(plan) },
  );
};

/**
 * Every check a message passes before it is written, in this order, each once: the first refusal
 * ends the run. The order is part of the contract (docs/errors.md): a package that fails two checks
 * is refused with the code of the earlier one.
 */
export const ACCEPT_CHECKS: ReadonlyArray<{ readonly name: string; readonly run: AcceptCheck }> = [
  { name: 'size', run: checkSize },
  { name: 'hops', run: checkForward },
  { name: 'codec', run: checkCodec },
  { name: 'declared kind', run: checkDeclaredKind },
  { name: 'signature policy', run: checkSignaturePolicy },
  { name: 'sender served', run: checkSenderServed },
  { name: 'signer binding', run: checkSignerBound },
  { name: 'status and revocation', run: checkEffects },
  { name: 'routing', run: checkRoutable },
];

/** Runs {@link ACCEPT_CHECKS} on a draft; null when all let it on. */
export async function runAcceptChecks(draft: AcceptDraft, env: AcceptEnv): Promise<HubFailure | null> {
  for (const check of ACCEPT_CHECKS) {
    const failure = await check.run(draft, env);
    if (failure) return failure;
  }
  return null;
}

/** The receipt lines of a route plan: one per addressed organ id, in the order addressed. */
export function recipientReceipts(plan: RoutePlan) {
  return plan.decisions.map((d) =>
    d.kind === 'unroutable'
      ? { organId: d.addressedOrganId, state: 'unroutable', reason: d.reason }
      : {
          organId: d.addressedOrganId,
          state: 'queued',
          ...(d.recipientOrganId !== d.addressedOrganId ? { deliveredTo: d.recipientOrganId } : {}),
          ...(d.reason ? { reason: d.reason } : {}),
        },
  );
}
