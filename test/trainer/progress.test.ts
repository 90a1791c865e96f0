import {describe, expect, it} from 'vitest';
import {createProgress} from '../../trainer/progress';
import {parseProgressLine} from '../../domain/progress';

describe('progress', () => {
  it('writes JSON lines off a terminal, mapping each stage onto its span', () => {
    const lines: string[] = [];
    const p = createProgress(false, (s) => void lines.push(s));
    p.stage('load', 0, 0.2);
    p.update(0.5);
    p.update(0.5);
    p.stage('pairs', 0.2, 1);
    p.update(2);
    p.done();
    expect(lines.map((l) => parseProgressLine(l.trim()))).toEqual([
      {type: 'progress', stage: 'load', progress: 0},
      {type: 'progress', stage: 'load', progress: 0.1},
      {type: 'progress', stage: 'pairs', progress: 0.2},
      {type: 'progress', stage: 'pairs', progress: 1},
      {type: 'progress', stage: 'done', progress: 1},
    ]);
  });

  it.each([
    ['{"type":"progress","stage":"x","progress":0.5}', {type: 'progress', stage: 'x', progress: 0.5}],
    ['{"type":"log"}', null],
    ['not json', null],
  ])('parses %s', (line, expected) => {
    expect(parseProgressLine(line)).toEqual(expected);
  });
});
