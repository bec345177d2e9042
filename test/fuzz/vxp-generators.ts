// Hostile VXP requests. Each case is first built exactly as the national axis SDK builds it
// (test/support/vxp-sdk-client.ts), with hostile parameter values, then put through header games:
// signed headers dropped, repeated, altered or reordered, the sign-header re-signed with other
// members (timestamps, system ids, oversized or non-ASCII values) or another secret, the hash
// header played with, the headers of one operation sent to another, odd paths and methods. Each
// game says whether it breaks the authentication: the oracle then requires an authentication
// refusal, so a game that the hub lets through is a failure.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { gsonString, type JsonHeaders, type VxpOperation, VxpSdkClient } from '../support/vxp-sdk-client.ts';
import type { SignedBase } from './fuzz-hub.ts';
import {
  applyPlan,
  describePlan,
  hasHeaderControl,
  hostileString,
  type MutationPlan,
  mutationPlan,
  sometimes,
  withoutHeaderControls,
} from './generators.ts';
import type { WireRequest } from './wire.ts';

export const OPERATIONS: readonly VxpOperation[] = [
  'sendEdoc',
  'getReceivedEdocList',
  'getSentEdocList',
  'getEdoc',
  'updateStatus',
  'countReceiveEdoc',
  'countReceiveStatus',
  'downloadEdoc',
  'getAgenciesList',
  'getAgenciesListQD20',
  'getSynchronizeUnit',
  'registerAgency',
  'deleteAgency',
];

export interface VxpIdentity {
  readonly systemId: string;
  readonly secret: string;
}

export interface VxpContext {
  readonly origin: string;
  /** Two registered systems: `c` (signed packages), `d` (legacy-unsigned, agency requests allowed). */
  readonly systems: { readonly c: VxpIdentity; readonly d: VxpIdentity };
  readonly knownIds: readonly string[];
  /** Already accepted packages, for sendEdoc bodies. */
  readonly seeded: readonly SignedBase[];
}

/** Whether a game makes the request unauthenticated (`maybe`: the hub decides, e.g. cross-operation replay). */
export type BreaksAuth = boolean | 'maybe';

export interface VxpCase {
  readonly request: WireRequest;
  /** The operation whose path the request was sent to (decides the answer's shape). */
  readonly sentTo: VxpOperation | null;
  readonly breaksAuth: BreaksAuth;
  /**
   * Nothing was done to the request that a correct hub may refuse as unauthenticated: a registered
   * system, signed as the SDK signs, headers the HTTP parser takes (no controls, not too large).
   */
  readonly mustAuthenticate: boolean;
  readonly description: string;
  /** A sendEdoc body that came from an accepted package, and how it was mutated. */
  readonly origin: { readonly base: SignedBase; readonly plan: MutationPlan | null } | null;
  readonly identity: 'c' | 'd';
}

// ---------------------------------------------------------------- parameters

/**
 * Hostile values for parameters, which travel as header values too: mostly without the control
 * characters Node's HTTP parser refuses (so that they reach the hub), sometimes with them.
 */
const hostileParam: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.map(withoutHeaderControls) },
  { weight: 1, arbitrary: hostileString },
);

const docId = (context: VxpContext) =>
  fc.oneof(
    fc.constantFrom(...context.knownIds),
    fc.uuid(),
    fc.constantFrom(
      '',
      'nosuch',
      '00000000-0000-0000-0000-000000000000',
      "' OR 1=1--",
      'x'.repeat(5000),
      'ệ',
      '\u0000',
      `${context.knownIds[0]}\u0000`,
      ' ',
      '../../etc/passwd',
    ),
    hostileParam,
  );

const messagetype = fc.constantFrom('edoc', 'status', 'EDOC', 'Status', '', 'x', 'edoc ', '\u0000', 'ệ');
const pageSize = fc.constantFrom(
  '1',
  '500',
  '501',
  '0',
  '-1',
  '1e9',
  'abc',
  '',
  '99999999999999999999',
  '1.5',
);
const statusWord = fc.constantFrom(
  'done',
  'fail',
  'inbox',
  'processing',
  'DONE',
  '',
  'x'.repeat(300),
  '\u0000',
  'ệ',
);
const agencyCode = fc.constantFrom(
  '000.00.00.Z08',
  '000.00.00.H29',
  '000.00.00.X99',
  '',
  'x'.repeat(300),
  '\u0000',
  'ệ',
  '%',
  "'",
);

const agencyBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      id: fc.oneof(fc.constantFrom('1', ''), hostileString),
      pcode: fc.constantFrom('000.00.00.Z08', '000.00.00.X99', '', '\u0000'),
      code: fc.oneof(
        fc.constantFrom('000.01.00.Z08', '000.00.00.H29', '', 'x'.repeat(200), 'a b', '\u0000'),
        hostileString,
      ),
      name: fc.oneof(fc.constantFrom('Phòng Văn thư', '', 'x'.repeat(5000)), hostileString),
      mail: fc.constantFrom('a@b.c', '', '\u0000'),
    })
    .map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '{"code":1,"name":2}',
    '{"code":"a","name":"b","__proto__":{"x":1}}',
    'x'.repeat(70_000),
  ),
  hostileString,
);

/** jsonHeaders per operation: what the SDK's callers put there, plus hostile values. */
function paramsFor(op: VxpOperation, context: VxpContext): fc.Arbitrary<JsonHeaders> {
  const extra = fc.dictionary(
    fc.constantFrom('docid', 'DocId', 'messageType', 'foo', 'level', 'status', 'reason', 'description'),
    fc.oneof(hostileParam, fc.constantFrom('edoc', '1', '')),
    { maxKeys: 2 },
  );
  const base = (() => {
    switch (op) {
      case 'sendEdoc':
        return fc.record(
          {
            from: fc.constantFrom('000.00.00.H29', '000.00.00.Z08', '000.00.00.G22', '', 'ệ'),
            messagetype,
            servicetype: fc.constant('eDoc'),
            to: fc.constantFrom('000.00.00.H41', '["000.00.00.H41"]', '', '['),
          },
          { requiredKeys: ['messagetype'] },
        );
      case 'getReceivedEdocList':
        return fc.record(
          {
            messagetype,
            servicetype: fc.constant('eDoc'),
            pageSize,
            status: statusWord,
            fromDate: hostileParam,
          },
          { requiredKeys: [] },
        );
      case 'getSentEdocList':
        return fc.record({ docId: docId(context), messagetype }, { requiredKeys: [] });
      case 'getEdoc':
      case 'downloadEdoc':
        return fc.record(
          { docId: docId(context), filePath: fc.constant('/tmp/vxp') },
          { requiredKeys: ['docId'] },
        );
      case 'updateStatus':
        return fc.record(
          { docId: docId(context), status: statusWord, reason: hostileParam },
          { requiredKeys: ['docId', 'status'] },
        );
      case 'countReceiveEdoc':
      case 'countReceiveStatus':
        return fc.record({ messagetype }, { requiredKeys: [] });
      case 'getAgenciesList':
      case 'getAgenciesListQD20':
      case 'getSynchronizeUnit':
        return fc.record(
          { level: fc.constantFrom('1', '2', '9', '-1', 'x', ''), pageSize },
          { requiredKeys: [] },
        );
      case 'registerAgency':
        return fc.constant({});
      case 'deleteAgency':
        return fc.record({ AgencyCode: agencyCode }, { requiredKeys: [] });
    }
  })() as fc.Arbitrary<JsonHeaders>;
  return fc.tuple(base, sometimes(extra, 0.25)).map(([b, e]) => ({ ...(e ?? {}), ...b }));
}

// ---------------------------------------------------------------- header games

type Headers = Array<[string, string]>;

interface SignedState {
  headers: Headers;
  /** The members of the sign-header, names without the XroadVnpt- prefix. */
  members: Array<[string, string]>;
}

interface Game {
  readonly name: string;
  readonly breaksAuth: BreaksAuth;
  /** Edits the request; `resign` re-signs the members with a secret and puts their headers back. */
  apply(state: SignedState, tools: GameTools): void;
}

interface GameTools {
  readonly own: VxpIdentity;
  readonly other: VxpIdentity;
  resign(state: SignedState, secret: string, edit?: (members: Array<[string, string]>) => void): void;
}

const isMemberHeader = (name: string) =>
  /^xroadvnpt-/i.test(name) && !/^xroadvnpt-(sign-header|hash-header|sign-header-key|version)$/i.test(name);

