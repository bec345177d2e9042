// How the fuzz tests talk to a hub: fetch (the real HTTP client every node uses) for requests a
// well-behaved client can make, and a raw socket for the ones fetch refuses to send (lying
// Content-Length, Transfer-Encoding games, duplicate or non-latin1 headers, request targets with
// `..` that fetch would normalise away). Both give the same `Answer`, with a hard time limit, so a
// hung hub is a failed property rather than a hung test run.
import net from 'node:net';
import { parseResponseHead, type ResponseHead } from '../support/http-head.ts';

/** How the body of a raw request is framed. */
export type Framing =
  /** Content-Length: the true length (or no header at all when there is no body). */
  | 'exact'
  /** No Content-Length and no Transfer-Encoding, body bytes sent anyway. */
  | 'none'
  /** Content-Length larger than the bytes sent: the server may rightly wait for the rest. */
  | 'cl-longer'
  /** Content-Length smaller than the bytes sent: the rest looks like a second request. */
  | 'cl-shorter'
  /** Transfer-Encoding: chunked, well-formed. */
  | 'chunked'
  /** Transfer-Encoding: chunked with a chunk size that is not hex. */
  | 'chunked-bad'
  /** Both Content-Length and Transfer-Encoding (a smuggling classic). */
  | 'cl-and-te';

export interface WireRequest {
  readonly method: string;
  /** The request-target exactly as sent (path and query). */
  readonly target: string;
  /** Header names and values in wire order; values are latin1 strings (one char per byte). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array | null;
  /** `fetch` only for what fetch can send as given; the generators decide. */
  readonly transport: 'fetch' | 'raw';
  readonly framing: Framing;
}

export interface Answer {
  /** 0 when nothing came back (closed, reset or timed out). */
  readonly status: number;
  /** Names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Why there is no status, when there is none. */
  readonly noAnswer?: 'closed' | 'timeout' | 'error';
  readonly error?: string;
  readonly ms: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Sends a request with fetch or a raw socket, as the request says. */
export function send(origin: string, request: WireRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Answer> {
  return request.transport === 'fetch'
    ? sendFetch(origin, request, timeoutMs)
    : sendRaw(origin, request, timeoutMs);
}

async function sendFetch(origin: string, request: WireRequest, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.append(name, value);
  try {
    const response = await fetch(`${origin}${request.target}`, {
      method: request.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body !== null ? { body: Buffer.from(request.body) } : {}),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    return { status: response.status, headers: out, body, ms: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      status: 0,
      headers: {},
      body: Buffer.alloc(0),
      noAnswer: timedOut ? 'timeout' : 'error',
      error:
        error instanceof Error
          ? `${error.name}: ${error.message} ${String(error.cause ?? '')}`
          : String(error),
      ms: performance.now() - started,
    };
  }
}

/** The bytes of a raw request: request line, headers (plus the framing's), blank line, body. */
export function rawBytes(host: string, request: WireRequest): Buffer {
  const body = request.body === null ? Buffer.alloc(0) : Buffer.from(request.body);
  const lines: string[] = [`${request.method} ${request.target} HTTP/1.1`];
  const hasHost = request.headers.some(([n]) => n.toLowerCase() === 'host');
  if (!hasHost) lines.push(`Host: ${host}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  let payload: Buffer = body;
  switch (request.framing) {
    case 'exact':
      if (request.body !== null) lines.push(`Content-Length: ${body.length}`);
      break;
    case 'none':
      break;
    case 'cl-longer':
      lines.push(`Content-Length: ${body.length + 1 + (body.length % 97)}`);
      break;
    case 'cl-shorter':
      lines.push(`Content-Length: ${Math.floor(body.length / 2)}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([
        ...(body.length > 0
          ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]
          : []),
        Buffer.from('0\r\n\r\n'),
      ]);
      break;
    case 'chunked-bad':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'cl-and-te':
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      payload = Buffer.concat([
        Buffer.from(`${body.length.toString(16)}\r\n`),
        body,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
      break;
  }
  // One request per connection: the answer ends where the connection ends.
  lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

/** The body once complete, or undefined while more is expected. */
function bodyOf(head: ResponseHead, rest: Buffer, closed: boolean): Buffer | undefined {
  if ((head.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd < 0) return closed ? Buffer.concat(parts) : undefined;
      const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size) || size === 0) return Buffer.concat(parts);
      if (rest.length < lineEnd + 2 + size + 2) return closed ? Buffer.concat(parts) : undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = head.headers['content-length'];
  if (length !== undefined && rest.length >= Number(length)) return rest.subarray(0, Number(length));
  return closed ? rest : undefined;
}

function sendRaw(origin: string, request: WireRequest, timeoutMs: number): Promise<Answer> {
  const url = new URL(origin);
  const started = performance.now();
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...answer, ms: performance.now() - started });
    };
    const none = (why: 'closed' | 'timeout' | 'error', error?: string) =>
      finish({ status: 0, headers: {}, body: Buffer.alloc(0), noAnswer: why, ...(error ? { error } : {}) });
    const timer = setTimeout(() => none('timeout'), timeoutMs);
    const tryFinish = (closed: boolean) => {
      for (;;) {
        const head = parseResponseHead(data);
        if (head === undefined) {
          if (closed) none('closed');
          return;
        }
        if (head.status >= 100 && head.status < 200) {
          // An interim answer (100 Continue): the real one follows.
          data = data.subarray(head.bodyStart);
          continue;
        }
        const body = bodyOf(head, data.subarray(head.bodyStart), closed);
        if (body !== undefined) finish({ status: head.status, headers: head.headers, body });
        return;
      }
    };
    socket.on('connect', () => {
      socket.write(rawBytes(url.host, request));
      // A body shorter than its Content-Length: say that nothing more comes, so that the hub's
      // answer (or its close) is what is judged, not its 120 s request timeout.
      if (request.framing === 'cl-longer') socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      tryFinish(false);
    });
    socket.on('end', () => tryFinish(true));
    socket.on('close', () => tryFinish(true));
    socket.on('error', (error) => {
      // A reset after a complete answer is still that answer.
      if (parseResponseHead(data)) tryFinish(true);
      else none('error', error.message);
    });
  });
}
