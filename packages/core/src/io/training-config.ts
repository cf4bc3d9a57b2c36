/**
 * The `trainingConfig` of a model.json (what `compile` was given), written so TensorFlow.js's
 * `loadLayersModel` compiles the model too: losses and metrics as snake_case names, the optimizer
 * as `{class_name, config}` in the spelling TensorFlow.js knows. When TensorFlow.js could not
 * read it faithfully (a loss or optimizer given as an object or function, an optimizer TensorFlow.js
 * lacks, a learning-rate schedule, loss weights), no trainingConfig is written and the loaded model
 * is left uncompiled, as TensorFlow.js does for models saved without one.
 */
import type { CompileArgs } from '../models/compiled.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { getOptimizer } from '../optimizers/get.js';
import type { ConfigDict, SerializedObject } from '../serialization/registry.js';
import { convertPythonicToTs, toCamelCase, toSnakeCase, type PyJsonValue } from './keras-format.js';
import type { TrainingConfig } from './types.js';

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
 * when it cannot be written faithfully for TensorFlow.js.
 */
export function trainingConfigFromCompileArgs(args: CompileArgs, optimizer: Optimizer): TrainingConfig | null {
  const optimizerConfig = tfjsOptimizerConfig(optimizer);
  const loss = names(args.loss, toSnakeCase);
  if (!optimizerConfig || loss === null) return null;
  if (args.lossWeights !== undefined) {
    const weights = Array.isArray(args.lossWeights) ? args.lossWeights : Object.values(args.lossWeights);
    if (weights.some((w) => w !== 1)) return null;
  }
  const config: TrainingConfig = { loss: loss as TrainingConfig['loss'], optimizer_config: optimizerConfig };
  // Metrics only as TensorFlow.js reads them (names, flat or by output); others are left out.
  if (args.metrics !== undefined) {
    const metrics = names(args.metrics, toSnakeCase);
    if (metrics !== null && typeof metrics !== 'string') config.metrics = metrics;
  }
  return config;
}

/** Compile arguments from a saved trainingConfig (TensorFlow.js, Keras or Strata). */
export function compileArgsFromTrainingConfig(config: TrainingConfig, where = 'loadTrainingConfig'): CompileArgs {
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
