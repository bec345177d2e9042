// A receiving e-office system on 127.0.0.1 that counts what it is pushed: every request is checked
// (signature, headers) and recorded by Lienthong-Message-Id, so tests can assert "zero lost, zero
// duplicated" and see which ids came more than once. Its behaviour can change during a test
// (answer, 503, slow, down = port closed).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyWebhookSignature } from '../../src/adapters/webhook/index.ts';

export interface Reception {
  readonly messageId: string;
  readonly kind: string;
  readonly attempt: number;
  readonly at: number;
  readonly signatureOk: boolean;
  readonly body: Buffer;
  /** The status the receiver answered with. */
  readonly status: number;
}

export type ReceiverMode =
  | { readonly kind: 'ok'; readonly delayMs?: number }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string };

export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  /** Every request that reached the handler, in arrival order. */
  readonly receptions: Reception[];
  /** Answered 2xx, by message id: how many times each id was accepted. */
  readonly accepted: Map<string, number>;
  /**
   * Arrived whole with a valid signature, by message id, whatever the answer: what a receiver that
   * stores a message before answering has stored (a push cut off before its answer counts here).
   */
  readonly arrivals: Map<string, number>;
  /** Lienthong-Delivery-Attempt of each arrival, by message id, in arrival order. */
  readonly arrivalAttempts: Map<string, number[]>;
  /** The largest number of requests in progress at once. */
  maxInFlight: number;
  /** Requests in progress (slow mode). */
  inFlight: number;
  setMode(mode: ReceiverMode): void;
  /** Closes the port (connections refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Message ids accepted more than once. */
  duplicates(): string[];
  close(): Promise<void>;
}

/** Starts a receiver with the node's webhook secret (signatures are checked with it). */
export async function startWebhookReceiver(options: {
  readonly secret: string;
  readonly mode?: ReceiverMode;
  readonly port?: number;
}): Promise<WebhookReceiver> {
  let mode: ReceiverMode = options.mode ?? { kind: 'ok' };
  const receptions: Reception[] = [];
  const accepted = new Map<string, number>();
  const arrivals = new Map<string, number>();
  const arrivalAttempts = new Map<string, number[]>();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = options.port ?? 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const messageId = String(req.headers['lienthong-message-id'] ?? '');
      const signature = verifyWebhookSignature({
        secret: options.secret,
        header: req.headers['lienthong-signature'] as string | undefined,
        messageId,
        body,
        now: new Date(),
      });
      const current = mode;
      const finish = (status: number, headers: Record<string, string> = {}) => {
        receptions.push({
          messageId,
          kind: String(req.headers['lienthong-kind'] ?? ''),
          attempt: Number(req.headers['lienthong-delivery-attempt'] ?? 0),
          at: Date.now(),
          signatureOk: signature.ok,
          body,
          status,
        });
        if (status >= 200 && status < 300) accepted.set(messageId, (accepted.get(messageId) ?? 0) + 1);
        res.writeHead(status, headers).end();
      };
      if (!signature.ok) {
        finish(401);
        return;
      }
      arrivals.set(messageId, (arrivals.get(messageId) ?? 0) + 1);
      arrivalAttempts.set(messageId, [
        ...(arrivalAttempts.get(messageId) ?? []),
        Number(req.headers['lienthong-delivery-attempt'] ?? 0),
      ]);
      if (current.kind === 'status') {
        finish(current.status, current.retryAfter ? { 'retry-after': current.retryAfter } : {});
        return;
      }
      if (current.delayMs) {
        state.inFlight += 1;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        const timer = setTimeout(() => {
          state.inFlight -= 1;
          if (!res.destroyed) finish(200);
        }, current.delayMs);
        res.on('close', () => {
          if (!res.writableEnded) {
            clearTimeout(timer);
            state.inFlight -= 1;
          }
        });
        return;
      }
      finish(200);
    });
  };

  const listen = async () => {
    server = createServer(handle);
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };

  const stop = async () => {
    const current = server;
    server = null;
    if (current === null) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  const state: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/lienthong`,
    port,
    receptions,
    accepted,
    arrivals,
    arrivalAttempts,
    inFlight: 0,
    maxInFlight: 0,
    setMode(next) {
      mode = next;
    },
    down: stop,
    async up() {
      if (server === null) await listen();
    },
    duplicates() {
      return [...accepted].filter(([, n]) => n > 1).map(([id]) => id);
    },
    close: stop,
  };
  return state;
}
