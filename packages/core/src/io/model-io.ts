/**
 * Models ↔ artifacts in the TensorFlow.js Layers format: `saveModel`/`loadModel` (topology +
 * weights, optionally the training configuration and optimizer state) and
 * `saveWeights`/`loadWeights` (weights only). Weights are matched by name (`<layer>/<weight>`),
 * and every check runs before anything is assigned, so a failed load changes nothing.
 */
import type { DType, TypedArray } from '../backend/contract.js';
import { fromTypedArray } from '../ops/convert.js';
import { Layer, type LayerWeight } from '../layers/layer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { getRegisteredClass, registeredClassNames, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { convertPythonicToTs, convertTsToPythonic, normalizeKerasTopology, type PyJsonValue } from './keras-format.js';
import { resolveHandler } from './router.js';
import { compileArgsFromTrainingConfig, trainingConfigArtifacts, trainingConfigOfArtifacts } from './training-config.js';
import type { CompileArgs } from '../models/compiled.js';
import type { Model } from '../models/model.js';
import type { IOHandler, ModelArtifacts, SaveResult, TrainingConfig } from './types.js';
import { decodeWeights, encodeWeights, type DecodedWeight, type NamedTensor } from './weights.js';

/** `generatedBy` of files Strata writes. */
export const GENERATED_BY = 'Strata (@strata/core)';
/** The `format` of Keras-style models (what TensorFlow.js's `loadLayersModel` expects). */
export const LAYERS_MODEL_FORMAT = 'layers-model';

/**
 * Optional parts of a model that saving and loading use when present: `st.Model` provides them.
 * @internal
 */
interface TrainableModelParts {
  readonly optimizer?: Optimizer | null;
  /** The compile arguments as a TensorFlow.js `trainingConfig`, or null when not compiled/serializable. */
  getTrainingConfig?(): TrainingConfig | null;
  /** Compiles the model from a saved `trainingConfig` (else `compile` is called with its arguments). */
  loadTrainingConfig?(config: TrainingConfig): void;
  compile?(args: CompileArgs): void;
}

/** Options of `saveModel`. */
export interface SaveOptions {
  /**
   * Also store the optimizer's state (group `optimizer`: `iter`, then the slots in Strata's order),
   * so training resumes exactly in Strata. Default false. TensorFlow.js orders its optimizer state
   * differently; leave this off for files meant to be trained further in TensorFlow.js.
   */
  includeOptimizer?: boolean;
  /** Store only trainable weights. Default false. */
  trainableOnly?: boolean;
}

/** Options of `loadModel`. */
export interface LoadOptions {
  /**
   * Require the file's weights and the model's to match one to one (default true). With false,
   * missing and extra weights are skipped; shapes must still match.
   */
  strict?: boolean;
  /** Compile the model from the saved training configuration, if any (default true). */
  compile?: boolean;
}

/** Options of `loadWeights`. */
export interface LoadWeightsOptions {
  /** Require the file's weights and the model's to match one to one (default true). */
  strict?: boolean;
}

function parts(model: Layer): TrainableModelParts {
  return model as unknown as TrainableModelParts;
}

/** The model's weights in Keras order (trainable first) with their saved names. */
function namedModelWeights(model: Layer, where: string, trainableOnly = false): { record: LayerWeight; name: string }[] {
  const records = model.allWeightRecords();
  const ordered = [...records.filter((r) => r.trainable), ...(trainableOnly ? [] : records.filter((r) => !r.trainable))];
  const seen = new Map<string, LayerWeight>();
  for (const r of ordered) {
    if (seen.has(r.path)) {
      throw new Error(`${where}: two weights of model '${model.name}' are both named '${r.path}'; layer names must be unique within a model to be saved`);
    }
    seen.set(r.path, r);
  }
  return ordered.map((record) => ({ record, name: record.path }));
}

