// Hostile requests to the node API (and the hub's other HTTP routes): every route with hostile ids,
// query strings and bodies, credentials and content types played with, and (on a raw socket) the
// framing and header games fetch will not send. Most requests carry a valid token, so that they get
// past authentication and reach the routes' own checks.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { SignedBase } from './fuzz-hub.ts';
import { applyPlan, describePlan, hostileString, mutationPlan, sometimes } from './generators.ts';
import type { Framing, WireRequest } from './wire.ts';

export interface NodeContext {
  readonly tokens: { readonly a: string; readonly b: string };
  /** A token of a VXP system's node (valid for /v1 too). */
  readonly otherToken: string;
  readonly knownIds: readonly string[];
  /** Already accepted packages: resent or mutated, they meet the duplicate and conflict rules. */
  readonly seeded: readonly SignedBase[];
}

/** A request and, when its body came from an accepted package, that package. */
export interface NodeCase {
  readonly request: WireRequest;
  readonly origin: SignedBase | null;
  /** How the body was made, for counterexamples. */
  readonly body: string;
}

// ---------------------------------------------------------------- pieces

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD, as Buffer does). */
export function percent(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) =>
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x5f
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}

/** Path segments that are not message ids: traversal, encodings, injections, lengths. */
const hostileSegment = fc.oneof(
  fc.constantFrom(
    '..',
    '%2e%2e',
    '%2E%2E%2F%2E%2E',
    '.',
    '%00',
    '%',
    '%zz',
    '%c0%af',
    '%ED%A0%80',
    '%FF',
    '%EF%BF%BD',
    '%2F',
    '%5C',
    "'%20OR%201=1--",
    '$%7Bjndi:ldap://x%7D',
    '~',
    '*',
    '%20',
    'null',
    'undefined',
    '0',
    '-1',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '{00000000-0000-0000-0000-000000000000}',
    'urn:uuid:00000000-0000-0000-0000-000000000000',
    'a'.repeat(3000),
    '%E1%BB%87',
  ),
  hostileString.map(percent),
  fc.uuid().map((u) => u.toUpperCase()),
);

const messageId = (context: NodeContext) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...context.knownIds) },
    { weight: 1, arbitrary: fc.constantFrom(...context.knownIds).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...context.knownIds).map((id) => `${id}x`) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 4, arbitrary: hostileSegment },
  );

/** Values that `wait` may take without making the hub long-poll for seconds (a valid wait of N s is legitimate). */
const WAITS = [
  '',
  '0',
  '00',
  '-0',
  ' 0',
  '-1',
  '31',
  '1e309',
  'NaN',
  'abc',
  '0.5',
  '99999999999999999999',
  '%00',
  'null',
  '[]',
  'true',
  '0x0',
];
const LIMITS = [
  '',
  '0',
  '1',
  '50',
  '500',
  '501',
  '-1',
  '1e3',
  'abc',
  '99999999999999999999',
  '1.5',
  ' 2',
  '%00',
  'null',
  '{}',
];
const KINDS = ['package', 'status', '', 'PACKAGE', 'edoc', '%00', 'package,status'];

const queryPair = fc.oneof(
  fc.constantFrom(...WAITS).map((v) => `wait=${v}`),
  fc.constantFrom(...LIMITS).map((v) => `limit=${v}`),
  fc.constantFrom(...KINDS).map((v) => `kind=${v}`),
  fc.constantFrom(
    '__proto__[x]=1',
    'constructor[prototype][x]=1',
    'limit[]=1',
    'wait[0]=0',
    '=',
    '&',
    '%zz=1',
    'a=%ff',
  ),
  hostileString.map((s) => `${percent(s)}=${percent(s)}`),
);

const query = fc
  .array(queryPair, { maxLength: 5 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));

const documentIdQuery = fc
  .oneof(
    fc.constantFrom('', '%00', 'a%00b', '%ED%A0%80', '%FF', 'x'.repeat(513), 'x'.repeat(512)),
    hostileString.map(percent),
    fc.constant('000.00.00.G22,2026%2F12%2F08,1%2FFUZZ'),
  )
  .chain((id) =>
    fc.constantFrom(`?documentId=${id}`, `?documentId=${id}&documentId=x`, '', `?documentid=${id}`),
  );

