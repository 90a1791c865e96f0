// A read thread (server/reads/read-thread.ts) that holds each read while the file `hold-reads` exists in its data
// folder: a read as slow as a test needs, with nothing in the read itself changed. The hold runs on the thread,
// just before the thread's own handler, so it holds that thread and nothing else.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {parentPort, workerData} from 'node:worker_threads';
import {register} from 'tsx/esm/api';

const hold = join(workerData.dataDir, 'hold-reads');
const nap = new Int32Array(new SharedArrayBuffer(4));
const on = parentPort.on.bind(parentPort);
// The thread's handler, registered when it loads, gets each read after the hold.
parentPort.on = (event, handler) =>
  on(event, (request) => {
    if (!('forget' in request)) while (existsSync(hold)) Atomics.wait(nap, 0, 0, 5);
    handler(request);
  });

register();
await import('../../../server/reads/read-thread.ts');
