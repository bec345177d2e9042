// The codec properties, in process (no hub), shared by the tests (short) and the bench (long):
//   codecHostileInput  arbitrary bytes, strings, XML-ish trees and mutated packages: parseEdxml and
//                      inspectEdxml never throw, answer with registered codes (the refusal's code is
//                      its first error finding's), in bounded time, under default, strict and tight
//                      limits;
//   codecRoundTrip     generated valid models survive build → parse; whatever the codec accepts
//                      survives parse → build → parse (it can always write back what it read) and
//                      the JSON model both ways;
//   codecJsonModel     hostile JSON models: messageFromJson never throws and reports registered
//                      codes; what it accepts builds (or is refused with the codec's own
//                      LienthongError EDXML_BAD_MODEL) and reads back the same.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { LienthongError } from '../../src/core/index.ts';
import {
  buildEdxml,
  type EdxmlMessage,
  inspectEdxml,
  messageFromJson,
  messageToJson,
  type ParseOptions,
  parseEdxml,
  summarize,
} from '../../src/edxml/index.ts';
import { codes } from '../../src/errors.ts';
import { edxmlMessage } from '../edxml/model-arbitraries.ts';
import {
  applyPlan,
  arbitraryInput,
  describePlan,
  hostileString,
  isAscii,
  type MutationPlan,
  mutationPlan,
} from './generators.ts';
import { FuzzFailure, firstDifference } from './oracles.ts';
import type { Counters, PropertySpec } from './runner.ts';

/** Milliseconds a parse may take: generous for a loaded 2-core machine, far below "hangs". */
export const PARSE_BUDGET_MS = (bytes: number) => 1_500 + bytes / 200;

const OPTION_SETS: ReadonlyArray<{ name: string; options: ParseOptions }> = [
  { name: 'default', options: {} },
  { name: 'strict', options: { strict: true } },
  { name: 'tight', options: { maxBytes: 4096, maxDepth: 6, maxNodes: 64, maxTextBytes: 256 } },
];

const sizeOf = (input: Uint8Array | string) =>
  typeof input === 'string' ? input.length * 3 : input.byteLength;

function describeInput(input: Uint8Array | string): string {
  const text = typeof input === 'string' ? input : Buffer.from(input.subarray(0, 300)).toString('latin1');
  return `${typeof input === 'string' ? 'string' : 'bytes'} (${sizeOf(input)}): ${JSON.stringify(text.slice(0, 300))}`;
}

/** Parses with every option set and checks the answer's shape, codes and time. */
function checkParse(input: Uint8Array | string, counters: Counters): void {
  for (const { name, options } of OPTION_SETS) {
    const started = performance.now();
    let result: ReturnType<typeof parseEdxml>;
    try {
      result = parseEdxml(input, options);
      inspectEdxml(input, options);
    } catch (error) {
      throw new FuzzFailure(
        `parseEdxml (${name}) threw ${error instanceof LienthongError ? `LienthongError ${error.code}` : String(error)}: ${describeInput(input)}`,
      );
    }
    const ms = performance.now() - started;
    if (ms > PARSE_BUDGET_MS(sizeOf(input))) {
      throw new FuzzFailure(`parseEdxml (${name}) took ${Math.round(ms)} ms: ${describeInput(input)}`);
    }
    for (const f of result.findings) {
      if (!(f.code in codes))
        throw new FuzzFailure(`finding code ${f.code} is not registered: ${describeInput(input)}`);
      if (f.severity !== 'error' && f.severity !== 'warning')
        throw new FuzzFailure(`finding severity ${String(f.severity)}`);
      if (typeof f.path !== 'string' || typeof f.message !== 'string')
        throw new FuzzFailure('finding without path/message');
    }
    if (result.ok) {
      if (result.findings.some((f) => f.severity === 'error'))
        throw new FuzzFailure(`ok with an error finding: ${describeInput(input)}`);
      checkReadMessage(result.message, input);
      counters.add(`parse:${name}:ok`);
      continue;
    }
    if (!(result.code in codes)) throw new FuzzFailure(`refusal code ${result.code} is not registered`);
    const firstError = result.findings.find((f) => f.severity === 'error');
    if (firstError && firstError.code !== result.code) {
      throw new FuzzFailure(`refused with ${result.code} but the first error finding is ${firstError.code}`);
    }
    counters.add(`parse:${name}:refused`);
    counters.add(`code:${result.code}`);
  }
}

