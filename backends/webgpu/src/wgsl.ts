/**
 * WGSL building blocks shared by every kernel: binding declarations that follow the runtime's
 * numbering (params at 0, inputs, then outputs), the entry point with the workgroup index folded
 * over 2-D/3-D dispatch, and bit-exact float helpers (WGSL compilers may assume no NaN/Inf, and
 * a constant expression that evaluates to NaN or Inf is a compile error).
 */

/** Declarations: `P` (params), `in0..` (read-only) and `out0..` (read_write) arrays. */
export function bindings(inputs: readonly string[], outputs: readonly string[]): string {
  const lines = ['@group(0) @binding(0) var<storage, read> P: array<u32>;'];
  inputs.forEach((t, i) => lines.push(`@group(0) @binding(${1 + i}) var<storage, read> in${i}: array<${t}>;`));
  outputs.forEach((t, i) => lines.push(`@group(0) @binding(${1 + inputs.length + i}) var<storage, read_write> out${i}: array<${t}>;`));
  return `${lines.join('\n')}\n${PRELUDE}`;
}

/** Helpers every kernel can use (included by `bindings`). */
const PRELUDE = /* wgsl */ `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_f32() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_f32() -> f32 { return bitcast<f32>(INF_BITS); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn p_f32(k: u32) -> f32 { return bitcast<f32>(P[k]); }
fn p_i32(k: u32) -> i32 { return bitcast<i32>(P[k]); }
`;

/**
 * The entry point's signature. The body gets `wid`, `nwg`, `lid` (local index) and `lid3`; use
 * `groupIndex()` for the linear workgroup index and `flatIndex(size)` for the global thread index.
 */
export function entryPoint(x: number, y = 1): string {
  return `@compute @workgroup_size(${x}, ${y}, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32, @builtin(local_invocation_id) lid3: vec3<u32>)`;
}

/** WGSL expression: the linear index of this workgroup in a folded dispatch. */
export const GROUP_INDEX = '(wid.x + nwg.x * (wid.y + nwg.y * wid.z))';

/** WGSL expression: the global thread index of a folded 1-D dispatch of `size`-thread workgroups. */
export function flatIndex(size: number): string {
  return `(${GROUP_INDEX} * ${size}u + lid)`;
}

/** Threads per workgroup for elementwise kernels (every adapter allows 256; SwiftShader too). */
export const ELEMENTWISE_WG = 256;
