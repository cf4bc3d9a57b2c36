/**
 * Loading the native addon (`strata_cuda.node`) and its typed surface. Loading never touches the
 * GPU: the CUDA runtime is linked statically and reaches the driver only at the first call, so
 * the addon loads on any linux-x64 machine and `status()` says whether a device is usable.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Statistics of a caching allocator (device memory, or a simulated pool). */
export interface AllocatorStats {
  /** Blocks handed out and not yet freed. */
  readonly liveBlocks: number;
  /** Bytes (after bucket rounding) of those blocks. */
  readonly liveBytes: number;
  /** Freed blocks kept for reuse. */
  readonly cachedBlocks: number;
  readonly cachedBytes: number;
  /** Requests that reached cudaMalloc (or the simulated pool). */
  readonly sourceAllocations: number;
  /** Requests served from the cache. */
  readonly cacheHits: number;
  /** Times the cache was emptied to retry a request that ran out of memory. */
  readonly cacheFlushes: number;
}

/** The caching allocator over a host-memory pool of fixed capacity, for tests without a GPU. */
export interface SimulatedAllocator {
  allocate(bytes: number): number;
  release(id: number): void;
  emptyCache(): void;
  stats(): AllocatorStats & { readonly sourceBytesInUse: number };
}

/**
 * The elementwise kernels' scalar code (csrc/elementwise.cu, compiled for the host too) run on the
 * CPU over typed arrays of equal length. No GPU needed: tests use it to check the kernels' exact
 * semantics (op and dtype codes as in src/codes.ts).
 */
export interface HostEvaluation {
  hostUnary(op: number, dtype: number, x: ArrayBufferView, out: ArrayBufferView): void;
  hostBinary(op: number, dtype: number, a: ArrayBufferView, b: ArrayBufferView, out: ArrayBufferView): void;
  hostCast(from: number, to: number, x: ArrayBufferView, out: ArrayBufferView): void;
  /**
   * Convolution and pooling per-element code (csrc/conv.cu) on the CPU over a whole batch. `kind`:
   * 0 im2col (a = x), 1 col2im (a = column gradient), 2 depthwise (a = x, b = filter), 3 maxPool,
   * 4 avgPool (a = x), 5 maxPoolBackprop (a = dy, b = x), 6 avgPoolBackprop (a = dy).
   */
  /** reduce.cu's identities and combining rules folding each row of `length` into out[row]. */
  hostReduce(op: number, dtype: number, x: ArrayBufferView, out: ArrayBufferView, rows: number, length: number): void;
  /** argReduce's per-element code; `out` is an Int32Array of outer·inner. */
  hostArgReduce(isMax: boolean, dtype: number, x: ArrayBufferView, out: Int32Array, outer: number, length: number, inner: number): void;
  hostConv(kind: number, geometry: readonly number[], multiplier: number, a: Float32Array, b: Float32Array | null, out: Float32Array): void;
}

type Id = number;
type Dims = readonly number[];

/** What `strata_cuda.node` exports (see csrc/module.cc and csrc/bindings.cc). */
export interface CudaAddon {
  status(): { available: boolean; reason?: string };
  init(): string;
  bucketSize(bytes: number): number;
  alloc(bytes: number): Id;
  free(id: Id): void;
  stats(): AllocatorStats;
  emptyCache(): void;
  synchronize(): void;
  setUseCublas(use: boolean): boolean;
  write(id: Id, values: ArrayBufferView): void;
  readSync(id: Id, into: ArrayBufferView): void;
  read<T extends ArrayBufferView>(id: Id, into: T): Promise<T>;
  SimulatedAllocator: new (capacityBytes: number) => SimulatedAllocator;

