/**
 * Reverse-mode autodiff over the engine's tapes. Gradients of gradients work: backprop runs ops,
 * which an outer tape records.
 */
import { engine, Tape } from '../engine/engine.js';
import { Tensor, type Variable } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { add } from '../ops/binary.js';
import { cast, clone, onesLike, zerosLike } from '../ops/creation.js';

/** Runs `f` on a tape watching `sources`, then backpropagates `dy` (default ones) from its result. */
function gradientsOf(op: string, f: () => Tensor, sources: readonly Tensor[], dy?: TensorLike): { value: Tensor; grads: Tensor[] } {
  const e = engine();
  return e.tidy(() => {
    const tape = new Tape(sources);
    e.tapes = [...e.tapes, tape];
    let value: Tensor;
    try {
      value = f();
    } catch (err) {
      tape.dispose();
      throw err;
    } finally {
      e.tapes = e.tapes.filter((t) => t !== tape);
    }
    try {
      if (!(value instanceof Tensor)) throw new Error(`${op}: the function must return a tensor, got ${typeof value}`);
      if (value.dtype !== 'float32') throw new Error(`${op}: the function's result must be float32 to differentiate, got ${value.describe()}`);
      const seed = dy === undefined ? onesLike(value) : toTensor(dy, 'dy', op);
      if (seed.shape.length !== value.shape.length || seed.shape.some((d, i) => d !== value.shape[i])) {
        throw new Error(`${op}: dy has shape ${shapeToString(seed.shape)} but the function's result has ${shapeToString(value.shape)}`);
      }
      const accumulated = backpropagate(tape, value, seed);
      const grads = sources.map((s) => accumulated.get(s.id) ?? zerosLike(s.dtype === 'float32' ? s : cast(s, 'float32')));
      // A fresh handle: f may return a tensor it did not create (an input), which callers must not free.
      return { value: clone(value), grads };
    } finally {
      tape.dispose();
    }
  });
}

function backpropagate(tape: Tape, value: Tensor, seed: Tensor): Map<number, Tensor> {
  const accumulated = new Map<number, Tensor>([[value.id, seed]]);
  for (let n = tape.nodes.length - 1; n >= 0; n--) {
    const node = tape.nodes[n]!;
    const dys = node.outputs.map((o) => accumulated.get(o.id));
    if (dys.every((d) => d === undefined)) continue;
    const filled = dys.map((d, i) => d ?? zerosLike(node.outputs[i]!));
    const inputGrads = node.gradient(filled, node.inputs, node.outputs, node.inputs.map((t) => tape.watched.has(t.id)));
    node.inputs.forEach((input, i) => {
      const g = inputGrads[i];
      if (!g || !tape.watched.has(input.id)) return;
      if (g.shape.length !== input.shape.length || g.shape.some((d, j) => d !== input.shape[j])) {
        throw new Error(`gradient of ${node.name}: produced shape ${shapeToString(g.shape)} for an input of shape ${shapeToString(input.shape)}`);
      }
      const previous = accumulated.get(input.id);
      accumulated.set(input.id, previous ? add(previous, g) : g);
    });
  }
  return accumulated;
}

/**
 * `grad(f)` is a function returning df/dx for a function of one tensor.
 * @example const dSquare = st.grad((x) => st.square(x)); dSquare(st.tensor([3]))  // [6]
 */
export function grad(f: (x: Tensor) => Tensor): (x: TensorLike, dy?: TensorLike) => Tensor {
  return (x, dy) => {
    const t = toTensor(x, 'x', 'grad');
    const { value, grads: [g] } = gradientsOf('grad', () => f(t), [t], dy);
    value.dispose();
    return g!;
  };
}

