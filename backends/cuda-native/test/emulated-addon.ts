/**
 * A plain-JS stand-in for strata_cuda.node with the same entry points and the semantics of the
 * CUDA kernels in csrc/ (float64 arithmetic stored to float32 where the kernels round once).
 * It lets the whole JS layer (shapes, layouts, op codes, argument order, temporaries, memory
 * bookkeeping) run under the conformance suite on a machine without a GPU. It says nothing about
 * the CUDA code itself: that is what gpu-check.sh is for.
 */
import type { AllocatorStats, CudaAddon, SimulatedAllocator } from '@strata/backend-cuda';

type Dims = readonly number[];
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const [UNARY, BINARY] = [
  ['neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf', 'floor', 'ceil', 'round', 'not', 'isNaN'],
  ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'floorDiv', 'atan2', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or'],
] as const;

/** erf to ~1e-7 (Abramowitz–Stegun 7.1.26 is too coarse; use the series / continued fraction). */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let tail = ax;
  for (let k = 60; k >= 1; k--) tail = ax + k / 2 / tail;
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / tail);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function floatUnary(op: string, x: number): number {
  switch (op) {
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'log1p': return Math.log1p(x);
    case 'expm1': return Math.expm1(x);
    case 'sqrt': return Math.sqrt(x);
    case 'rsqrt': return 1 / Math.sqrt(x);
    case 'square': return x * x;
    case 'reciprocal': return 1 / x;
    case 'sin': return Math.sin(x);
    case 'cos': return Math.cos(x);
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'relu': return x > 0 || Number.isNaN(x) ? x : 0;
    case 'erf': return erf(x);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'round': return roundHalfEven(x);
    default: return NaN;
  }
}

function intUnary(op: string, x: number): number {
  switch (op) {
    case 'neg': return -x | 0;
    case 'abs': return Math.abs(x) | 0;
    case 'sign': return Math.sign(x);
    case 'square': return Math.imul(x, x);
    case 'relu': return x > 0 ? x : 0;
    default: return 0;
  }
}

function compare(op: string, a: number, b: number): number {
  switch (op) {
    case 'equal': return a === b ? 1 : 0;
    case 'notEqual': return a !== b ? 1 : 0;
    case 'less': return a < b ? 1 : 0;
    case 'lessEqual': return a <= b ? 1 : 0;
    case 'greater': return a > b ? 1 : 0;
    case 'greaterEqual': return a >= b ? 1 : 0;
    case 'and': return a !== 0 && b !== 0 ? 1 : 0;
    default: return a !== 0 || b !== 0 ? 1 : 0;
  }
}

function floatBinary(op: string, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return a === 1 || (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) ? 1 : a ** b;
    case 'maximum': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    case 'minimum': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
    case 'mod': {
      const r = a % b;
      if (r === 0) return b < 0 ? -0 : 0;
      return r < 0 !== b < 0 ? r + b : r;
    }
    case 'floorDiv': return Math.floor(a / b);
    default: return Math.atan2(a, b);
  }
}

function intBinary(op: string, a: number, b: number): number {
  switch (op) {
    case 'add': return (a + b) | 0;
    case 'sub': return (a - b) | 0;
    case 'mul': return Math.imul(a, b);
    case 'maximum': return Math.max(a, b);
    case 'minimum': return Math.min(a, b);
    case 'mod': {
      if (b === 0 || b === -1) return 0;
      const r = a % b;
      return r !== 0 && r < 0 !== b < 0 ? r + b : r;
    }
    default: {
      if (b === 0) return 0;
      if (b === -1) return -a | 0;
      const q = Math.trunc(a / b);
      return a % b !== 0 && a < 0 !== b < 0 ? q - 1 : q;
    }
  }
}

function offsets(dims: Dims, strides: readonly Dims[], i: number): number[] {
  const out = strides.map(() => 0);
  for (let d = dims.length - 1; d >= 0; d--) {
    const c = i % dims[d]!;
    i = Math.floor(i / dims[d]!);
    strides.forEach((s, t) => { out[t]! += c * s[d]!; });
  }
  return out;
}

