// Entry of a trainer worker thread (threads.ts). Node 20 workers do not inherit the parent's tsx loader (and a worker
// started from vitest has none): register tsx here, then load the TypeScript worker.
import {register} from 'tsx/esm/api';

register();
await import('./threads-worker.ts');
