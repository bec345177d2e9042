import { databaseOptionsFromEnv, withDatabase } from '../store/index.ts';
import { DEFAULT_CONSOLE_SETTINGS } from './console-settings.ts';
import { createDirectoryAdmin, type DirectoryAdmin } from './directory-admin.ts';
import { createNodeAdmin, type NodeAdmin } from './node-admin.ts';
import { createOperatorAccounts, type OperatorAccounts } from './operator-accounts.ts';
import { createOperatorService, type OperatorService } from './operator-service.ts';
import { createPeerAdmin, type PeerAdmin } from './peer-admin.ts';

/** What the operator's command line works with: the hub's services over its database. */
export interface Admin {
  readonly nodes: NodeAdmin;
  readonly directory: DirectoryAdmin;
  /** Peer hubs: children and the parent. */
  readonly peers: PeerAdmin;
  /** The store parts of the operator service (no delivery engine runs in the CLI). */
  readonly operator: OperatorService;
  /** The console's accounts (`lienthong operator …`). */
  readonly accounts: OperatorAccounts;
}

/**
 * Runs `fn` with the services over the database that DATABASE_URL / LIENTHONG_DATA_DIR select
 * (while the hub runs in embedded mode, through its local socket), and closes it afterwards.
 */
export function withAdmin<T>(env: NodeJS.ProcessEnv, fn: (admin: Admin) => Promise<T>): Promise<T> {
  return withDatabase(databaseOptionsFromEnv(env), ({ db }) =>
    fn({
      nodes: createNodeAdmin(db),
      directory: createDirectoryAdmin(db),
      peers: createPeerAdmin(db),
      operator: createOperatorService({ db, now: () => new Date() }),
      accounts: createOperatorAccounts(db, DEFAULT_CONSOLE_SETTINGS),
    }),
  );
}
