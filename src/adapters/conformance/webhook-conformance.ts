import { randomBytes } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import type { DeliveryOutcome } from '../../queue/index.ts';
import { createWebhookSender, type WebhookKind } from '../webhook/index.ts';
import { type ConformanceCheck, checkResult } from './conformance-check.ts';
import { WEBHOOK_CONFORMANCE_DEFAULTS } from './conformance-defaults.ts';
import {
  type ConformanceParties,
  conformanceMessageId,
  conformancePackage,
  conformanceStatus,
  DEFAULT_PARTIES,
} from './conformance-packages.ts';

/*
 * The webhook conformance kit: pushes test deliveries to a vendor's receiver exactly as the hub
 * pushes (the hub's own sender, so headers and signature are the hub's) and reports which the
 * receiver handled as docs/webhooks.md says it must. docs/conformance.md explains each check.
 */

export interface WebhookConformanceOptions {
  /** The receiver's webhook URL. */
  readonly url: string;
  /** The webhook secret the receiver checks signatures with. */
  readonly secret: string;
  /** Longest wait for one answer, upload included, ms (default 30 s, the hub's headers timeout). */
  readonly timeoutMs?: number;
  /** The clock (signature timestamps, package dates); default the system clock. */
  readonly now?: () => Date;
  /** From and To of the test packages (To: the receiver's organ id). */
  readonly parties?: ConformanceParties;
  /** Approximate body size of the large package, bytes (default 20 MiB). */
  readonly largeBytes?: number;
  /** Use this dispatcher (client certificates, extra CAs) instead of the kit's own. */
  readonly dispatcher?: Dispatcher;
}

export { WEBHOOK_CONFORMANCE_DEFAULTS } from './conformance-defaults.ts';

/** One push as the kit sends it. */
interface Push {
  readonly messageId: string;
  readonly kind: WebhookKind;
  readonly body: Uint8Array;
  readonly attempt?: number;
  /** The signature timestamp (default now). */
  readonly signedAt?: Date;
  /** Sign with this secret instead of the receiver's. */
  readonly secret?: string;
  /** Send without the Lienthong-Signature header. */
  readonly unsigned?: boolean;
}

