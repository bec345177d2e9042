import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface LoopbackServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far (to check keep-alive pooling). */
  connections: number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 playing the receiving node; `respond` answers each request. */
export async function startLoopbackServer(
  respond: (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(received);
      void respond(received, res);
    });
  });
  const state: LoopbackServer = {
    url: '',
    requests,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/hooks/lienthong` });
}
