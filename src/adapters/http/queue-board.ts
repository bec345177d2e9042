import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { createPostgresBackend, Queue, withBackend } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { BullmqConnection } from '../../queue/index.ts';

/** bull-board over the hub's BullMQ queue, as a Fastify plugin to register under `basePath`. */
export interface QueueBoard {
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  close(): Promise<void>;
}

/**
 * The queue board (bull-board) for one BullMQ queue, on Redis or BullMQ's Postgres backend. It
 * opens its own Queue handle (read side only, no worker). Read-only: the queue holds ids and
 * timing, Postgres holds the deliveries, so operators act through `lienthong deliveries …`, not
 * by editing jobs. The caller protects it (operator authentication).
 */
export function createQueueBoard(options: {
  readonly connection: BullmqConnection;
  readonly queueName: string;
  readonly basePath: string;
}): QueueBoard {
  const { connection } = options;
  const queue =
    connection.backend === 'redis'
      ? new Queue(options.queueName, {
          connection: { url: connection.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
          ...(connection.prefix === undefined ? {} : { prefix: connection.prefix }),
        })
      : new (withBackend(createPostgresBackend).Queue)(options.queueName, {
          connection: {
            connectionString: connection.connectionString,
            schema: connection.schema ?? 'bullmq',
          },
        });
  // A board that cannot reach the backend shows an error page; it must not crash the hub.
  queue.on('error', () => {});
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(options.basePath);
  createBullBoard({
    queues: [new BullMQAdapter(queue as unknown as Queue, { readOnlyMode: true })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'lienthong queues' } },
  });
  const register = serverAdapter.registerPlugin();
  return {
    plugin: async (app) => {
      await app.register(register);
    },
    close: async () => {
      await queue.close().catch(() => {});
    },
  };
}