/**
 * `grads(f)` returns the gradients of `f` with respect to each of its tensor arguments.
 * @example
 * const f = (a: st.Tensor, b: st.Tensor) => st.sum(st.mul(a, b));
 * const [da, db] = st.grads(f)([st.tensor([1, 2]), st.tensor([3, 4])]);  // da = b, db = a
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: readonly TensorLike[], dy?: TensorLike) => Tensor[] {
  return (xs, dy) => {
    const ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'grads'));
    const { value, grads: gs } = gradientsOf('grads', () => f(...ts), ts, dy);
    value.dispose();
    return gs;
  };
}

/**
 * Like `grad`, also returning the function's value.
 * @example
 * const { value, grad } = st.valueAndGrad((x) => st.sum(st.square(x)))(st.tensor([1, 2, 3]));  // 14 and [2, 4, 6]
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: TensorLike, dy?: TensorLike) => {
  /** `f(x)`. */
  value: Tensor;
  /** The gradient with respect to `x`. */
  grad: Tensor;
} {
  return (x, dy) => {
    const t = toTensor(x, 'x', 'valueAndGrad');
    const { value, grads: [g] } = gradientsOf('valueAndGrad', () => f(t), [t], dy);
    return { value, grad: g! };
  };
}

/** Like `grads`, also returning the function's value. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: readonly TensorLike[], dy?: TensorLike) => {
  /** `f(...xs)`. */
  value: Tensor;
  /** One gradient per input, in order. */
  grads: Tensor[];
} {
  return (xs, dy) => {
    const ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'valueAndGrads'));
    return gradientsOf('valueAndGrads', () => f(...ts), ts, dy);
  };
}

/**
 * Value of a scalar loss `f()` and its gradient for each variable (default: every trainable
 * variable), keyed by variable name.
  * @example
  * const w = st.variable(st.tensor([1, 2]));
  * const { value, grads } = st.variableGrads(() => st.sum(st.square(w)), [w]);
  * grads[w.name];   // [2, 4]
 */
export function variableGrads(f: () => Tensor, variables?: readonly Variable[]): {
  /** The loss `f()`. */
  value: Tensor;
  /** The gradient of each variable, by variable name. */
  grads: Record<string, Tensor>;
} {
  const list = variables ?? engine().allVariables().filter((v) => v.trainable);
  if (list.length === 0) throw new Error('variableGrads: there are no trainable variables to differentiate with respect to');
  const { value, grads: gs } = gradientsOf('variableGrads', () => {
    const loss = f();
    if (loss instanceof Tensor && loss.rank !== 0) {
      throw new Error(`variableGrads: the loss must be a scalar, got ${loss.describe()}`);
    }
    return loss;
  }, list);
  const out: Record<string, Tensor> = {};
  list.forEach((v, i) => (out[v.name] = gs[i]!));
  return { value, grads: out };
}

/** What a custom-gradient function returns. */
export interface CustomGradResult {
  /** The function's value (the tensor returned to the caller). */
  value: Tensor;
  /** Gradients for each input, given the result's gradient and the tensors passed to `save`. */
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/** Keeps tensors for a custom gradient function. */
export type SaveFn = (tensors: Tensor[]) => void;

/**
 * Defines an op with its own gradient. `f` gets the inputs and a `save` function; its forward
 * ops are not recorded, and `gradFunc` is used for the gradient instead.
 * @example
 * const clipGrad = st.customGrad(([x], save) => ({ value: st.clone(x!), gradFunc: (dy) => st.clipByValue(dy, -1, 1) }));
 */
export function customGrad(f: (inputs: Tensor[], save: SaveFn) => CustomGradResult): (...xs: TensorLike[]) => Tensor {
  return (...xs) => {
    const e = engine();
    const inputs = xs.map((x, i) => toTensor(x, `inputs[${i}]`, 'customGrad'));
    let saved: Tensor[] = [];
    const result = e.withoutTapes(() => f(inputs, (tensors) => { saved = tensors; }));
    if (!(result?.value instanceof Tensor) || typeof result.gradFunc !== 'function') {
      throw new Error('customGrad: the function must return { value: Tensor, gradFunc }');
    }
    for (const tape of e.tapes) {
      // Each tape holds its own handles to the saved tensors, released with the tape.
      const held = tape.hold(saved);
      tape.record('customGrad', inputs, [result.value], (dys) => {
        const g = result.gradFunc(dys[0]!, held);
        const list = Array.isArray(g) ? g : [g];
        if (list.length !== inputs.length) {
          throw new Error(`customGrad: gradFunc returned ${list.length} gradients for ${inputs.length} inputs`);
        }
        return list;
      });
    }
    return result.value;
  };
}
