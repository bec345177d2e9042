// Entry file of a verifier worker thread. The sources are TypeScript run through tsx, and on Node 20
// a worker thread gets neither the tsx hooks of the thread that made it nor those of an
// `--import tsx` in its own execArgv (tried: both fail with ERR_UNKNOWN_FILE_EXTENSION). So the worker
// registers tsx itself, as bin/lienthong.js does for the main thread, then loads the task module.
import { register } from 'tsx/esm/api';

register();
export const { verify } = await import('./verify-worker.ts');