function activate(a: number, x: number): number {
  return a === 1 ? (x > 0 || Number.isNaN(x) ? x : 0) : a === 2 ? floatUnary('sigmoid', x) : a === 3 ? Math.tanh(x) : x;
}

export class EmulatedAddon implements CudaAddon {
  readonly #memory = new Map<number, Uint8Array>();
  #nextId = 1;

  #bytes(id: number): Uint8Array {
    const m = this.#memory.get(id);
    if (m === undefined) throw new Error(`buffer ${id} does not exist (freed already?)`);
    return m;
  }
  #f32(id: number): Float32Array { const b = this.#bytes(id); return new Float32Array(b.buffer, b.byteOffset, b.byteLength >> 2); }
  #i32(id: number): Int32Array { const b = this.#bytes(id); return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2); }
  #u32(id: number): Uint32Array { const b = this.#bytes(id); return new Uint32Array(b.buffer, b.byteOffset, b.byteLength >> 2); }
  /** The typed view a dtype code reads: 0 float32, 1 int32, 2 bool. */
  #view(id: number, dtype: number): Float32Array | Int32Array | Uint8Array {
    return dtype === 0 ? this.#f32(id) : dtype === 1 ? this.#i32(id) : this.#bytes(id);
  }
  #elements(id: number, elementBytes: number): Uint8Array | Uint32Array {
    return elementBytes === 1 ? this.#bytes(id) : this.#u32(id);
  }

  status(): { available: boolean } { return { available: true }; }
  init(): string { return 'emulated in JS (tests only)'; }
  bucketSize(bytes: number): number { return bytes; }
  alloc(bytes: number): number {
    const id = this.#nextId++;
    this.#memory.set(id, new Uint8Array(new ArrayBuffer(Math.ceil(bytes / 4) * 4), 0, bytes).fill(0xa5)); // garbage, like cudaMalloc
    return id;
  }
  free(id: number): void {
    this.#bytes(id);
    this.#memory.delete(id);
  }
  liveBuffers(): number { return this.#memory.size; }
  stats(): AllocatorStats {
    return { liveBlocks: this.#memory.size, liveBytes: 0, cachedBlocks: 0, cachedBytes: 0, sourceAllocations: 0, cacheHits: 0, cacheFlushes: 0 };
  }
  emptyCache(): void {}
  synchronize(): void {}
  setUseCublas(): boolean { return false; }
  write(id: number, values: ArrayBufferView): void {
    const b = this.#bytes(id);
    if (values.byteLength !== b.byteLength) throw new Error(`write: the buffer holds ${b.byteLength} bytes but the array ${values.byteLength}`);
    b.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  readSync(id: number, into: ArrayBufferView): void {
    new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(this.#bytes(id));
  }
  async read<T extends ArrayBufferView>(id: number, into: T): Promise<T> {
    this.readSync(id, into);
    return into;
  }
  SimulatedAllocator = class {
    constructor() { throw new Error('not emulated'); }
  } as unknown as new (capacityBytes: number) => SimulatedAllocator;

  fill(out: number, n: number, elementBytes: number, bits: number): void {
    this.#elements(out, elementBytes).fill(elementBytes === 1 ? bits & 0xff : bits >>> 0, 0, n);
  }
  cast(x: number, out: number, n: number, from: number, to: number): void {
    const src = this.#view(x, from);
    const dst = this.#view(out, to);
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      dst[i] = to === 2 ? (v !== 0 ? 1 : 0) : from === 0 && to === 1 ? (Number.isNaN(v) ? 0 : v >= 2147483648 ? INT32_MAX : v <= INT32_MIN ? INT32_MIN : Math.trunc(v)) : v;
    }
  }
  unary(op: number, dtype: number, x: number, out: number, n: number): void {
    const name = UNARY[op]!;
    const src = this.#view(x, dtype);
    if (name === 'not') { const d = this.#bytes(out); for (let i = 0; i < n; i++) d[i] = src[i] === 0 ? 1 : 0; return; }
    if (name === 'isNaN') { const d = this.#bytes(out); for (let i = 0; i < n; i++) d[i] = Number.isNaN(src[i]) ? 1 : 0; return; }
    const dst = this.#view(out, dtype);
    for (let i = 0; i < n; i++) dst[i] = dtype === 1 ? intUnary(name, src[i]!) : floatUnary(name, src[i]!);
  }
  binary(op: number, dtype: number, a: number, b: number, out: number, n: number, dims: Dims, aStrides: Dims, bStrides: Dims, contiguous: boolean): void {
    const name = BINARY[op]!;
    const [av, bv] = [this.#view(a, dtype), this.#view(b, dtype)];
    const boolOut = op >= 10;
    const dst = boolOut ? this.#bytes(out) : this.#view(out, dtype);
    for (let i = 0; i < n; i++) {
      const [oa, ob] = contiguous ? [i, i] : offsets(dims, [aStrides, bStrides], i);
      const x = av[oa!]!;
      const y = bv[ob!]!;
      dst[i] = boolOut ? compare(name, x, y) : dtype === 1 ? intBinary(name, x, y) : floatBinary(name, x, y);
    }
  }
  where(cond: number, a: number, b: number, out: number, n: number, elementBytes: number, dims: Dims, cs: Dims, as: Dims, bs: Dims): void {
    const c = this.#bytes(cond);
    const [av, bv, dst] = [this.#elements(a, elementBytes), this.#elements(b, elementBytes), this.#elements(out, elementBytes)];
    for (let i = 0; i < n; i++) {
      const [oc, oa, ob] = offsets(dims, [cs, as, bs], i);
      dst[i] = c[oc!] !== 0 ? av[oa!]! : bv[ob!]!;
    }
  }
  biasActivation(product: number, bias: number, out: number, n: number, activation: number, dims: Dims, ps: Dims, bs: Dims): void {
    const p = this.#f32(product);
    const bv = bias < 0 ? null : this.#f32(bias);
    const dst = this.#f32(out);
    for (let i = 0; i < n; i++) {
      const [op, ob] = offsets(dims, [ps, bs], i);
      dst[i] = activate(activation, bv === null ? p[op!]! : p[op!]! + bv[ob!]!);
    }
  }
  reduceRows(op: number, dtype: number, x: number, out: number, rows: number, length: number): void {
    const src = this.#view(x, dtype);
    const dst = this.#view(out, dtype);
    for (let r = 0; r < rows; r++) {
      let acc = [0, 1, dtype === 1 ? INT32_MIN : -Infinity, dtype === 1 ? INT32_MAX : Infinity, 0, 1][op]!;
      for (let j = 0; j < length; j++) {
        const v = src[r * length + j]!;
        if (op === 0) acc = dtype === 1 ? (acc + v) | 0 : acc + v;
        else if (op === 1) acc = dtype === 1 ? Math.imul(acc, v) : acc * v;
        else if (op === 2) acc = Number.isNaN(acc) ? acc : Number.isNaN(v) || v > acc ? v : acc;
        else if (op === 3) acc = Number.isNaN(acc) ? acc : Number.isNaN(v) || v < acc ? v : acc;
        else if (op === 4) acc = acc !== 0 || v !== 0 ? 1 : 0;
        else acc = acc !== 0 && v !== 0 ? 1 : 0;
      }
      dst[r] = acc;
    }
  }
  argReduce(isMax: boolean, dtype: number, x: number, out: number, outer: number, length: number, inner: number): void {
    const src = this.#view(x, dtype);
    const dst = this.#i32(out);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * length * inner + i;
        let best = 0;
        let bestValue = src[base]!;
        for (let k = 1; k < length && !Number.isNaN(bestValue); k++) {
          const v = src[base + k * inner]!;
          if (Number.isNaN(v) || (isMax ? v > bestValue : v < bestValue)) { best = k; bestValue = v; }
        }
        dst[o * inner + i] = best;
      }
    }
  }
  softmax(x: number, out: number, rows: number, length: number, log: boolean): void {
    const src = this.#f32(x);
    const dst = this.#f32(out);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(src.subarray(r * length, (r + 1) * length));
      const max = row.reduce((m, v) => (Number.isNaN(m) ? m : Number.isNaN(v) ? v : Math.max(m, v)), -Infinity);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      row.forEach((v, j) => { dst[r * length + j] = log ? v - max - Math.log(sum) : Math.exp(v - max) / sum; });
    }
  }
  layerNorm(x: number, gamma: number, beta: number, out: number, rows: number, length: number, epsilon: number): void {
    const [src, g, b, dst] = [this.#f32(x), this.#f32(gamma), this.#f32(beta), this.#f32(out)];
    for (let r = 0; r < rows; r++) {
      const row = src.subarray(r * length, (r + 1) * length);
      const mean = row.reduce((s, v) => s + v, 0) / length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / length;
      row.forEach((v, j) => { dst[r * length + j] = ((v - mean) / Math.sqrt(variance + epsilon)) * g[j]! + b[j]!; });
    }
  }
  batchNorm(x: number, mean: number, variance: number, offset: number, scale: number, out: number, n: number, channels: number, lengths: Dims, epsilon: number): void {
    const [src, mu, v, off, sc, dst] = [this.#f32(x), this.#f32(mean), this.#f32(variance), this.#f32(offset), this.#f32(scale), this.#f32(out)];
    const at = (arr: Float32Array, len: number, c: number): number => arr[len === 1 ? 0 : c]!;
    for (let i = 0; i < n; i++) {
      const c = i % channels;
      dst[i] = ((src[i]! - at(mu, lengths[0]!, c)) / Math.sqrt(at(v, lengths[1]!, c) + epsilon)) * at(sc, lengths[3]!, c) + at(off, lengths[2]!, c);
    }
  }
  copy(x: number, out: number, n: number, elementBytes: number, dims: Dims, inStrides: Dims, lo: Dims, extent: Dims, base: number, fillBits: number): void {
    const src = this.#elements(x, elementBytes);
    const dst = this.#elements(out, elementBytes);
    for (let i = 0; i < n; i++) {
      let rest = i;
      let offset = base;
      let inside = true;
      for (let d = dims.length - 1; d >= 0; d--) {
        const coord = (rest % dims[d]!) - lo[d]!;
        rest = Math.floor(rest / dims[d]!);
        inside &&= coord >= 0 && coord < extent[d]!;
        offset += coord * inStrides[d]!;
      }
      dst[i] = inside ? src[offset]! : elementBytes === 1 ? fillBits & 0xff : fillBits >>> 0;
    }
  }
  concatPiece(src: number, out: number, rows: number, srcRowBytes: number, dstRowBytes: number, dstOffsetBytes: number): void {
    const [s, d] = [this.#bytes(src), this.#bytes(out)];
    for (let r = 0; r < rows; r++) d.set(s.subarray(r * srcRowBytes, (r + 1) * srcRowBytes), r * dstRowBytes + dstOffsetBytes);
  }
  copyBuffer(src: number, dst: number, bytes: number): void {
    this.#bytes(dst).set(this.#bytes(src).subarray(0, bytes));
  }
  gather(x: number, indices: number, out: number, outer: number, axisLength: number, count: number, inner: number, elementBytes: number): void {
    const [src, idx, dst] = [this.#elements(x, elementBytes), this.#i32(indices), this.#elements(out, elementBytes)];
    for (let i = 0; i < outer * count * inner; i++) {
      const j = Math.floor(i / inner) % count;
      const o = Math.floor(i / (inner * count));
      const index = idx[j]!;
      dst[i] = index >= 0 && index < axisLength ? src[(o * axisLength + index) * inner + (i % inner)]! : 0;
    }
  }
  scatterAdd(updates: number, indices: number, out: number, outer: number, size: number, count: number, inner: number, dtype: number): void {
    const [src, idx, dst] = [this.#view(updates, dtype), this.#i32(indices), this.#view(out, dtype)];
    dst.fill(0, 0, outer * size * inner);
    for (let i = 0; i < outer * count * inner; i++) {
      const j = Math.floor(i / inner) % count;
      const o = Math.floor(i / (inner * count));
      const index = idx[j]!;
      if (index < 0 || index >= size) continue;
      const at = (o * size + index) * inner + (i % inner);
      dst[at] = dtype === 1 ? (dst[at]! + src[i]!) | 0 : dst[at]! + src[i]!;
    }
  }
  matMul(a: number, b: number, out: number, batch: number, m: number, n: number, k: number, ta: boolean, tb: boolean, strideA: number, strideB: number, alpha: number): void {
    const [av, bv, c] = [this.#f32(a), this.#f32(b), this.#f32(out)];
    for (let z = 0; z < batch; z++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) {
            sum += (ta ? av[z * strideA + p * m + i]! : av[z * strideA + i * k + p]!) * (tb ? bv[z * strideB + j * k + p]! : bv[z * strideB + p * n + j]!);
          }
          c[(z * m + i) * n + j] = alpha * sum;
        }
      }
    }
  }
  /** Calls visit(inputFlatPixel, outputFlatPixel, tap) for every in-bounds tap (csrc/conv.cu geometry). */
  #taps(g: Dims, visit: (inPixel: number, outPixel: number, tap: number) => void, dilate = true): void {
    const [batch, inH, inW, , outH, outW, fh, fw, sy, sx, dy, dx, pt, pl] = g as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
    for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sy - pt + ky * (dilate ? dy : 1);
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sx - pl + kx * (dilate ? dx : 1);
          if (ix < 0 || ix >= inW) continue;
          visit((b * inH + iy) * inW + ix, (b * outH + oy) * outW + ox, ky * fw + kx);
        }
      }
    }
  }
  conv2d(x: number, filter: number, out: number, g: Dims): void {
    const [src, w, dst] = [this.#f32(x), this.#f32(filter), this.#f32(out)];
    const [c, f] = [g[3]!, g[14]!];
    const sums = new Float64Array(g[0]! * g[4]! * g[5]! * f);
    this.#taps(g, (ip, op, tap) => { for (let ci = 0; ci < c; ci++) for (let fo = 0; fo < f; fo++) sums[op * f + fo] += src[ip * c + ci]! * w[(tap * c + ci) * f + fo]!; });
    dst.set(sums);
  }
  conv2dBackpropInput(dy: number, filter: number, dx: number, g: Dims): void {
    const [grad, w, dst] = [this.#f32(dy), this.#f32(filter), this.#f32(dx)];
    const [c, f] = [g[3]!, g[14]!];
    const sums = new Float64Array(g[0]! * g[1]! * g[2]! * c);
    this.#taps(g, (ip, op, tap) => { for (let ci = 0; ci < c; ci++) for (let fo = 0; fo < f; fo++) sums[ip * c + ci] += grad[op * f + fo]! * w[(tap * c + ci) * f + fo]!; });
    dst.set(sums);
  }
  conv2dBackpropFilter(x: number, dy: number, dFilter: number, g: Dims): void {
    const [src, grad, dst] = [this.#f32(x), this.#f32(dy), this.#f32(dFilter)];
    const [c, f] = [g[3]!, g[14]!];
    const sums = new Float64Array(g[6]! * g[7]! * c * f);
    this.#taps(g, (ip, op, tap) => { for (let ci = 0; ci < c; ci++) for (let fo = 0; fo < f; fo++) sums[(tap * c + ci) * f + fo] += src[ip * c + ci]! * grad[op * f + fo]!; });
    dst.set(sums);
  }
  depthwiseConv2d(x: number, filter: number, out: number, g: Dims, multiplier: number): void {
    const [src, w, dst] = [this.#f32(x), this.#f32(filter), this.#f32(out)];
    const c = g[3]!;
    const oc = c * multiplier;
    const sums = new Float64Array(g[0]! * g[4]! * g[5]! * oc);
    this.#taps(g, (ip, op, tap) => { for (let ch = 0; ch < oc; ch++) sums[op * oc + ch] += src[ip * c + Math.floor(ch / multiplier)]! * w[tap * oc + ch]!; });
    dst.set(sums);
  }
  /** Per output pixel, the in-bounds input pixels of its pooling window in row-major order. */
  #windows(g: Dims): number[][] {
    const windows: number[][] = Array.from({ length: g[0]! * g[4]! * g[5]! }, () => []);
    this.#taps(g, (ip, op) => windows[op]!.push(ip), false);
    return windows;
  }
  #firstMax(src: Float32Array, c: number, ch: number, pixels: readonly number[]): number {
    let best = -1;
    let bestValue = -Infinity;
    for (const p of pixels) {
      const v = src[p * c + ch]!;
      if (Number.isNaN(v)) return p;
      if (best === -1 || v > bestValue) { best = p; bestValue = v; }
    }
    return best;
  }
  maxPool(x: number, out: number, g: Dims): void {
    const [src, dst, c] = [this.#f32(x), this.#f32(out), g[3]!];
    this.#windows(g).forEach((pixels, op) => { for (let ch = 0; ch < c; ch++) { const p = this.#firstMax(src, c, ch, pixels); dst[op * c + ch] = p < 0 ? -Infinity : src[p * c + ch]!; } });
  }
  maxPoolBackprop(dy: number, x: number, dx: number, g: Dims): void {
    const [grad, src, dst, c] = [this.#f32(dy), this.#f32(x), this.#f32(dx), g[3]!];
    dst.fill(0);
    this.#windows(g).forEach((pixels, op) => { for (let ch = 0; ch < c; ch++) { const p = this.#firstMax(src, c, ch, pixels); if (p >= 0) dst[p * c + ch] += grad[op * c + ch]!; } });
  }
  avgPool(x: number, out: number, g: Dims): void {
    const [src, dst, c] = [this.#f32(x), this.#f32(out), g[3]!];
    this.#windows(g).forEach((pixels, op) => { for (let ch = 0; ch < c; ch++) dst[op * c + ch] = pixels.length === 0 ? 0 : pixels.reduce((s, p) => s + src[p * c + ch]!, 0) / pixels.length; });
  }
  avgPoolBackprop(dy: number, dx: number, g: Dims): void {
    const [grad, dst, c] = [this.#f32(dy), this.#f32(dx), g[3]!];
    dst.fill(0);
    this.#windows(g).forEach((pixels, op) => { for (let ch = 0; ch < c; ch++) for (const p of pixels) dst[p * c + ch] += grad[op * c + ch]! / pixels.length; });
  }
  adam(p: number, g: number, m: number, v: number, outP: number, outM: number, outV: number, n: number, stepSize: number, beta1: number, beta2: number, epsilon: number): void {
    const [pv, gv, mv, vv, op, om, ov] = [p, g, m, v, outP, outM, outV].map((id) => this.#f32(id)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (let i = 0; i < n; i++) {
      const mi = beta1 * mv[i]! + (1 - beta1) * gv[i]!;
      const vi = beta2 * vv[i]! + (1 - beta2) * gv[i]! * gv[i]!;
      om[i] = mi;
      ov[i] = vi;
      op[i] = pv[i]! - (stepSize * mi) / (Math.sqrt(vi) + epsilon);
    }
  }
  sgd(p: number, g: number, velocity: number, outP: number, outVelocity: number, n: number, learningRate: number, momentum: number, nesterov: boolean): void {
    const [pv, gv, vv, op, ov] = [p, g, velocity, outP, outVelocity].map((id) => this.#f32(id)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (let i = 0; i < n; i++) {
      if (momentum === 0) { op[i] = pv[i]! - learningRate * gv[i]!; ov[i] = vv[i]!; continue; }
      const vi = momentum * vv[i]! - learningRate * gv[i]!;
      ov[i] = vi;
      op[i] = nesterov ? pv[i]! + momentum * vi - learningRate * gv[i]! : pv[i]! + vi;
    }
  }
}
