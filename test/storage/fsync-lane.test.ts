import {execFileSync} from 'node:child_process';
import {closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FsyncFailed, FsyncLane} from '../../storage/fsync-lane';

/**
 * The fsync lanes on real files. A file whose fsync never ends is made the plainest way: a FIFO no one writes
 * to, whose open waits for a writer.
 */
describe('fsync lanes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pw-fsync-lane-'));
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('syncs a file, and fails with the errno code for one that is not there', async () => {
    const lane = new FsyncLane(2);
    writeFileSync(join(dir, 'shop.db-wal'), 'frames');
    await expect(lane.datasync(join(dir, 'shop.db-wal'))).resolves.toBeUndefined();
    const missing = await lane.datasync(join(dir, 'gone.db-wal')).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(FsyncFailed);
    expect((missing as FsyncFailed).code).toBe('ENOENT');
  });

  it('gives a file whose fsync hangs one lane, not every lane: another shop is still synced', async () => {
    const lane = new FsyncLane(2);
    const slow = join(dir, 'slow.db-wal');
    execFileSync('mkfifo', [slow]);
    writeFileSync(join(dir, 'other.db-wal'), 'frames');
    // Two waits on the slow file (a shop's webhooks and its settings save), then another shop's.
    const stuck = [lane.datasync(slow), lane.datasync(slow)].map((p) => p.catch((err: unknown) => err));
    try {
      // Not a speed limit: with both lanes held by the slow file this never resolves.
      await expect(Promise.race([lane.datasync(join(dir, 'other.db-wal')), new Promise((_, reject) => setTimeout(() => reject(new Error('held behind the slow file')), 15_000))])).resolves.toBeUndefined();
    } finally {
      // A writer's open releases a parked open (ENXIO: the second wait's open has not begun yet); a FIFO cannot
      // be fsynced, so each wait ends in an error.
      const release = async (wait: Promise<unknown>) => {
        for (;;) {
          try {
            closeSync(openSync(slow, constants.O_WRONLY | constants.O_NONBLOCK));
            return await wait;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      expect(await release(stuck[0])).toBeInstanceOf(FsyncFailed);
      expect(await release(stuck[1])).toBeInstanceOf(FsyncFailed);
    }
  });
});
