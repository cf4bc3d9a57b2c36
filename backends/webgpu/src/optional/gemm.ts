/**
 * An implicit-GEMM template for the optional kernels: `C[b, row, col] = Σ_k A(b, row, k) · B(b, k, col)`
 * where A and B are not tensors but WGSL functions that compute where each element lives (an
 * im2col window for convolutions, a transposed or broadcast operand for fusedMatMul and
 * attention), and the result goes through a WGSL `store` function (bias, activation, scale).
 *
 * Each workgroup of 16×16 threads computes a (16·RM)×(16·RN) block of C, staging TK-deep slices
 * of A and B in workgroup memory; each thread accumulates RM×RN results in registers, on rows
 * `ty + 16i` and columns `tx + 16j` (strided, so neighbouring threads read neighbouring
 * workgroup-memory words). RM and RN shrink for skinny problems so fewer threads idle.
 *
 * Split-K: when the blocks alone would leave the GPU idle (few rows and columns but a long k, as
 * in conv2dBackpropFilter), k is cut into chunks computed by separate workgroups into a scratch
 * buffer, and a second pass sums the chunks and calls `store`.
 */
import type { TensorInfo } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, GROUP_INDEX, bindings, entryPoint, flatIndex } from '../wgsl.js';

/** Depth of one staged k slice. */
const TK = 16;
/** Threads per workgroup along each axis (256 in all: every WebGPU adapter allows it). */
const THREADS = 16;
/** Words of params the template uses before the caller's (`EXTRA` in WGSL is this index). */
const GEMM_PARAM_WORDS = 8;
/** Below this many output blocks, split k (if k is long enough to be worth it). */
const SPLIT_BELOW_BLOCKS = 64;
/** Smallest k chunk of a split, in elements. */
const MIN_SPLIT_CHUNK = 128;

/** One implicit GEMM. The WGSL snippets are function bodies (see each field). */
export interface GemmSpec {
  /** Kernel name for errors. */
  readonly kernel: string;
  /** Cache key of everything the snippets depend on besides the template's own shape choices. */
  readonly key: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Independent products (batch entries); `b` in the snippets runs over `0..batch`. */
  readonly batch: number;
  /** Bound as `in0, in1, …` in the order given. */
  readonly inputs: readonly TensorInfo[];
  readonly output: GpuTensorInfo;
  /** The caller's params, readable as `P[EXTRA + i]` (`p_f32(EXTRA + i)` for floats). */
  readonly extra?: Params;
  /** Body of `fn baseA(b: u32) -> u32`: a per-batch offset handed to `loadA` (default 0). */
  readonly baseA?: string;
  /** Body of `fn baseB(b: u32) -> u32` (default 0). */
  readonly baseB?: string;
  /** Body of `fn loadA(base: u32, row: u32, kk: u32) -> f32`; called only for row < M, kk < K. */
  readonly loadA: string;
  /** Body of `fn loadB(base: u32, kk: u32, col: u32) -> f32`; called only for kk < K, col < N. */
  readonly loadB: string;
  /** Body of `fn store(b: u32, row: u32, col: u32, acc: f32)`; writes `out0`. */
  readonly store: string;
  /** Extra WGSL functions the snippets call. */
  readonly helpers?: string;
  /** Whether split-K may be used (default true). */
  readonly allowSplit?: boolean;
}

/** Register block per thread along one axis: 4 for large extents, less for skinny ones. */
function registerBlock(extent: number): number {
  if (extent > 2 * THREADS) return 4;
  if (extent > THREADS) return 2;
  return 1;
}

