/** Latency figures of the isolation bench, shared by its own process and the heavy-admin driver's. */

/** No single request may hang the bench: a blocked loop shows up as a long latency, capped here. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface Latencies {
  p50: number;
  p99: number;
  max: number;
  count: number;
  failed: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarise(ms: number[], failed: number): Latencies {
  const sorted = [...ms].sort((a, b) => a - b);
  return {p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, count: ms.length, failed};
}

/** One timed request; a non-2xx answer or a network error counts as failed (its time is still recorded). */
export async function timed(url: string, init: RequestInit, ok: (status: number) => boolean, ms: number[]): Promise<boolean> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)});
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    return ok(res.status);
  } catch {
    ms.push(performance.now() - t0);
    return false;
  }
}