/** The Keras topology JSON of a model, snake_case as TensorFlow.js writes it. */
export function modelTopology(model: Layer, where = 'modelTopology'): PyJsonValue {
  let config: ConfigDict;
  let className: string;
  try {
    className = model.getClassName();
    config = model.getConfig();
  } catch (err) {
    throw new Error(`${where}: model '${model.name}' cannot describe its topology (${(err as Error).message}). ` +
      'A subclassed model without getConfig can still be saved with saveWeights.');
  }
  if (className === 'Model' && !Array.isArray(config['layers'])) {
    throw new Error(`${where}: model '${model.name}' is a subclassed Model, whose topology cannot be written; ` +
      'save it with saveWeights and rebuild it in code, or give it a registered className with getConfig/fromConfig');
  }
  const wrapper: ConfigDict = { className, config, kerasVersion: 'strata', backend: 'strata' };
  return convertTsToPythonic(wrapper);
}

/**
 * The artifacts `saveModel` writes: topology, weights (and training config / optimizer state
 * when asked and available). Reads every weight value (async, works on every backend).
 */
export async function modelToArtifacts(model: Layer, options: SaveOptions = {}, where = 'saveModel'): Promise<ModelArtifacts> {
  const topology = modelTopology(model, where);
  const named: NamedTensor[] = namedModelWeights(model, where, options.trainableOnly).map(({ record, name }) => ({ name, tensor: record.variable }));
  const optimizer = parts(model).optimizer ?? null;
  const temporaries: Tensor[] = [];
  try {
    if (options.includeOptimizer && optimizer) {
      const values = optimizer.getWeights();
      temporaries.push(...values);
      const variables = optimizer.variables;
      values.forEach((t, i) => named.push({ name: i === 0 ? 'iter' : variables[i - 1]!.name, tensor: t, group: 'optimizer' }));
    }
    const { specs, data } = await encodeWeights(named);
    const artifacts: ModelArtifacts = {
      modelTopology: topology as object,
      format: LAYERS_MODEL_FORMAT,
      generatedBy: GENERATED_BY,
      convertedBy: null,
      weightSpecs: specs,
      weightData: data,
    };
    // trainingConfig when TensorFlow.js can read it, else Strata's form in userDefinedMetadata.
    Object.assign(artifacts, trainingConfigArtifacts(model));
    return artifacts;
  } finally {
    for (const t of temporaries) t.dispose();
  }
}

/**
 * Saves a model (topology + weights) in the TensorFlow.js Layers format. `url` is `file://dir`
 * (Node), `indexeddb://name`, `downloads://name`, `http(s)://...` (POST), or an IOHandler.
 * @example
 * await st.io.saveModel(model, 'file://./my-model');   // what model.save('file://./my-model') does
 */
export async function saveModel(model: Layer, urlOrHandler: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
  const where = `save('${typeof urlOrHandler === 'string' ? urlOrHandler : 'IOHandler'}')`;
  const handler = resolveHandler(urlOrHandler, 'save', where);
  const artifacts = await modelToArtifacts(model, options, where);
  return handler.save(artifacts);
}

interface TopologyEntry {
  className: string;
  name: string | null;
  config: ConfigDict;
}

function asEntry(value: ConfigValue | undefined): TopologyEntry | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const dict = value as ConfigDict;
  if (typeof dict['className'] !== 'string') return null;
  const config = dict['config'];
  const configDict = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as ConfigDict) : {};
  const name = typeof dict['name'] === 'string' ? dict['name'] : typeof configDict['name'] === 'string' ? configDict['name'] : null;
  return { className: dict['className'] as string, name, config: configDict };
}

/** Every layer class a topology needs that is not registered (nested models included). */
function unknownLayerClasses(entry: TopologyEntry, out: { className: string; name: string | null }[]): void {
  if (!getRegisteredClass('layer', entry.className)) out.push({ className: entry.className, name: entry.name });
  const layers = entry.config['layers'];
  if (Array.isArray(layers)) {
    for (const l of layers as readonly ConfigValue[]) {
      const sub = asEntry(l);
      if (sub) unknownLayerClasses(sub, out);
    }
  }
}

