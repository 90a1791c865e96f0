/** One line the trainer prints on stdout while it runs: the stage and the overall fraction done, 0..1. */
export type ProgressLine = {type: 'progress'; stage: string; progress: number};

/** Parses one line the trainer printed (the server copies them to train_runs); null when it is not a progress line. */
export function parseProgressLine(line: string): ProgressLine | null {
  try {
    const v = JSON.parse(line) as Partial<ProgressLine>;
    return v && v.type === 'progress' && typeof v.stage === 'string' && typeof v.progress === 'number' ? (v as ProgressLine) : null;
  } catch {
    return null;
  }
}
