/** Oracle optimizer steps. */
import type { AdamAttrs, SgdAttrs } from '../contract.js';
import { make } from './tensor.js';
import type { OTensor } from './tensor.js';

/**
 * Adam with bias correction folded into the step size (the form core documents):
 * p -= lr·√(1-β2^t)/(1-β1^t) · m/(√v + ε).
 */
export function adamUpdate(p: OTensor, g: OTensor, m: OTensor, v: OTensor, a: AdamAttrs): [OTensor, OTensor, OTensor] {
  const n = p.data.length;
  const np = new Float64Array(n);
  const nm = new Float64Array(n);
  const nv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const gi = g.data[i]!;
    nm[i] = a.beta1 * m.data[i]! + (1 - a.beta1) * gi;
    nv[i] = a.beta2 * v.data[i]! + (1 - a.beta2) * gi * gi;
    const stepSize = (a.learningRate * Math.sqrt(1 - a.beta2 ** a.step)) / (1 - a.beta1 ** a.step);
    np[i] = p.data[i]! - (stepSize * nm[i]!) / (Math.sqrt(nv[i]!) + a.epsilon);
  }
  return [make(p.shape, 'float32', np), make(p.shape, 'float32', nm), make(p.shape, 'float32', nv)];
}

/**
 * SGD, Keras formulation: velocity ← momentum·velocity − lr·g; param ← param + velocity, or with
 * Nesterov param ← param + momentum·velocity − lr·g. Momentum 0: param − lr·g, velocity unchanged.
 */
export function sgdUpdate(p: OTensor, g: OTensor, velocity: OTensor, a: SgdAttrs): [OTensor, OTensor] {
  const n = p.data.length;
  const np = new Float64Array(n);
  const nv = new Float64Array(velocity.data);
  for (let i = 0; i < n; i++) {
    const gi = g.data[i]!;
    if (a.momentum === 0) { np[i] = p.data[i]! - a.learningRate * gi; continue; }
    nv[i] = a.momentum * velocity.data[i]! - a.learningRate * gi;
    np[i] = a.nesterov ? p.data[i]! + a.momentum * nv[i]! - a.learningRate * gi : p.data[i]! + nv[i]!;
  }
  return [make(p.shape, 'float32', np), make(p.shape, 'float32', nv)];
}