/**
 * The camelCase `{className, config}` of a saved topology: accepts what TensorFlow.js writes,
 * what Keras writes (including a `model_config` wrapper and Keras 3 forms) and an already
 * camelCase `{className, config}`.
 */
export function topologyToConfig(topology: object, where = 'loadModel'): {
  /** The model's class name (`Sequential`, `Functional`, ...). */
  className: string;
  /** Its config, camelCase. */
  config: ConfigDict;
} {
  let t = topology as Record<string, unknown>;
  if (t['model_config'] != null && typeof t['model_config'] === 'object') t = t['model_config'] as Record<string, unknown>;
  let converted: ConfigValue;
  if (typeof t['class_name'] === 'string') converted = convertPythonicToTs(normalizeKerasTopology(t as PyJsonValue));
  else if (typeof t['className'] === 'string') converted = t as ConfigDict;
  else throw new Error(`${where}: the model topology has no 'class_name'; expected Keras-style JSON {class_name, config}`);
  const entry = asEntry(converted);
  if (!entry) throw new Error(`${where}: the model topology is not {class_name, config}`);
  return { className: entry.className, config: entry.config };
}

/**
 * Rebuilds a model from a saved topology through the layer registry (weights freshly
 * initialised). An unregistered class anywhere in the topology is reported by name, with the
 * layer that uses it, before anything is built.
 */
export function modelFromTopology(topology: object, where = 'loadModel'): Layer {
  const { className, config } = topologyToConfig(topology, where);
  const unknown: { className: string; name: string | null }[] = [];
  unknownLayerClasses({ className, name: typeof config['name'] === 'string' ? config['name'] : null, config }, unknown);
  if (unknown.length > 0) {
    const list = unknown.map((u) => `'${u.className}'${u.name ? ` (layer '${u.name}')` : ''}`).join(', ');
    throw new Error(`${where}: the saved model uses unknown layer class${unknown.length > 1 ? 'es' : ''} ${list}. ` +
      `Register custom layers with st.registerClass('layer', TheClass) before loading. Known: ${registeredClassNames('layer').join(', ')}`);
  }
  const cls = getRegisteredClass('layer', className)!;
  let model: unknown;
  try {
    model = cls.fromConfig(config);
  } catch (err) {
    throw new Error(`${where}: could not rebuild model '${String(config['name'] ?? className)}' (${className}) from its topology: ${(err as Error).message}`);
  }
  if (!(model instanceof Layer)) throw new Error(`${where}: class '${className}' did not build a layer/model`);
  return model;
}

/** A TF 2.2+ name with a cell scope (`layer/cell/kernel`) → `layer/kernel`; Keras `:0` suffixes dropped. */
function alternativeNames(name: string): string[] {
  const out: string[] = [];
  const bare = name.replace(/:\d+$/, '');
  if (bare !== name) out.push(bare);
  const tokens = bare.split('/');
  if (tokens.length > 2) out.push([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/'));
  return out;
}

interface Assignment {
  variable: Variable;
  values: TypedArray;
  shape: number[];
  dtype: DType;
}

function describe(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 8).map((n) => `'${n}'`).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}

/**
 * Matches decoded weights to the model's variables by name and checks shapes and dtypes; throws
 * before anything is assigned.
 */
function planAssignments(model: Layer, weights: readonly DecodedWeight[], strict: boolean, where: string): Assignment[] {
  const named = namedModelWeights(model, where);
  const byName = new Map(named.map((n) => [n.name, n.record]));
  const matched = new Set<string>();
  const extra: string[] = [];
  const plan: Assignment[] = [];
  for (const w of weights) {
    const name = [w.name, ...alternativeNames(w.name)].find((n) => byName.has(n) && !matched.has(n));
    if (name === undefined) {
      extra.push(w.name);
      continue;
    }
    matched.add(name);
    const v = byName.get(name)!.variable;
    if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
      throw new Error(`${where}: weight '${w.name}' has shape ${describe(w.shape)} in the saved file, but model '${model.name}' has ${describe(v.shape)} for it; nothing was loaded`);
    }
    if (w.dtype !== v.dtype) {
      throw new Error(`${where}: weight '${w.name}' is ${w.dtype} in the saved file, but model '${model.name}' has ${v.dtype} for it; nothing was loaded`);
    }
    plan.push({ variable: v, values: w.values, shape: w.shape, dtype: w.dtype });
  }
  if (strict) {
    const missing = named.filter((n) => !matched.has(n.name)).map((n) => n.name);
    if (missing.length > 0) {
      throw new Error(`${where}: the saved weights lack ${missing.length} of model '${model.name}''s ${named.length} weights: ${listNames(missing)}` +
        `${extra.length ? `; the file has instead ${listNames(extra)}` : ''}. Nothing was loaded`);
    }
    if (extra.length > 0) {
      throw new Error(`${where}: the saved weights ${listNames(extra)} match no weight of model '${model.name}' (its weights: ${listNames(named.map((n) => n.name))}). Nothing was loaded`);
    }
  }
  return plan;
}

