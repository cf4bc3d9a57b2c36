/**
 * Sequential: a plain stack of single-input, single-output layers.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { getRegisteredClass, registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { Layer, singleShape, type CallArgs, type LayerArgs, type SymbolicShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { Model } from './model.js';

/** Arguments of `st.sequential` when given as an object. */
export interface SequentialArgs {
  /** The layers, in order (more can be added with `add`). */
  layers?: readonly Layer[];
  /** The model's name. */
  name?: string;
}

/**
 * A model that applies its layers one after another.
 * @example
 * const model = new st.Sequential({ layers: [st.layers.dense({ units: 4, inputShape: [3] })] });
 * model.add(st.layers.dense({ units: 1 }));
 * model.predictOnBatch(st.ones([2, 3]));   // [2, 1]
 */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential';
  private readonly stack: Layer[] = [];
  /** Batch input shape, from the first layer's `inputShape` or the first call. */
  private inputShape: SymbolicShape | null = null;

  constructor(args: SequentialArgs = {}) {
    super(args.name === undefined ? {} : ({ name: args.name } as LayerArgs));
    for (const l of args.layers ?? []) this.add(l);
  }

  /** Appends a layer; the first one may give `inputShape`, which builds the model at once. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`${this.name}.add: expected a Layer, got ${String(layer)}`);
    if (this.stack.includes(layer)) throw new Error(`${this.name}.add: layer '${layer.name}' is already in the model`);
    if (this.stack.some((l) => l.name === layer.name)) throw new Error(`${this.name}.add: a layer named '${layer.name}' is already in the model`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputShape) throw new Error(`${this.name}.add: an InputLayer can only come first`);
      this.inputShape = layer.batchInputShape;
      return;
    }
    if (this.stack.length === 0 && !this.inputShape && layer.batchInputShape) this.inputShape = layer.batchInputShape;
    this.stack.push(layer);
    if (this.inputShape) this.buildFrom(this.inputShape);
  }

  /** Removes the last layer. */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new Error(`${this.name}.pop: the model has no layers`);
    return l;
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** A layer by name. */
  getLayer(name: string): Layer {
    const l = this.stack.find((x) => x.name === name);
    if (!l) throw new Error(`${this.name}.getLayer: no layer named '${name}' (layers: ${this.stack.map((x) => x.name).join(', ')})`);
    return l;
  }

  /** The batch input shape, once known. */
  get batchShape(): SymbolicShape | null {
    return this.inputShape;
  }

  protected override outputShapes(): (SymbolicShape | null)[] {
    return [this.inputShape ? (this.computeOutputShape(this.inputShape) as SymbolicShape) : null];
  }

  private buildFrom(shape: SymbolicShape): void {
    let s = shape;
    for (const layer of this.stack) {
      layer.checkInputShape(s);
      layer.ensureBuilt(s);
      s = singleShape(layer.computeOutputShape(s), layer.name);
    }
    this.built = true;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    this.inputShape ??= [null, ...shape.slice(1)];
    this.buildFrom(shape);
  }

  /** @internal Checks the input against the first layer's declared shape. */
  override checkInputShape(shapes: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(shapes, this.name);
    const expected = this.inputShape;
    if (!expected) return;
    const ok = shape.length === expected.length && expected.every((d, i) => d === null || shape[i] === null || d === shape[i]);
    const fmt = (s: SymbolicShape) => `[${s.map((d) => d ?? 'null').join(',')}]`;
    if (!ok) throw new Error(`${this.name}: expected input of shape ${fmt(expected)} but got ${fmt(shape)}`);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    let s = singleShape(inputShape, this.name);
    for (const layer of this.stack) s = singleShape(layer.computeOutputShape(s), layer.name);
    return s;
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    if (this.stack.length === 0) throw new Error(`${this.name}: the model has no layers`);
    // Intermediates are freed as soon as the output exists.
    return engine().tidy(() => this.callLayers(Array.isArray(inputs) ? inputs : [inputs], args));
  }

  private callLayers(inputs: Tensor[], args: CallArgs): Tensor | Tensor[] {
    let x = inputs;
    let mask = args.mask;
    for (const layer of this.stack) {
      const callArgs: CallArgs = args.training === undefined ? {} : { training: args.training };
      if (mask) callArgs.mask = mask;
      const input = x.length === 1 ? x[0]! : x;
      x = layer.applyMulti(input, callArgs);
      mask = mask || layer.supportsMasking ? layer.computeMask(input, mask) : null;
    }
    return x.length === 1 ? x[0]! : x;
  }

  override getConfig(): ConfigDict {
    const layers: ConfigValue[] = this.stack.map((l, i) => {
      const config = l.getConfig();
      // The first layer carries the input shape so the loaded model builds at once (Keras/TF.js).
      if (i === 0 && this.inputShape && !('batchInputShape' in config)) config['batchInputShape'] = this.inputShape as readonly ConfigValue[];
      return { className: l.getClassName(), config };
    });
    return { name: this.name, layers };
  }

  /** Rebuilds from `{name, layers}` (or a bare list of layer configs, as older Keras wrote). */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    const list = Array.isArray(config) ? (config as readonly ConfigDict[]) : (config['layers'] as readonly ConfigDict[] | undefined);
    if (!Array.isArray(list)) throw new Error('Sequential.fromConfig: config has no layers list');
    const name = Array.isArray(config) ? undefined : (config['name'] as string | undefined);
    const model = new Sequential(name === undefined ? {} : { name });
    for (const entry of list) {
      const className = String(entry['className']);
      const cls = getRegisteredClass('layer', className);
      if (!cls) throw new Error(`Sequential.fromConfig: unknown layer class '${className}'; register custom layers with st.registerClass('layer', Cls)`);
      model.add(cls.fromConfig((entry['config'] ?? {}) as ConfigDict) as Layer);
    }
    return model as unknown as T;
  }
}
registerClass('layer', Sequential);

/**
 * A sequential model from a list of layers.
 * @example
 * const model = st.sequential([
 *   st.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }),
 *   st.layers.dense({ units: 10, activation: 'softmax' }),
 * ]);
 */
export function sequential(layers: readonly Layer[] | SequentialArgs = []): Sequential {
  return new Sequential(Array.isArray(layers) ? { layers: layers as readonly Layer[] } : (layers as SequentialArgs));
}
