/**
 * Tiny ONNX models built in memory (no onnx Python package here): a graph of a few nodes with
 * float32 inputs, initializers (weights) and outputs, encoded as an ONNX ModelProto
 * (IR version 8, default opset 13). Field numbers follow onnx/onnx.proto.
 */
import { ProtoWriter } from './protobuf.js';

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2;
const ATTR_INTS = 7;

export type OnnxAttribute = number | readonly number[];

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxValue {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface OnnxInitializer extends OnnxValue {
  readonly values: Float32Array;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValue[];
  readonly initializers: readonly OnnxInitializer[];
  readonly outputs: readonly OnnxValue[];
}

function valueInfo(w: ProtoWriter, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.varint(1, FLOAT);
    tensor.message(2, (shape) => { for (const d of v.shape) shape.message(1, (dim) => dim.varint(1, d)); });
  }));
}

function attribute(w: ProtoWriter, name: string, value: OnnxAttribute): void {
  w.string(1, name);
  if (typeof value === 'number') {
    w.int64(3, value);
    w.varint(20, ATTR_INT);
  } else {
    for (const v of value) w.int64(8, v);
    w.varint(20, ATTR_INTS);
  }
}

/** Encodes `graph` as the bytes of an .onnx file. */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, 8); // ir_version
  model.string(2, '@strata/bench');
  model.message(7, (g) => {
    for (const node of graph.nodes) {
      g.message(1, (n) => {
        for (const i of node.inputs) n.string(1, i);
        for (const o of node.outputs) n.string(2, o);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => attribute(a, name, value));
      });
    }
    g.string(2, graph.name);
    for (const init of graph.initializers) {
      g.message(5, (t) => {
        for (const d of init.shape) t.varint(1, d);
        t.varint(2, FLOAT);
        t.string(8, init.name);
        t.bytes(9, new Uint8Array(init.values.buffer, init.values.byteOffset, init.values.byteLength));
      });
    }
    for (const v of graph.inputs) g.message(11, (i) => valueInfo(i, v));
    for (const v of graph.outputs) g.message(12, (o) => valueInfo(o, v));
  });
  model.message(8, (op) => {
    op.string(1, '');
    op.varint(2, 13);
  });
  return model.finish();
}
