/**
 * Activation functions by name, as layers accept them (`activation: 'relu'`). Names follow
 * Keras in camelCase; snake_case spellings from saved Keras/TensorFlow.js models are accepted.
 */
import type { Tensor } from '../tensor/tensor.js';
import { clone } from '../ops/creation.js';
import { exp, relu, sigmoid, tanh } from '../ops/unary.js';
import { elu, gelu, hardSigmoid, leakyRelu, logSoftmax, mish, relu6, selu, silu, softmax, softplus, softsign } from '../ops/activations.js';

/** An elementwise (or last-axis, for softmax) activation. */
export type ActivationFn = (x: Tensor) => Tensor;

const activations: Record<string, ActivationFn> = {
  linear: (x) => clone(x),
  relu, relu6, elu, selu, gelu, silu, swish: silu, sigmoid, tanh, softplus, softsign, hardSigmoid, mish,
  exponential: exp,
  leakyRelu: (x) => leakyRelu(x),
  softmax: (x) => softmax(x),
  logSoftmax: (x) => logSoftmax(x),
};

/** Names an activation may be given by. */
export type ActivationName = 'linear' | 'relu' | 'relu6' | 'elu' | 'selu' | 'gelu' | 'silu' | 'swish' | 'sigmoid' | 'tanh' |
  'softplus' | 'softsign' | 'hardSigmoid' | 'mish' | 'exponential' | 'leakyRelu' | 'softmax' | 'logSoftmax';

/** Normalises `hard_sigmoid` → `hardSigmoid`; undefined/null → `linear`. */
export function activationName(name: string | null | undefined, where: string): ActivationName {
  if (name === undefined || name === null) return 'linear';
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  if (!(camel in activations)) {
    throw new Error(`${where}: unknown activation '${name}'. Known: ${Object.keys(activations).join(', ')}`);
  }
  return camel as ActivationName;
}

/** The function for an activation name. */
export function getActivation(name: string | null | undefined, where = 'activation'): ActivationFn {
  return activations[activationName(name, where)]!;
}