/** Encodes the GEMM (one or two dispatches). The caller owns `output` and frees it on error. */
export function gemm(rt: WebGPURuntime, spec: GemmSpec): void {
  const { m, n, k, batch } = spec;
  if (m * n * batch === 0) return;
  const rm = registerBlock(m);
  const rn = registerBlock(n);
  const tilesM = Math.ceil(m / (THREADS * rm));
  const tilesN = Math.ceil(n / (THREADS * rn));
  const blocks = tilesM * tilesN * batch;
  let splits = 1;
  if (spec.allowSplit !== false && blocks < SPLIT_BELOW_BLOCKS && k >= 2 * MIN_SPLIT_CHUNK) {
    splits = Math.min(Math.ceil((SPLIT_BELOW_BLOCKS * 4) / blocks), Math.floor(k / MIN_SPLIT_CHUNK));
  }
  // k = 0 (an empty sum) still runs once, storing zeros.
  const chunk = Math.max(TK, Math.ceil(Math.ceil(k / splits) / TK) * TK);
  splits = Math.max(1, Math.ceil(k / chunk));
  const words = new Params().u32(m, n, k, batch, tilesM, tilesN, splits, chunk).words;
  const params = new Params().u32(...words, ...(spec.extra?.words ?? []));
  const variant = `r${rm}x${rn}`;

  if (splits === 1) {
    rt.dispatch({
      kernel: spec.kernel,
      key: `gemm:${spec.key}:${variant}:whole`,
      wgsl: () => gemmWgsl(spec, rm, rn, false),
      inputs: spec.inputs,
      outputs: [spec.output],
      params,
      workgroups: blocks,
    });
    return;
  }
  // Partial sums per chunk into scratch [splits, batch, m, n], then a pass that adds them up.
  const partial = rt.scratch(spec.kernel, [splits, batch, m, n], 'float32');
  try {
    rt.dispatch({
      kernel: spec.kernel,
      key: `gemm:${spec.key}:${variant}:partial`,
      wgsl: () => gemmWgsl(spec, rm, rn, true),
      inputs: spec.inputs,
      outputs: [partial],
      params,
      workgroups: blocks * splits,
    });
    const total = batch * m * n;
    rt.dispatch({
      kernel: spec.kernel,
      key: `gemm:${spec.key}:sum`,
      wgsl: () => splitSumWgsl(spec),
      inputs: [...spec.inputs, partial],
      outputs: [spec.output],
      params,
      workgroups: Math.ceil(total / ELEMENTWISE_WG),
    });
  } finally {
    rt.release(partial.storage);
  }
}

/** The spec's functions; the partial pass of a split writes the scratch buffer instead of storing. */
function gemmFunctions(spec: GemmSpec, partial: boolean): string {
  const store = partial
    ? 'fn storePartial(slot: u32, acc: f32) { out0[slot] = acc; }'
    : `fn store(b: u32, row: u32, col: u32, acc: f32) { ${spec.store} }`;
  return `const EXTRA = ${GEMM_PARAM_WORDS}u;
${spec.helpers ?? ''}
fn baseA(b: u32) -> u32 { ${spec.baseA ?? 'return 0u;'} }
fn baseB(b: u32) -> u32 { ${spec.baseB ?? 'return 0u;'} }
fn loadA(base: u32, row: u32, kk: u32) -> f32 { ${spec.loadA} }
fn loadB(base: u32, kk: u32, col: u32) -> f32 { ${spec.loadB} }
${store}`;
}

