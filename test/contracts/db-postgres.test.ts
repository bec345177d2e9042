import { openServerTestDatabase } from '../support/db.ts';
import { runDbContract } from './db.contract.ts';

runDbContract({ name: 'Postgres server (pg.Pool, own schema)', create: () => openServerTestDatabase() });
