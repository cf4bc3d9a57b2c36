import { describe, expect, it } from 'vitest';
import { Progress } from '../src/progress.js';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { isTTY, columns: 60, out, write: (s: string) => { out.push(s); } };
}

describe('Progress', () => {
  it('prints one plain line per step when stderr is not a terminal', () => {
    const s = stream(false);
    const p = new Progress(2, s);
    p.step('kernels: matMul — strata cpu');
    p.grow(1);
    p.step('b');
    p.step('c');
    p.finish();
    expect(s.out.slice(0, 3)).toEqual(['[1/2] kernels: matMul — strata cpu\n', '[2/3] b\n', '[3/3] c\n']);
    expect(s.out[3]).toMatch(/^3\/3 done in \d+s\n$/);
  });

  it('redraws one bar in place on a terminal, cut to its width', () => {
    const s = stream(true);
    const p = new Progress(4, s);
    p.step('x'.repeat(200));
    expect(s.out[0]!.startsWith('\r\x1b[2K[')).toBe(true);
    expect(s.out[0]!).not.toContain('\n');
    expect(s.out[0]!.length).toBeLessThanOrEqual(60 + 5);
  });
});
