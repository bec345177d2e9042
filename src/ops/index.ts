export { createHubMetrics, type HubMetrics } from './hub-metrics.ts';
export { type QueueHealth, type QueuesReport, queuesReport } from './queue-health.ts';
