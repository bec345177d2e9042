// Large message bodies beside embedded Postgres (audit #13, point 2): a body of 1 MiB or more is a
// file in `<data dir>/blobs`, never a bytea pushed through PGlite; smaller ones and every body on a
// Postgres server stay rows. The timing this buys is measured by bench/large-package.bench.ts.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { type Database, getMessageRaw, insertAcceptedMessage, openDatabase } from '../../src/store/index.ts';
import { makeTempDataDir, openServerTestDatabase, type TestDatabase } from '../support/db.ts';
import { packageInput, seedPair } from './store-fixtures.ts';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The one local delivery of a package from the pair's sender to its recipient. */
const toRecipient = (pair: Awaited<ReturnType<typeof seedPair>>): Parameters<typeof packageInput>[1] => [
  {
    recipientOrganId: pair.recipient.organId,
    addressedOrganId: pair.recipient.organId,
    nodeId: pair.recipient.nodeId,
    route: 'local',
  },
];

async function bodyRow(database: { db: Database['db'] }, messageId: string) {
  const { rows } = await database.db.query<{ has_raw: boolean; blob_sha256: string | null }>(
    'SELECT raw IS NOT NULL AS has_raw, blob_sha256 FROM message_bodies WHERE message_id = $1',
    [messageId],
  );
  return rows[0];
}

describe('message bodies beside embedded Postgres', () => {
  let temp: Awaited<ReturnType<typeof makeTempDataDir>>;
  let database: Database;
  let pair: Awaited<ReturnType<typeof seedPair>>;
  let to: Parameters<typeof packageInput>[1];
  const blobFile = (hex: string) => path.join(temp.dir, 'data', 'blobs', hex.slice(0, 2), hex);

  beforeAll(async () => {
    temp = await makeTempDataDir();
    database = await openDatabase({ dataDir: path.join(temp.dir, 'data') });
    pair = await seedPair(database.db);
    to = toRecipient(pair);
  });
  afterAll(async () => {
    await database?.close();
    await temp?.cleanup();
  });

  it('keeps a large body as a private file named by its SHA-256, and reads it back byte for byte', async () => {
    const raw = randomBytes(2 * 1024 * 1024);
    const result = await insertAcceptedMessage(database.db, packageInput(pair.sender, to, { raw }));
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    expect(await bodyRow(database, result.message.id)).toEqual({ has_raw: false, blob_sha256: sha(raw) });
    const file = await stat(blobFile(sha(raw)));
    expect(file.size).toBe(raw.byteLength);
    expect(file.mode & 0o777).toBe(0o600);
    expect(Buffer.compare((await getMessageRaw(database.db, result.message.id))!, raw)).toBe(0);
  });

  it('keeps a small body as a row', async () => {
    const raw = randomBytes(64 * 1024);
    const result = await insertAcceptedMessage(database.db, packageInput(pair.sender, to, { raw }));
    if (result.kind !== 'accepted') throw new Error(result.kind);
    expect(await bodyRow(database, result.message.id)).toEqual({ has_raw: true, blob_sha256: null });
    expect(existsSync(blobFile(sha(raw)))).toBe(false);
  });

  it('keeps the file of a duplicate, and removes the file of a refused conflict', async () => {
    const raw = randomBytes(1024 * 1024);
    const first = packageInput(pair.sender, to, { raw });
    expect((await insertAcceptedMessage(database.db, first)).kind).toBe('accepted');
    expect((await insertAcceptedMessage(database.db, { ...first })).kind).toBe('duplicate');
    expect(existsSync(blobFile(sha(raw)))).toBe(true);
    // The same new DocumentId from the same sender with other bytes: 409, and no orphan file.
    const other = randomBytes(1024 * 1024);
    const conflict = await insertAcceptedMessage(database.db, { ...first, raw: other, sha256: undefined });
    expect(conflict.kind).toBe('conflict');
    expect(existsSync(blobFile(sha(other)))).toBe(false);
    expect(existsSync(blobFile(sha(raw)))).toBe(true);
  });

  it('reports a body whose file is gone as STORE_BLOB_MISSING, not as a missing message', async () => {
    const raw = randomBytes(1024 * 1024 + 1);
    const result = await insertAcceptedMessage(database.db, packageInput(pair.sender, to, { raw }));
    if (result.kind !== 'accepted') throw new Error(result.kind);
    await rm(blobFile(sha(raw)));
    const error = await getMessageRaw(database.db, result.message.id).catch((e: unknown) => e);
    expect(isLienthongError(error, 'STORE_BLOB_MISSING')).toBe(true);
  });
});

describe('message bodies on a Postgres server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openServerTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('stay rows whatever their size (backups and replicas have them)', async () => {
    const pair = await seedPair(database.db);
    const raw = randomBytes(2 * 1024 * 1024);
    const big = await insertAcceptedMessage(
      database.db,
      packageInput(pair.sender, toRecipient(pair), { raw }),
    );
    if (big.kind !== 'accepted') throw new Error(big.kind);
    expect(await bodyRow(database, big.message.id)).toEqual({ has_raw: true, blob_sha256: null });
  });
});
