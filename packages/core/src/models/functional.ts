/**
 * Functional models: a graph of layer calls from `st.input()` tensors to outputs, run in
 * topological order. Supports several inputs and outputs, shared layers and nested models.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { getRegisteredClass, registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { Layer, LayerNode, SymbolicTensor, isShapeList, type CallArgs, type SymbolicShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { Model } from './model.js';

/** Arguments of `st.model`. */
export interface FunctionalArgs {
  /** The model's input(s), from `st.input`. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's output(s): symbolic tensors computed from the inputs. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's name. */
  name?: string;
}

/**
 * A model defined by connecting layers on symbolic tensors.
 * @example
 * const x = st.input({ shape: [8] });
 * const h = st.layers.dense({ units: 16, activation: 'relu' }).apply(x);
 * const y = st.layers.add().apply([h, st.layers.dense({ units: 16 }).apply(x)]);   // a skip connection
 * const model = st.model({ inputs: x, outputs: y });   // a Functional
 * model.summary();
 */
export class Functional extends Model {
  static override readonly className: string = 'Functional';
  /** The model's inputs, in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** The model's outputs, in order. */
  readonly outputs: readonly SymbolicTensor[];
  /** Graph nodes in execution order (InputLayer nodes excluded). */
  private readonly nodes: readonly LayerNode[];
  private readonly orderedLayers: readonly Layer[];
  private readonly inputLayers: readonly InputLayer[];

