import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Captures what the progress bar writes; `isTTY` chooses the terminal or the log-file format. */
class Capture {
  text = '';
  writes = 0;
  constructor(readonly isTTY: boolean, readonly columns?: number) {}
  write(s: string): void {
    this.text += s;
    this.writes++;
  }
}

/** A clock the test advances by hand (milliseconds). */
function fakeClock(): { now: () => number; set: (ms: number) => void } {
  let t = 0;
  return { now: () => t, set: (ms) => { t = ms; } };
}

/**
 * Runs `epochs` epochs of `steps` batches through a ProgbarLogger; batch b of each epoch ends at
 * `times[b]` ms after the epoch begins; logs are loss = 1/(b+1), accuracy = b/10.
 */
async function run(out: Capture, opts: { verbose: 1 | 2; steps: number | null; epochs: number; times: number[]; color?: boolean; val?: boolean }): Promise<void> {
  const clock = fakeClock();
  const cb = new st.callbacks.ProgbarLogger({ output: out, now: clock.now, ...(opts.color === undefined ? { color: false } : { color: opts.color }) });
  const list = new st.callbacks.CallbackList([cb]);
  list.setParams({ epochs: opts.epochs, steps: opts.steps, verbose: opts.verbose, metrics: ['loss', 'accuracy'], initialEpoch: 0 });
  await list.onTrainBegin();
  let base = 0;
  for (let e = 0; e < opts.epochs; e++) {
    clock.set(base);
    await list.onEpochBegin(e);
    opts.times.forEach((t, b) => {
      clock.set(base + t);
      void list.onTrainBatchEnd(b, { loss: 1 / (b + 1), accuracy: b / 10 });
    });
    const last = opts.times.length - 1;
    const logs: st.Logs = { loss: 1 / (last + 1), accuracy: last / 10 };
    if (opts.val) Object.assign(logs, { val_loss: 0.123456, val_accuracy: 0.9 });
    await list.onEpochEnd(e, logs);
    base += 100_000;
  }
  await list.onTrainEnd();
}

const BAR = (filled: number): string => '━'.repeat(filled) + '─'.repeat(20 - filled);
// 5 steps: the first takes 400 ms (warm-up, left out of the estimate once there are more),
// the update 10 ms later is throttled (< 50 ms), then one step per second.
const TIMES = [400, 410, 1400, 2400, 3400];
const FINAL = '5/5 - 3s - 750ms/step - accuracy: 0.4000 - loss: 0.2000 - val_accuracy: 0.9000 - val_loss: 0.1235\n';

describe('ProgbarLogger on a terminal (verbose 1)', () => {
  it('redraws one line with bar, ETA, time per step and sorted metrics, then the total', async () => {
    const out = new Capture(true);
    await run(out, { verbose: 1, steps: 5, epochs: 1, times: TIMES, val: true });
    expect(out.text.startsWith('\r')).toBe(true);
    expect(out.text.split('\r').slice(1)).toEqual([
      // step 1 at 0.4 s: 400 ms/step, ETA 4 × 0.4 = 1.6 s → 1s; 4 of 20 cells
      `1/5 ${BAR(4)} 1s 400ms/step - accuracy: 0.0000 - loss: 1.0000`,
      // step 3 at 1.4 s: (1.4 − 0.4) / 2 = 500 ms/step, ETA 1 s
      `3/5 ${BAR(12)} 1s 500ms/step - accuracy: 0.2000 - loss: 0.3333`,
      // step 4 at 2.4 s: 2 / 3 s = 667 ms/step, ETA 0.67 s → 0s
      `4/5 ${BAR(16)} 0s 667ms/step - accuracy: 0.3000 - loss: 0.2500`,
      `5/5 ${BAR(20)} 0s 750ms/step - accuracy: 0.4000 - loss: 0.2000`,
      // the epoch's end: total time 3.4 s → 3s, validation logs appended
      `5/5 ${BAR(20)} 3s 750ms/step - accuracy: 0.4000 - loss: 0.2000 - val_accuracy: 0.9000 - val_loss: 0.1235\n`,
    ]);
  });

  it('prints Epoch i/n, colors the bar by default, and shows ETAs in m:ss', async () => {
    const out = new Capture(true);
    await run(out, { verbose: 1, steps: 100, epochs: 2, times: [2000], color: true });
    const first = out.text.split('Epoch 2/2\n')[0]!;
    expect(first.startsWith('Epoch 1/2\n\r')).toBe(true);
    // 2 s/step × 99 steps left = 198 s → 3:18; 1 of 100 steps fills no cell
    expect(first).toContain(`  1/100 \x1b[37m${'━'.repeat(20)}\x1b[0m 3:18 2s/step - accuracy: 0.0000 - loss: 1.0000`);
    // finalized at 100/100 (the epoch end), all 20 cells green
    expect(first).toContain(`100/100 \x1b[32m${'━'.repeat(20)}\x1b[0m 2s`);
    expect(out.text.split('Epoch 2/2\n').length).toBe(2);
  });

  it('pads a shorter frame to clear the longer one before it, and cuts lines to the terminal width', () => {
    const out = new Capture(true);
    const clock = fakeClock();
    const bar = new st.callbacks.Progbar(10, { output: out, now: clock.now, color: false });
    clock.set(100);
    bar.update(1, { loss: 12345.678 });
    clock.set(200);
    bar.update(2, { loss: 1 });
    const [a, b] = out.text.split('\r').slice(1);
    expect(a).toBe(` 1/10 ${BAR(2)} 0s 100ms/step - loss: 12345.6780`);
    expect(b).toBe(` 2/10 ${BAR(4)} 0s 100ms/step - loss: 1.0000    `);
    expect(b!.length).toBe(a!.length);
    const narrow = new Capture(true, 40);
    const bar2 = new st.callbacks.Progbar(10, { output: narrow, now: clock.now, color: false });
    clock.set(400);
    bar2.update(3, { loss: 0.5, accuracy: 0.25 });
    // 40 columns: 39 characters fit, so the metrics are cut off
    expect(narrow.text).toBe(`\r 3/10 ${BAR(6)} 0s 67ms/step`);
    expect(narrow.text.length - 1).toBe(39);
  });

  it('throttles redraws: a thousand 1 ms steps draw about 20 frames', () => {
    const out = new Capture(true);
    const clock = fakeClock();
    const bar = new st.callbacks.Progbar(1000, { output: out, now: clock.now });
    for (let i = 1; i <= 1000; i++) {
      clock.set(i);
      bar.update(i, { loss: 1 / i });
    }
    expect(out.writes).toBeGreaterThanOrEqual(20);
    expect(out.writes).toBeLessThanOrEqual(22);
    expect(out.text.endsWith('\n')).toBe(true);
  });

  it('unknown steps: a counter without a bar, then the count becomes the target', async () => {
    const out = new Capture(true);
    await run(out, { verbose: 1, steps: null, epochs: 2, times: TIMES });
    const [first, second] = out.text.split('Epoch 2/2\n') as [string, string];
    expect(first.split('\r')[1]).toBe('      1/Unknown 0s 400ms/step - accuracy: 0.0000 - loss: 1.0000');
    expect(first).toContain('      3/Unknown 1s 500ms/step - accuracy: 0.2000 - loss: 0.3333');
    expect(first.endsWith(`\r5/5 ${BAR(20)} 3s 750ms/step - accuracy: 0.4000 - loss: 0.2000\n`)).toBe(true);
    expect(second.split('\r')[1]).toBe(`1/5 ${BAR(4)} 1s 400ms/step - accuracy: 0.0000 - loss: 1.0000`);
  });
});

