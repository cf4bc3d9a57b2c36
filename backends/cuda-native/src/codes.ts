/**
 * Numeric codes the kernels switch on; each list is in the order of its enum in csrc/kernels.h.
 */
import type { ArgReduceOp, BinaryOp, DType, FusedActivation, ReduceOp, UnaryOp } from '@strata/core';

const UNARY_ORDER: readonly UnaryOp[] = [
  'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos',
  'tanh', 'sigmoid', 'relu', 'erf', 'floor', 'ceil', 'round', 'not', 'isNaN',
];
const BINARY_ORDER: readonly BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'floorDiv', 'atan2', 'equal', 'notEqual',
  'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or',
];
const REDUCE_ORDER: readonly ReduceOp[] = ['sum', 'prod', 'max', 'min', 'any', 'all'];
const ACTIVATION_ORDER: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const DTYPE_ORDER: readonly DType[] = ['float32', 'int32', 'bool'];

function codeOf<T extends string>(order: readonly T[], name: T, what: string): number {
  const code = order.indexOf(name);
  if (code < 0) throw new Error(`cuda backend: unknown ${what} '${name}'`);
  return code;
}

export const unaryCode = (op: UnaryOp): number => codeOf(UNARY_ORDER, op, 'unary op');
export const binaryCode = (op: BinaryOp): number => codeOf(BINARY_ORDER, op, 'binary op');
export const reduceCode = (op: ReduceOp): number => codeOf(REDUCE_ORDER, op, 'reduce op');
export const activationCode = (a: FusedActivation): number => codeOf(ACTIVATION_ORDER, a, 'activation');
export const dtypeCode = (d: DType): number => codeOf(DTYPE_ORDER, d, 'dtype');
export const isArgMax = (op: ArgReduceOp): boolean => op === 'argMax';

/** Ops whose result is bool whatever the inputs. */
export function isBoolResult(op: BinaryOp): boolean {
  return binaryCode(op) >= binaryCode('equal');
}
