// Entry of a trainer worker thread (threads.ts) when the trainer runs from source, as in the tests: Node 20 workers
// do not inherit the parent's tsx loader (and one started from vitest has none), so register tsx, then load the
// TypeScript worker. The bundle (command.ts) puts the bundled worker under this same name instead.
import {register} from 'tsx/esm/api';

register();
await import('./threads-worker.ts');
