// Entry of a read thread (read-pool.ts). The server runs from source under tsx (`npm start`, `npm run dev`) and
// the tests under vitest; Node 20 workers do not inherit the parent's loader (and one started from vitest has
// none), so register tsx, then load the TypeScript thread, as trainer/threads-worker.mjs does.
import {register} from 'tsx/esm/api';

register();
await import('./read-thread.ts');