  constructor(args: FunctionalArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    const inputs = Array.isArray(args.inputs) ? [...(args.inputs as readonly SymbolicTensor[])] : [args.inputs as SymbolicTensor];
    const outputs = Array.isArray(args.outputs) ? [...(args.outputs as readonly SymbolicTensor[])] : [args.outputs as SymbolicTensor];
    const where = `model '${this.name}'`;
    for (const t of [...inputs, ...outputs]) {
      if (!(t instanceof SymbolicTensor)) throw new Error(`${where}: inputs and outputs must be symbolic tensors (from st.input() and layer.apply())`);
    }
    if (inputs.length === 0 || outputs.length === 0) throw new Error(`${where}: needs at least one input and one output`);
    inputs.forEach((t, i) => {
      if (!(t.node?.layer instanceof InputLayer)) throw new Error(`${where}: inputs[${i}] ('${t.name}') must come from st.input()`);
    });
    this.inputs = inputs;
    this.outputs = outputs;
    this.inputLayers = inputs.map((t) => t.node!.layer as InputLayer);

    // Depth-first from the outputs back to the inputs gives a topological order.
    const inputIds = new Set(inputs.map((t) => t.id));
    const visited = new Set<LayerNode>();
    const order: LayerNode[] = [];
    const visit = (t: SymbolicTensor, path: Set<LayerNode>) => {
      if (inputIds.has(t.id)) return;
      const node = t.node;
      if (!node) throw new Error(`${where}: tensor '${t.name}' was not produced by a layer`);
      if (node.layer instanceof InputLayer) {
        throw new Error(`${where}: graph disconnected: output depends on input '${node.layer.name}', which is not in the model's inputs`);
      }
      if (path.has(node)) throw new Error(`${where}: the graph has a cycle at layer '${node.layer.name}'`);
      if (visited.has(node)) return;
      path.add(node);
      for (const inp of node.inputs) visit(inp, path);
      path.delete(node);
      visited.add(node);
      order.push(node);
    };
    for (const o of outputs) visit(o, new Set());
    this.nodes = order;
    const layers: Layer[] = [...this.inputLayers];
    for (const n of order) if (!layers.includes(n.layer)) layers.push(n.layer);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new Error(`${where}: two different layers are named '${l.name}'; layer names must be unique within a model`);
      names.add(l.name);
    }
    this.orderedLayers = layers;
    this.built = true;
  }

  /** Layers in graph order, InputLayers first (as Keras lists them). */
  override get layers(): Layer[] {
    return [...this.orderedLayers];
  }

  /** A layer by name. */
  getLayer(name: string): Layer {
    const l = this.orderedLayers.find((x) => x.name === name);
    if (!l) throw new Error(`${this.name}.getLayer: no layer named '${name}' (layers: ${this.orderedLayers.map((x) => x.name).join(', ')})`);
    return l;
  }

  override get inputNames(): string[] {
    return this.inputLayers.map((l) => l.name);
  }

  override get outputNames(): string[] {
    const names = this.outputs.map((o) => o.node!.layer.name);
    return names.map((n, i) => (names.indexOf(n) === i ? n : `${n}_${i}`));
  }

  protected override outputShapes(): (SymbolicShape | null)[] {
    return this.outputs.map((o) => o.shape);
  }

  /** @internal Checks each input against its Input's shape (clear error naming the input). */
  override checkInputShape(shapes: SymbolicShape | SymbolicShape[]): void {
    const list = isShapeList(shapes) ? shapes : [shapes];
    if (list.length !== this.inputs.length) {
      throw new Error(`${this.name}: expects ${this.inputs.length} input(s) (${this.inputNames.join(', ')}) but got ${list.length}`);
    }
    const fmt = (s: SymbolicShape) => `[${s.map((d) => d ?? 'null').join(',')}]`;
    list.forEach((got, i) => {
      const expected = this.inputs[i]!.shape;
      const ok = got.length === expected.length && expected.every((d, j) => d === null || got[j] === null || d === got[j]);
      if (!ok) throw new Error(`${this.name}: input '${this.inputNames[i]}' expects shape ${fmt(expected)} but got ${fmt(got)}`);
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    this.checkInputShape(inputShape);
    const shapes = this.outputs.map((o) => o.shape);
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const values = new Map<number, Tensor>();
    const masks = new Map<number, Tensor | null>();
    this.inputs.forEach((t, i) => {
      values.set(t.id, list[i]!);
      masks.set(t.id, null);
    });
    // Intermediates are freed as soon as the outputs exist; tidy keeps what is returned.
    return engine().tidy(() => {
      for (const node of this.nodes) {
        const xs = node.inputs.map((t) => values.get(t.id)!);
        const inMasks = node.inputs.map((t) => masks.get(t.id) ?? null);
        const anyMask = inMasks.some((m) => m !== null);
        const training = (node.callArgs['training'] as boolean | undefined) ?? args.training;
        const callArgs: CallArgs = training === undefined ? {} : { training };
        if (anyMask) callArgs.mask = inMasks.length === 1 ? inMasks[0]! : inMasks;
        const x = xs.length === 1 ? xs[0]! : xs;
        const outs = node.layer.applyMulti(x, callArgs);
        const outMask = anyMask || node.layer.supportsMasking ? node.layer.computeMask(x, callArgs.mask) : null;
        node.outputs.forEach((o, i) => {
          values.set(o.id, outs[i]!);
          masks.set(o.id, Array.isArray(outMask) ? outMask[i] ?? null : outMask);
        });
      }
      const outs = this.outputs.map((o) => values.get(o.id)!);
      return outs.length === 1 ? outs[0]! : outs;
    });
  }

  /** Keras' functional config: layers with their inbound nodes, and the model's inputs/outputs. */
  override getConfig(): ConfigDict {
    const ownNodes = new Set<LayerNode>([...this.nodes, ...this.inputLayers.map((l) => l.inboundNodes[0]!)]);
    // Node indices count only this model's calls of each layer.
    const nodeIndex = (node: LayerNode) => node.layer.inboundNodes.filter((n) => ownNodes.has(n)).indexOf(node);
    const ref = (t: SymbolicTensor): ConfigValue => [t.node!.layer.name, nodeIndex(t.node!), t.outputIndex, {}];
    const layers = this.orderedLayers.map((layer) => ({
      name: layer.name,
      className: layer.getClassName(),
      config: layer.getConfig(),
      inboundNodes: layer instanceof InputLayer ? [] : layer.inboundNodes.filter((n) => ownNodes.has(n)).map((n) => n.inputs.map(ref)),
    }));
    const endpoint = (t: SymbolicTensor): ConfigValue => [t.node!.layer.name, nodeIndex(t.node!), t.outputIndex];
    return { name: this.name, trainable: this.trainable, layers, inputLayers: this.inputs.map(endpoint), outputLayers: this.outputs.map(endpoint) };
  }

  /** Rebuilds a functional model from its config (layers from the registry, then the graph). */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    return functionalFromConfig(config) as unknown as T;
  }
}

type NodeRef = readonly [string, number, number, ...unknown[]];

