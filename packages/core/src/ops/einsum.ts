/**
 * Einstein summation over one or more operands, built from sum, transpose, reshape, mul and
 * matMul, so its gradient comes from autodiff.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString, sizeOf } from '../util/shape.js';
import type { TensorLike } from './convert.js';
import { mul } from './binary.js';
import { matMul } from './matmul.js';
import { transpose } from './movement.js';
import { sum } from './reduction.js';
import { reshape } from './reshape.js';
import { floatTensor } from './nn-util.js';

/** One operand during evaluation: a tensor and the label of each of its dims. */
interface Labelled {
  readonly tensor: Tensor;
  readonly labels: readonly string[];
}

interface ParsedEquation {
  readonly inputs: readonly (readonly string[])[];
  readonly output: readonly string[];
}

function parseEquation(equation: string, operands: number): ParsedEquation {
  const op = 'einsum';
  if (typeof equation !== 'string') throw new Error(`${op}: equation must be a string such as 'ij,jk->ik'`);
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('...') || eq.includes('.')) {
    throw new Error(`${op}: ellipsis ('...') is not supported in '${equation}'; name every dim with a letter`);
  }
  const arrows = eq.split('->');
  if (arrows.length > 2) throw new Error(`${op}: equation '${equation}' has more than one '->'`);
  const terms = arrows[0]!.split(',');
  if (terms.length !== operands) {
    throw new Error(`${op}: equation '${equation}' names ${terms.length} operand(s) but ${operands} tensor(s) were given`);
  }
  const inputs = terms.map((term, i) => {
    if (!/^[a-zA-Z]*$/.test(term)) throw new Error(`${op}: operand ${i} of '${equation}' ('${term}') may only hold letters`);
    const labels = [...term];
    const repeated = labels.find((l, j) => labels.indexOf(l) !== j);
    if (repeated !== undefined) {
      throw new Error(`${op}: operand ${i} of '${equation}' repeats index '${repeated}'; diagonals and traces are not supported`);
    }
    return labels;
  });
  let output: string[];
  if (arrows.length === 2) {
    const term = arrows[1]!;
    if (!/^[a-zA-Z]*$/.test(term)) throw new Error(`${op}: the output of '${equation}' ('${term}') may only hold letters`);
    output = [...term];
    const repeated = output.find((l, j) => output.indexOf(l) !== j);
    if (repeated !== undefined) throw new Error(`${op}: the output of '${equation}' repeats index '${repeated}'`);
    const missing = output.find((l) => !inputs.some((labels) => labels.includes(l)));
    if (missing !== undefined) throw new Error(`${op}: output index '${missing}' of '${equation}' appears in no operand`);
  } else {
    // Implicit mode (NumPy): indices that appear exactly once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const labels of inputs) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort();
  }
  return { inputs, output };
}

/** Transposes `x` so that its labels come in `order` (a permutation of them). */
function arrange(x: Labelled, order: readonly string[]): Tensor {
  const perm = order.map((l) => x.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? x.tensor : transpose(x.tensor, perm);
}

/** Sums away the dims of `x` whose labels are not in `keep`. */
function sumOut(x: Labelled, keep: ReadonlySet<string>): Labelled {
  const axes = x.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return x;
  return { tensor: sum(x.tensor, axes), labels: x.labels.filter((l) => keep.has(l)) };
}

/** Contracts two operands, keeping the labels in `keep` (all others shared by both are summed). */
function contractPair(a: Labelled, b: Labelled, keep: ReadonlySet<string>, size: ReadonlyMap<string, number>): Labelled {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const contracted = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const freeA = a.labels.filter((l) => !inB.has(l));
  const freeB = b.labels.filter((l) => !inA.has(l));
  const dims = (labels: readonly string[]): number[] => labels.map((l) => size.get(l)!);
  const labels = [...batch, ...freeA, ...freeB];
  if (contracted.length === 0) {
    // Nothing to sum: a broadcast product is cheaper than a matMul of 1x1 blocks.
    const left = reshape(arrange(a, [...batch, ...freeA]), [...dims(batch), ...dims(freeA), ...freeB.map(() => 1)]);
    const right = reshape(arrange(b, [...batch, ...freeB]), [...dims(batch), ...freeA.map(() => 1), ...dims(freeB)]);
    return { tensor: mul(left, right), labels };
  }
  const [batchSize, sizeA, sizeB, sizeC] = [batch, freeA, freeB, contracted].map((ls) => sizeOf(dims(ls))) as [number, number, number, number];
  const left = reshape(arrange(a, [...batch, ...freeA, ...contracted]), [batchSize, sizeA, sizeC]);
  const right = reshape(arrange(b, [...batch, ...contracted, ...freeB]), [batchSize, sizeC, sizeB]);
  return { tensor: reshape(matMul(left, right), dims(labels)), labels };
}

/**
 * Einstein summation, e.g. `einsum('ij,jk->ik', a, b)` (matMul), `'bij,bjk->bik'`, `'ij->ji'`,
 * `'ij->i'`, `'i,j->ij'`, `'i,i->'`. Without `->` the output holds the indices that appear once,
 * alphabetically. Operands are contracted left to right. Ellipsis and repeated indices within one
 * operand (diagonals) are not supported.
  * @example
  * const a = st.randomNormal([2, 3]);
  * const b = st.randomNormal([3, 4]);
  * const c = st.einsum('ij,jk->ik', a, b);      // matMul
  * const t = st.einsum('ij->ji', a);            // transpose
 */
export function einsum(equation: string, ...tensors: TensorLike[]): Tensor {
  const op = 'einsum';
  if (tensors.length === 0) throw new Error(`${op}: needs at least one tensor`);
  const { inputs, output } = parseEquation(equation, tensors.length);
  return engine().tidy(() => {
    const operands: Labelled[] = tensors.map((x, i) => ({ tensor: floatTensor(x, `tensors[${i}]`, op), labels: inputs[i]! }));
    const size = new Map<string, number>();
    operands.forEach(({ tensor, labels }, i) => {
      if (tensor.rank !== labels.length) {
        throw new Error(`${op}: operand ${i} has shape ${shapeToString(tensor.shape)} but '${labels.join('')}' names ${labels.length} dim(s) (equation '${equation}')`);
      }
      labels.forEach((l, d) => {
        const known = size.get(l);
        if (known !== undefined && known !== tensor.shape[d]) {
          const shapes = operands.map((o) => shapeToString(o.tensor.shape)).join(', ');
          throw new Error(`${op}: index '${l}' has size ${known} in one place and ${tensor.shape[d]} in another (equation '${equation}', shapes ${shapes})`);
        }
        size.set(l, tensor.shape[d]!);
      });
    });
    const outputSet = new Set(output);
    const neededAfter = (from: number): Set<string> => new Set([...output, ...operands.slice(from).flatMap((o) => o.labels)]);
    // Indices that occur in one operand only and not in the output are summed right away.
    let current = sumOut(operands[0]!, neededAfter(1));
    for (let i = 1; i < operands.length; i++) {
      const keep = neededAfter(i + 1);
      const next = sumOut(operands[i]!, new Set([...keep, ...current.labels]));
      current = sumOut(current, new Set([...keep, ...next.labels]));
      current = contractPair(current, next, keep, size);
    }
    current = sumOut(current, outputSet);
    // reshape gives a new handle even when nothing moved (never hand back the caller's tensor).
    return reshape(arrange(current, output), output.map((l) => size.get(l)!));
  });
}