/**
 * What the hub does with a parsed message (summary, attachment bodies and their hashes) throws
 * nothing but the codec's own LienthongError with a registered code (EDXML_BAD_BASE64 for a body
 * that is not base64).
 */
function checkReadMessage(message: EdxmlMessage, input: Uint8Array | string): void {
  try {
    summarize(message);
    if (message.kind === 'package') {
      for (const attachment of message.attachments) {
        try {
          attachment.decode();
          attachment.sha256();
        } catch (error) {
          if (!(error instanceof LienthongError) || !(error.code in codes)) throw error;
        }
      }
    }
  } catch (error) {
    throw new FuzzFailure(`reading a parsed message threw ${String(error)}: ${describeInput(input)}`);
  }
}

export interface CodecInputCase {
  readonly input: Uint8Array | string;
  readonly plan: MutationPlan | null;
}

export function codecHostileInput(samples: readonly Buffer[]): PropertySpec<CodecInputCase> {
  const arbitrary = fc
    .oneof(
      arbitraryInput.map((input) => ({ input, plan: null })),
      fc
        .tuple(fc.constantFrom(...samples), mutationPlan)
        .map(([sample, plan]) => ({ input: applyPlan(plan, sample), plan })),
    )
    .map((c) =>
      Object.assign(c, {
        [fc.toStringMethod]: () => (c.plan ? describePlan(c.plan) : describeInput(c.input)),
      }),
    );
  return {
    name: 'codec: hostile input',
    arbitrary,
    async check(c, counters) {
      checkParse(c.input, counters);
    },
  };
}

/** The model without the signature block (the builder never writes one, the JSON model has none). */
function comparable(m: EdxmlMessage): unknown {
  const { signature: _signature, ...rest } = messageToJson(m);
  return rest;
}

/**
 * What reading XML does to a value by design: values are trimmed of XML whitespace, and empty ones
 * are dropped (an empty element is a placeholder). A JSON model may hold either, so the JSON property
 * compares models after the same normalisation.
 */
function normalised(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const n = normalised(v);
    if (n !== '' && n !== undefined) out[k] = n;
  }
  return out;
}

export type RoundTripCase =
  | { readonly kind: 'model'; readonly message: EdxmlMessage }
  | { readonly kind: 'accepted'; readonly input: Buffer; readonly plan: MutationPlan };

export function codecRoundTrip(samples: readonly Buffer[]): PropertySpec<RoundTripCase> {
  const arbitrary: fc.Arbitrary<RoundTripCase> = fc.oneof(
    edxmlMessage.map((message) => ({ kind: 'model' as const, message })),
    fc
      .tuple(fc.constantFrom(...samples), mutationPlan)
      .map(([sample, plan]) => ({ kind: 'accepted' as const, input: applyPlan(plan, sample), plan })),
  );
  return {
    name: 'codec: round trips',
    arbitrary,
    async check(c, counters) {
      let message: EdxmlMessage;
      if (c.kind === 'model') {
        message = c.message;
      } else {
        const parsed = parseEdxml(c.input);
        if (!parsed.ok) {
          counters.add('roundtrip:input-refused');
          return;
        }
        message = parsed.message;
      }
      let xml: string;
      try {
        xml = buildEdxml(message);
      } catch (error) {
        if (c.kind === 'model' && error instanceof LienthongError && error.code === 'EDXML_BAD_MODEL') {
          counters.add('roundtrip:model-refused');
          return;
        }
        throw new FuzzFailure(
          `buildEdxml threw on a ${c.kind === 'model' ? 'generated model' : 'model the codec read'}: ${String(error)}`,
        );
      }
      const back = inspectEdxml(xml).message;
      if (!back) throw new FuzzFailure(`the codec cannot read what it wrote:\n${xml.slice(0, 1500)}`);
      if (!isDeepStrictEqual(comparable(back), comparable(message))) {
        throw new FuzzFailure(
          `build → parse changed the model (${c.kind === 'accepted' ? describePlan(c.plan) : 'generated'}): ${firstDifference(comparable(message), comparable(back))}`,
        );
      }
      const json = comparable(message);
      const fromJson = messageFromJson(JSON.parse(JSON.stringify(json)));
      if (!fromJson.ok)
        throw new FuzzFailure(
          `messageFromJson refuses messageToJson's output: ${JSON.stringify(fromJson.findings).slice(0, 500)}`,
        );
      if (!isDeepStrictEqual(comparable(fromJson.message), json)) {
        throw new FuzzFailure(
          `JSON → model → JSON changed the model: ${firstDifference(json, comparable(fromJson.message))}`,
        );
      }
      counters.add(`roundtrip:${c.kind}:ok`);
    },
  };
}