const indexOfHeader = (headers: Headers, lower: string) =>
  headers.findIndex(([n]) => n.toLowerCase() === lower);

/** The sign-header JSON as the SDK writes it (Gson), and its HMAC-SHA256 hex. */
export function signMembers(
  members: ReadonlyArray<readonly [string, string]>,
  secret: string,
): { sign: string; hash: string } {
  const sign = `{${members.map(([k, v]) => `${gsonString(`XroadVnpt-${k}`)}:${gsonString(v)}`).join(',')}}`;
  const hash = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(sign, 'utf8'))
    .digest('hex');
  return { sign, hash };
}

const latin1OfUtf8 = (v: string) => Buffer.from(v, 'utf8').toString('latin1');

const tools = (own: VxpIdentity, other: VxpIdentity): GameTools => ({
  own,
  other,
  resign(state, secret, edit) {
    edit?.(state.members);
    const { sign, hash } = signMembers(state.members, secret);
    // Member headers follow the members: drop the old ones, add one per member.
    state.headers = state.headers.filter(([n]) => !isMemberHeader(n));
    for (const [name, value] of state.members) state.headers.push([`XroadVnpt-${name}`, latin1OfUtf8(value)]);
    const si = indexOfHeader(state.headers, 'xroadvnpt-sign-header');
    const hi = indexOfHeader(state.headers, 'xroadvnpt-hash-header');
    if (si >= 0) state.headers[si] = ['XroadVnpt-sign-header', latin1OfUtf8(sign)];
    if (hi >= 0) state.headers[hi] = ['XroadVnpt-hash-header', hash];
  },
});

const setMember = (members: Array<[string, string]>, name: string, value: string) => {
  const i = members.findIndex(([k]) => k === name);
  if (i >= 0) members[i] = [name, value];
  else members.push([name, value]);
};

const memberHeaderIndexes = (headers: Headers) => headers.flatMap(([n], i) => (isMemberHeader(n) ? [i] : []));

const pick = <T>(items: readonly T[], at: number): T | undefined =>
  items[Math.floor(at * items.length) % Math.max(1, items.length)];

const game = (name: string, breaksAuth: BreaksAuth, apply: Game['apply']): Game => ({
  name,
  breaksAuth,
  apply,
});

const TIMESTAMPS = [
  '',
  '01011970T000000+0000',
  '31129999T235959+9999',
  'garbage',
  'x'.repeat(500),
  '\u0000',
  'ệ',
];

/**
 * Games on what is signed: the sign-header is rebuilt from edited members and signed again (with the
 * system's secret, another one, or as another system). They run first, so that a later wire game
 * is never undone by a re-signing.
 */
const signGame: fc.Arbitrary<Game> = fc.oneof(
  fc.constantFrom(
    game('signed with a wrong secret', true, (s, t) => t.resign(s, randomBytes(16).toString('hex'))),
    game('claims the other system, own secret', true, (s, t) =>
      t.resign(s, t.own.secret, (m) => setMember(m, 'systemid', t.other.systemId)),
    ),
    game('claims the other system with its secret', false, (s, t) =>
      t.resign(s, t.other.secret, (m) => setMember(m, 'systemid', t.other.systemId)),
    ),
    game('unknown system id', true, (s, t) =>
      t.resign(s, t.own.secret, (m) => setMember(m, 'systemid', 'vxp.nosuch')),
    ),
    game('empty system id', true, (s, t) => t.resign(s, t.own.secret, (m) => setMember(m, 'systemid', ''))),
    game('systemid signed twice (two spellings)', 'maybe', (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['SystemId', t.other.systemId])),
    ),
    game('oversized signed member (6 KB)', false, (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['big', 'b'.repeat(6000)])),
    ),
    game('oversized signed member (20 KB)', false, (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['big', 'b'.repeat(20_000)])),
    ),
    game('many signed members', false, (s, t) =>
      t.resign(s, t.own.secret, (m) => {
        for (let i = 0; i < 60; i++) m.push([`p${i}`, String(i)]);
      }),
    ),
    game('non-ASCII signed member', false, (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['note', 'Văn bản 😀'])),
    ),
    game('signed member with a NUL', 'maybe', (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['docId', 'a\u0000b'])),
    ),
    game('signed member with CR LF', 'maybe', (s, t) =>
      t.resign(s, t.own.secret, (m) => m.push(['docId', 'a\r\nX-Injected: 1'])),
    ),
  ),
  fc
    .constantFrom(...TIMESTAMPS)
    .map((ts) =>
      game(
        `timestamp ${JSON.stringify(ts.slice(0, 20))} re-signed`,
        ts.includes('\u0000') ? 'maybe' : false,
        (s, t) => t.resign(s, t.own.secret, (m) => setMember(m, 'timestamp', ts)),
      ),
    ),
);

