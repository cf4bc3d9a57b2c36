/**
 * Convolution layers (channels-last only): Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D and
 * SeparableConv2D. Keras 3 names and behaviour; configs use TensorFlow.js' keys so saved models
 * load in either.
 */
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import * as convOps from '../ops/conv.js';
import { fusedMatMul } from '../ops/fused.js';
import { pad, slice } from '../ops/movement.js';
import { reshape } from '../ops/reshape.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { activationName, getActivation, type ActivationName } from './activations.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from './constraints.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { Layer, singleInput, singleShape, type LayerArgs, type SymbolicShape } from './layer.js';
import {
  addActivityLoss, checkDataFormat, formatShape, normalizePadding, normalizeTuple, serializeOrNull, windowOutputLength, ShapedLayer,
  type DataFormat, type PaddingName,
} from './layer-utils.js';

/** Arguments shared by every convolution layer (Keras / TensorFlow.js names). */
export interface BaseConvArgs extends LayerArgs {
  /** Window size: one number for every spatial dim, or one per dim. */
  kernelSize: number | readonly number[];
  /** Step between windows (default 1). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'` (output size `ceil(input / stride)`). */
  padding?: PaddingName;
  /** Only `'channelsLast'` (`'channels_last'`) is supported. */
  dataFormat?: DataFormat | null;
  /** Spacing between kernel taps (default 1). */
  dilationRate?: number | readonly number[];
  /** Activation name; default linear. */
  activation?: ActivationName | string | null;
  /** Whether to add a bias per output channel (default true). */
  useBias?: boolean;
  /** Default `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Regularizer of the bias. */
  biasRegularizer?: RegularizerIdentifier | null;
  /** Penalty on the layer's output, added with `addLoss` on every call. */
  activityRegularizer?: RegularizerIdentifier | null;
  /** Constraint applied to the bias after each step. */
  biasConstraint?: ConstraintIdentifier | null;
}

/** Arguments of Conv1D, Conv2D and Conv2DTranspose. */
export interface ConvArgs extends BaseConvArgs {
  /** Number of output channels. */
  filters: number;
  /** Default `'glorotUniform'` (Keras). */
  kernelInitializer?: InitializerIdentifier;
  /** Regularizer of the kernel. */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** Constraint applied to the kernel after each step. */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Keras' grouped convolution; only 1 (accepted so Keras configs load). */
  groups?: number;
}

/** Arguments of {@link Conv1D}: padding may also be `'causal'`. */
export interface Conv1DArgs extends Omit<ConvArgs, 'padding'> {
  /** `'valid'`, `'same'`, or `'causal'` (output t sees inputs ≤ t only). */
  padding?: PaddingName;
}

/** Arguments of {@link Conv2D}. */
export type Conv2DArgs = ConvArgs;

/** Arguments of {@link Conv2DTranspose}. */
export interface Conv2DTransposeArgs extends ConvArgs {
  /** Keras' extra output rows/columns; not supported (only null, accepted for Keras configs). */
  outputPadding?: null;
}

/** Arguments of {@link DepthwiseConv2D}. */
export interface DepthwiseConv2DArgs extends BaseConvArgs {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default `'glorotUniform'` (Keras). */
  depthwiseInitializer?: InitializerIdentifier;
  /** Regularizer of the depthwise kernel. */
  depthwiseRegularizer?: RegularizerIdentifier | null;
  /** Constraint applied to the depthwise kernel after each step. */
  depthwiseConstraint?: ConstraintIdentifier | null;
}

/** Arguments of {@link SeparableConv2D}. */
export interface SeparableConv2DArgs extends DepthwiseConv2DArgs {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  /** Default `'glorotUniform'` (Keras). */
  pointwiseInitializer?: InitializerIdentifier;
  /** Regularizer of the pointwise kernel. */
  pointwiseRegularizer?: RegularizerIdentifier | null;
  /** Constraint applied to the pointwise kernel after each step. */
  pointwiseConstraint?: ConstraintIdentifier | null;
}

/** What each convolution layer's getConfig drops from the shared keys (as TensorFlow.js does). */
interface ConfigOmissions {
  dataFormat?: boolean;
  dilationRate?: boolean;
}

/**
 * The shared part of every convolution layer: argument checks, weights' bias, bias + activation,
 * output-shape rule and config keys. Subclasses create their kernels and convolve.
 */
