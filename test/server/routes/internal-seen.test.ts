import {describe, expect, it} from 'vitest';
import {SeenSignatures} from '../../../server/routes/internal-seen';

// The bounded set of worker signatures already taken (the HTTP cases are in test/worker/workers.test.ts).
describe('SeenSignatures', () => {
  it('takes a signature once; a repeat is a replay', () => {
    const seen = new SeenSignatures(10, 1_000);
    expect(seen.take('a'.repeat(64), 2_000)).toBe('fresh');
    expect(seen.take('a'.repeat(64), 2_000)).toBe('replayed');
    expect(seen.take('b'.repeat(64), 2_000)).toBe('fresh');
  });

  it('refuses what was signed before it started: it cannot have seen it', () => {
    expect(new SeenSignatures(10, 5_000).take('a'.repeat(64), 4_999)).toBe('signed before start');
  });

  it('when full of signatures still in their window, refuses new ones rather than forget one', () => {
    const seen = new SeenSignatures(2, 0);
    expect(seen.take('a', 1)).toBe('fresh');
    expect(seen.take('b', 1)).toBe('fresh');
    expect(seen.take('c', 1)).toBe('full');
    // The first two are still refused as replays: nothing was evicted to make room.
    expect(seen.take('a', 1)).toBe('replayed');
  });
});
