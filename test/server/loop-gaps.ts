/**
 * The longest gap between two runs of a 1 ms timer, read on `clock`, from now until `stop()`, which waits a tick
 * first so that work which never yields shows as one gap as long as itself.
 */
function watchGaps(clock: () => number): {stop(): Promise<number>} {
  let last = clock();
  let worstMs = 0;
  const ticker = setInterval(() => {
    const now = clock();
    worstMs = Math.max(worstMs, now - last);
    last = now;
  }, 1);
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 5));
      clearInterval(ticker);
      return worstMs;
    },
  };
}

/** The longest the event loop went without running a 1 ms timer, in wall time. For tests of work that must yield. */
export function watchLoopGaps(): {stop(): Promise<number>} {
  return watchGaps(() => performance.now());
}

/**
 * As watchLoopGaps, but each gap counted in this process's CPU time (user + system, every thread) rather than
 * wall time: on a machine shared with other work, a process descheduled between two ticks shows a long wall
 * gap that no code of its own caused. What is left is the work that held the loop (and any GC beside it).
 */
export function watchLoopCpuGaps(): {stop(): Promise<number>} {
  return watchGaps(() => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  });
}