/** Runs every webhook check, one push at a time, and returns them in order. */
export async function runWebhookConformance(options: WebhookConformanceOptions): Promise<ConformanceCheck[]> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_CONFORMANCE_DEFAULTS.timeoutMs;
  const now = options.now ?? (() => new Date());
  const parties = options.parties ?? DEFAULT_PARTIES;
  const largeBytes = options.largeBytes ?? WEBHOOK_CONFORMANCE_DEFAULTS.largeBytes;

  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: Math.min(timeoutMs, 10_000) },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          connections: 1,
        })
      : undefined;
  const dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const senderOptions = {
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
  };
  const sender = createWebhookSender({ ...senderOptions, dispatcher });
  // The same sender on a dispatcher that drops the signature header, for the unsigned push.
  const unsignedSender = createWebhookSender({
    ...senderOptions,
    dispatcher: dispatcher.compose(withoutHeader('lienthong-signature')),
  });

  const push = (p: Push): Promise<DeliveryOutcome> =>
    (p.unsigned ? unsignedSender : sender).send({
      url: options.url,
      secret: p.secret ?? options.secret,
      messageId: p.messageId,
      kind: p.kind,
      attempt: p.attempt ?? 1,
      body: p.body,
      now: p.signedAt ?? now(),
    });
  const pkg = (extra: { priority?: 0 | 3; extraAttachmentBytes?: number } = {}) =>
    conformancePackage({ parties, at: now(), ...extra }).bytes;

  const checks: ConformanceCheck[] = [];
  try {
    {
      const messageId = conformanceMessageId();
      const outcome = await push({ messageId, kind: 'package', body: pkg() });
      checks.push(
        expectAccepted(
          {
            id: 'valid',
            title: 'valid signed package',
            expectation: '2xx',
          },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const outcome = await push({
        messageId,
        kind: 'package',
        body: pkg(),
        secret: `not-your-secret-${randomBytes(8).toString('hex')}`,
      });
      checks.push(
        expectRefused(
          {
            id: 'bad-signature',
            title: 'package signed with another secret',
            expectation: '4xx (401 or 403), never 2xx',
          },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const signedAt = new Date(now().getTime() - WEBHOOK_CONFORMANCE_DEFAULTS.replayAgeMs);
      const outcome = await push({ messageId, kind: 'package', body: pkg(), signedAt });
      checks.push(
        expectRefused(
          {
            id: 'replayed',
            title: 'valid push signed 15 minutes ago (replay)',
            expectation: '4xx: a timestamp more than 5 minutes old is refused',
          },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const body = pkg();
      const first = await push({ messageId, kind: 'package', body, attempt: 1 });
      const second = await push({ messageId, kind: 'package', body, attempt: 2 });
      checks.push(duplicateCheck(messageId, first, second, timeoutMs));
    }
    {
      const messageId = conformanceMessageId();
      // base64 makes the attachment 4/3 of its bytes: aim the whole body at `largeBytes`.
      const body = pkg({ extraAttachmentBytes: Math.max(0, Math.floor((largeBytes * 3) / 4) - 8 * 1024) });
      const outcome = await push({ messageId, kind: 'package', body });
      checks.push(
        expectAccepted(
          {
            id: 'large',
            title: `large package (${mebibytes(body.byteLength)})`,
            expectation: `2xx within ${timeoutMs} ms`,
          },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const outcome = await push({ messageId, kind: 'package', body: pkg({ priority: 3 }) });
      checks.push(
        expectAccepted(
          { id: 'urgent', title: 'hỏa tốc package (priority 3)', expectation: '2xx' },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const outcome = await push({
        messageId,
        kind: 'status',
        body: conformanceStatus({ parties, at: now() }),
      });
      checks.push(
        expectAccepted(
          { id: 'status', title: 'status package (Lienthong-Kind: status)', expectation: '2xx' },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
    {
      const messageId = conformanceMessageId();
      const outcome = await push({ messageId, kind: 'package', body: pkg(), unsigned: true });
      checks.push(
        expectRefused(
          {
            id: 'unsigned',
            title: 'package without Lienthong-Signature',
            expectation: '4xx (401 or 403), never 2xx',
          },
          messageId,
          outcome,
          timeoutMs,
        ),
      );
    }
  } finally {
    await ownAgent?.close();
  }
  return checks;
}

type CheckHead = Pick<ConformanceCheck, 'id' | 'title' | 'expectation'>;

function isAccepted(outcome: DeliveryOutcome): boolean {
  return outcome.kind === 'delivered';
}

function isRefused(outcome: DeliveryOutcome): boolean {
  const status = outcome.attempt.httpStatus;
  return status !== null && status >= 400 && status < 500;
}

/** "answered 401 in 12 ms: bad signature", or "no answer: WEBHOOK_TIMEOUT after 30000 ms". */
function describe(outcome: DeliveryOutcome, timeoutMs: number): string {
  const { httpStatus, errorCode, errorDetail, durationMs } = outcome.attempt;
  if (httpStatus === null) {
    const timedOut = errorCode?.includes('TIMEOUT') === true;
    return `no answer: ${errorCode ?? 'unknown'}${timedOut ? ` (limit ${timeoutMs} ms)` : ''}${errorDetail ? ` (${errorDetail})` : ''}`;
  }
  return `answered ${httpStatus} in ${durationMs} ms${errorDetail ? `: ${errorDetail.slice(0, 120)}` : ''}`;
}

function expectAccepted(
  head: CheckHead,
  messageId: string,
  outcome: DeliveryOutcome,
  timeoutMs: number,
): ConformanceCheck {
  const pass = isAccepted(outcome);
  const status = outcome.attempt.httpStatus;
  const hint =
    pass || status === null
      ? ''
      : status >= 300 && status < 400
        ? '; the hub does not follow redirects: register the final URL'
        : status === 408 || status === 429 || status >= 500
          ? '; the hub would retry it later'
          : '; the hub would fail this delivery at once';
  return checkResult(head, pass, `${describe(outcome, timeoutMs)}${hint} (message ${messageId})`);
}

function expectRefused(
  head: CheckHead,
  messageId: string,
  outcome: DeliveryOutcome,
  timeoutMs: number,
): ConformanceCheck {
  const pass = isRefused(outcome);
  const hint = pass
    ? ''
    : isAccepted(outcome)
      ? '; the receiver took a push it must refuse: delete it from your inbox'
      : '; a refusal is a 4xx';
  return checkResult(head, pass, `${describe(outcome, timeoutMs)}${hint} (message ${messageId})`);
}

function duplicateCheck(
  messageId: string,
  first: DeliveryOutcome,
  second: DeliveryOutcome,
  timeoutMs: number,
): ConformanceCheck {
  const pass = isAccepted(first) && isAccepted(second);
  return checkResult(
    {
      id: 'duplicate',
      title: 'same message id pushed twice (attempts 1 and 2)',
      expectation: '2xx both times, stored once',
    },
    pass,
    `first ${describe(first, timeoutMs)}; second ${describe(second, timeoutMs)}` +
      (pass
        ? `; the kit cannot see whether it was stored twice: check your inbox shows message ${messageId} once`
        : ` (message ${messageId}); a repeated id must be answered 2xx again, without processing it twice`),
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A dispatcher interceptor that removes one request header (lower-case name). */
function withoutHeader(name: string): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const headers = opts.headers;
    if (headers === null || headers === undefined || typeof headers !== 'object' || Array.isArray(headers)) {
      return dispatch(opts, handler);
    }
    const kept = Object.fromEntries(
      Object.entries(headers as Record<string, unknown>).filter(([key]) => key.toLowerCase() !== name),
    ) as Record<string, string>;
    return dispatch({ ...opts, headers: kept }, handler);
  };
}
