import { createVxpClient, type VxpClientFailure } from '../vxp/index.ts';
import { type ConformanceCheck, checkResult } from './conformance-check.ts';
import { conformancePackage } from './conformance-packages.ts';

/*
 * The VXP conformance kit: calls a hub's VXP endpoint as the national axis SDK does (the hub's own
 * VXP client, signed exactly like SDKVXP) for one system, and checks the round trip a vendor's
 * integration relies on: authenticate, send a test package to its own organization, find it in
 * getReceivedEdocList, fetch it byte-identical with getEdoc, confirm it with updateStatus "done",
 * and see it leave the list. docs/conformance.md explains each check.
 */

export interface VxpConformanceOptions {
  /** The hub's VXP base URL as the SDK is given it (`https://hub.example/vxp`). */
  readonly endpoint: string;
  /** The system id the hub issued. */
  readonly systemId: string;
  /** Its secret. */
  readonly secret: string;
  /** An organization the system serves: the test package goes from it to itself. */
  readonly organId: string;
  /** Longest wait for one call, and for the package to appear in the list, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** The clock (signed timestamps, package dates); default the system clock. */
  readonly now?: () => Date;
  /** Pause between two looks at the list while waiting, ms (default 500). */
  readonly pollIntervalMs?: number;
}

const PAGE_SIZE = 500;

/** Runs the VXP checks in order; a check whose prerequisite failed fails with "not run". */
export async function runVxpConformance(options: VxpConformanceOptions): Promise<ConformanceCheck[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollIntervalMs ?? 500;
  const limits = { headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, now };
  const client = createVxpClient({
    endpoint: options.endpoint,
    systemId: options.systemId,
    secret: options.secret,
    ...limits,
  });
  const impostor = createVxpClient({
    endpoint: options.endpoint,
    systemId: options.systemId,
    secret: `not-your-secret-${options.secret.length}-${Date.now()}`,
    ...limits,
  });
  const checks: ConformanceCheck[] = [];
  const add = (id: string, title: string, expectation: string, pass: boolean, detail: string) =>
    checks.push(checkResult({ id, title, expectation }, pass, detail));
  const notRun = (id: string, title: string, expectation: string, because: string) =>
    add(id, title, expectation, false, `not run: ${because}`);

  try {
    const list = await client.getReceivedEdocList({ messageType: 'edoc', pageSize: PAGE_SIZE });
    add(
      'authenticate',
      'getReceivedEdocList with the system id and secret',
      'OK envelope',
      list.ok,
      list.ok ? `OK, ${list.items.length} document(s) waiting` : failureText(list),
    );

    const forged = await impostor.getReceivedEdocList({ messageType: 'edoc' });
    add(
      'bad-secret',
      'getReceivedEdocList signed with another secret',
      'refused',
      !forged.ok && (forged.kind === 'refused' || forged.code === 'VXP_CLIENT_HTTP_REFUSED'),
      forged.ok ? 'the hub answered OK to a call signed with a wrong secret' : failureText(forged),
    );

    const { bytes, documentId } = conformancePackage({
      parties: { from: options.organId, to: options.organId },
      at: now(),
    });
    const sent = await client.sendEdoc(bytes, {
      messageType: 'edoc',
      from: options.organId,
      to: [options.organId],
    });
    add(
      'send-edoc',
      `sendEdoc of a test package from ${options.organId} to itself`,
      'OK with a docId',
      sent.ok,
      sent.ok ? `OK, docId ${sent.docId} (DocumentId ${documentId})` : failureText(sent),
    );

    const LISTED = ['listed', 'getReceivedEdocList offers the sent package', 'the docId appears'] as const;
    const GET = ['get-edoc', 'getEdoc of the sent package', 'the exact bytes sent'] as const;
    const DONE = ['update-status', 'updateStatus "done"', 'OK envelope'] as const;
    const GONE = [
      'acknowledged',
      'getReceivedEdocList after "done"',
      'the docId is no longer offered',
    ] as const;
    if (!sent.ok) {
      for (const [id, title, expectation] of [LISTED, GET, DONE, GONE])
        notRun(id, title, expectation, 'sendEdoc failed');
      return checks;
    }

    const deadline = Date.now() + timeoutMs;
    let listed = false;
    let lastFailure: VxpClientFailure | undefined;
    for (;;) {
      const page = await client.getReceivedEdocList({ messageType: 'edoc', pageSize: PAGE_SIZE });
      if (page.ok) listed = page.items.some((item) => item.docId === sent.docId);
      else lastFailure = page;
      if (listed || Date.now() + pollMs > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    add(
      ...LISTED,
      listed,
      listed
        ? `docId ${sent.docId} listed`
        : lastFailure
          ? failureText(lastFailure)
          : `docId ${sent.docId} not among the first ${PAGE_SIZE} items within ${timeoutMs} ms`,
    );

    const fetched = await client.getEdoc(sent.docId);
    const identical = fetched.ok && Buffer.from(fetched.bytes).equals(Buffer.from(bytes));
    add(
      ...GET,
      identical,
      !fetched.ok
        ? failureText(fetched)
        : identical
          ? `${bytes.byteLength} bytes, identical`
          : `${fetched.bytes.byteLength} bytes received, ${bytes.byteLength} sent: not identical`,
    );

    const done = await client.updateStatus(sent.docId, 'done');
    add(...DONE, done.ok, done.ok ? 'OK' : failureText(done));
    if (!done.ok) {
      notRun(...GONE, 'updateStatus failed');
      return checks;
    }
    const after = await client.getReceivedEdocList({ messageType: 'edoc', pageSize: PAGE_SIZE });
    const stillListed = after.ok && after.items.some((item) => item.docId === sent.docId);
    add(
      ...GONE,
      after.ok && !stillListed,
      !after.ok
        ? failureText(after)
        : stillListed
          ? `docId ${sent.docId} is still offered`
          : 'no longer offered',
    );
    return checks;
  } finally {
    await Promise.all([client.close(), impostor.close()]);
  }
}

function failureText(failure: VxpClientFailure): string {
  return failure.kind === 'refused'
    ? `refused: ErrorCode ${failure.code}: ${failure.message}`
    : `${failure.code}: ${failure.message}`;
}