/** Games on the request as sent, after signing: at most one per case, so two never cancel out. */
const wireGame: fc.Arbitrary<Game> = fc.oneof(
  fc.double({ min: 0, max: 0.999, noNaN: true }).chain((at) =>
    fc.constantFrom(
      game(`drop signed header #${at.toFixed(2)}`, true, (s) => {
        const i = pick(memberHeaderIndexes(s.headers), at);
        if (i !== undefined) s.headers.splice(i, 1);
      }),
      game(`repeat signed header #${at.toFixed(2)}`, true, (s) => {
        const i = pick(memberHeaderIndexes(s.headers), at);
        const h = i === undefined ? undefined : s.headers[i];
        if (h) s.headers.push([h[0], h[1]]);
      }),
      game(`repeat signed header #${at.toFixed(2)} with another value`, true, (s) => {
        const i = pick(memberHeaderIndexes(s.headers), at);
        const h = i === undefined ? undefined : s.headers[i];
        if (h) s.headers.push([h[0], `${h[1]}x`]);
      }),
      game(`alter signed header #${at.toFixed(2)}`, true, (s) => {
        const i = pick(memberHeaderIndexes(s.headers), at);
        const h = i === undefined ? undefined : s.headers[i];
        if (i !== undefined && h) s.headers[i] = [h[0], `${h[1]}x`];
      }),
    ),
  ),
  fc.constantFrom(
    game('headers reversed', false, (s) => {
      s.headers.reverse();
    }),
    game('header names lower-cased', false, (s) => {
      s.headers = s.headers.map(([n, v]) => [n.toLowerCase(), v]);
    }),
    game('header names upper-cased', false, (s) => {
      s.headers = s.headers.map(([n, v]) => [n.toUpperCase(), v]);
    }),
    game('blanks around every value', false, (s) => {
      s.headers = s.headers.map(([n, v]) => (/^(host|content-length)$/i.test(n) ? [n, v] : [n, ` \t${v} `]));
    }),
    game('unsigned XroadVnpt header added', false, (s) => {
      s.headers.push(['XroadVnpt-evil', 'x']);
    }),
    game('unsigned docId header added', 'maybe', (s) => {
      s.headers.push(['XroadVnpt-docId', '00000000-0000-0000-0000-000000000000']);
    }),
    game('hash upper-cased', false, (s) => {
      const i = indexOfHeader(s.headers, 'xroadvnpt-hash-header');
      const h = s.headers[i];
      if (h) s.headers[i] = [h[0], h[1].toUpperCase()];
    }),
    game('hash truncated', true, (s) => {
      const i = indexOfHeader(s.headers, 'xroadvnpt-hash-header');
      const h = s.headers[i];
      if (h) s.headers[i] = [h[0], h[1].slice(0, 63)];
    }),
    game('hash empty', true, (s) => {
      const i = indexOfHeader(s.headers, 'xroadvnpt-hash-header');
      const h = s.headers[i];
      if (h) s.headers[i] = [h[0], ''];
    }),
    game('hash missing', true, (s) => {
      s.headers.splice(indexOfHeader(s.headers, 'xroadvnpt-hash-header'), 1);
    }),
    game('hash repeated', true, (s) => {
      const h = s.headers[indexOfHeader(s.headers, 'xroadvnpt-hash-header')];
      if (h) s.headers.push([h[0], h[1]]);
    }),
    game('sign-header missing', true, (s) => {
      s.headers.splice(indexOfHeader(s.headers, 'xroadvnpt-sign-header'), 1);
    }),
    game('sign-header repeated', true, (s) => {
      const h = s.headers[indexOfHeader(s.headers, 'xroadvnpt-sign-header')];
      if (h) s.headers.push([h[0], h[1]]);
    }),
    ...[
      ['not JSON', '{"XroadVnpt-systemid":'],
      ['a JSON array', '["XroadVnpt-systemid"]'],
      ['a number member', '{"XroadVnpt-systemid":"vxp.c","XroadVnpt-n":1}'],
      ['an unprefixed member', '{"XroadVnpt-systemid":"vxp.c","docId":"x"}'],
      ['a nested member', '{"XroadVnpt-systemid":{"a":"b"}}'],
      ['only the prefix', '{"XroadVnpt-":"x","XroadVnpt-systemid":"vxp.c"}'],
      ['JSON null', 'null'],
      ['deep JSON', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ].map(([what, sign]) =>
      game(`sign-header is ${what}`, true, (s, t) => {
        const i = indexOfHeader(s.headers, 'xroadvnpt-sign-header');
        const hash = createHmac('sha256', t.own.secret).update(String(sign)).digest('hex');
        if (i >= 0) s.headers[i] = ['XroadVnpt-sign-header', String(sign)];
        const hi = indexOfHeader(s.headers, 'xroadvnpt-hash-header');
        if (hi >= 0) s.headers[hi] = ['XroadVnpt-hash-header', hash];
      }),
    ),
    game('sign-header names systemid twice (JSON duplicate key)', true, (s, t) => {
      const i = indexOfHeader(s.headers, 'xroadvnpt-sign-header');
      const h = s.headers[i];
      if (!h) return;
      const sign = h[1].replace(/}$/, `,"XroadVnpt-systemid":${gsonString(t.other.systemId)}}`);
      s.headers[i] = [h[0], sign];
      const hi = indexOfHeader(s.headers, 'xroadvnpt-hash-header');
      if (hi >= 0)
        s.headers[hi] = [
          'XroadVnpt-hash-header',
          createHmac('sha256', t.own.secret).update(Buffer.from(sign, 'latin1')).digest('hex'),
        ];
    }),
  ),
  fc.constantFrom(...TIMESTAMPS).map((ts) =>
    game(`timestamp header ${JSON.stringify(ts.slice(0, 20))} not re-signed`, true, (s) => {
      const i = indexOfHeader(s.headers, 'xroadvnpt-timestamp');
      const h = s.headers[i];
      if (h) s.headers[i] = [h[0], `${latin1OfUtf8(ts)}1`];
    }),
  ),
);