/** Credentials: mostly valid tokens (to get past authentication), sometimes games. */
const authorization = (context: NodeContext) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(`Bearer ${context.tokens.a}`, `Bearer ${context.tokens.b}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        `bearer ${context.tokens.a}`,
        `BEARER  ${context.tokens.b}  `,
        `Bearer ${context.otherToken}`,
        `Bearer ${context.tokens.a}x`,
        `Bearer ${context.tokens.a.slice(0, -1)}`,
        `Basic ${Buffer.from(`node-a:${context.tokens.a}`).toString('base64')}`,
        'Bearer',
        'Bearer ',
        `Bearer ${'A'.repeat(5000)}`,
        `Token ${context.tokens.a}`,
        context.tokens.a,
        '',
        'Bearer lt_',
        `Bearer ${context.tokens.a}, Bearer ${context.tokens.b}`,
        `Bearer ${context.tokens.a} ${context.tokens.b}`,
      ),
    },
    { weight: 2, arbitrary: fc.constant(null) },
  );

const CONTENT_TYPES = [
  'application/xml',
  'text/xml',
  'application/xml; charset=utf-8',
  'application/xml; charset=utf-16',
  'text/xml; charset="iso-8859-1"',
  'APPLICATION/XML',
  'application/xml;;;',
  'application/xml, text/plain',
  'application/soap+xml',
  'application/json',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  '*/*',
  'application/octet-stream',
  '',
  'xml',
  'application/',
  'application/xml; boundary',
];

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/xml') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Headers fetch will send as they are. */
const extraHeader: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  fc.tuple(
    fc.constant('Lienthong-Message-Id'),
    fc.oneof(fc.uuid(), fc.constantFrom('', 'x', '00000000-0000-0000-0000-000000000000')),
  ),
  fc.tuple(
    fc.constant('Lienthong-Hops'),
    fc.constantFrom('', 'hub-x', ',,,', 'a,b,c,d,e,f,g,h,i', 'x'.repeat(4000)),
  ),
  fc.tuple(
    fc.constant('Lienthong-Recipients'),
    fc.constantFrom('', '000.00.00.H41>000.00.00.H41', '>', 'a>b>c', 'x'),
  ),
  fc.tuple(fc.constant('Content-Encoding'), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x')),
  fc.tuple(
    fc.constant('Accept'),
    fc.constantFrom('application/json', 'text/html', '*/*', '', 'application/problem+json;q=0'),
  ),
  fc.tuple(fc.constant('X-Forwarded-For'), fc.constantFrom('10.0.0.1', '::1, 1.2.3.4', 'garbage', '')),
  fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip', 'br;q=1', '*', 'x')),
  fc.tuple(fc.constant('Range'), fc.constantFrom('bytes=0-1', 'bytes=-1', 'x')),
);

/** Header games only a raw socket sends: duplicates, non-latin1 bytes, controls, size, Host, Expect. */
const rawHeaderGame = (context: NodeContext): fc.Arbitrary<ReadonlyArray<readonly [string, string]>> =>
  fc.constantFrom<ReadonlyArray<readonly [string, string]>>(
    [
      ['Authorization', `Bearer ${context.tokens.a}`],
      ['Authorization', `Bearer ${context.tokens.b}`],
    ],
    [
      ['Authorization', `Bearer ${context.tokens.a}`],
      ['Authorization', 'Bearer nope'],
    ],
    [
      ['Content-Type', 'application/xml'],
      ['Content-Type', 'application/json'],
    ],
    [['Authorization', Buffer.from(`Bearer ${context.tokens.a}ệ`, 'utf8').toString('latin1')]],
    [['X-Odd', '\u00ff\u00fe\u0080']],
    [['X-Big', 'x'.repeat(20_000)]],
    Array.from({ length: 150 }, (_, i) => [`X-Many-${i}`, String(i)] as const),
    [['Host', 'evil.example']],
    [['Host', '']],
    [
      ['Host', 'a'],
      ['Host', 'b'],
    ],
    [['Expect', '100-continue']],
    [['Expect', 'nonsense']],
    [['Transfer-Encoding', 'gzip']],
    [['Transfer-Encoding', 'chunked, identity']],
    [['Content-Length', 'abc']],
    [['Content-Length', '-1']],
    [
      ['Connection', 'upgrade'],
      ['Upgrade', 'websocket'],
    ],
    [['Authorization', `Bearer ${context.tokens.a}\tx`]],
  );

/** Bodies for JSON endpoints (ack, hub receipts, directory reports): valid, odd, deep, broken. */
const jsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '{}',
    '[]',
    'null',
    '{"hub":"x"}',
    '{"hub":1}',
    '{"hub":"x","acceptedAt":"garbage"}',
    '{"hub":"a\\u0000b","acceptedAt":"a\\u0000b"}',
    '{"hub":"\\ud800"}',
    `{"hub":"${'h'.repeat(100_000)}"}`,
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"receipts":[{}]}',
    `{"receipts":[${Array.from({ length: 1001 }, () => '{}').join(',')}]}`,
    '{"ids":["not-a-uuid"]}',
    '{"ids":[null]}',
    '{"organizations":"x"}',
    '{"not json',
    '\u0000',
    '\uFEFF{}',
    '{"a":1,"a":2}',
    '1e999999',
    '"\\ud800"',
  ),
  fc.integer({ min: 10, max: 200_000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 10, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  hostileString,
);

type Body = {
  readonly bytes: Buffer | null;
  readonly origin: SignedBase | null;
  readonly description: string;
};

const packageBody = (context: NodeContext): fc.Arbitrary<Body> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...context.seeded), mutationPlan).map(([base, plan]) => ({
        bytes: applyPlan(plan, base.bytes),
        origin: base,
        description: `seeded package, ${describePlan(plan)}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...context.seeded)
        .map((base) => ({ bytes: base.bytes, origin: base, description: 'seeded package resent' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ maxLength: 4096 })
        .map((b) => ({ bytes: Buffer.from(b), origin: null, description: 'random bytes' })),
    },
    {
      weight: 1,
      arbitrary: hostileString.map((s) => ({
        bytes: Buffer.from(s, 'utf8'),
        origin: null,
        description: 'hostile text',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ bytes: Buffer.alloc(0), origin: null, description: 'empty body' }),
    },
    { weight: 1, arbitrary: fc.constant({ bytes: null, origin: null, description: 'no body' }) },
  );