  fill(out: Id, n: number, elementBytes: number, bits: number): void;
  cast(x: Id, out: Id, n: number, from: number, to: number): void;
  unary(op: number, dtype: number, x: Id, out: Id, n: number): void;
  binary(op: number, dtype: number, a: Id, b: Id, out: Id, n: number, dims: Dims, aStrides: Dims, bStrides: Dims, contiguous: boolean): void;
  where(cond: Id, a: Id, b: Id, out: Id, n: number, elementBytes: number, dims: Dims, condStrides: Dims, aStrides: Dims, bStrides: Dims): void;
  biasActivation(product: Id, bias: Id, out: Id, n: number, activation: number, dims: Dims, productStrides: Dims, biasStrides: Dims): void;
  reduceRows(op: number, dtype: number, x: Id, out: Id, rows: number, length: number): void;
  argReduce(isMax: boolean, dtype: number, x: Id, out: Id, outer: number, length: number, inner: number): void;
  softmax(x: Id, out: Id, rows: number, length: number, log: boolean): void;
  layerNorm(x: Id, gamma: Id, beta: Id, out: Id, rows: number, length: number, epsilon: number): void;
  batchNorm(x: Id, mean: Id, variance: Id, offset: Id, scale: Id, out: Id, n: number, channels: number, lengths: Dims, epsilon: number): void;
  copy(x: Id, out: Id, n: number, elementBytes: number, dims: Dims, inStrides: Dims, lo: Dims, extent: Dims, base: number, fillBits: number): void;
  concatPiece(src: Id, out: Id, rows: number, srcRowBytes: number, dstRowBytes: number, dstOffsetBytes: number): void;
  copyBuffer(src: Id, dst: Id, bytes: number): void;
  gather(x: Id, indices: Id, out: Id, outer: number, axisLength: number, count: number, inner: number, elementBytes: number): void;
  scatterAdd(updates: Id, indices: Id, out: Id, outer: number, size: number, count: number, inner: number, dtype: number): void;
  matMul(a: Id, b: Id, out: Id, batch: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, strideA: number, strideB: number, alpha: number): void;
  conv2d(x: Id, filter: Id, out: Id, geometry: Dims): void;
  conv2dBackpropInput(dy: Id, filter: Id, dx: Id, geometry: Dims): void;
  conv2dBackpropFilter(x: Id, dy: Id, dFilter: Id, geometry: Dims): void;
  depthwiseConv2d(x: Id, filter: Id, out: Id, geometry: Dims, multiplier: number): void;
  maxPool(x: Id, out: Id, geometry: Dims): void;
  maxPoolBackprop(dy: Id, x: Id, dx: Id, geometry: Dims): void;
  avgPool(x: Id, out: Id, geometry: Dims): void;
  avgPoolBackprop(dy: Id, dx: Id, geometry: Dims): void;
  adam(p: Id, g: Id, m: Id, v: Id, outP: Id, outM: Id, outV: Id, n: number, stepSize: number, beta1: number, beta2: number, epsilon: number): void;
  sgd(p: Id, g: Id, velocity: Id, outP: Id, outVelocity: Id, n: number, learningRate: number, momentum: number, nesterov: boolean): void;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the addon is looked for, in order: `STRATA_CUDA_ADDON`, the shipped prebuild, then a
 * local node-gyp build.
 */
export function addonCandidates(): string[] {
  const fromEnv = process.env['STRATA_CUDA_ADDON'];
  return [
    ...(fromEnv ? [fromEnv] : []),
    join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'strata_cuda.node'),
    join(packageRoot, 'build', 'Release', 'strata_cuda.node'),
  ];
}

/** The loaded addon, or why it could not be loaded. */
export type AddonLoad = { readonly addon: CudaAddon & HostEvaluation; readonly path: string } | { readonly error: string };

let cached: AddonLoad | undefined;

export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
    try {
      cached = { addon: require(path) as CudaAddon & HostEvaluation, path };
      return cached;
    } catch (err) {
      tried.push(`${path} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  cached = { error: `the cuda addon is not loadable on ${process.platform}-${process.arch}: ${tried.join('; ')}` };
  return cached;
}
