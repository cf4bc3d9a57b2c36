/**
 * Batched matMul: a tiled kernel. Each workgroup computes a TILE×TILE block of one batch's
 * output, staging TILE×TK blocks of A and TK×TILE blocks of B in workgroup memory; each thread
 * keeps a 4×4 block of results in registers (register blocking). The tile follows the adapter's
 * limits: 64×64 with 16×16 threads where 256 invocations and 8 KiB of workgroup memory are
 * allowed (every WebGPU adapter), else (and on software adapters) 32×32 with 8×8 threads; the
 * `matMulThreads` option overrides the choice. Transposes and broadcast batch dims are folded into the element strides, so no operand is copied first.
 */
import type { TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { GROUP_INDEX, bindings, entryPoint } from '../wgsl.js';
import { broadcastPlan } from './broadcast.js';

/** k-depth of one staged block. */
const TK = 16;
/** Results per thread along each axis. */
const RB = 4;

export function matMul(rt: WebGPURuntime, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): GpuTensorInfo {
  rt.input(a, 'matMul');
  rt.input(b, 'matMul');
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batchShape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const da = batchA[d - rank + batchA.length] ?? 1;
    const db = batchB[d - rank + batchB.length] ?? 1;
    batchShape.push(da === 1 ? db : da);
  }
  const out = rt.output('matMul', [...batchShape, m, n], 'float32');
  try {
    const batches = sizeOf(batchShape);
    if (m * n * batches === 0) return out;
    // Software adapters (SwiftShader) emulate a workgroup's barriers by switching between its
    // invocations: 8×8 ran 2× faster there than 16×16 (2-core CPU, matMul 256³).
    const fits = rt.limits.maxComputeInvocationsPerWorkgroup >= 256 && rt.limits.maxComputeWorkgroupStorageSize >= 2 * 64 * TK * 4;
    const threads = rt.tuning.matMulThreads ?? (fits && !rt.isFallback ? 16 : 8);
    const tile = threads * RB;
    // Batch offsets (in matrices) through the broadcast plan; each matrix is m·k or k·n elements.
    const plan = broadcastPlan(batchShape, [batchA, batchB]);
    const bRank = plan.dims.length;
    const strideOf = (k2: number): readonly number[] => (plan.access[k2] === 'strided' ? plan.strides[k2]! : new Array<number>(bRank).fill(0));
    const aMat = m * k;
    const bMat = k * n;
    const aSame = plan.access[0] === 'same';
    const bSame = plan.access[1] === 'same';
    const tilesM = Math.ceil(m / tile);
    const tilesN = Math.ceil(n / tile);
    const params = new Params().u32(m, n, k, tilesM, tilesN, batches, aSame ? aMat : 0, bSame ? bMat : 0, aMat, bMat, ...plan.dims, ...strideOf(0), ...strideOf(1));
    const key = `matMul:t${threads}:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}:b${bRank}:${plan.access.join(',')}`;
    rt.dispatch({
      kernel: 'matMul',
      key,
      wgsl: () => matMulWgsl(threads, transposeA, transposeB, bRank),
      inputs: [a, b],
      outputs: [out],
      params,
      workgroups: tilesM * tilesN * batches,
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

function matMulWgsl(threads: number, transposeA: boolean, transposeB: boolean, bRank: number): string {
  const tile = threads * RB;
  const inv = threads * threads;
  const loadsA = (tile * TK) / inv;
  const loadsB = (TK * tile) / inv;
  // Strided batch offsets (for broadcast batch dims): decode the batch index.
  const decode: string[] = [];
  if (bRank > 0) {
    decode.push('var rem = batch;', 'var ba = 0u;', 'var bb = 0u;');
    for (let d = bRank - 1; d >= 0; d--) {
      decode.push(`{ let dim = P[${10 + d}]; let c = rem % dim; rem = rem / dim; ba = ba + c * P[${10 + bRank + d}]; bb = bb + c * P[${10 + 2 * bRank + d}]; }`);
    }
    decode.push('aBase = aBase + ba * P[8];', 'bBase = bBase + bb * P[9];');
  }
  // Element (row, kk) of A and (kk, col) of B in memory, for each transpose.
  const aIndex = transposeA ? 'aBase + kk * M + row' : 'aBase + row * K + kk';
  const bIndex = transposeB ? 'bBase + col * K + kk' : 'bBase + kk * N + col';
  // Which tile coordinate varies fastest across threads when loading: the operand's contiguous one.
  const aCoord = transposeA
    ? `let r = e % ${tile}u; let c = e / ${tile}u;`
    : `let r = e / ${TK}u; let c = e % ${TK}u;`;
  const bCoord = transposeB
    ? `let c = e / ${TK}u; let r = e % ${TK}u;`
    : `let r = e / ${tile}u; let c = e % ${tile}u;`;
  // The 4×4 register block is spelt out as scalars: private arrays indexed in loops end up in
  // memory on some implementations (SwiftShader among them).
  const ids = [...Array(RB).keys()];
  const declareAcc = ids.flatMap((i) => ids.map((j) => `var c${i}${j} = 0.0;`)).join(' ');
  const inner = [
    ...ids.map((i) => `let a${i} = As[ao + ${i}u];`),
    ...ids.map((j) => `let b${j} = Bs[bo + ${j}u];`),
    ...ids.flatMap((i) => ids.map((j) => `c${i}${j} = fma(a${i}, b${j}, c${i}${j});`)),
  ].join('\n      ');
  const store = ids.map((i) => `{ let row = row0 + ty * ${RB}u + ${i}u;
    if (row < M) {
      let col = col0 + tx * ${RB}u;
      ${ids.map((j) => `if (col + ${j}u < N) { out0[outBase + row * N + col + ${j}u] = c${i}${j}; }`).join('\n      ')}
    } }`).join('\n  ');
  return `${bindings(['f32', 'f32'], ['f32'])}
var<workgroup> As: array<f32, ${TK * tile}>;
var<workgroup> Bs: array<f32, ${TK * tile}>;
${entryPoint(threads, threads)} {
  let M = P[0]; let N = P[1]; let K = P[2];
  let g = ${GROUP_INDEX};
  let tilesM = P[3]; let tilesN = P[4];
  if (g >= tilesM * tilesN * P[5]) { return; }
  let batch = g / (tilesM * tilesN);
  let t = g % (tilesM * tilesN);
  let row0 = (t / tilesN) * ${tile}u;
  let col0 = (t % tilesN) * ${tile}u;
  var aBase = batch * P[6];
  var bBase = batch * P[7];
  ${decode.join('\n  ')}
  let tx = lid3.x; let ty = lid3.y;
  ${declareAcc}
  for (var k0 = 0u; k0 < K; k0 = k0 + ${TK}u) {
    for (var q = 0u; q < ${loadsA}u; q = q + 1u) {
      let e = lid + q * ${inv}u;
      ${aCoord}
      let row = row0 + r; let kk = k0 + c;
      var v = 0.0;
      if (row < M && kk < K) { v = in0[${aIndex}]; }
      As[c * ${tile}u + r] = v;
    }
    for (var q = 0u; q < ${loadsB}u; q = q + 1u) {
      let e = lid + q * ${inv}u;
      ${bCoord}
      let kk = k0 + r; let col = col0 + c;
      var v = 0.0;
      if (kk < K && col < N) { v = in1[${bIndex}]; }
      Bs[r * ${tile}u + c] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk = kk + 1u) {
      let ao = kk * ${tile}u + ty * ${RB}u;
      let bo = kk * ${tile}u + tx * ${RB}u;
      ${inner}
    }
    workgroupBarrier();
  }
  let outBase = batch * M * N;
  ${store}
}`;
}