// ---------------------------------------------------------------- cases

/** A request the SDK would send for `op`, as wire headers, before any game. */
function sdkRequest(
  context: VxpContext,
  identity: VxpIdentity,
  op: VxpOperation,
  params: JsonHeaders,
  payload: Buffer | string | undefined,
) {
  const client = new VxpSdkClient({
    endpoint: `${context.origin}/vxp`,
    systemId: identity.systemId,
    secret: identity.secret,
  });
  const prepared = client.prepare(op, params, payload);
  // One request per connection (the raw sender adds `Connection: close`).
  const headers: Headers = prepared.headers
    .filter(([n]) => n.toLowerCase() !== 'connection')
    .map(([n, v]) => [n, v]);
  const members = client.mapOf(
    op === 'registerAgency' ||
      op.startsWith('getAgencies') ||
      op === 'getSynchronizeUnit' ||
      op === 'deleteAgency'
      ? 'agency'
      : 'knobstick',
  );
  return { prepared, headers, members };
}

const PATH_GAMES: ReadonlyArray<{ name: string; breaksAuth: BreaksAuth; path: (op: string) => string }> = [
  { name: 'double slash', breaksAuth: false, path: (op) => `/vxp//${op}` },
  { name: 'upper-case operation', breaksAuth: false, path: (op) => `/vxp/${op.toUpperCase()}` },
  { name: 'trailing slash', breaksAuth: false, path: (op) => `/vxp/${op}/` },
  { name: 'deeper path', breaksAuth: false, path: (op) => `/vxp/x/y/${op}` },
  { name: 'query string', breaksAuth: false, path: (op) => `/vxp/${op}?docId=x&systemid=vxp.nosuch` },
  { name: 'matrix parameter', breaksAuth: 'maybe', path: (op) => `/vxp/${op};jsessionid=1` },
  {
    name: 'encoded operation',
    breaksAuth: 'maybe',
    path: (op) => `/vxp/${encodeURIComponent(op).replace(/e/g, '%65')}`,
  },
  { name: 'dot segments', breaksAuth: 'maybe', path: (op) => `/vxp/../vxp/${op}` },
  { name: 'NUL in the path', breaksAuth: 'maybe', path: (op) => `/vxp/${op}%00` },
  { name: 'base only', breaksAuth: 'maybe', path: () => '/vxp/' },
  { name: 'unknown operation', breaksAuth: 'maybe', path: () => '/vxp/dropTables' },
];

