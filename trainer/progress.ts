import {createRequire} from 'node:module';
import type {ProgressLine} from '../domain/progress';

/**
 * Training progress: a bar on a terminal, one JSON line per update otherwise (the server reads those lines
 * from the child process and shows them on the admin page). JSON lines go to stdout; nothing else does.
 */
export interface Progress {
  /** Starts a stage that covers the overall span [from, to] of 0..1. */
  stage(name: string, from: number, to: number): void;
  /** Position inside the current stage, 0..1. */
  update(withinStage: number): void;
  done(): void;
}

export function createProgress(tty = Boolean(process.stdout.isTTY), write: (s: string) => void = (s) => process.stdout.write(s)): Progress {
  let stage = '';
  let start = 0;
  let span = 0;
  let lastLine = -1;
  if (tty) {
    // Loaded only for a terminal: the server and the benchmarks read JSON lines and skip its start-up.
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
    const bar = new cliProgress.SingleBar({format: 'training [{bar}] {percentage}% | {stage}', hideCursor: true}, cliProgress.Presets.shades_classic);
    bar.start(100, 0, {stage: ''});
    return {
      stage(name, from, to) {
        stage = name;
        start = from;
        span = to - from;
        bar.update(Math.round(from * 100), {stage});
      },
      update(within) {
        bar.update(Math.round((start + Math.min(1, within) * span) * 100), {stage});
      },
      done() {
        bar.update(100, {stage: 'done'});
        bar.stop();
      },
    };
  }
  const emit = (progress: number) => {
    const rounded = Math.round(progress * 100) / 100;
    if (rounded === lastLine) return;
    lastLine = rounded;
    write(JSON.stringify({type: 'progress', stage, progress: rounded} satisfies ProgressLine) + '\n');
  };
  return {
    stage(name, from, to) {
      stage = name;
      start = from;
      span = to - from;
      lastLine = -1;
      emit(from);
    },
    update(within) {
      emit(start + Math.min(1, within) * span);
    },
    done() {
      stage = 'done';
      lastLine = -1;
      emit(1);
    },
  };
}
