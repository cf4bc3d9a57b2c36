/**
 * Resolving an optimizer from a name, a config or an instance (Keras `optimizers.get`).
 */
import {
  deserializeObject, getRegisteredClass, isSerializedObject, registeredClassNames, serializeObject,
  type ConfigDict, type ConfigValue, type SerializedObject,
} from '../serialization/registry.js';
import { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import { Adagrad } from './adagrad.js';
import { Adadelta } from './adadelta.js';
import { Adamax } from './adamax.js';
import { Nadam } from './nadam.js';
import { Lion } from './lion.js';
import { Ftrl } from './ftrl.js';

/** What `compile({optimizer})` and `getOptimizer` accept. */
export type OptimizerIdentifier = Optimizer | string | SerializedObject;

const byName: Record<string, () => Optimizer> = {
  sgd: () => new SGD(), adam: () => new Adam(), adamw: () => new AdamW(), rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(), adadelta: () => new Adadelta(), adamax: () => new Adamax(), nadam: () => new Nadam(),
  lion: () => new Lion(), ftrl: () => new Ftrl(),
};

const num = (v: ConfigValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * TensorFlow.js optimizer configs whose class name or keys differ from Keras (as found in the
 * `training_config` of TensorFlow.js models); Adam, SGD, Adagrad, Adadelta and Adamax match already.
 */
const tfjsOptimizers: Record<string, (c: ConfigDict) => Optimizer> = {
  RMSProp: (c) => new RMSprop({
    learningRate: num(c.learningRate), rho: num(c.decay), momentum: num(c.momentum), epsilon: num(c.epsilon),
    centered: c.centered === true,
  }),
  Momentum: (c) => new SGD({ learningRate: num(c.learningRate), momentum: num(c.momentum), nesterov: c.useNesterov === true }),
};

/**
 * An optimizer from an instance (returned as is), a name with default settings (`'adam'`,
 * `'SGD'`, `'rmsprop'`, ...; case-insensitive; also any registered optimizer class name) or
 * `{className, config}` (including TensorFlow.js's `RMSProp` and `Momentum` configs).
 */
export function getOptimizer(id: OptimizerIdentifier, where = 'getOptimizer'): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') {
    const key = id.toLowerCase();
    const make = byName[key];
    if (make) return make();
    // Custom optimizers registered with st.registerClass('optimizer', Cls).
    const className = registeredClassNames('optimizer').find((n) => n.toLowerCase() === key);
    if (className) return getRegisteredClass('optimizer', className)!.fromConfig({}) as Optimizer;
    throw new Error(`${where}: unknown optimizer '${id}'. Known: ${Object.keys(byName).join(', ')}` +
      ' (or a registered optimizer class name, an Optimizer instance, or {className, config})');
  }
  if (isSerializedObject(id)) {
    const tfjs = tfjsOptimizers[id.className];
    if (tfjs && !getRegisteredClass('optimizer', id.className)) return tfjs(id.config ?? {});
    return deserializeObject<Optimizer>('optimizer', id, where);
  }
  throw new Error(`${where}: expected an optimizer, a name or {className, config}, got ${String(id)}`);
}

/** `{className, config}` of an optimizer (its hyperparameters, not its state). */
export function serializeOptimizer(optimizer: Optimizer): SerializedObject {
  return serializeObject(optimizer);
}