export function vxpRequest(context: VxpContext): fc.Arbitrary<VxpCase> {
  return fc
    .constantFrom(...OPERATIONS)
    .chain((op) =>
      fc.record({
        op: fc.constant(op),
        params: paramsFor(op, context),
        identity: fc.constantFrom<'c' | 'd'>('c', 'd', 'd'),
        agency: agencyBody,
        file: fc.oneof(
          fc.record({
            base: fc.constantFrom(...context.seeded),
            plan: sometimes(mutationPlan, 0.5).map((p) => p ?? null),
          }),
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
        ),
        signGame: sometimes(signGame, 0.3),
        wireGame: sometimes(wireGame, 0.45),
        crossOp: sometimes(fc.constantFrom(...OPERATIONS), 0.12),
        pathGame: sometimes(fc.constantFrom(...PATH_GAMES), 0.12),
        method: sometimes(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), 0.08),
      }),
    )
    .map((r) => {
      const own = r.identity === 'c' ? context.systems.c : context.systems.d;
      const other = r.identity === 'c' ? context.systems.d : context.systems.c;
      const games = [r.signGame, r.wireGame].filter((g): g is Game => g !== undefined);
      let origin: VxpCase['origin'] = null;
      let payload: Buffer | string | undefined;
      if (r.op === 'sendEdoc') {
        if (Buffer.isBuffer(r.file)) payload = r.file;
        else {
          payload = r.file.plan ? applyPlan(r.file.plan, r.file.base.bytes) : r.file.base.bytes;
          origin = { base: r.file.base, plan: r.file.plan };
        }
      } else if (r.op === 'registerAgency') payload = r.agency;
      const { prepared, headers, members } = sdkRequest(context, own, r.op, r.params, payload);
      const state: SignedState = { headers, members };
      const t = tools(own, other);
      for (const g of games) g.apply(state, t);
      const sentTo =
        r.pathGame &&
        !['double slash', 'upper-case operation', 'trailing slash', 'deeper path', 'query string'].includes(
          r.pathGame.name,
        )
          ? null
          : (r.crossOp ?? r.op);
      const path = r.pathGame ? r.pathGame.path(r.crossOp ?? r.op) : `/vxp/${r.crossOp ?? r.op}`;
      const method = r.method ?? prepared.method;
      const breaks: BreaksAuth[] = [
        ...games.map((g) => g.breaksAuth),
        ...(r.crossOp && r.crossOp !== r.op ? ['maybe' as const] : []),
        ...(r.pathGame ? [r.pathGame.breaksAuth] : []),
        ...(r.method ? ['maybe' as const] : []),
      ];
      const breaksAuth: BreaksAuth = breaks.includes(true)
        ? true
        : breaks.includes('maybe')
          ? 'maybe'
          : false;
      const request: WireRequest = {
        method,
        target: path,
        headers: state.headers,
        body: prepared.body,
        transport: 'raw',
        // The SDK's own Content-Length is among the headers.
        framing: 'none',
      };
      const description = [
        `${r.identity} ${r.op}${r.crossOp ? ` sent to ${r.crossOp}` : ''}${r.pathGame ? ` (${r.pathGame.name})` : ''}${r.method ? ` as ${r.method}` : ''}`,
        `params ${JSON.stringify(r.params).slice(0, 300)}`,
        ...games.map((g) => `game: ${g.name}`),
        ...(origin ? [`file: ${origin.plan ? describePlan(origin.plan) : 'seeded package as is'}`] : []),
      ].join('; ');
      const headerBytes = state.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
      const mustAuthenticate =
        breaksAuth === false && headerBytes < 14_000 && state.headers.every(([, v]) => !hasHeaderControl(v));
      const c: VxpCase = {
        request,
        sentTo,
        breaksAuth,
        mustAuthenticate,
        description,
        origin,
        identity: r.identity,
      };
      return Object.assign(c, { [fc.toStringMethod]: () => description });
    });
}