const jsonOrNothing: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 4,
    arbitrary: jsonBody.map((s) => ({
      bytes: Buffer.from(s, 'utf8'),
      origin: null,
      description: 'json-ish',
    })),
  },
  { weight: 1, arbitrary: fc.constant({ bytes: null, origin: null, description: 'no body' }) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 256 })
      .map((b) => ({ bytes: Buffer.from(b), origin: null, description: 'random bytes' })),
  },
);

const noBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ bytes: null, origin: null, description: 'no body' }) },
  {
    weight: 1,
    arbitrary: jsonBody.map((s) => ({
      bytes: Buffer.from(s, 'utf8'),
      origin: null,
      description: 'unexpected body',
    })),
  },
);

interface Route {
  readonly method: string;
  readonly target: string;
  readonly body: Body;
}

const routes = (context: NodeContext): fc.Arbitrary<Route> => {
  const id = messageId(context);
  const route = (method: string, target: fc.Arbitrary<string>, body: fc.Arbitrary<Body>) =>
    fc.record({ method: fc.constant(method), target, body });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: route(
        'POST',
        fc.oneof(
          { weight: 8, arbitrary: fc.constant('/v1/messages') },
          {
            weight: 1,
            arbitrary: fc.constantFrom('/v1/messages/', '/v1//messages', '/V1/MESSAGES', '/v1/messages?x=1'),
          },
        ),
        packageBody(context),
      ),
    },
    {
      weight: 3,
      arbitrary: route(
        'GET',
        id.map((i) => `/v1/messages/${i}`),
        noBody,
      ),
    },
    {
      weight: 2,
      arbitrary: route(
        'GET',
        id.map((i) => `/v1/messages/${i}/trace`),
        noBody,
      ),
    },
    {
      weight: 3,
      arbitrary: route(
        'POST',
        id.map((i) => `/v1/messages/${i}/ack`),
        jsonOrNothing,
      ),
    },
    {
      weight: 3,
      arbitrary: route(
        'GET',
        query.map((q) => `/v1/inbox${q}`),
        noBody,
      ),
    },
    {
      weight: 2,
      arbitrary: route(
        'GET',
        documentIdQuery.map((q) => `/v1/documents${q}`),
        noBody,
      ),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        route('POST', fc.constant('/v1/hub/receipts'), jsonOrNothing),
        route(
          'GET',
          fc.constantFrom(...WAITS).map((w) => `/v1/hub/receipts?wait=${w}`),
          noBody,
        ),
        route('POST', fc.constant('/v1/hub/receipts/ack'), jsonOrNothing),
        route('PUT', fc.constant('/v1/hub/directory'), jsonOrNothing),
      ),
    },
    {
      weight: 1,
      arbitrary: route(
        'GET',
        fc.constantFrom(
          '/livez',
          '/readyz',
          '/healthz',
          '/docs/json',
          '/metrics',
          '/ops/deliveries',
          '/ops/nodes',
          '/',
          '/v1',
          '/v1/',
        ),
        noBody,
      ),
    },
    {
      weight: 2,
      arbitrary: route(
        'GET',
        fc.array(hostileSegment, { minLength: 1, maxLength: 4 }).map((s) => `/v1/${s.join('/')}`),
        noBody,
      ),
    },
  );
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const RAW_METHODS = ['get', 'FOO', 'TRACE', 'PROPFIND', 'CONNECT', 'M-SEARCH', 'PRI'];

