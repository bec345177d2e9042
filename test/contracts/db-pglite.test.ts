import { openEmbeddedTestDatabase } from '../support/db.ts';
import { runDbContract } from './db.contract.ts';

runDbContract({ name: 'PGlite direct (memory)', create: () => openEmbeddedTestDatabase() });
