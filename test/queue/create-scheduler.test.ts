import { describe, expect, it } from 'vitest';
import { chooseSchedulerBackend, createDeliveryScheduler } from '../../src/queue/index.ts';

describe('chooseSchedulerBackend', () => {
  it('prefers Redis, then a Postgres server, then the embedded database, then in-process', () => {
    const all = { redisUrl: 'redis://r', databaseUrl: 'postgres://d', embeddedDatabaseUrl: 'postgres://e' };
    expect(chooseSchedulerBackend(all)).toEqual({ backend: 'redis', url: 'redis://r' });
    expect(chooseSchedulerBackend({ ...all, redisUrl: undefined })).toEqual({
      backend: 'postgres',
      connectionString: 'postgres://d',
    });
    expect(chooseSchedulerBackend({ embeddedDatabaseUrl: 'postgres://e', schema: 'q' })).toEqual({
      backend: 'postgres',
      connectionString: 'postgres://e',
      embedded: true,
      schema: 'q',
    });
    expect(chooseSchedulerBackend({})).toEqual({ backend: 'in-process' });
    expect(chooseSchedulerBackend({ ...all, forceInProcess: true })).toEqual({ backend: 'in-process' });
  });

  it('treats empty strings as unset', () => {
    expect(chooseSchedulerBackend({ redisUrl: '', databaseUrl: '' })).toEqual({ backend: 'in-process' });
  });

  it('builds the in-process scheduler without any service', async () => {
    const scheduler = await createDeliveryScheduler({ backend: 'in-process' });
    expect(scheduler.backend).toBe('in-process');
    await scheduler.close();
  });
});