/** Replaces the value at a random path of a JSON value. */
function replaceAt(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const [head = 0, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = head % value.length;
    return value.map((v, j) => (j === i ? replaceAt(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[head % keys.length] as string;
  return {
    ...(value as Record<string, unknown>),
    [key]: replaceAt((value as Record<string, unknown>)[key], rest, replacement),
  };
}

export function codecJsonModel(samples: readonly Buffer[]): PropertySpec<unknown> {
  const models = samples.flatMap((s) => {
    const parsed = parseEdxml(s);
    return parsed.ok ? [messageToJson(parsed.message) as unknown] : [];
  });
  const hostileValue = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    hostileString,
    fc.constantFrom(null, '', 0, -1, 1e308, true, [], {}, '\u0000', '\uFFFE', '\uD800', 'x'.repeat(10_000)),
  );
  const arbitrary = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc
      .tuple(
        fc.constantFrom(...models),
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), hostileValue), {
          minLength: 1,
          maxLength: 3,
        }),
      )
      .map(([model, edits]) => edits.reduce((m, [path, v]) => replaceAt(m, path, v), model)),
  );
  return {
    name: 'codec: hostile JSON models',
    arbitrary,
    async check(value, counters) {
      let result: ReturnType<typeof messageFromJson>;
      try {
        result = messageFromJson(value);
      } catch (error) {
        throw new FuzzFailure(
          `messageFromJson threw ${String(error)} on ${JSON.stringify(value).slice(0, 500)}`,
        );
      }
      if (!result.ok) {
        for (const f of result.findings)
          if (!(f.code in codes)) throw new FuzzFailure(`finding code ${f.code} is not registered`);
        counters.add('json:refused');
        return;
      }
      let xml: string;
      try {
        xml = buildEdxml(result.message);
      } catch (error) {
        if (error instanceof LienthongError && error.code in codes) {
          counters.add(`json:build-refused:${error.code}`);
          return;
        }
        throw new FuzzFailure(`buildEdxml threw ${String(error)} on a model messageFromJson accepted`);
      }
      // An attachment body that is not base64 at all is only a warning when read (the SDK's own
      // sample has one); the reader then gives its bytes back as latin1, so non-ASCII text cannot
      // round-trip. Such models are counted, not compared.
      if (result.message.kind === 'package' && result.message.attachments.some((a) => !isAscii(a.base64()))) {
        counters.add('json:non-ascii-base64');
        return;
      }
      const back = inspectEdxml(xml).message;
      if (!back || !isDeepStrictEqual(normalised(comparable(back)), normalised(comparable(result.message)))) {
        throw new FuzzFailure(
          `a JSON model did not read back the same: ${back ? firstDifference(normalised(comparable(result.message)), normalised(comparable(back))) : 'nothing read back'}\n  model: ${JSON.stringify(value).slice(0, 600)}`,
        );
      }
      counters.add('json:roundtrip');
    },
  };
}
