/**
 * Input: the entry point of a functional model. `st.input({shape})` returns the symbolic tensor an
 * InputLayer produces; the layer itself is the graph's source node.
 */
import type { DType } from '../backend/contract.js';
import type { Tensor } from '../tensor/tensor.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Layer, LayerNode, SymbolicTensor, uniqueLayerName, type SymbolicShape } from './layer.js';
import { formatShape } from './layer-utils.js';

/** Arguments of `InputLayer` (what `st.input` creates). */
export interface InputLayerArgs {
  /** Shape without the batch dimension (`null` for unknown sizes). */
  inputShape?: SymbolicShape;
  /** Fixed batch size, used with `inputShape`. */
  batchSize?: number | null;
  /** Shape including the batch dimension (instead of `inputShape`). */
  batchInputShape?: SymbolicShape;
  /** The dtype of the input (default float32). */
  dtype?: DType;
  /** The layer's name. */
  name?: string;
  /** Accepted for TensorFlow.js configs; must be false. */
  sparse?: boolean;
}

/** The layer behind `st.input()`: passes its input through. */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  /** The symbolic tensor this layer produces. */
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs) {
    const shape = args.batchInputShape ?? (args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null);
    if (!shape) throw new Error('input: give shape (without the batch dimension) or batchShape');
    shape.forEach((d, i) => {
      if (d !== null && !(Number.isInteger(d) && d >= 0)) throw new Error(`input: dimension ${i} of ${formatShape(shape)} must be a non-negative integer or null`);
    });
    if (args.sparse) throw new Error('input: sparse inputs are not supported');
    super({ name: args.name ?? uniqueLayerName('input_layer'), batchInputShape: shape, dtype: args.dtype ?? 'float32', trainable: false });
    this.built = true;
    this.output = new SymbolicTensor(shape, this.dtype, this.name);
    const node = new LayerNode(this, [], [this.output], {}, 0);
    this.inboundNodes.push(node);
    this.output.node = node;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override getConfig(): ConfigDict {
    return { batchInputShape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}
registerClass('layer', InputLayer);

/** Arguments of `st.input`. */
export interface InputArgs {
  /** Shape without the batch dimension, e.g. `[28, 28, 1]`. */
  shape?: SymbolicShape;
  /** Shape with the batch dimension (instead of `shape`). */
  batchShape?: SymbolicShape;
  /** Fixed batch size, used with `shape`. */
  batchSize?: number | null;
  /** The dtype of the input (default float32). */
  dtype?: DType;
  /** The input layer's name. */
  name?: string;
}

/**
 * A symbolic input for the functional API.
 * @example
 * const x = st.input({ shape: [784] });
 * const y = st.layers.dense({ units: 10 }).apply(x);
 * const model = st.model({ inputs: x, outputs: y });
 */
export function input(args: InputArgs): SymbolicTensor {
  const layerArgs: InputLayerArgs = { dtype: args.dtype ?? 'float32' };
  if (args.batchShape) layerArgs.batchInputShape = args.batchShape;
  else if (args.shape) layerArgs.inputShape = args.shape;
  if (args.batchSize !== undefined) layerArgs.batchSize = args.batchSize;
  if (args.name !== undefined) layerArgs.name = args.name;
  return new InputLayer(layerArgs).output;
}
