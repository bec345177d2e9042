import { createInProcessScheduler } from '../../src/queue/in-process-scheduler.ts';
import { runSchedulerContract } from './scheduler.contract.ts';

runSchedulerContract({
  name: 'in-process',
  create: async ({ errorDelayMs, onError }) => createInProcessScheduler({ errorDelayMs, onError }),
});
