/**
 * `model.summary()`: the Keras table of layers, output shapes and parameter counts.
 */
import type { Layer, LayerNode, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import type { Model } from './model.js';

function formatShape(shape: SymbolicShape | readonly SymbolicShape[] | null): string {
  if (shape === null) return '?';
  const one = (s: SymbolicShape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
  return shape.length > 0 && Array.isArray(shape[0]) ? `[${(shape as readonly SymbolicShape[]).map(one).join(', ')}]` : one(shape as SymbolicShape);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}

const count = (n: number) => n.toLocaleString('en-US');

interface Row {
  name: string;
  shape: string;
  params: string;
  connected?: string;
}

/** The nodes of a functional model's own graph: from its outputs back to its inputs (input layers' nodes included). */
function graphNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Set<LayerNode> {
  const inputIds = new Set(inputs.map((t) => t.id));
  const own = new Set<LayerNode>();
  for (const t of inputs) if (t.node) own.add(t.node);
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (inputIds.has(t.id) || !t.node || own.has(t.node)) continue;
    own.add(t.node);
    stack.push(...t.node.inputs);
  }
  return own;
}

/** Rows for a model: per-layer output shape from the graph, the running shape, or the built shape. */
function rows(model: Model): { rows: Row[]; functional: boolean } {
  const graph = model as unknown as { inputs?: unknown; outputs?: unknown };
  const layers = model.layers;
  const seqShape = (model as unknown as { batchShape?: SymbolicShape | null }).batchShape;
  const out: Row[] = [];
  const functional = 'outputs' in model && Array.isArray(graph.outputs) && Array.isArray(graph.inputs);
  if (functional) {
    // Only this model's calls of each layer count: a layer may also be called in other graphs.
    const own = graphNodes(graph.inputs as SymbolicTensor[], graph.outputs as SymbolicTensor[]);
    const ownNodesOf = (layer: Layer) => layer.inboundNodes.filter((n) => own.has(n) && n.outputs.length > 0);
    // Node indices count this model's calls only, as in its config.
    const ref = (t: SymbolicTensor) => `${t.node!.layer.name}[${ownNodesOf(t.node!.layer).indexOf(t.node!)}][${t.outputIndex}]`;
    for (const layer of layers) {
      const nodes = ownNodesOf(layer);
      const node = nodes[nodes.length - 1];
      const shape = node ? (node.outputs.length === 1 ? node.outputs[0]!.shape : node.outputs.map((o) => o.shape)) : null;
      // A shared layer is connected to the inputs of every call (Keras lists them all).
      const connected = layer instanceof InputLayer || !node ? '-' : nodes.flatMap((n) => n.inputs.map(ref)).join(', ');
      out.push({ name: `${layer.name} (${layer.getClassName()})`, shape: formatShape(shape), params: count(layer.countParams()), connected });
    }
  } else {
    let shape: SymbolicShape | null = seqShape ?? null;
    for (const layer of layers) {
      let next: SymbolicShape | SymbolicShape[] | null = null;
      if (shape && layer.built) {
        try {
          next = layer.computeOutputShape(shape);
        } catch {
          next = null;
        }
      }
      out.push({ name: `${layer.name} (${layer.getClassName()})`, shape: formatShape(next), params: layer.built ? count(layer.countParams()) : '0 (unbuilt)' });
      shape = next && !(next.length > 0 && Array.isArray(next[0])) ? (next as SymbolicShape) : null;
    }
  }
  return { rows: out, functional };
}

/** The summary text (box-drawn table plus totals). */
export function summaryTable(model: Model, lineLength?: number): string {
  const { rows: body, functional } = rows(model);
  const headers = functional ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const cells = body.map((r) => (functional ? [r.name, r.shape, r.params, r.connected ?? ''] : [r.name, r.shape, r.params]));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 2);
  if (lineLength && lineLength > 0) {
    const total = widths.reduce((a, b) => a + b, 0) + widths.length + 1;
    if (total < lineLength) widths[0]! += lineLength - total;
  }
  const pad = (text: string, w: number, right: boolean) => ` ${right ? text.padStart(w - 2) : text.padEnd(w - 2)} `;
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const rowText = (c: string[], sep: string) => sep + c.map((t, i) => pad(t, widths[i]!, i === 2)).join(sep) + sep;
  const lines: string[] = [`Model: "${model.name}"`, line('┏', '┳', '┓', '━'), rowText(headers, '┃'), line('┡', '╇', '┩', '━')];
  cells.forEach((c, i) => {
    lines.push(rowText(c, '│'));
    if (i < cells.length - 1) lines.push(line('├', '┼', '┤', '─'));
  });
  lines.push(line('└', '┴', '┘', '─'));
  const sizeOf = (ws: readonly { size: number; dtype: string }[]) => ws.reduce((n, w) => n + w.size, 0);
  const bytesOf = (ws: readonly { size: number }[]) => ws.reduce((n, w) => n + w.size * 4, 0);
  const trainable = model.trainableWeights;
  const frozen = model.nonTrainableWeights;
  const total = [...trainable, ...frozen];
  lines.push(` Total params: ${count(sizeOf(total))} (${formatBytes(bytesOf(total))})`);
  lines.push(` Trainable params: ${count(sizeOf(trainable))} (${formatBytes(bytesOf(trainable))})`);
  lines.push(` Non-trainable params: ${count(sizeOf(frozen))} (${formatBytes(bytesOf(frozen))})`);
  return lines.join('\n');
}