const FRAMINGS: readonly Framing[] = [
  'none',
  'cl-longer',
  'cl-shorter',
  'chunked',
  'chunked-bad',
  'cl-and-te',
];

/** Whether fetch would send this target as it is (no dot segments, fragments or backslashes to normalise). */
function fetchSafeTarget(target: string): boolean {
  const path = target.split('?')[0] ?? '';
  return (
    !/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path) &&
    !/[#\\\s]/.test(target) &&
    !/%2e%2e/i.test(path) &&
    /^[\x21-\x7e]*$/.test(target)
  );
}

/** A hostile request to the node API (or another route of the hub's app). */
export function nodeRequest(context: NodeContext): fc.Arbitrary<NodeCase> {
  return fc
    .record({
      route: routes(context),
      method: sometimes(fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom(...RAW_METHODS)), 0.15),
      authorization: authorization(context),
      contentType,
      extra: fc.array(extraHeader, { maxLength: 2 }),
      rawGame: sometimes(rawHeaderGame(context), 0.2),
      raw: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 7, arbitrary: fc.constant(false) },
      ),
      framing: sometimes(fc.constantFrom(...FRAMINGS), 0.2),
    })
    .map(
      ({
        route,
        method: otherMethod,
        authorization: auth,
        contentType: type,
        extra,
        rawGame,
        raw,
        framing,
      }) => {
        const method = otherMethod ?? route.method;
        const headers: Array<readonly [string, string]> = [];
        if (auth !== null) headers.push(['Authorization', auth]);
        // A type without a body says nothing; a body keeps its (maybe missing) type.
        if (type !== null && route.body.bytes !== null) headers.push(['Content-Type', type]);
        headers.push(...extra);
        if (rawGame) headers.push(...rawGame);
        const body = route.body.bytes;
        const fetchable =
          !raw &&
          rawGame === undefined &&
          framing === undefined &&
          METHODS.includes(method) &&
          !(body !== null && (method === 'GET' || method === 'HEAD')) &&
          fetchSafeTarget(route.target) &&
          headers.every(([, v]) => /^[\x20-\x7e]*$/.test(v));
        const request: WireRequest = {
          method,
          target: route.target,
          headers,
          body,
          transport: fetchable ? 'fetch' : 'raw',
          framing: fetchable ? 'exact' : (framing ?? 'exact'),
        };
        return { request, origin: route.body.origin, body: route.body.description };
      },
    );
}
