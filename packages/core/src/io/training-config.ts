/**
 * The `trainingConfig` of a model.json (what `compile` was given), written so TensorFlow.js's
 * `loadLayersModel` compiles the model too: losses and metrics as snake_case names, the optimizer
 * as `{class_name, config}` in the spelling TensorFlow.js knows.
 *
 * TensorFlow.js's `loadTrainingConfig` throws on anything it cannot read (an optimizer class it
 * lacks such as AdamW, Nadam, Lion, Ftrl or a custom one; a learning-rate schedule; a loss name it
 * lacks; `loss_weights`), and a throw there fails the whole `loadLayersModel`. So when the compile
 * settings are not TensorFlow.js-readable, no `trainingConfig` is written (TensorFlow.js then loads
 * the model uncompiled) and Strata's complete form is stored instead under
 * `userDefinedMetadata.strataTrainingConfig`, which TensorFlow.js keeps as opaque metadata:
 * the optimizer as `{class_name, config: getConfig()}` for every registered optimizer class (a
 * schedule inside as `{className, config}`), losses as names or `{class_name, config}` of
 * registered Loss classes, `loss_weights`, and metric names. `loadModel` compiles from either.
 */
import type { CompileArgs } from '../models/compiled.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { getOptimizer } from '../optimizers/get.js';
import { Loss } from '../losses/loss.js';
import { builtinLossEntry, getLoss, LossFunctionWrapper } from '../losses/get.js';
import { getRegisteredClass, type ConfigDict, type ConfigValue, type SerializedObject } from '../serialization/registry.js';
import { convertPythonicToTs, toCamelCase, toSnakeCase, type PyJsonValue } from './keras-format.js';
import type { ModelArtifacts, TrainingConfig } from './types.js';

/** The optimizer as TensorFlow.js's `{class_name, config}`, or null if TensorFlow.js lacks it. */
function tfjsOptimizerConfig(optimizer: Optimizer): { class_name: string; config: ConfigDict } | null {
  const className = optimizer.getClassName();
  const config = optimizer.getConfig();
  if (typeof config['learningRate'] !== 'number') return null;
  const lr = config['learningRate'];
  switch (className) {
    case 'SGD':
      if (typeof config['momentum'] === 'number' && config['momentum'] > 0) {
        return { class_name: 'Momentum', config: { learningRate: lr, momentum: config['momentum'], useNesterov: config['nesterov'] === true } };
      }
      return { class_name: 'SGD', config };
    case 'RMSprop':
      return { class_name: 'RMSProp', config: { learningRate: lr, decay: config['rho'] ?? 0.9, momentum: config['momentum'] ?? 0, epsilon: config['epsilon'] ?? 1e-7, centered: config['centered'] ?? false } };
    case 'Adam':
    case 'Adagrad':
    case 'Adadelta':
    case 'Adamax':
      return { class_name: className, config };
    default:
      return null;
  }
}

/** Strata's canonical loss names that TensorFlow.js's `losses.get` knows, with TensorFlow.js's spelling. */
const TFJS_LOSSES: Record<string, string> = {
  mean_squared_error: 'mean_squared_error', mean_absolute_error: 'mean_absolute_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error', mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  squared_hinge: 'squared_hinge', hinge: 'hinge', categorical_hinge: 'categorical_hinge', log_cosh: 'logcosh',
  categorical_crossentropy: 'categorical_crossentropy', sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  binary_crossentropy: 'binary_crossentropy', kl_divergence: 'kullback_leibler_divergence', poisson: 'poisson',
};

/** Metric names TensorFlow.js's `compile` accepts (camelCase, as it reads them). */
const TFJS_METRICS = new Set([
  'accuracy', 'acc', 'crossentropy', 'ce', 'binaryAccuracy', 'categoricalAccuracy', 'precision', 'categoricalCrossentropy',
  'sparseCategoricalCrossentropy', 'mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE', 'cosine',
]);

/** A loss name as TensorFlow.js spells it (snake_case), or '' when TensorFlow.js lacks that loss. */
function tfjsLossName(name: string): string {
  const entry = builtinLossEntry(name);
  return entry ? (TFJS_LOSSES[entry.name] ?? '') : '';
}

