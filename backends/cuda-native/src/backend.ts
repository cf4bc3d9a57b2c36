/**
 * The cuda backend: storage bookkeeping and the kernel table. Each kernel computes its output
 * shape and index layout here, allocates the output, and hands buffer ids to the addon, which
 * enqueues CUDA work on one stream and returns at once; only `read`/`readSync` wait for the GPU.
 */
import type {
  AdamAttrs, ArgReduceOp, Backend, BackendMemory, BinaryOp, Conv2DAttrs, DType, FusedActivation,
  Pool2DAttrs, ReduceOp, SgdAttrs, Shape, Storage, TensorInfo, TypedArray, UnaryOp,
} from '@strata/core';
import { allocArray, arrayHoldsDType, broadcastShapes, bytesPerElement, shapeToString, sizeOf } from '@strata/core';
import type { AllocatorStats, CudaAddon } from './addon.js';
import { loadAddon } from './addon.js';
import { activationCode, binaryCode, dtypeCode, isArgMax, isBoolResult, reduceCode, unaryCode } from './codes.js';
import type { CopyLayout } from './layout.js';
import {
  broadcastLayout, convGeometry, convOutputShape, expandLayout, matMulPlan, padLayout, poolGeometry,
  reducePlan, scalarBits, sliceLayout, transposeLayout,
} from './layout.js';
import { CudaStorage, asCudaStorage, idOf } from './storage.js';

/** Which matrix-multiply engine runs matMul, fusedMatMul, attention and the convolutions. */
export type MatMulEngine = 'cublas' | 'hand';

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Rows of the last axis: a scalar is one row of one element. */
function lastAxisRows(shape: Shape): { rows: number; length: number } {
  const length = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  return { rows: length === 0 ? 0 : sizeOf(shape) / length, length };
}

export class CudaBackend implements Backend {
  readonly name = 'cuda';
  readonly description: string;
  readonly #addon: CudaAddon;
  #buffers = 0;
  #bytes = 0;

  private constructor(addon: CudaAddon, description: string) {
    this.#addon = addon;
    this.description = description;
  }

  /**
   * Loads the addon and initialises the first GPU. Rejects with `no CUDA device: <the driver's
   * reason>` where there is none, or with why the addon could not be loaded.
   */
  static async create(): Promise<CudaBackend> {
    const load = loadAddon();
    if ('error' in load) throw new Error(load.error);
    const status = load.addon.status();
    if (!status.available) throw new Error(`no CUDA device: ${status.reason ?? 'unknown reason'}`);
    return new CudaBackend(load.addon, load.addon.init());
  }

  /**
   * A backend over an addon that is already initialised (or a stand-in with the same surface,
   * as the tests use to run the JS layer without a GPU).
   */
  static fromAddon(addon: CudaAddon, description: string): CudaBackend {
    return new CudaBackend(addon, description);
  }

  // Storage.

  write(values: TypedArray, dtype: DType): Storage {
    if (!arrayHoldsDType(values, dtype)) throw new Error(`cuda backend: write of ${values.constructor.name} as ${dtype}`);
    const storage = this.#allocate(values.length, dtype, 'write');
    this.#launch('write', [storage], () => this.#addon.write(storage.id, values));
    return storage;
  }

  async read(storage: Storage): Promise<TypedArray> {
    const s = asCudaStorage(storage, this, 'read');
    const into = allocArray(s.dtype, s.length);
    try {
      return await this.#addon.read(s.id, into);
    } catch (err) {
      throw this.#error('read', err);
    }
  }

  readSync(storage: Storage): TypedArray {
    const s = asCudaStorage(storage, this, 'readSync');
    const into = allocArray(s.dtype, s.length);
    this.#launch('readSync', [], () => this.#addon.readSync(s.id, into));
    return into;
  }

  free(storage: Storage): void {
    const s = asCudaStorage(storage, this, 'free', true);
    const id = s.release();
    this.#buffers--;
    this.#bytes -= s.bytes;
    this.#addon.free(id);
  }