function gemmWgsl(spec: GemmSpec, rm: number, rn: number, partial: boolean): string {
  const nInputs = spec.inputs.length;
  const tileM = THREADS * rm;
  const tileN = THREADS * rn;
  const threads = THREADS * THREADS;
  const inputs = new Array<string>(nInputs).fill('f32');
  const lines: string[] = [];
  // Register blocks, unrolled: acc_i_j, a_i, b_j.
  for (let i = 0; i < rm; i++) for (let j = 0; j < rn; j++) lines.push(`var acc_${i}_${j} = 0.0;`);
  const accDecl = lines.join('\n  ');
  const inner: string[] = [];
  for (let i = 0; i < rm; i++) inner.push(`let a_${i} = As[kk * ${tileM}u + ty + ${THREADS * i}u];`);
  for (let j = 0; j < rn; j++) inner.push(`let b_${j} = Bs[kk * ${tileN}u + tx + ${THREADS * j}u];`);
  for (let i = 0; i < rm; i++) for (let j = 0; j < rn; j++) inner.push(`acc_${i}_${j} = fma(a_${i}, b_${j}, acc_${i}_${j});`);
  const stores: string[] = [];
  for (let i = 0; i < rm; i++) {
    for (let j = 0; j < rn; j++) {
      const row = `row0 + ty + ${THREADS * i}u`;
      const col = `col0 + tx + ${THREADS * j}u`;
      stores.push(partial
        ? `{ let row = ${row}; let col = ${col}; if (row < M && col < N) { storePartial(((split * P[3] + b) * M + row) * N + col, acc_${i}_${j}); } }`
        : `{ let row = ${row}; let col = ${col}; if (row < M && col < N) { store(b, row, col, acc_${i}_${j}); } }`);
    }
  }
  return `${bindings(inputs, ['f32'])}
${gemmFunctions(spec, partial)}
var<workgroup> As: array<f32, ${TK * tileM}>;
var<workgroup> Bs: array<f32, ${TK * tileN}>;
${entryPoint(THREADS, THREADS)} {
  let M = P[0]; let N = P[1]; let K = P[2];
  let tilesM = P[4]; let tilesN = P[5]; let chunk = P[7];
  // Block order: column block fastest, then row block, batch, split (all uniform per workgroup).
  let g = ${GROUP_INDEX};
  if (g >= tilesM * tilesN * P[3] * P[6]) { return; }
  let colBlock = g % tilesN;
  let rest = g / tilesN;
  let rowBlock = rest % tilesM;
  let rest2 = rest / tilesM;
  let b = rest2 % P[3];
  let split = rest2 / P[3];
  let row0 = rowBlock * ${tileM}u;
  let col0 = colBlock * ${tileN}u;
  let kBegin = split * chunk;
  let kEnd = min(K, kBegin + chunk);
  let aBase = baseA(b);
  let bBase = baseB(b);
  let tx = lid3.x;
  let ty = lid3.y;
  ${accDecl}
  for (var k0 = kBegin; k0 < kEnd; k0 = k0 + ${TK}u) {
    // A slice: k fastest across threads (contiguous for row-major A and for NHWC windows).
    for (var e = lid; e < ${TK * tileM}u; e = e + ${threads}u) {
      let r = e / ${TK}u;
      let c = e % ${TK}u;
      let row = row0 + r;
      let kk = k0 + c;
      var v = 0.0;
      if (row < M && kk < kEnd) { v = loadA(aBase, row, kk); }
      As[c * ${tileM}u + r] = v;
    }
    // B slice: columns fastest (contiguous for row-major B).
    for (var e = lid; e < ${TK * tileN}u; e = e + ${threads}u) {
      let c = e % ${tileN}u;
      let r = e / ${tileN}u;
      let kk = k0 + r;
      let col = col0 + c;
      var v = 0.0;
      if (kk < kEnd && col < N) { v = loadB(bBase, kk, col); }
      Bs[r * ${tileN}u + c] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk = kk + 1u) {
      ${inner.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores.join('\n  ')}
}`;
}

function splitSumWgsl(spec: GemmSpec): string {
  const nInputs = spec.inputs.length;
  const inputs = new Array<string>(nInputs + 1).fill('f32');
  return `${bindings(inputs, ['f32'])}
${gemmFunctions(spec, false)}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  let M = P[0]; let N = P[1];
  let total = P[3] * M * N;
  if (i >= total) { return; }
  var acc = 0.0;
  for (var s = 0u; s < P[6]; s = s + 1u) { acc = acc + in${nInputs}[s * total + i]; }
  let col = i % N;
  let row = (i / N) % M;
  let b = i / (M * N);
  store(b, row, col, acc);
}`;
}