function allNames(value: StringsOrRecord, ok: (name: string) => boolean): boolean {
  if (typeof value === 'string') return ok(value);
  return (Array.isArray(value) ? value : Object.values(value)).every(ok);
}

type StringsOrRecord = string | string[] | { [output: string]: string };

function names(value: unknown, convert: (s: string) => string): StringsOrRecord | null {
  if (typeof value === 'string') return convert(value);
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? value.map((v: string) => convert(v)) : null;
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: string } = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') return null;
      out[k] = convert(v);
    }
    return out;
  }
  return null;
}

/**
 * The trainingConfig for a model compiled with `args` (its optimizer instance given), or null
 * when it cannot be written faithfully for TensorFlow.js: an optimizer TensorFlow.js lacks or a
 * learning-rate schedule, a loss that is not a TensorFlow.js loss name (losses are written under
 * the name TensorFlow.js knows, e.g. `'mse'` as `mean_squared_error`), loss weights other than 1,
 * or a metric name TensorFlow.js lacks. See {@link strataTrainingConfigFromCompileArgs} for the
 * form that keeps everything.
 */
export function trainingConfigFromCompileArgs(args: CompileArgs, optimizer: Optimizer): TrainingConfig | null {
  const optimizerConfig = tfjsOptimizerConfig(optimizer);
  const loss = names(args.loss, tfjsLossName);
  if (!optimizerConfig || loss === null || !allNames(loss, (n) => n !== '')) return null;
  if (args.lossWeights !== undefined) {
    const weights = Array.isArray(args.lossWeights) ? args.lossWeights : Object.values(args.lossWeights);
    if (weights.some((w) => w !== 1)) return null;
  }
  const config: TrainingConfig = { loss: loss as TrainingConfig['loss'], optimizer_config: optimizerConfig };
  if (args.metrics !== undefined) {
    // Metrics TensorFlow.js cannot read (metric objects, lists per output, names it lacks, which
    // would make its compile throw) send everything to Strata's form rather than being dropped.
    const metrics = names(args.metrics, toSnakeCase);
    if (metrics === null || !allNames(metrics, (n) => TFJS_METRICS.has(toCamelCase(n)))) return null;
    config.metrics = typeof metrics === 'string' ? [metrics] : metrics;
  }
  return config;
}

/** Compile arguments from a saved trainingConfig (TensorFlow.js, Keras or Strata). */
export function compileArgsFromTrainingConfig(config: TrainingConfig, where = 'loadTrainingConfig'): CompileArgs {
  if (isStrataTrainingConfig(config)) return compileArgsFromStrataTrainingConfig(config, where);
  if (config.optimizer_config == null) throw new Error(`${where}: the trainingConfig has no optimizer_config`);
  const optimizerId = convertPythonicToTs(config.optimizer_config as PyJsonValue) as unknown as SerializedObject;
  const optimizer = getOptimizer(optimizerId, where);
  const loss = names(config.loss, toCamelCase);
  if (loss === null) throw new Error(`${where}: the trainingConfig's loss must be a name, a list of names or names by output, got ${JSON.stringify(config.loss)}`);
  const args: CompileArgs = { optimizer, loss };
  if (config.metrics != null) {
    const metrics = names(config.metrics, toCamelCase);
    if (metrics === null || typeof metrics === 'string') throw new Error(`${where}: the trainingConfig's metrics must be names, got ${JSON.stringify(config.metrics)}`);
    args.metrics = metrics as CompileArgs['metrics'];
  }
  if (config.loss_weights != null) args.lossWeights = config.loss_weights;
  return args;
}

// ---------------------------------------------------------------------------------------------
// Strata's complete form (kept out of TensorFlow.js's way in userDefinedMetadata).

/** The `userDefinedMetadata` key under which Strata stores its complete training configuration. */
export const STRATA_TRAINING_CONFIG_KEY = 'strataTrainingConfig';
const STRATA_FORMAT = 'strata-training-config';

