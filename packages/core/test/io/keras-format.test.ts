import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { io } from './io-module.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** TensorFlow.js models whose configs cover nested dicts, shapes, name lists and string values. */
function tfjsModels(): tfl.LayersModel[] {
  const seq = tfl.sequential({
    name: 'My_Seq',
    layers: [
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], dataFormat: 'channelsLast', kernelInitializer: 'heNormal', name: 'Conv_First' }),
      tfl.layers.batchNormalization({ name: 'bn_Layer' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'hardSigmoid', kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.01, l2: 0.02 }) }),
    ],
  });
  const a = tfl.input({ shape: [4], name: 'input_A' });
  const b = tfl.input({ shape: [2], name: 'inputB' });
  const h = tfl.layers.dense({ units: 5, activation: 'relu', name: 'hidden_Dense' }).apply(a) as tfl.SymbolicTensor;
  const c = tfl.layers.concatenate({ name: 'Concat_1' }).apply([h, b]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 1, name: 'out' }).apply(c) as tfl.SymbolicTensor;
  const fn = tfl.model({ inputs: [a, b], outputs: out, name: 'two_Inputs' });
  return [seq, fn];
}

describe('camelCase ↔ snake_case conversion (TensorFlow.js rules)', () => {
  it('TS → Pythonic equals what TensorFlow.js writes for real models', () => {
    for (const m of tfjsModels()) {
      const tsForm = { className: m.getClassName(), config: m.getConfig(), kerasVersion: 'tfjs-layers 4.22.0', backend: 'TensorFlow.js' };
      const expected = m.toJSON(null, false);
      expect(io.convertTsToPythonic(JSON.parse(JSON.stringify(tsForm)))).toEqual(expected);
    }
  });

  it('Pythonic → TS inverts it, keeping layer names in name keys and node lists', () => {
    for (const m of tfjsModels()) {
      const py = m.toJSON(null, false) as io.PyJsonValue;
      const ts = io.convertPythonicToTs(py) as { className: string; config: Record<string, unknown> };
      expect(ts.className).toBe(m.getClassName());
      expect(ts.config).toEqual(JSON.parse(JSON.stringify(m.getConfig())));
      expect(io.convertTsToPythonic(ts as never)).toEqual(py);
    }
    const fn = tfjsModels()[1]!;
    const ts = io.convertPythonicToTs(fn.toJSON(null, false) as io.PyJsonValue) as { config: { layers: { name: string; inboundNodes: unknown }[]; inputLayers: unknown } };
    const concat = ts.config.layers.find((l) => l.name === 'Concat_1')!;
    expect(concat.inboundNodes).toEqual([[['hidden_Dense', 0, 0, {}], ['inputB', 0, 0, {}]]]);
    expect(ts.config.inputLayers).toEqual([['input_A', 0, 0], ['inputB', 0, 0]]);
  });

  it('string rules match TensorFlow.js toSnakeCase/toCamelCase', () => {
    expect(io.toSnakeCase('kernelSize')).toBe('kernel_size');
    expect(io.toSnakeCase('TensorFlow.js')).toBe('tensor_flow.js');
    expect(io.toSnakeCase('BatchNormalization')).toBe('batch_normalization');
    expect(io.toSnakeCase('HTTPResponse')).toBe('http_response');
    expect(io.toSnakeCase('_private')).toBe('private_private');
    expect(io.toCamelCase('kernel_size')).toBe('kernelSize');
    expect(io.toCamelCase('beta_1')).toBe('beta1');
    expect(io.toCamelCase('Conv2D')).toBe('Conv2D');
    expect(io.toCamelCase('x')).toBe('x');
  });
});

describe('Keras (Python) topology forms', () => {
  it('Keras 3: batch_shape, dtype policies, module/registered_name, {args, kwargs} nodes, flat input_layers', () => {
    const tensorRef = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, 0, 0] } });
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const keras3 = {
      module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
      config: {
        name: 'functional', trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
          {
            module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 4] }, name: 'dense',
            config: { name: 'dense', trainable: true, dtype: policy, units: 3, activation: 'relu', use_bias: true,
              kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } },
            inbound_nodes: [{ args: [tensorRef('input_layer')], kwargs: { training: false } }],
          },
          {
            module: 'keras.layers', class_name: 'Concatenate', registered_name: null, name: 'concatenate',
            config: { name: 'concatenate', axis: -1, dtype: policy },
            inbound_nodes: [{ args: [[tensorRef('dense'), tensorRef('input_layer')]], kwargs: { mask: [null, tensorRef('x')] } }],
          },
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: [['concatenate', 0, 0]],
      },
    };
    const ts = io.convertPythonicToTs(io.normalizeKerasTopology(keras3 as io.PyJsonValue)) as Record<string, any>;
    expect(ts['className']).toBe('Functional');
    expect(ts['module']).toBeUndefined();
    const [inputLayer, dense, concat] = ts['config']['layers'];
    expect(inputLayer.config).toEqual({ batchInputShape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' });
    expect(dense.config.dtype).toBe('float32');
    expect(dense.config.kernelInitializer).toEqual({ className: 'GlorotUniform', config: { seed: null } });
    expect(dense.buildConfig).toBeUndefined();
    expect(dense.inboundNodes).toEqual([[['input_layer', 0, 0, { training: false }]]]);
    expect(concat.inboundNodes).toEqual([[['dense', 0, 0, {}], ['input_layer', 0, 0, {}]]]);
    expect(ts['config']['inputLayers']).toEqual([['input_layer', 0, 0]]);
    expect(ts['config']['outputLayers']).toEqual([['concatenate', 0, 0]]);
  });

  it('Keras 2: 3-element node entries get kwargs; legacy Sequential list config; policy under mixed precision', () => {
    const k2 = { class_name: 'Model', config: { name: 'm', layers: [{ class_name: 'Dense', name: 'd', config: { name: 'd', units: 1, dtype: { class_name: 'Policy', config: { name: 'float32' } } }, inbound_nodes: [[['in', 0, 0]]] }], input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]] } };
    const ts = io.convertPythonicToTs(io.normalizeKerasTopology(k2 as io.PyJsonValue)) as Record<string, any>;
    expect(ts['config']['layers'][0].inboundNodes).toEqual([[['in', 0, 0, {}]]]);
    expect(ts['config']['layers'][0].config.dtype).toBe('float32');
    const legacy = { class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] };
    const seq = io.convertPythonicToTs(io.normalizeKerasTopology(legacy as io.PyJsonValue)) as Record<string, any>;
    expect(seq['config']).toEqual({ layers: [{ className: 'Dense', config: { name: 'd', units: 2, batchInputShape: [null, 3] } }] });
  });

  it('does not modify its input', () => {
    const input = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2] } }] } };
    const copy = JSON.parse(JSON.stringify(input));
    io.normalizeKerasTopology(input as io.PyJsonValue);
    expect(input).toEqual(copy);
  });
});
