/**
 * The Keras topology JSON of a `model.json`: conversion between Strata's camelCase configs and
 * the snake_case ("Pythonic") form TensorFlow.js and Keras write, with exactly TensorFlow.js's
 * rules (tfjs-layers `serialization_utils.ts`), so files round-trip through both libraries:
 *
 * - every object key is converted (`kernelSize` ↔ `kernel_size`);
 * - every string value is converted too (`channelsLast` ↔ `channels_last`, `hardSigmoid` ↔
 *   `hard_sigmoid`), except the value of a `name` key (layer and model names are kept as they
 *   are), the value of a `className` key when writing, and the layer names that start the entries
 *   of `inboundNodes`, `inputLayers` and `outputLayers`.
 *
 * `normalizeKerasTopology` also accepts what Keras in Python writes and TensorFlow.js does not
 * read: Keras 3 `batch_shape`, dtype policies, `module`/`registered_name`, node lists in the
 * `{args, kwargs}` form, and single-input `input_layers` written without the outer list.
 */
import type { ConfigDict, ConfigValue } from '../serialization/registry.js';

/** A JSON value in the snake_case form written to files. */
export type PyJsonValue = null | boolean | number | string | PyJsonValue[] | { [key: string]: PyJsonValue };
/** A JSON object in the snake_case form. */
export type PyJsonDict = { [key: string]: PyJsonValue };

/** `kernelSize` → `kernel_size`, `Conv2D` → `conv2d` (TensorFlow.js `toSnakeCase`). */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  // TensorFlow.js prefixes names starting with '_' (they would be unsafe as name scopes).
  return insecure[0] !== '_' ? insecure : `private${insecure}`;
}

/** `kernel_size` → `kernelSize`; strings without '_' are unchanged (TensorFlow.js `toCamelCase`). */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/[_]+(\w|$)/g, (_m, p1: string) => p1.toUpperCase());
}

/** Whether an array item is a layer name that must keep its spelling. */
function isInputOrOutputName(key: string | undefined, index: number, value: unknown): boolean {
  return (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers') && index === 0 && typeof value === 'string';
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Snake_case JSON (as in a model.json) → camelCase config (TensorFlow.js `convertPythonicToTs`). */
export function convertPythonicToTs(value: PyJsonValue | undefined, key?: string): ConfigValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toCamelCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((item, i) => (isInputOrOutputName(key, i, item) ? item : convertPythonicToTs(item, key)));
  }
  const out: ConfigDict = {};
  for (const [pyKey, pyValue] of Object.entries(value)) {
    if ((pyKey === 'name' || pyKey === 'function_name') && typeof pyValue === 'string') {
      out[toCamelCase(pyKey)] = pyValue;
    } else {
      const tsKey = toCamelCase(pyKey);
      out[tsKey] = convertPythonicToTs(pyValue, tsKey);
    }
  }
  return out;
}

/** camelCase config → snake_case JSON for a model.json (TensorFlow.js `convertTsToPythonic`). */
export function convertTsToPythonic(value: ConfigValue | undefined, key?: string): PyJsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return (value as readonly ConfigValue[]).map((item, i) => (isInputOrOutputName(key, i, item) ? (item as string) : convertTsToPythonic(item, key)));
  }
  const out: PyJsonDict = {};
  for (const [tsKey, tsValue] of Object.entries(value as ConfigDict)) {
    const pyKey = toSnakeCase(tsKey);
    // Names are identifiers, not enum values: kept as written (Lambda's registered function too).
    if ((tsKey === 'name' || tsKey === 'className' || tsKey === 'functionName') && typeof tsValue === 'string') out[pyKey] = tsValue;
    else out[pyKey] = convertTsToPythonic(tsValue, tsKey);
  }
  return out;
}

/** Keras 3 node arguments: collects `__keras_tensor__` references in order. */
function kerasTensorRefs(value: unknown, out: PyJsonValue[][]): void {
  if (Array.isArray(value)) {
    for (const v of value) kerasTensorRefs(v, out);
  } else if (isDict(value) && value['class_name'] === '__keras_tensor__' && isDict(value['config'])) {
    const history = value['config']['keras_history'];
    if (Array.isArray(history) && typeof history[0] === 'string') out.push([history[0], Number(history[1] ?? 0), Number(history[2] ?? 0), {}]);
  }
}

/** Whether a JSON value holds a Keras 3 tensor reference (such kwargs are dropped). */
function holdsKerasTensor(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsKerasTensor);
  if (!isDict(value)) return false;
  return value['class_name'] === '__keras_tensor__' || Object.values(value).some(holdsKerasTensor);
}

/** One inbound node in Keras 2 / TensorFlow.js form: `[[layer, nodeIndex, tensorIndex, kwargs], ...]`. */
function normalizeNode(node: PyJsonValue): PyJsonValue {
  if (Array.isArray(node)) {
    // Older Keras writes `[layer, nodeIndex, tensorIndex]` without the kwargs.
    return node.map((entry) => (Array.isArray(entry) && entry.length === 3 ? [...entry, {}] : entry));
  }
  if (!isDict(node) || !('args' in node)) return node;
  const refs: PyJsonValue[][] = [];
  kerasTensorRefs(node['args'], refs);
  const kwargs: PyJsonDict = {};
  if (isDict(node['kwargs'])) {
    for (const [k, v] of Object.entries(node['kwargs'])) if (!holdsKerasTensor(v)) kwargs[k] = v as PyJsonValue;
  }
  for (const r of refs) r[3] = kwargs;
  return refs;
}

/**
 * Rewrites what Keras (Python) writes into the form TensorFlow.js writes (still snake_case), so
 * one loader reads both. Returns a new object; the input is not changed.
 */
export function normalizeKerasTopology(value: PyJsonValue, key?: string): PyJsonValue {
  if (Array.isArray(value)) {
    if (key === 'input_layers' || key === 'output_layers') {
      const entries = typeof value[0] === 'string' ? [value] : value;
      return entries.map((v) => normalizeKerasTopology(v, 'layer_ref'));
    }
    if (key === 'inbound_nodes') return value.map((node) => normalizeKerasTopology(normalizeNode(node), 'inbound_node'));
    return value.map((v) => normalizeKerasTopology(v, key));
  }
  if (!isDict(value)) return value;
  // A dtype policy ({class_name: 'DTypePolicy' | 'Policy', config: {name}}) is just its dtype.
  if (key === 'dtype' && typeof value['class_name'] === 'string' && isDict(value['config']) && typeof value['config']['name'] === 'string') {
    const name = value['config']['name'];
    return name.startsWith('mixed_') ? name.slice('mixed_'.length) : name;
  }
  const out: PyJsonDict = {};
  const isObjectEntry = typeof value['class_name'] === 'string' && 'config' in value;
  for (const [k, v] of Object.entries(value)) {
    if (isObjectEntry && (k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'compile_config')) continue;
    if (k === 'batch_shape' && !('batch_input_shape' in value)) {
      out['batch_input_shape'] = normalizeKerasTopology(v as PyJsonValue, 'batch_input_shape');
      continue;
    }
    out[k] = normalizeKerasTopology(v as PyJsonValue, k);
  }
  // Legacy Keras Sequential: `config` is the list of layers itself.
  if (out['class_name'] === 'Sequential' && Array.isArray(out['config'])) out['config'] = { layers: out['config'] };
  return out;
}