/** A loss as stored: a name (built-in or registered class) or a registered Loss class with its config. */
export type StoredLoss = string | {
  /** The registered loss class. */
  class_name: string;
  /** Its `getConfig()`. */
  config: ConfigDict;
};

/**
 * Strata's training configuration: the same keys as Keras' `training_config`, with any registered
 * optimizer (its `getConfig()` verbatim, camelCase, a schedule as `{className, config}`), losses
 * by name or `{class_name, config}`, and `loss_weights`.
 */
export interface StrataTrainingConfig {
  /** Marks Strata's form. */
  format: typeof STRATA_FORMAT;
  /** Version of Strata's form. */
  version: 1;
  /** The optimizer's registered name and `getConfig()`. */
  optimizer_config: {
    /** The optimizer's registered class name. */
    class_name: string;
    /** Its `getConfig()`, camelCase. */
    config: ConfigDict;
  };
  /** The loss(es), per output when there are several. */
  loss: StoredLoss | StoredLoss[] | { [output: string]: StoredLoss };
  /** Weights of the per-output losses. */
  loss_weights?: number[] | { [output: string]: number };
  /** The metrics given to `compile`, serialized. */
  metrics?: ConfigValue;
}

/** Whether `config` is Strata's complete form (not a TensorFlow.js/Keras trainingConfig). */
export function isStrataTrainingConfig(config: unknown): config is StrataTrainingConfig {
  return config !== null && typeof config === 'object' && (config as { format?: unknown }).format === STRATA_FORMAT;
}

/** One loss as stored, or null when it cannot be rebuilt by name (an unregistered class, a custom function). */
function storedLoss(loss: unknown): StoredLoss | null {
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') {
    const entry = builtinLossEntry((loss as { name?: string }).name ?? '');
    return entry && entry.fn === loss ? entry.name : null;
  }
  if (loss instanceof Loss) {
    if (loss instanceof LossFunctionWrapper && !builtinLossEntry(loss.fnName)) return null;
    let className: string;
    try {
      className = loss.getClassName();
    } catch {
      return null;
    }
    if (getRegisteredClass('loss', className) === undefined) return null;
    return { class_name: className, config: loss.getConfig() };
  }
  return null;
}

function storedLosses(loss: unknown): StrataTrainingConfig['loss'] | null {
  if (Array.isArray(loss)) {
    const out = loss.map(storedLoss);
    return out.every((l) => l !== null) ? (out as StoredLoss[]) : null;
  }
  if (loss !== null && typeof loss === 'object' && !(loss instanceof Loss) && !('className' in loss)) {
    const out: { [output: string]: StoredLoss } = {};
    for (const [k, v] of Object.entries(loss)) {
      const l = storedLoss(v);
      if (l === null) return null;
      out[k] = l;
    }
    return out;
  }
  if (loss !== null && typeof loss === 'object' && 'className' in loss) {
    const { className, config } = loss as { className: unknown; config?: unknown };
    return typeof className === 'string' ? { class_name: className, config: (config ?? {}) as ConfigDict } : null;
  }
  return storedLoss(loss);
}

/** Metric identifiers made only of names (flat, per output, or by output name), else null. */
function metricNames(value: unknown): ConfigValue | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const out = value.map(metricNames);
    return out.every((v) => v !== null) ? out : null;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: ConfigDict = {};
    for (const [k, v] of Object.entries(value)) {
      const m = metricNames(v);
      if (m === null) return null;
      out[k] = m;
    }
    return out;
  }
  return null;
}

/**
 * Strata's complete training configuration for a model compiled with `args` (its optimizer
 * instance given), or null when something in it cannot be rebuilt by name: an optimizer or loss
 * class that is not registered, or a loss given as a custom function. Metrics that are not names
 * are left out (pass them to `compile` again after loading).
 */