export abstract class BaseConv extends ShapedLayer {
  /** Number of spatial dims (1 or 2). */
  readonly rank: number;
  /** Window size per spatial dimension. */
  readonly kernelSize: number[];
  /** Step per spatial dimension. */
  readonly strides: number[];
  /** `valid` (no padding), `same` (output size `ceil(input / stride)`) or, for Conv1D, `causal`. */
  readonly padding: PaddingName;
  /** Always channels-last (`[batch, ..., channels]`). */
  readonly dataFormat: 'channelsLast';
  /** Dilation per spatial dimension. */
  readonly dilationRate: number[];
  /** The activation applied to the output. */
  readonly activation: ActivationName;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Initializer of the bias. */
  readonly biasInitializer: Initializer;
  /** Regularizer of the bias, or null. */
  readonly biasRegularizer: Regularizer | null;
  /** Regularizer of the output, or null. */
  readonly activityRegularizer: Regularizer | null;
  /** Constraint of the bias, or null. */
  readonly biasConstraint: Constraint | null;
  /** The bias, created by `build` (null without `useBias`). */
  bias: Variable | null = null;

  constructor(rank: number, args: BaseConvArgs, allowCausal = false) {
    super(args);
    const where = this.where;
    this.rank = rank;
    if (args.kernelSize === undefined || args.kernelSize === null) throw new Error(`${where}: kernelSize is required`);
    this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernelSize', where);
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides', where);
    this.padding = normalizePadding(args.padding, where, allowCausal);
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate', where);
    this.activation = activationName(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', `${where} biasInitializer`);
    this.biasRegularizer = getRegularizer(args.biasRegularizer, `${where} biasRegularizer`);
    this.activityRegularizer = getRegularizer(args.activityRegularizer, `${where} activityRegularizer`);
    this.biasConstraint = getConstraint(args.biasConstraint, `${where} biasConstraint`);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** `name (ClassName)`, for error messages. */
  protected get where(): string {
    return `${this.name} (${(this.constructor as typeof Layer).className})`;
  }

  /** Output channels for `inputChannels` input channels. */
  protected abstract outputChannels(inputChannels: number): number;
  /** Creates the kernel weight(s) for `inputChannels` input channels (before the bias). */
  protected abstract buildKernels(inputChannels: number): void;
  /** The convolution without bias and activation. */
  protected abstract convolve(x: Tensor): Tensor;

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[shape.length - 1];
    if (shape.length !== this.rank + 2) {
      throw new Error(`${this.where}: expects inputs of rank ${this.rank + 2} (batch, ${this.rank === 1 ? 'steps' : 'height, width'}, channels), got shape ${formatShape(shape)}`);
    }
    if (channels === null || channels === undefined) throw new Error(`${this.where}: the channel dimension (last) of the input must be known, got shape ${formatShape(shape)}`);
    this.buildKernels(channels);
    if (this.useBias) {
      this.bias = this.addWeight('bias', { shape: [this.outputChannels(channels)], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
    this.builtInputShape = [null, ...shape.slice(1)];
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const y = engine().tidy(() => {
      const conv = this.convolve(x);
      const biased = this.bias ? add(conv, this.bias) : conv;
      return this.activation === 'linear' ? biased : getActivation(this.activation)(biased);
    });
    addActivityLoss(this, this.activityRegularizer, y);
    return y;
  }

  /** Output size of spatial dim `i` for an input size (null stays null). */
  protected spatialOutput(length: number | null, i: number, shape: SymbolicShape): number | null {
    return windowOutputLength(length, this.kernelSize[i]!, this.padding, this.strides[i]!, this.dilationRate[i]!, this.where, shape);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== this.rank + 2) {
      throw new Error(`${this.where}: expects inputs of rank ${this.rank + 2}, got shape ${formatShape(shape)}`);
    }
    const channels = shape[shape.length - 1]!;
    const spatial = shape.slice(1, -1).map((d, i) => this.spatialOutput(d, i, shape));
    return [shape[0]!, ...spatial, channels === null ? null : this.outputChannels(channels)];
  }

  /** The shared config keys; `omit` drops those TensorFlow.js leaves out for a layer. */
  protected baseConvConfig(omit: ConfigOmissions = {}): ConfigDict {
    const config: ConfigDict = {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeOrNull(this.biasInitializer),
      biasRegularizer: serializeOrNull(this.biasRegularizer),
      activityRegularizer: serializeOrNull(this.activityRegularizer),
      biasConstraint: serializeOrNull(this.biasConstraint),
    };
    if (omit.dataFormat) delete config['dataFormat'];
    if (omit.dilationRate) delete config['dilationRate'];
    return config;
  }
}

/** Convolutions with `filters` output channels and one `kernel` weight: Conv1D, Conv2D, Conv2DTranspose. */
export abstract class Conv extends BaseConv {
  /** Number of output channels. */
  readonly filters: number;
  /** Initializer of the kernel. */
  readonly kernelInitializer: Initializer;
  /** Regularizer of the kernel, or null. */
  readonly kernelRegularizer: Regularizer | null;
  /** Constraint of the kernel, or null. */
  readonly kernelConstraint: Constraint | null;
  /** The kernel, created by `build`. */
  kernel: Variable | null = null;

  constructor(rank: number, args: ConvArgs | Conv1DArgs, allowCausal = false) {
    super(rank, args as BaseConvArgs, allowCausal);
    const where = this.where;
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`${where}: filters must be a positive integer, got ${JSON.stringify(args.filters)}`);
    if (args.groups !== undefined && args.groups !== null && args.groups !== 1) {
      throw new Error(`${where}: groups=${JSON.stringify(args.groups)} is not supported (only 1)`);
    }
    this.filters = args.filters;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', `${where} kernelInitializer`);
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, `${where} kernelRegularizer`);
    this.kernelConstraint = getConstraint(args.kernelConstraint, `${where} kernelConstraint`);
  }

  protected outputChannels(): number {
    return this.filters;
  }

  /** The kernel's shape for `inputChannels` input channels. */
  protected kernelShape(inputChannels: number): number[] {
    return [...this.kernelSize, inputChannels, this.filters];
  }

  protected buildKernels(inputChannels: number): void {
    this.kernel = this.addWeight('kernel', { shape: this.kernelShape(inputChannels), initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
  }

  /** The config entries every convolution shares; `omit` leaves out those a subclass does not take. */
  protected convConfig(omit: ConfigOmissions = {}): ConfigDict {
    return {
      ...this.baseConvConfig(omit),
      filters: this.filters,
      kernelInitializer: serializeOrNull(this.kernelInitializer),
      kernelRegularizer: serializeOrNull(this.kernelRegularizer),
      kernelConstraint: serializeOrNull(this.kernelConstraint),
    };
  }
}

/**
 * 1-D convolution over `[batch, steps, channels]`. Weights: `kernel` `[kernelSize, inChannels,
 * filters]`, then `bias` `[filters]`. Padding `'causal'` pads only on the left.
 * @example st.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'causal' })
 */
export class Conv1D extends Conv {
  static override readonly className = 'Conv1D';

  constructor(args: Conv1DArgs) {
    super(1, args, true);
  }

  protected convolve(x: Tensor): Tensor {
    const [k, d] = [this.kernelSize[0]!, this.dilationRate[0]!];
    const padding = this.padding === 'causal' ? ([(k - 1) * d, 0] as const) : this.padding;
    return convOps.conv1d(x, this.kernel!, this.strides[0]!, padding, d);
  }

  /** TensorFlow.js' Conv1D config has no dataFormat. */
  override getConfig(): ConfigDict {
    return this.convConfig({ dataFormat: true });
  }
}
registerClass('layer', Conv1D);

/** A 1-D convolution layer (see {@link Conv1D}). */
export const conv1d = (args: Conv1DArgs): Conv1D => new Conv1D(args);

/**
 * 2-D convolution over NHWC images. Weights: `kernel` `[kh, kw, inChannels, filters]`, then
 * `bias` `[filters]`.
 * @example st.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' })
 */
export class Conv2D extends Conv {
  static override readonly className = 'Conv2D';

  constructor(args: Conv2DArgs) {
    super(2, args);
  }

  protected convolve(x: Tensor): Tensor {
    return convOps.conv2d(x, this.kernel!, [this.strides[0]!, this.strides[1]!], this.padding as 'valid' | 'same', [this.dilationRate[0]!, this.dilationRate[1]!]);
  }

  override getConfig(): ConfigDict {
    return this.convConfig();
  }
}
registerClass('layer', Conv2D);

/**
 * A 2-D convolution layer (see {@link Conv2D}).
 * @example
 * const conv = st.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' });
 * const y = conv.apply(st.randomNormal([2, 28, 28, 1]));   // [2, 28, 28, 32] (channels last)
 */
export const conv2d = (args: Conv2DArgs): Conv2D => new Conv2D(args);

/** Inserts `d - 1` zeros between the taps of a `[kh, kw, a, b]` kernel (a dilated kernel made dense). */
function dilateKernel(kernel: Tensor, dh: number, dw: number): Tensor {
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, a, b] = kernel.shape as [number, number, number, number];
  const spread = pad(reshape(kernel, [kh, 1, kw, 1, a, b]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return slice(reshape(spread, [kh * dh, kw * dw, a, b]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]);
}

/**
 * Transposed 2-D convolution ("deconvolution"): the gradient of a Conv2D with respect to its
 * input, used to upsample. Output size per dim: `in * stride` ('same') or
 * `in * stride + max(kernel - stride, 0)` ('valid'), kernel counted with its dilation. Weights:
 * `kernel` `[kh, kw, filters, inChannels]`, then `bias` `[filters]`.
 * @example st.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' })
 */
export class Conv2DTranspose extends Conv {
  static override readonly className = 'Conv2DTranspose';

  constructor(args: Conv2DTransposeArgs) {
    super(2, args);
    if (args.outputPadding !== undefined && args.outputPadding !== null) {
      throw new Error(`${this.where}: outputPadding ${JSON.stringify(args.outputPadding)} is not supported (only null)`);
    }
  }

  protected override kernelShape(inputChannels: number): number[] {
    return [...this.kernelSize, this.filters, inputChannels];
  }

  protected override spatialOutput(length: number | null, i: number): number | null {
    if (length === null) return null;
    const stride = this.strides[i]!;
    const effective = (this.kernelSize[i]! - 1) * this.dilationRate[i]! + 1;
    return this.padding === 'same' ? length * stride : length * stride + Math.max(effective - stride, 0);
  }

  protected convolve(x: Tensor): Tensor {
    const [n, h, w] = x.shape as [number, number, number, number];
    const outShape = [n, this.spatialOutput(h, 0)!, this.spatialOutput(w, 1)!, this.filters];
    const kernel = dilateKernel(this.kernel!, this.dilationRate[0]!, this.dilationRate[1]!);
    return convOps.conv2dTranspose(x, kernel, outShape, [this.strides[0]!, this.strides[1]!], this.padding as 'valid' | 'same');
  }

  /** TensorFlow.js' config has no dilationRate; it is written only when not 1 (Keras has it). */
  override getConfig(): ConfigDict {
    return this.convConfig({ dilationRate: this.dilationRate.every((d) => d === 1) });
  }
}
registerClass('layer', Conv2DTranspose);

/** A transposed 2-D convolution layer (see {@link Conv2DTranspose}). */
export const conv2dTranspose = (args: Conv2DTransposeArgs): Conv2DTranspose => new Conv2DTranspose(args);

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `depthMultiplier`
 * filters (output channel `c * depthMultiplier + j`). Weights: `depthwise_kernel`
 * `[kh, kw, inChannels, depthMultiplier]`, then `bias` `[inChannels * depthMultiplier]`.
 * @example st.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 })
 */
export class DepthwiseConv2D extends BaseConv {
  static override readonly className: string = 'DepthwiseConv2D';
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  /** Initializer of the depthwise kernel. */
  readonly depthwiseInitializer: Initializer;
  /** Regularizer of the depthwise kernel, or null. */
  readonly depthwiseRegularizer: Regularizer | null;
  /** Constraint of the depthwise kernel, or null. */
  readonly depthwiseConstraint: Constraint | null;
  /** The depthwise kernel, created by `build`. */
  depthwiseKernel: Variable | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(2, args);
    const where = this.where;
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) throw new Error(`${where}: depthMultiplier must be a positive integer, got ${JSON.stringify(args.depthMultiplier)}`);
    this.depthMultiplier = m;
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorotUniform', `${where} depthwiseInitializer`);
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer, `${where} depthwiseRegularizer`);
    this.depthwiseConstraint = getConstraint(args.depthwiseConstraint, `${where} depthwiseConstraint`);
  }

  protected outputChannels(inputChannels: number): number {
    return inputChannels * this.depthMultiplier;
  }

  protected buildKernels(inputChannels: number): void {
    this.depthwiseKernel = this.addWeight('depthwise_kernel', {
      shape: [...this.kernelSize, inputChannels, this.depthMultiplier],
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
  }

  /** The depthwise step shared with SeparableConv2D. */
  protected depthwise(x: Tensor): Tensor {
    return convOps.depthwiseConv2d(x, this.depthwiseKernel!, [this.strides[0]!, this.strides[1]!], this.padding as 'valid' | 'same', [this.dilationRate[0]!, this.dilationRate[1]!]);
  }

  protected convolve(x: Tensor): Tensor {
    return this.depthwise(x);
  }

  /** The config entries of the depthwise kernel. */
  protected depthwiseConfig(): ConfigDict {
    return {
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeOrNull(this.depthwiseInitializer),
      depthwiseRegularizer: serializeOrNull(this.depthwiseRegularizer),
      depthwiseConstraint: serializeOrNull(this.depthwiseConstraint),
    };
  }

  override getConfig(): ConfigDict {
    return { ...this.baseConvConfig(), ...this.depthwiseConfig() };
  }
}
registerClass('layer', DepthwiseConv2D);

/** A depthwise 2-D convolution layer (see {@link DepthwiseConv2D}). */
export const depthwiseConv2d = (args: DepthwiseConv2DArgs): DepthwiseConv2D => new DepthwiseConv2D(args);

/**
 * Depthwise-separable 2-D convolution: a depthwise convolution (strides, padding and dilation
 * apply here) followed by a 1x1 convolution to `filters` channels. Weights: `depthwise_kernel`
 * `[kh, kw, inChannels, depthMultiplier]`, `pointwise_kernel`
 * `[1, 1, inChannels * depthMultiplier, filters]`, then `bias` `[filters]`.
 * @example st.layers.separableConv2d({ filters: 32, kernelSize: 3, padding: 'same' })
 */
export class SeparableConv2D extends DepthwiseConv2D {
  static override readonly className = 'SeparableConv2D';
  /** Number of output channels. */
  readonly filters: number;
  /** Initializer of the pointwise kernel. */
  readonly pointwiseInitializer: Initializer;
  /** Regularizer of the pointwise kernel, or null. */
  readonly pointwiseRegularizer: Regularizer | null;
  /** Constraint of the pointwise kernel, or null. */
  readonly pointwiseConstraint: Constraint | null;
  /** The pointwise (1×1) kernel, created by `build`. */
  pointwiseKernel: Variable | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    const where = this.where;
    const extra = args as { kernelInitializer?: unknown; kernelRegularizer?: unknown; kernelConstraint?: unknown };
    if (extra.kernelInitializer != null || extra.kernelRegularizer != null || extra.kernelConstraint != null) {
      throw new Error(`${where}: kernelInitializer, kernelRegularizer and kernelConstraint do not apply; use depthwise*/pointwise* instead`);
    }
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`${where}: filters must be a positive integer, got ${JSON.stringify(args.filters)}`);
    this.filters = args.filters;
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer ?? 'glorotUniform', `${where} pointwiseInitializer`);
    this.pointwiseRegularizer = getRegularizer(args.pointwiseRegularizer, `${where} pointwiseRegularizer`);
    this.pointwiseConstraint = getConstraint(args.pointwiseConstraint, `${where} pointwiseConstraint`);
  }

  protected override outputChannels(): number {
    return this.filters;
  }

  protected override buildKernels(inputChannels: number): void {
    super.buildKernels(inputChannels);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', {
      shape: [1, 1, inputChannels * this.depthMultiplier, this.filters],
      initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint,
    });
  }

  protected override convolve(x: Tensor): Tensor {
    const d = this.depthwise(x);
    const channels = d.shape[3]!;
    // A 1x1 convolution is a matMul over pixels.
    const rows = reshape(d, [d.size / channels, channels]);
    const y = fusedMatMul({ a: rows, b: reshape(this.pointwiseKernel!, [channels, this.filters]) });
    return reshape(y, [...d.shape.slice(0, 3), this.filters]);
  }

  /** TensorFlow.js' keys plus depthMultiplier (which TensorFlow.js forgets to write). */
  override getConfig(): ConfigDict {
    return {
      ...this.baseConvConfig(),
      filters: this.filters,
      ...this.depthwiseConfig(),
      pointwiseInitializer: serializeOrNull(this.pointwiseInitializer),
      pointwiseRegularizer: serializeOrNull(this.pointwiseRegularizer),
      pointwiseConstraint: serializeOrNull(this.pointwiseConstraint),
    };
  }
}
registerClass('layer', SeparableConv2D);

/** A depthwise-separable 2-D convolution layer (see {@link SeparableConv2D}). */
export const separableConv2d = (args: SeparableConv2DArgs): SeparableConv2D => new SeparableConv2D(args);
