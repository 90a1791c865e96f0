// Preloaded into a server process by `PAIRWISE_BENCH_CPU_PROF=<dir>` (NODE_OPTIONS=--import, as --cpu-prof is
// not allowed there): a V8 CPU profile of the run so far, written to <dir> on SIGUSR2 (the bench's servers end
// with SIGKILL, which no handler sees).
import {writeFileSync} from 'node:fs';
import {Session} from 'node:inspector';
import {join} from 'node:path';

const dir = process.env.PAIRWISE_BENCH_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', {interval: 200});
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
