/**
 * The longest the event loop went without running a 1 ms timer, from now until `stop()`, which waits a tick
 * first so that work which never yields shows as one gap as long as itself. For tests of work that must yield.
 */
export function watchLoopGaps(): {stop(): Promise<number>} {
  let last = performance.now();
  let worstMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
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