describe('ProgbarLogger without a terminal', () => {
  it('verbose 1 in a pipe and verbose 2 print one line per epoch', async () => {
    for (const [tty, verbose] of [[false, 1], [false, 2], [true, 2]] as const) {
      const out = new Capture(tty);
      await run(out, { verbose, steps: 5, epochs: 2, times: TIMES, val: true });
      expect(out.text).toBe(`Epoch 1/2\n${FINAL}Epoch 2/2\n${FINAL}`);
    }
  });

  it('unknown steps count the steps; tiny values use scientific notation; NaN shows', async () => {
    const out = new Capture(false);
    const clock = fakeClock();
    const cb = new st.callbacks.ProgbarLogger({ output: out, now: clock.now });
    cb.setParams({ epochs: 1, steps: null, verbose: 1, metrics: [], initialEpoch: 0 });
    cb.onEpochBegin(0);
    for (let b = 0; b < 12; b++) {
      clock.set((b + 1) * 2);
      cb.onTrainBatchEnd(b, { loss: 1 });
    }
    cb.onEpochEnd(0, { loss: 0.000012345, mae: Number.NaN, zero: 0, big: -1234.5 });
    expect(out.text).toBe('12/12 - 0s - 2ms/step - big: -1234.5000 - loss: 1.2345e-05 - mae: nan - zero: 0.0000\n');
  });

  it('verbose 0 prints nothing', async () => {
    const out = new Capture(true);
    await run(out, { verbose: 0 as 1, steps: 5, epochs: 2, times: TIMES });
    expect(out.text).toBe('');
  });

  it('evaluate and predict on their own get a bar; inside fit, evaluation is silent', async () => {
    const out = new Capture(false);
    const clock = fakeClock();
    const cb = new st.callbacks.ProgbarLogger({ output: out, now: clock.now });
    cb.setParams({ epochs: 1, steps: 3, verbose: 1, metrics: [], initialEpoch: 0 });
    cb.onTestBegin();
    for (let b = 0; b < 3; b++) { clock.set(1000 * (b + 1)); cb.onTestBatchEnd(b, { loss: 2 }); }
    cb.onTestEnd({ loss: 0.5 });
    expect(out.text).toBe('3/3 - 3s - 1s/step - loss: 0.5000\n');
    out.text = '';
    cb.onPredictBegin();
    for (let b = 0; b < 3; b++) cb.onPredictBatchEnd(b);
    cb.onPredictEnd();
    expect(out.text).toBe('3/3 - 0s - 0s/step\n');
    out.text = '';
    cb.onTrainBegin();
    cb.onTestBegin();
    cb.onTestBatchEnd(0, { loss: 1 });
    cb.onTestEnd({ loss: 1 });
    expect(out.text).toBe('');
  });

  it('falls back to console.log when there is no stdout', () => {
    const proc = globalThis.process;
    const descriptor = Object.getOwnPropertyDescriptor(proc, 'stdout')!;
    const logged: string[] = [];
    const log = console.log;
    let cb: st.callbacks.ProgbarLogger;
    Object.defineProperty(proc, 'stdout', { value: undefined, configurable: true });
    try {
      cb = new st.callbacks.ProgbarLogger({ now: () => 0 });
    } finally {
      Object.defineProperty(proc, 'stdout', descriptor);
    }
    console.log = (text: string) => { logged.push(text); };
    try {
      cb.setParams({ epochs: 2, steps: 2, verbose: 1, metrics: [], initialEpoch: 0 });
      cb.onEpochBegin(0);
      cb.onTrainBatchEnd(0, { loss: 1 });
      cb.onTrainBatchEnd(1, { loss: 1 });
      cb.onEpochEnd(0, { loss: 0.25 });
    } finally {
      console.log = log;
    }
    expect(logged).toEqual(['Epoch 1/2', '2/2 - 0s - 0s/step - loss: 0.2500']);
  });
});
