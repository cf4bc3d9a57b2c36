/**
 * Family 6: bad inputs give a clear Error naming the op and the offending shapes (or dtypes),
 * never a crash, a hang or a wrong answer; failed ops leak nothing and the process keeps working.
 */
import { CheckRecorder } from '../check.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';
import { activate, st } from './core.js';
import type { Tensor } from './core.js';

interface BadCall {
  readonly what: string;
  readonly op: string;
  /** Text the message must contain (compared with whitespace removed), e.g. shapes. */
  readonly mentions: readonly string[];
  call(): unknown;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

/** Calls `bad.call` and checks it throws an Error whose message names the op and `mentions`. */
async function expectClearError(rec: CheckRecorder, bad: BadCall): Promise<void> {
  let thrown: unknown;
  let result: unknown;
  try {
    result = await bad.call();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) {
    st.dispose(result);
    rec.expect(false, `${rec.name}: ${bad.what}: no error was thrown`);
    return;
  }
  if (!(thrown instanceof Error)) {
    rec.expect(false, `${rec.name}: ${bad.what}: threw a non-Error (${String(thrown)})`);
    return;
  }
  const msg = squash(thrown.message);
  const missing = [bad.op, ...bad.mentions].filter((m) => !msg.includes(squash(m)));
  rec.expect(missing.length === 0, `${rec.name}: ${bad.what}: the message "${thrown.message}" does not mention ${missing.map((m) => `'${m}'`).join(', ')}`);
}

/** Runs the bad calls on fresh tensors, then checks that nothing leaked and ops still work. */
async function runBadCalls(ctx: SuiteContext, name: string, make: () => { tensors: Tensor[]; calls: BadCall[] }): Promise<CheckResult> {
  const rec = new CheckRecorder('errors', name, ctx.maxFailures);
  await activate(ctx.backend);
  const { tensors, calls } = make();
  const before = st.memory();
  for (const bad of calls) await expectClearError(rec, bad);
  const after = st.memory();
  rec.expect(after.tensors === before.tensors && after.buffers === before.buffers,
    `${name}: failed ops leaked: tensors ${before.tensors} → ${after.tensors}, buffers ${before.buffers} → ${after.buffers}`);
  st.dispose(tensors);
  // the process keeps going: a normal op still gives the right answer
  const y = st.tidy(() => st.add(st.tensor([1, 2]), st.tensor([3, 4])));
  const v = await y.data();
  st.dispose(y);
  rec.expect(v[0] === 4 && v[1] === 6, `${name}: after the errors, add([1,2],[3,4]) gave [${Array.from(v).join(',')}]`);
  return rec.result();
}

const shapeMismatch = (ctx: SuiteContext): Promise<CheckResult> => runBadCalls(ctx, 'errors.shapeMismatch', () => {
  const a = st.zeros([2, 3]);
  const b = st.zeros([4, 5]);
  const c = st.zeros([3, 4]);
  const img = st.zeros([1, 5, 5, 2]);
  const filt = st.zeros([3, 3, 3, 1]);
  const cond = st.zeros([2, 3], 'bool');
  return {
    tensors: [a, b, c, img, filt, cond],
    calls: [
      { what: 'add of [2,3] and [4,5]', op: 'add', mentions: ['[2,3]', '[4,5]'], call: () => st.add(a, b) },
      { what: 'matMul of [2,3] and [4,5]', op: 'matMul', mentions: ['[2,3]', '[4,5]'], call: () => st.matMul(a, b) },
      { what: 'concat of [2,3] and [3,4] on axis 0', op: 'concat', mentions: ['[2,3]', '[3,4]'], call: () => st.concat([a, c], 0) },
      { what: 'conv2d with 2 input channels and a 3-channel filter', op: 'conv2d', mentions: ['[1,5,5,2]', '[3,3,3,1]'], call: () => st.conv2d(img, filt, 1, 'valid') },
      { what: 'reshape of [2,3] to [4,2]', op: 'reshape', mentions: ['[2,3]', '[4,2]'], call: () => st.reshape(a, [4, 2]) },
      { what: 'slice out of bounds', op: 'slice', mentions: ['[2,3]'], call: () => st.slice(a, [1, 1], [2, 2]) },
      { what: 'where with clashing shapes', op: 'where', mentions: ['[2,3]', '[4,5]'], call: () => st.where(cond, a, b) },
    ],
  };
});

const wrongDtype = (ctx: SuiteContext): Promise<CheckResult> => runBadCalls(ctx, 'errors.wrongDtype', () => {
  const f = st.zeros([2, 3]);
  const bools = st.zeros([2, 2], 'bool');
  const floatIdx = st.tensor([0.5, 1]);
  return {
    tensors: [f, bools, floatIdx],
    calls: [
      { what: 'gather with float32 indices', op: 'gather', mentions: ['float32', 'int32'], call: () => st.gather(f, floatIdx, 0) },
      { what: 'logicalAnd of float32 tensors', op: 'logicalAnd', mentions: ['float32', 'bool'], call: () => st.logicalAnd(f, f) },
      { what: 'matMul of bool tensors', op: 'matMul', mentions: ['bool'], call: () => st.matMul(bools, bools) },
    ],
  };
});

/** Core's label check for sparse categorical crossentropy (what `fit` runs before training). */
function labelCheck(): { name: string; check: (labels: Tensor, predictions: Tensor) => Promise<void> } {
  const loss = new st.losses.SparseCategoricalCrossentropy();
  return { name: loss.name, check: (labels, predictions) => loss.validateTargets(labels, predictions) };
}

const nanLabels = (ctx: SuiteContext): Promise<CheckResult> => runBadCalls(ctx, 'errors.nanLabels', () => {
  const labels = st.tensor([0, Number.NaN, 2]);
  const probs = st.fill([3, 3], 1 / 3);
  const loss = labelCheck();
  return {
    tensors: [labels, probs],
    calls: [
      { what: 'oneHot of float labels containing NaN', op: 'oneHot', mentions: ['indices'], call: () => st.oneHot(labels, 3) },
      { what: 'sparse categorical crossentropy with a NaN label', op: loss.name, mentions: ['[3]', 'NaN'], call: () => loss.check(labels, probs) },
    ],
  };
});

const disposedUse = (ctx: SuiteContext): Promise<CheckResult> => runBadCalls(ctx, 'errors.disposedTensor', () => {
  const t = st.tensor([1, 2, 3]);
  const row = st.zeros([1, 3]);
  const col = st.zeros([3, 1]);
  t.dispose();
  row.dispose();
  return {
    tensors: [col],
    calls: [
      { what: 'add with a disposed input', op: 'add', mentions: ['disposed', '[3]'], call: () => st.add(t, 1) },
      { what: 'matMul with a disposed input', op: 'matMul', mentions: ['disposed'], call: () => st.matMul(row, col) },
      { what: 'data() of a disposed tensor', op: 'data', mentions: ['disposed'], call: () => t.data() },
    ],
  };
});

export const ERROR_CHECKS: readonly CheckDef[] = [
  { family: 'errors', name: 'errors.shapeMismatch', run: shapeMismatch },
  { family: 'errors', name: 'errors.wrongDtype', run: wrongDtype },
  { family: 'errors', name: 'errors.nanLabels', run: nanLabels },
  { family: 'errors', name: 'errors.disposedTensor', run: disposedUse },
];