export function strataTrainingConfigFromCompileArgs(args: CompileArgs, optimizer: Optimizer): StrataTrainingConfig | null {
  let className: string;
  try {
    className = optimizer.getClassName();
  } catch {
    return null;
  }
  if (getRegisteredClass('optimizer', className) === undefined) return null;
  let optimizerConfig: ConfigDict;
  try {
    optimizerConfig = JSON.parse(JSON.stringify(optimizer.getConfig())) as ConfigDict;
  } catch {
    return null;
  }
  const loss = storedLosses(args.loss);
  if (loss === null) return null;
  const config: StrataTrainingConfig = { format: STRATA_FORMAT, version: 1, optimizer_config: { class_name: className, config: optimizerConfig }, loss };
  if (args.lossWeights !== undefined) {
    config.loss_weights = Array.isArray(args.lossWeights) ? [...(args.lossWeights as number[])] : { ...(args.lossWeights as Record<string, number>) };
  }
  if (args.metrics !== undefined) {
    const metrics = metricNames(args.metrics);
    if (metrics !== null) config.metrics = metrics;
  }
  return config;
}

/** Compile arguments from Strata's complete training configuration. */
export function compileArgsFromStrataTrainingConfig(config: StrataTrainingConfig, where = 'loadTrainingConfig'): CompileArgs {
  if (config.version !== 1) throw new Error(`${where}: unsupported Strata training configuration version ${String(config.version)} (this version reads 1)`);
  const oc = config.optimizer_config;
  if (oc == null || typeof oc.class_name !== 'string') throw new Error(`${where}: the Strata training configuration has no optimizer_config {class_name, config}`);
  const optimizer = getOptimizer({ className: oc.class_name, config: oc.config ?? {} }, where);
  const toId = (l: StoredLoss): CompileArgs['loss'] => {
    if (typeof l === 'string') return l;
    // Built here: compile reads a bare {className, config} as losses by output name.
    if (l !== null && typeof l === 'object' && typeof l.class_name === 'string') return getLoss({ className: l.class_name, config: l.config ?? {} });
    throw new Error(`${where}: a stored loss must be a name or {class_name, config}, got ${JSON.stringify(l)}`);
  };
  let loss: CompileArgs['loss'];
  if (Array.isArray(config.loss)) loss = config.loss.map(toId) as CompileArgs['loss'];
  else if (config.loss !== null && typeof config.loss === 'object' && !('class_name' in config.loss)) {
    loss = Object.fromEntries(Object.entries(config.loss as Record<string, StoredLoss>).map(([k, v]) => [k, toId(v)])) as CompileArgs['loss'];
  } else loss = toId(config.loss as StoredLoss);
  const args: CompileArgs = { optimizer, loss };
  if (config.loss_weights != null) args.lossWeights = config.loss_weights;
  if (config.metrics != null) args.metrics = config.metrics as CompileArgs['metrics'];
  return args;
}

/**
 * What `saveModel` stores for a compiled model: `trainingConfig` when TensorFlow.js can read it
 * faithfully, else Strata's complete form in `userDefinedMetadata` (nothing when neither can be
 * written, or the model is not compiled). `model` is an `st.Model` (its compile arguments and
 * optimizer are read).
 * @internal
 */
export function trainingConfigArtifacts(model: object): Pick<ModelArtifacts, 'trainingConfig' | 'userDefinedMetadata'> {
  // Typed structurally: io cannot import Model (Model imports io).
  const m = model as { getTrainingConfig?(): TrainingConfig | null; readonly compileArgs?: CompileArgs | null; optimizer?: Optimizer | null };
  const tfjs = m.getTrainingConfig?.() ?? null;
  if (tfjs) return { trainingConfig: tfjs };
  const args = m.compileArgs ?? null;
  const optimizer = m.optimizer ?? null;
  if (!args || !optimizer) return {};
  const strata = strataTrainingConfigFromCompileArgs(args, optimizer);
  return strata ? { userDefinedMetadata: { [STRATA_TRAINING_CONFIG_KEY]: strata as unknown as object } } : {};
}

/** The training configuration `loadModel` compiles from: `trainingConfig`, else Strata's complete form. @internal */
export function trainingConfigOfArtifacts(artifacts: ModelArtifacts): TrainingConfig | null {
  if (artifacts.trainingConfig != null) return artifacts.trainingConfig;
  const strata = artifacts.userDefinedMetadata?.[STRATA_TRAINING_CONFIG_KEY];
  return isStrataTrainingConfig(strata) ? (strata as unknown as TrainingConfig) : null;
}
