/** What one generated kernel case is, and how it is executed against a backend. */
import type { Backend, TensorInfo } from '../contract.js';
import { compare } from '../compare.js';
import type { Comparison, Expected } from '../compare.js';
import { toTyped } from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import type { Tolerance } from '../tolerances.js';

/** One generated kernel case: a label, how to call the kernel, and the oracle's expected outputs. */
export interface KernelCase {
  /** Report row, e.g. `binary.add` or `conv2d`. */
  readonly kernel: string;
  /** What this case exercises, e.g. `float32 [7,13] × [1,13] broadcast`. */
  readonly label: string;
  readonly tolerance: Tolerance;
  /** Inputs, written to the backend in this order before `run`. */
  readonly inputs: readonly OTensor[];
  /** Calls the kernel on the written inputs. */
  run(backend: Backend, xs: readonly TensorInfo[]): TensorInfo | readonly TensorInfo[];
  /** The oracle's answer, one per output (computed lazily: only when the case runs). */
  expect(): readonly Expected[];
}

/** How one case went: passed or not, worst errors, and the first mismatch. */
export interface CaseOutcome {
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly worstRatio: number;
  /** One line describing the failure: shape, dtype, index, expected, actual. */
  readonly failure?: string;
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : Number.isInteger(v) ? String(v) : v.toPrecision(9);
}

function describe(c: KernelCase, out: number, cmp: Comparison, expected: Expected): string {
  const where = `${c.kernel} ${c.label}${out > 0 ? ` (output ${out})` : ''}`;
  if (cmp.problem !== undefined) return `${where}: ${cmp.problem}`;
  const m = cmp.mismatch!;
  return `${where}: at [${m.index.join(',')}] of ${expected.value.dtype} [${expected.value.shape.join(',')}] ` +
    `expected ${fmt(m.expected)}, got ${fmt(m.actual)} (allowed error ${m.allowed.toExponential(2)}, tolerance ${c.tolerance.name})`;
}

function isList(r: TensorInfo | readonly TensorInfo[]): r is readonly TensorInfo[] {
  return Array.isArray(r);
}

/**
 * Writes the inputs, runs the kernel, reads and compares every output, and frees everything it
 * created. A kernel that throws on a valid case fails the case; it never ends the run.
 */
export async function executeCase(backend: Backend, c: KernelCase): Promise<CaseOutcome> {
  const written: TensorInfo[] = [];
  let outputs: readonly TensorInfo[] = [];
  try {
    for (const t of c.inputs) written.push({ storage: backend.write(toTyped(t), t.dtype), shape: t.shape, dtype: t.dtype });
    const r = c.run(backend, written);
    outputs = isList(r) ? r : [r];
    const aliased = outputs.findIndex((o) => written.some((w) => w.storage === o.storage));
    if (aliased >= 0) {
      return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `${c.kernel} ${c.label}: output ${aliased} is an input's storage (kernels must return new storage)` };
    }
    const expected = c.expect();
    if (outputs.length !== expected.length) {
      return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `${c.kernel} ${c.label}: returned ${outputs.length} outputs, expected ${expected.length}` };
    }
    let maxAbsError = 0;
    let worstRatio = 0;
    let failure: string | undefined;
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      const values = await backend.read(o.storage);
      const cmp = compare(expected[i]!, values, o.shape, o.dtype, c.tolerance);
      maxAbsError = Math.max(maxAbsError, cmp.maxAbsError);
      worstRatio = Math.max(worstRatio, cmp.worstRatio);
      if (!cmp.ok && failure === undefined) failure = describe(c, i, cmp, expected[i]!);
    }
    return failure === undefined ? { ok: true, maxAbsError, worstRatio } : { ok: false, maxAbsError, worstRatio, failure };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `${c.kernel} ${c.label}: threw ${msg}` };
  } finally {
    const freed = new Set<object>();
    for (const t of [...written, ...outputs]) {
      if (freed.has(t.storage)) continue;
      freed.add(t.storage);
      try { backend.free(t.storage); } catch { /* a failing free is reported by the memory family */ }
    }
  }
}