function functionalFromConfig(config: ConfigDict): Functional {
  const where = `model '${String(config['name'] ?? '')}'`;
  const layerConfigs = config['layers'];
  if (!Array.isArray(layerConfigs)) throw new Error(`${where}: config has no 'layers' list`);
  const created = new Map<string, Layer>();
  const pending: { layer: Layer; nodes: NodeRef[][] }[] = [];
  for (const entry of layerConfigs as readonly ConfigDict[]) {
    const className = String(entry['className']);
    const layerConfig = (entry['config'] ?? {}) as ConfigDict;
    const cls = getRegisteredClass('layer', className);
    if (!cls) throw new Error(`${where}: unknown layer class '${className}' (layer '${String(entry['name'])}'); register custom layers with st.registerClass('layer', Cls)`);
    const layer = cls.fromConfig(layerConfig) as Layer;
    const name = String(entry['name'] ?? layer.name);
    if (layer.name !== name) throw new Error(`${where}: layer config names '${layer.name}' but the entry is '${name}'`);
    created.set(name, layer);
    pending.push({ layer, nodes: normalizeInboundNodes(entry['inboundNodes'], where, name) });
  }
  // outputs of each (layer, node index), filled as nodes are replayed.
  const produced = new Map<string, SymbolicTensor[]>();
  for (const { layer } of pending) if (layer instanceof InputLayer) produced.set(`${layer.name}:0`, [layer.output]);
  let remaining = pending.filter((p) => !(p.layer instanceof InputLayer)).flatMap((p) => p.nodes.map((refs, i) => ({ layer: p.layer, refs, index: i })));
  while (remaining.length > 0) {
    const next = remaining.filter((item) => {
      const ready = item.refs.every(([l, n]) => produced.has(`${l}:${n}`));
      if (!ready) return true;
      const inputs = item.refs.map(([l, n, t]) => {
        const outs = produced.get(`${l}:${n}`)!;
        const out = outs[t];
        if (!out) throw new Error(`${where}: layer '${item.layer.name}' refers to output ${t} of '${l}', which has ${outs.length}`);
        return out;
      });
      const kwargs = (item.refs[0]?.[3] ?? {}) as { training?: boolean };
      const outs = item.layer.applyMulti(inputs.length === 1 ? inputs[0]! : inputs, kwargs.training === undefined ? {} : { training: kwargs.training });
      produced.set(`${item.layer.name}:${item.index}`, outs);
      return false;
    });
    if (next.length === remaining.length) {
      throw new Error(`${where}: cannot connect layers ${next.map((n) => `'${n.layer.name}'`).join(', ')}: their inputs never appear`);
    }
    remaining = next;
  }
  const endpoints = (key: string): SymbolicTensor[] => {
    const list = config[key];
    if (!Array.isArray(list)) throw new Error(`${where}: config has no '${key}'`);
    const refs = list.length > 0 && typeof list[0] === 'string' ? [list as unknown as NodeRef] : (list as unknown as NodeRef[]);
    return refs.map(([l, n, t]) => {
      const outs = produced.get(`${l}:${n}`);
      if (!outs?.[t]) throw new Error(`${where}: ${key} refers to '${l}' node ${n} output ${t}, which does not exist`);
      return outs[t]!;
    });
  };
  const args: FunctionalArgs = { inputs: endpoints('inputLayers'), outputs: endpoints('outputLayers') };
  if (typeof config['name'] === 'string') args.name = config['name'];
  const model = new Functional(args);
  if (config['trainable'] === false) model.trainable = false;
  return model;
}

/** Accepts Keras/TF.js inbound node lists: `[[[name, node, tensor, kwargs], ...], ...]`. */
function normalizeInboundNodes(value: ConfigValue | undefined, where: string, layer: string): NodeRef[][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: inboundNodes of '${layer}' must be a list`);
  return (value as readonly ConfigValue[]).map((node) => {
    if (!Array.isArray(node)) throw new Error(`${where}: an inbound node of '${layer}' must be a list`);
    const refs = node as readonly ConfigValue[];
    // A single reference written without the outer list.
    if (typeof refs[0] === 'string') return [refs as unknown as NodeRef];
    return refs.map((r) => {
      if (!Array.isArray(r) || typeof r[0] !== 'string') throw new Error(`${where}: bad inbound node reference in '${layer}': ${JSON.stringify(r)}`);
      return r as unknown as NodeRef;
    });
  });
}

registerClass('layer', Functional);
// TensorFlow.js writes functional models as 'Model'.
registerClass('layer', { className: 'Model', fromConfig: (c: ConfigDict) => functionalFromConfig(c) });

/**
 * A functional model from inputs to outputs.
 * @example
 * const a = st.input({ shape: [8] }), b = st.input({ shape: [4] });
 * const merged = st.layers.concatenate().apply([a, b]);
 * const out = st.layers.dense({ units: 1 }).apply(merged);
 * const model = st.model({ inputs: [a, b], outputs: out });
 */
export function model(args: FunctionalArgs): Functional {
  return new Functional(args);
}
