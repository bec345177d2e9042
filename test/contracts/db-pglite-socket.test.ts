import { openEmbeddedTestDatabase } from '../support/db.ts';
import { runDbContract } from './db.contract.ts';

runDbContract({
  name: 'PGlite served over pglite-socket (pg.Pool)',
  create: () => openEmbeddedTestDatabase({ serveSocket: true }),
});