  memory(): BackendMemory {
    return { buffers: this.#buffers, bytes: this.#bytes };
  }

  /** The device allocator's cache: live and cached blocks, cudaMalloc calls, hits, flushes. */
  cacheStats(): AllocatorStats {
    return this.#addon.stats();
  }

  /** Returns every cached (freed) device block to the driver. */
  emptyCache(): void {
    this.#addon.emptyCache();
  }

  /** Waits until every queued kernel has finished (for timing). */
  synchronize(): void {
    this.#launch('synchronize', [], () => this.#addon.synchronize());
  }

  /**
   * Chooses the matrix-multiply engine; returns the one in effect ('hand' when cuBLAS did not
   * load). The environment variable `STRATA_CUDA_GEMM=hand` picks the hand-written one at start.
   */
  setMatMulEngine(engine: MatMulEngine): MatMulEngine {
    return this.#addon.setUseCublas(engine === 'cublas') ? 'cublas' : 'hand';
  }

  // Required kernels.

  fill(shape: Shape, value: number, dtype: DType): TensorInfo {
    const n = sizeOf(shape);
    const out = this.#allocate(n, dtype, 'fill');
    this.#launch('fill', [out], () => this.#addon.fill(out.id, n, bytesPerElement(dtype), scalarBits(value, dtype)));
    return this.#info(out, shape);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    const xId = idOf(x, this, 'cast');
    const n = sizeOf(x.shape);
    const out = this.#allocate(n, dtype, 'cast');
    this.#launch(`cast ${x.dtype}→${dtype}`, [out], () => this.#addon.cast(xId, out.id, n, dtypeCode(x.dtype), dtypeCode(dtype)));
    return this.#info(out, x.shape);
  }

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    const label = `unary(${op}) of ${x.dtype} ${shapeToString(x.shape)}`;
    const xId = idOf(x, this, label);
    const dtype: DType = op === 'isNaN' ? 'bool' : x.dtype;
    const n = sizeOf(x.shape);
    const out = this.#allocate(n, dtype, label);
    this.#launch(label, [out], () => this.#addon.unary(unaryCode(op), dtypeCode(x.dtype), xId, out.id, n));
    return this.#info(out, x.shape);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
    const label = `binary(${op}) of ${a.dtype} ${shapeToString(a.shape)} and ${b.dtype} ${shapeToString(b.shape)}`;
    const aId = idOf(a, this, label);
    const bId = idOf(b, this, label);
    const shape = broadcastShapes(a.shape, b.shape);
    if (shape === null) throw new Error(`cuda backend: ${label}: shapes do not broadcast`);
    const dtype: DType = isBoolResult(op) ? 'bool' : a.dtype;
    const n = sizeOf(shape);
    const out = this.#allocate(n, dtype, label);
    this.#launch(label, [out], () => this.#binaryInto(op, a.dtype, aId, a.shape, bId, b.shape, out.id, shape, label));
    return this.#info(out, shape);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo {
    const label = `where of ${shapeToString(cond.shape)}, ${shapeToString(a.shape)}, ${shapeToString(b.shape)}`;
    const ids = [idOf(cond, this, label), idOf(a, this, label), idOf(b, this, label)] as const;
    const partial = broadcastShapes(cond.shape, a.shape);
    const shape = partial === null ? null : broadcastShapes(partial, b.shape);
    if (shape === null) throw new Error(`cuda backend: ${label}: shapes do not broadcast`);
    const n = sizeOf(shape);
    const out = this.#allocate(n, a.dtype, label);
    const layout = broadcastLayout('where', [cond.shape, a.shape, b.shape], shape);
    this.#launch(label, [out], () => this.#addon.where(ids[0], ids[1], ids[2], out.id, n, bytesPerElement(a.dtype), layout.dims, layout.strides[0]!, layout.strides[1]!, layout.strides[2]!));
    return this.#info(out, shape);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    const label = `reduce(${op}) of ${x.dtype} ${shapeToString(x.shape)} over [${axes.join(', ')}]`;
    const xId = idOf(x, this, label);
    const plan = reducePlan(x.shape, axes);
    const out = this.#allocate(plan.rows, x.dtype, label);
    this.#launch(label, [out], () => {
      if (plan.perm === null) {
        this.#addon.reduceRows(reduceCode(op), dtypeCode(x.dtype), xId, out.id, plan.rows, plan.length);
        return;
      }
      const perm = plan.perm;
      this.#withTemporary(sizeOf(x.shape), x.dtype, label, (moved) => {
        this.#copy(xId, moved, sizeOf(x.shape), x.dtype, transposeLayout(x.shape, perm), 0);
        this.#addon.reduceRows(reduceCode(op), dtypeCode(x.dtype), moved, out.id, plan.rows, plan.length);
      });
    });
    return this.#info(out, plan.outShape);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    const label = `argReduce(${op}) of ${x.dtype} ${shapeToString(x.shape)} along ${axis}`;
    const xId = idOf(x, this, label);
    const outer = sizeOf(x.shape.slice(0, axis));
    const length = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...x.shape.slice(axis + 1)];
    const out = this.#allocate(outer * inner, 'int32', label);
    this.#launch(label, [out], () => this.#addon.argReduce(isArgMax(op), dtypeCode(x.dtype), xId, out.id, outer, length, inner));
    return this.#info(out, shape);
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    const label = `matMul of ${shapeToString(a.shape)}${transposeA ? 'ᵀ' : ''} and ${shapeToString(b.shape)}${transposeB ? 'ᵀ' : ''}`;
    const aId = idOf(a, this, label);
    const bId = idOf(b, this, label);
    const plan = matMulPlan(a.shape, b.shape, transposeA, transposeB);
    const out = this.#allocate(sizeOf(plan.outShape), 'float32', label);
    this.#launch(label, [out], () => this.#matMulInto(aId, a.shape, bId, b.shape, out.id, transposeA, transposeB, 1, label));
    return this.#info(out, plan.outShape);
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    const label = `transpose of ${shapeToString(x.shape)} by [${perm.join(', ')}]`;
    const xId = idOf(x, this, label);
    const shape = perm.map((p) => x.shape[p]!);
    return this.#copyKernel(label, xId, x.dtype, shape, transposeLayout(x.shape, perm), 0);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    const label = `slice of ${shapeToString(x.shape)} at [${begin.join(', ')}] size [${size.join(', ')}]`;
    const xId = idOf(x, this, label);
    return this.#copyKernel(label, xId, x.dtype, [...size], sliceLayout(x.shape, begin, size), 0);
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    const label = `pad of ${shapeToString(x.shape)}`;
    const xId = idOf(x, this, label);
    const layout = padLayout(x.shape, paddings);
    return this.#copyKernel(label, xId, x.dtype, layout.dims, layout, scalarBits(value, x.dtype));
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    const label = `concat of ${xs.map((x) => shapeToString(x.shape)).join(', ')} along ${axis}`;
    const first = xs[0];
    if (first === undefined) throw new Error(`cuda backend: ${label}: no inputs`);
    const ids = xs.map((x) => idOf(x, this, label));
    const shape = [...first.shape];
    shape[axis] = xs.reduce((total, x) => total + x.shape[axis]!, 0);
    const out = this.#allocate(sizeOf(shape), first.dtype, label);
    const elementBytes = bytesPerElement(first.dtype);
    const rows = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const dstRowBytes = shape[axis]! * inner * elementBytes;
    this.#launch(label, [out], () => {
      let offset = 0;
      xs.forEach((x, i) => {
        const rowBytes = x.shape[axis]! * inner * elementBytes;
        this.#addon.concatPiece(ids[i]!, out.id, rows, rowBytes, dstRowBytes, offset);
        offset += rowBytes;
      });
    });
    return this.#info(out, shape);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    const label = `gather of ${shapeToString(x.shape)} by ${shapeToString(indices.shape)} along ${axis}`;
    const xId = idOf(x, this, label);
    const indexId = idOf(indices, this, label);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = this.#allocate(sizeOf(shape), x.dtype, label);
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    this.#launch(label, [out], () => this.#addon.gather(xId, indexId, out.id, outer, x.shape[axis]!, sizeOf(indices.shape), inner, bytesPerElement(x.dtype)));
    return this.#info(out, shape);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo {
    const label = `scatterAdd of ${updates.dtype} ${shapeToString(updates.shape)} by ${shapeToString(indices.shape)} along ${axis} into ${size}`;
    const updateId = idOf(updates, this, label);
    const indexId = idOf(indices, this, label);
    const indexRank = indices.shape.length;
    const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + indexRank)];
    const out = this.#allocate(sizeOf(shape), updates.dtype, label);
    const outer = sizeOf(updates.shape.slice(0, axis));
    const inner = sizeOf(updates.shape.slice(axis + indexRank));
    this.#launch(label, [out], () => this.#addon.scatterAdd(updateId, indexId, out.id, outer, size, sizeOf(indices.shape), inner, dtypeCode(updates.dtype)));
    return this.#info(out, shape);
  }

  // Optional kernels.

  conv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    const label = `conv2d of ${shapeToString(x.shape)} with filter ${shapeToString(filter.shape)}`;
    const g = convGeometry(x.shape, filter.shape, attrs, filter.shape[3]!);
    return this.#convKernel(label, convOutputShape(g), (out) => this.#addon.conv2d(idOf(x, this, label), idOf(filter, this, label), out, g));
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    const label = `conv2dBackpropInput of dy ${shapeToString(dy.shape)} with filter ${shapeToString(filter.shape)} to ${shapeToString(inputShape)}`;
    const g = convGeometry(inputShape, filter.shape, attrs, filter.shape[3]!);
    return this.#convKernel(label, [...inputShape], (out) => this.#addon.conv2dBackpropInput(idOf(dy, this, label), idOf(filter, this, label), out, g));
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    const label = `conv2dBackpropFilter of x ${shapeToString(x.shape)} and dy ${shapeToString(dy.shape)} to ${shapeToString(filterShape)}`;
    const g = convGeometry(x.shape, filterShape, attrs, filterShape[3]!);
    return this.#convKernel(label, [...filterShape], (out) => this.#addon.conv2dBackpropFilter(idOf(x, this, label), idOf(dy, this, label), out, g));
  }

  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    const label = `depthwiseConv2d of ${shapeToString(x.shape)} with filter ${shapeToString(filter.shape)}`;
    const multiplier = filter.shape[3]!;
    const g = convGeometry(x.shape, filter.shape, attrs, x.shape[3]! * multiplier);
    return this.#convKernel(label, convOutputShape(g), (out) => this.#addon.depthwiseConv2d(idOf(x, this, label), idOf(filter, this, label), out, g, multiplier));
  }

  maxPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    const label = `maxPool of ${shapeToString(x.shape)}`;
    const g = poolGeometry(x.shape, attrs);
    return this.#convKernel(label, convOutputShape(g), (out) => this.#addon.maxPool(idOf(x, this, label), out, g));
  }

  maxPoolBackprop(dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    const label = `maxPoolBackprop of dy ${shapeToString(dy.shape)} and x ${shapeToString(x.shape)}`;
    const g = poolGeometry(x.shape, attrs);
    return this.#convKernel(label, [...x.shape], (out) => this.#addon.maxPoolBackprop(idOf(dy, this, label), idOf(x, this, label), out, g));
  }

  avgPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    const label = `avgPool of ${shapeToString(x.shape)}`;
    const g = poolGeometry(x.shape, attrs);
    return this.#convKernel(label, convOutputShape(g), (out) => this.#addon.avgPool(idOf(x, this, label), out, g));
  }

  avgPoolBackprop(dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): TensorInfo {
    const label = `avgPoolBackprop of dy ${shapeToString(dy.shape)} to ${shapeToString(inputShape)}`;
    const g = poolGeometry(inputShape, attrs);
    return this.#convKernel(label, [...inputShape], (out) => this.#addon.avgPoolBackprop(idOf(dy, this, label), out, g));
  }

  softmax(x: TensorInfo): TensorInfo {
    return this.#softmax(x, false);
  }

  logSoftmax(x: TensorInfo): TensorInfo {
    return this.#softmax(x, true);
  }

  layerNorm(x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo {
    const label = `layerNorm of ${shapeToString(x.shape)}`;
    const ids = [idOf(x, this, label), idOf(gamma, this, label), idOf(beta, this, label)] as const;
    const { rows, length } = lastAxisRows(x.shape);
    const out = this.#allocate(sizeOf(x.shape), 'float32', label);
    this.#launch(label, [out], () => this.#addon.layerNorm(ids[0], ids[1], ids[2], out.id, rows, length, epsilon));
    return this.#info(out, x.shape);
  }

  batchNorm(x: TensorInfo, mean: TensorInfo, variance: TensorInfo, offset: TensorInfo, scale: TensorInfo, epsilon: number): TensorInfo {
    const label = `batchNorm of ${shapeToString(x.shape)}`;
    const vectors = [mean, variance, offset, scale];
    const ids = vectors.map((v) => idOf(v, this, label));
    const n = sizeOf(x.shape);
    const channels = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
    const xId = idOf(x, this, label);
    const out = this.#allocate(n, 'float32', label);
    this.#launch(label, [out], () => this.#addon.batchNorm(xId, ids[0]!, ids[1]!, ids[2]!, ids[3]!, out.id, n, channels, vectors.map((v) => sizeOf(v.shape)), epsilon));
    return this.#info(out, x.shape);
  }

  fusedMatMul(a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean): TensorInfo {
    const label = `fusedMatMul of ${shapeToString(a.shape)}${transposeA ? 'ᵀ' : ''} and ${shapeToString(b.shape)}${transposeB ? 'ᵀ' : ''}` +
      (bias ? ` + ${shapeToString(bias.shape)}` : '') + ` (${activation})`;
    const aId = idOf(a, this, label);
    const bId = idOf(b, this, label);
    const biasId = bias ? idOf(bias, this, label) : -1;
    const plan = matMulPlan(a.shape, b.shape, transposeA, transposeB);
    const shape = bias ? broadcastShapes(plan.outShape, bias.shape) : plan.outShape;
    if (shape === null) throw new Error(`cuda backend: ${label}: bias does not broadcast against the product ${shapeToString(plan.outShape)}`);
    const product = this.#allocate(sizeOf(plan.outShape), 'float32', label);
    this.#launch(label, [product], () => this.#matMulInto(aId, a.shape, bId, b.shape, product.id, transposeA, transposeB, 1, label));
    if (bias === null && activation === 'linear') return this.#info(product, shape);
    // The product is fresh storage, so the epilogue may run in place when the shape is unchanged.
    const inPlace = sameShape(shape, plan.outShape);
    const out = inPlace ? product : this.#allocate(sizeOf(shape), 'float32', label);
    const layout = broadcastLayout('fusedMatMul', [plan.outShape, bias?.shape ?? plan.outShape], shape);
    this.#launch(label, inPlace ? [out] : [out, product], () => this.#addon.biasActivation(product.id, biasId, out.id, sizeOf(shape), activationCode(activation), layout.dims, layout.strides[0]!, layout.strides[1]!));
    if (!inPlace) this.free(product);
    return this.#info(out, shape);
  }

  attention(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo | null, scale: number): TensorInfo {
    const label = `attention of q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)}` +
      (mask ? `, mask ${shapeToString(mask.shape)}` : '');
    const [qId, kId, vId] = [idOf(q, this, label), idOf(k, this, label), idOf(v, this, label)];
    const maskId = mask ? idOf(mask, this, label) : -1;
    const r = q.shape.length;
    const batchShape = q.shape.slice(0, -2);
    const batch = sizeOf(batchShape);
    const [m, d, n, e] = [q.shape[r - 2]!, q.shape[r - 1]!, k.shape[r - 2]!, v.shape[r - 1]!];
    const scoresShape = [...batchShape, m, n];
    const outShape = [...batchShape, m, e];
    const out = this.#allocate(sizeOf(outShape), 'float32', label);
    this.#launch(label, [out], () => {
      this.#withTemporary(batch * m * n, 'float32', label, (scores) => {
        this.#addon.matMul(qId, kId, scores, batch, m, n, d, false, true, m * d, n * d, scale);
        if (mask !== null) this.#binaryInto('add', 'float32', scores, scoresShape, maskId, mask.shape, scores, scoresShape, label);
        this.#addon.softmax(scores, scores, batch * m, n, false);
        this.#addon.matMul(scores, vId, out.id, batch, m, e, n, false, false, m * n, n * e, 1);
      });
    });
    return this.#info(out, outShape);
  }

  adamUpdate(param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, attrs: AdamAttrs): [TensorInfo, TensorInfo, TensorInfo] {
    const label = `adamUpdate of ${shapeToString(param.shape)}`;
    const ids = [param, grad, m, v].map((t) => idOf(t, this, label));
    const n = sizeOf(param.shape);
    const outs = [0, 1, 2].map(() => this.#allocate(n, 'float32', label));
    const stepSize = (attrs.learningRate * Math.sqrt(1 - attrs.beta2 ** attrs.step)) / (1 - attrs.beta1 ** attrs.step);
    this.#launch(label, outs, () => this.#addon.adam(ids[0]!, ids[1]!, ids[2]!, ids[3]!, outs[0]!.id, outs[1]!.id, outs[2]!.id, n, stepSize, attrs.beta1, attrs.beta2, attrs.epsilon));
    return [this.#info(outs[0]!, param.shape), this.#info(outs[1]!, param.shape), this.#info(outs[2]!, param.shape)];
  }

  sgdUpdate(param: TensorInfo, grad: TensorInfo, velocity: TensorInfo, attrs: SgdAttrs): [TensorInfo, TensorInfo] {
    const label = `sgdUpdate of ${shapeToString(param.shape)}`;
    const ids = [param, grad, velocity].map((t) => idOf(t, this, label));
    const n = sizeOf(param.shape);
    const outP = this.#allocate(n, 'float32', label);
    const outV = this.#allocate(n, 'float32', label);
    this.#launch(label, [outP, outV], () => this.#addon.sgd(ids[0]!, ids[1]!, ids[2]!, outP.id, outV.id, n, attrs.learningRate, attrs.momentum, attrs.nesterov));
    return [this.#info(outP, param.shape), this.#info(outV, param.shape)];
  }

  // Helpers.

  #allocate(length: number, dtype: DType, label: string): CudaStorage {
    let id: number;
    try {
      id = this.#addon.alloc(length * bytesPerElement(dtype));
    } catch (err) {
      throw this.#error(label, err);
    }
    const storage = new CudaStorage(id, length, dtype, this);
    this.#buffers++;
    this.#bytes += storage.bytes;
    return storage;
  }

  #info(storage: CudaStorage, shape: Shape): TensorInfo {
    return { storage, shape: [...shape], dtype: storage.dtype };
  }

  #error(label: string, err: unknown): Error {
    return new Error(`cuda backend: ${label}: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Runs `enqueue`; on failure frees `outputs` and throws an error naming the kernel. */
  #launch(label: string, outputs: readonly CudaStorage[], enqueue: () => void): void {
    try {
      enqueue();
    } catch (err) {
      for (const o of outputs) if (!o.isFreed) this.free(o);
      throw this.#error(label, err);
    }
  }

  /** A device buffer that lives only while `use` runs (its block returns to the cache after). */
  #withTemporary(length: number, dtype: DType, label: string, use: (id: number) => void): void {
    const temp = this.#allocate(length, dtype, label);
    try {
      use(temp.id);
    } finally {
      this.free(temp);
    }
  }

  #copy(xId: number, outId: number, n: number, dtype: DType, layout: CopyLayout, fillBits: number): void {
    this.#addon.copy(xId, outId, n, bytesPerElement(dtype), layout.dims, layout.inStrides, layout.lo, layout.extent, layout.base, fillBits);
  }

  #copyKernel(label: string, xId: number, dtype: DType, shape: readonly number[], layout: CopyLayout, fillBits: number): TensorInfo {
    const n = sizeOf(shape);
    const out = this.#allocate(n, dtype, label);
    this.#launch(label, [out], () => this.#copy(xId, out.id, n, dtype, layout, fillBits));
    return this.#info(out, shape);
  }

  #binaryInto(op: BinaryOp, dtype: DType, aId: number, aShape: Shape, bId: number, bShape: Shape, outId: number, shape: Shape, label: string): void {
    const n = sizeOf(shape);
    const contiguous = sameShape(aShape, shape) && sameShape(bShape, shape);
    const layout = contiguous ? { dims: [], strides: [[], []] } : broadcastLayout(label, [aShape, bShape], shape);
    this.#addon.binary(binaryCode(op), dtypeCode(dtype), aId, bId, outId, n, layout.dims, layout.strides[0]!, layout.strides[1]!, contiguous);
  }

  /** matMul into `outId`, expanding an input first when its batch dims broadcast in general. */
  #matMulInto(aId: number, aShape: Shape, bId: number, bShape: Shape, outId: number, transposeA: boolean, transposeB: boolean, alpha: number, label: string): void {
    const plan = matMulPlan(aShape, bShape, transposeA, transposeB);
    const run = (a: number, b: number): void =>
      this.#addon.matMul(a, b, outId, plan.batch, plan.m, plan.n, plan.k, transposeA, transposeB, plan.strideA, plan.strideB, alpha);
    const expand = (id: number, shape: Shape, batchShape: number[], then: (expanded: number) => void): void => {
      const full = [...batchShape, ...shape.slice(-2)];
      this.#withTemporary(sizeOf(full), 'float32', label, (expanded) => {
        this.#copy(id, expanded, sizeOf(full), 'float32', expandLayout(shape, full), 0);
        then(expanded);
      });
    };
    const withB = (a: number): void => {
      if (plan.expandB === null) run(a, bId);
      else expand(bId, bShape, plan.expandB, (b) => run(a, b));
    };
    if (plan.expandA === null) withB(aId);
    else expand(aId, aShape, plan.expandA, withB);
  }

  #convKernel(label: string, shape: number[], enqueue: (outId: number) => void): TensorInfo {
    const out = this.#allocate(sizeOf(shape), 'float32', label);
    this.#launch(label, [out], () => enqueue(out.id));
    return this.#info(out, shape);
  }

  #softmax(x: TensorInfo, log: boolean): TensorInfo {
    const label = `${log ? 'logSoftmax' : 'softmax'} of ${shapeToString(x.shape)}`;
    const xId = idOf(x, this, label);
    const { rows, length } = lastAxisRows(x.shape);
    const out = this.#allocate(sizeOf(x.shape), 'float32', label);
    this.#launch(label, [out], () => this.#addon.softmax(xId, out.id, rows, length, log));
    return this.#info(out, x.shape);
  }
}