/** Assigns all planned values: tensors are made first, so a failure assigns none. */
function applyAssignments(plan: readonly Assignment[]): void {
  const tensors: Tensor[] = [];
  try {
    for (const a of plan) tensors.push(fromTypedArray(a.values, a.shape, a.dtype));
    plan.forEach((a, i) => a.variable.assign(tensors[i]!));
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/**
 * Restores optimizer state saved by Strata (group `optimizer`: the iteration count, then the slot
 * variables in `optimizer.variables` order) after building the slots for the trainable weights.
 * TensorFlow.js orders its optimizer weights differently, so state from other writers is skipped.
 */
async function restoreOptimizer(model: Layer, artifacts: ModelArtifacts, weights: readonly DecodedWeight[], where: string): Promise<void> {
  const optimizer = parts(model).optimizer ?? null;
  const saved = weights.filter((w) => w.group === 'optimizer');
  if (!optimizer || saved.length === 0 || !String(artifacts.generatedBy ?? '').startsWith('Strata')) return;
  optimizer.build(model.trainableWeights);
  const tensors = saved.map((w) => fromTypedArray(w.values, w.shape, w.dtype));
  try {
    await optimizer.setWeightsAsync(tensors);
  } catch (err) {
    throw new Error(`${where}: the saved optimizer state does not fit model '${model.name}''s optimizer: ${(err as Error).message}`);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** Decoded weights of artifacts (size-checked), or null when they carry none. */
function decodeArtifactWeights(artifacts: ModelArtifacts, where: string): DecodedWeight[] | null {
  if (artifacts.weightSpecs == null || artifacts.weightData == null) return null;
  return decodeWeights(artifacts.weightData, artifacts.weightSpecs, where);
}

function assignDecoded(model: Layer, decoded: DecodedWeight[] | null, options: LoadWeightsOptions, where: string): void {
  if (decoded === null) {
    const n = model.allWeightRecords().length;
    if (n === 0) return;
    throw new Error(`${where}: the saved model has no weights (weightSpecs/weightData missing), but model '${model.name}' has ${n}`);
  }
  applyAssignments(planAssignments(model, decoded.filter((w) => w.group === 'model'), options.strict ?? true, where));
}

/**
 * Sets a model's weights from artifacts (matched by name). All checks run first: on any error
 * the model is unchanged.
 */
export function setWeightsFromArtifacts(model: Layer, artifacts: ModelArtifacts, options: LoadWeightsOptions = {}, where = 'loadWeights'): void {
  assignDecoded(model, decodeArtifactWeights(artifacts, where), options, where);
}

/**
 * Builds a model from artifacts: the topology through the registry, then the weights by name.
 * On any error the half-built model is disposed.
 */
export async function modelFromArtifacts(artifacts: ModelArtifacts, options: LoadOptions = {}, where = 'loadModel'): Promise<Model> {
  const topology = artifacts.modelTopology;
  if (topology == null) throw new Error(`${where}: the saved artifacts have no modelTopology (weights only, e.g. from saveWeights); build the model and use loadWeights`);
  if (topology instanceof ArrayBuffer) throw new Error(`${where}: this is a graph model (binary topology); Strata loads Keras-style layers models only`);
  if (artifacts.format !== undefined && artifacts.format !== null && artifacts.format !== LAYERS_MODEL_FORMAT) {
    throw new Error(`${where}: the model.json format is '${artifacts.format}'; Strata loads '${LAYERS_MODEL_FORMAT}' models (graph models are not supported)`);
  }
  // Decode (and size-check) the weights before building anything.
  const decoded = decodeArtifactWeights(artifacts, where);
  const model = modelFromTopology(topology, where);
  if (typeof (model as Partial<Model>).predict !== 'function') {
    model.dispose();
    throw new Error(`${where}: the saved topology is a single layer ('${model.getClassName()}'), not a model; wrap it in st.sequential([...]) to save it`);
  }
  try {
    assignDecoded(model, decoded, options, where);
    const training = parts(model);
    const tc = trainingConfigOfArtifacts(artifacts);
    if ((options.compile ?? true) && tc && (training.loadTrainingConfig || training.compile)) {
      try {
        if (training.loadTrainingConfig) training.loadTrainingConfig(tc);
        else training.compile!(compileArgsFromTrainingConfig(tc, where));
      } catch (err) {
        throw new Error(`${where}: could not compile the model from its saved training configuration (${(err as Error).message}); load with {compile: false} to skip it`);
      }
      if (decoded) await restoreOptimizer(model, artifacts, decoded, where);
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model as Model;
}

/**
 * Loads a model saved by Strata, TensorFlow.js (`model.save`, the converter) or Keras (as far as
 * TensorFlow.js's format goes). `url` is `file://dir` (Node), `http(s)://.../model.json`,
 * `indexeddb://name`, or an IOHandler such as `st.io.fromMemory(artifacts)`.
 * @example
 * const model = await st.loadModel('file://./my-model');
 */
export async function loadModel(urlOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<Model> {
  const where = `loadModel('${typeof urlOrHandler === 'string' ? urlOrHandler : 'IOHandler'}')`;
  const handler = resolveHandler(urlOrHandler, 'load', where);
  const artifacts = await handler.load();
  return modelFromArtifacts(artifacts, options, where);
}

/**
 * Saves only the weights (no topology): model.json with `modelTopology: null` and the weights
 * file. Works for subclassed models without a config.
 */
export async function saveWeights(model: Layer, urlOrHandler: string | IOHandler): Promise<SaveResult> {
  const where = `saveWeights('${typeof urlOrHandler === 'string' ? urlOrHandler : 'IOHandler'}')`;
  const handler = resolveHandler(urlOrHandler, 'save', where);
  const named = namedModelWeights(model, where).map(({ record, name }) => ({ name, tensor: record.variable }));
  const { specs, data } = await encodeWeights(named);
  return handler.save({ modelTopology: null, format: LAYERS_MODEL_FORMAT, generatedBy: GENERATED_BY, convertedBy: null, weightSpecs: specs, weightData: data });
}

/**
 * Loads weights saved by `saveWeights` or `saveModel` (or TensorFlow.js) into `model`, matching by
 * name; shapes must match. On any error the model keeps its weights.
 */
export async function loadWeights(model: Layer, urlOrHandler: string | IOHandler, options: LoadWeightsOptions = {}): Promise<void> {
  const where = `loadWeights('${typeof urlOrHandler === 'string' ? urlOrHandler : 'IOHandler'}')`;
  const handler = resolveHandler(urlOrHandler, 'load', where);
  const artifacts = await handler.load();
  setWeightsFromArtifacts(model, artifacts, options, where);
}
