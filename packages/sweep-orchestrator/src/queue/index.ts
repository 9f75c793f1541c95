export { QueueError } from './errors.js';
export type { QueueErrorCode, QueueErrorData } from './errors.js';
export { jobIdOf, queueNameOf, testJobResultSchema, testJobSchema } from './job.js';
export type { QueuedTestOutcome, TestJob, TestJobResult } from './job.js';
export { openQueueClient } from './client.js';
export type { EnqueueOptions, QueueClient, QueueClientOptions } from './client.js';
export { runWorker } from './worker.js';
export type { RunWorkerOptions } from './worker.js';
