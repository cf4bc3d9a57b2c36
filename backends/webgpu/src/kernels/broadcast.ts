/**
 * The shared machinery of elementwise kernels: a plan that maps each output index to each input's
 * index under NumPy broadcasting, with dims merged where possible (so most calls need no index
 * arithmetic at all), and the WGSL that applies one expression per element.
 */
import type { DType, Shape, TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { WGSL_TYPE } from '../storage.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';

/** How each input is read: the same index as the output, its only element, or through strides. */
type Access = 'same' | 'scalar' | 'strided';

export interface BroadcastPlan {
  /** Output dims after merging (empty when no input needs strides). */
  readonly dims: readonly number[];
  /** Per input: element stride of each merged dim (0 where broadcast). */
  readonly strides: readonly (readonly number[])[];
  readonly access: readonly Access[];
}

/** Plans reading `inputs` (each broadcastable to `out`). */
export function broadcastPlan(out: Shape, inputs: readonly Shape[]): BroadcastPlan {
  const n = sizeOf(out);
  const access: Access[] = inputs.map((s) => (sizeOf(s) === n && s.length <= out.length && sameTail(s, out) ? 'same' : sizeOf(s) === 1 ? 'scalar' : 'strided'));
  if (!access.includes('strided')) return { dims: [], strides: inputs.map(() => []), access };
  const rank = out.length;
  // Right-aligned strides per input, 0 on broadcast dims.
  const full = inputs.map((s) => {
    const st = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let d = s.length - 1; d >= 0; d--) {
      const od = rank - s.length + d;
      st[od] = s[d] === 1 && out[od] !== 1 ? 0 : acc;
      acc *= s[d]!;
    }
    return st;
  });
  // Drop size-1 dims, then merge neighbours whose strides chain for every input.
  const dims: number[] = [];
  const strides: number[][] = inputs.map(() => []);
  for (let d = 0; d < rank; d++) {
    const size = out[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && full.every((st, k) => strides[k]![last] === st[d]! * size)) {
      dims[last] = dims[last]! * size;
      full.forEach((st, k) => { strides[k]![last] = st[d]!; });
    } else {
      dims.push(size);
      full.forEach((st, k) => strides[k]!.push(st[d]!));
    }
  }
  return { dims, strides, access };
}

function sameTail(s: Shape, out: Shape): boolean {
  // Equal sizes and every dim of s matches out's right-aligned dims (leading 1s allowed).
  for (let d = 1; d <= s.length; d++) if (s[s.length - d] !== out[out.length - d]) return false;
  return true;
}

/** Describes one elementwise map: `expr` combines `v0, v1, ...` (already loaded) into the output. */
export interface MapSpec {
  readonly kernel: string;
  /** What, besides dtypes and the plan, the WGSL depends on (e.g. the op). */
  readonly op: string;
  readonly inputs: readonly TensorInfo[];
  /** WGSL element type to read each input as (default: its dtype's). */
  readonly readAs?: readonly string[];
  readonly outShape: Shape;
  readonly outDtype: DType;
  /** WGSL element type the output array is declared with (default: its dtype's). */
  readonly writeAs?: string;
  /** WGSL expression of the result from `v0, v1, ...`. */
  readonly expr: string;
  /** WGSL functions the expression calls. */
  readonly helpers?: string;
  /** Extra params appended after the plan's (read them with `P[extraBase + k]` — see `extraBase` in WGSL). */
  readonly extra?: readonly number[];
}

/** Runs an elementwise map with broadcasting; returns the output. */
export function mapElementwise(rt: WebGPURuntime, spec: MapSpec): GpuTensorInfo {
  const out = rt.output(spec.kernel, spec.outShape, spec.outDtype);
  try {
    const n = sizeOf(spec.outShape);
    const plan = broadcastPlan(spec.outShape, spec.inputs.map((t) => t.shape));
    const rank = plan.dims.length;
    const readAs = spec.inputs.map((t, i) => spec.readAs?.[i] ?? WGSL_TYPE[t.dtype]);
    const writeAs = spec.writeAs ?? WGSL_TYPE[spec.outDtype];
    const params = new Params().u32(n, ...plan.dims);
    for (const st of plan.strides) params.u32(...st);
    const extraBase = params.words.length;
    if (spec.extra) params.u32(...spec.extra);
    const key = `map:${spec.kernel}:${spec.op}:${readAs.join(',')}>${writeAs}:${plan.access.join(',')}:r${rank}`;
    rt.dispatch({
      kernel: spec.kernel,
      key,
      wgsl: () => {
        const loads: string[] = [];
        // Decode the output index into merged coordinates once, accumulating every strided input's offset.
        const strided = plan.access.map((a, k) => (a === 'strided' ? k : -1)).filter((k) => k >= 0);
        if (strided.length > 0) {
          loads.push('var rem = i;');
          for (const k of strided) loads.push(`var o${k} = 0u;`);
          for (let d = rank - 1; d >= 0; d--) {
            loads.push(`{ let dim = P[${1 + d}]; let c = rem % dim; rem = rem / dim;`);
            for (const k of strided) loads.push(`  o${k} = o${k} + c * P[${1 + rank + k * rank + d}];`);
            loads.push('}');
          }
        }
        plan.access.forEach((a, k) => {
          const idx = a === 'same' ? 'i' : a === 'scalar' ? '0u' : `o${k}`;
          loads.push(`let v${k} = in${k}[${idx}];`);
        });
        return `${bindings(readAs, [writeAs])}
const extraBase = ${extraBase}u;
${spec.helpers ?? ''}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  ${loads.join('\n  ')}
  out0[i] = ${spec.expr};
}`;
      },
      inputs: spec.inputs,
      outputs: [out],
      params,
      workgroups: Math.ceil(n / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
