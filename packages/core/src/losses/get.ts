/**
 * Resolving what users pass as `loss`: a Loss, a per-sample function, a Keras name or alias in
 * camelCase or snake_case, or a serialized `{className, config}`.
 */
import { Tensor } from '../tensor/tensor.js';
import {
  deserializeObject, getRegisteredClass, isSerializedObject, registerClass, registeredClassNames, type ConfigDict,
} from '../serialization/registry.js';
import { Loss, type LossArgs } from './loss.js';
import * as fns from './functions.js';
import {
  BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy, CategoricalHinge,
  CosineSimilarity, Dice, Hinge, Huber, KLDivergence, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError,
  MeanSquaredError, MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge,
} from './losses.js';
import { lookupKey } from './utils.js';

/** A per-sample loss function: one value per sample. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** What `getLoss` (and `compile({loss})`) accepts. */
export type LossIdentifier = Loss | LossFunction | string | {
  /** The registered class name. */
  className: string;
  /** Its constructor arguments. */
  config: ConfigDict;
};

interface Entry {
  /** The canonical Keras snake_case name. */
  name: string;
  make: () => Loss;
  fn: LossFunction;
}

const ENTRIES: Entry[] = [
  { name: 'mean_squared_error', make: () => new MeanSquaredError(), fn: fns.meanSquaredError },
  { name: 'mean_absolute_error', make: () => new MeanAbsoluteError(), fn: fns.meanAbsoluteError },
  { name: 'mean_absolute_percentage_error', make: () => new MeanAbsolutePercentageError(), fn: fns.meanAbsolutePercentageError },
  { name: 'mean_squared_logarithmic_error', make: () => new MeanSquaredLogarithmicError(), fn: fns.meanSquaredLogarithmicError },
  { name: 'huber', make: () => new Huber(), fn: (t, p) => fns.huber(t, p) },
  { name: 'log_cosh', make: () => new LogCosh(), fn: fns.logCosh },
  { name: 'binary_crossentropy', make: () => new BinaryCrossentropy(), fn: (t, p) => fns.binaryCrossentropy(t, p) },
  { name: 'binary_focal_crossentropy', make: () => new BinaryFocalCrossentropy(), fn: (t, p) => fns.binaryFocalCrossentropy(t, p) },
  { name: 'categorical_crossentropy', make: () => new CategoricalCrossentropy(), fn: (t, p) => fns.categoricalCrossentropy(t, p) },
  { name: 'categorical_focal_crossentropy', make: () => new CategoricalFocalCrossentropy(), fn: (t, p) => fns.categoricalFocalCrossentropy(t, p) },
  { name: 'sparse_categorical_crossentropy', make: () => new SparseCategoricalCrossentropy(), fn: (t, p) => fns.sparseCategoricalCrossentropy(t, p) },
  { name: 'kl_divergence', make: () => new KLDivergence(), fn: fns.klDivergence },
  { name: 'poisson', make: () => new Poisson(), fn: fns.poisson },
  { name: 'cosine_similarity', make: () => new CosineSimilarity(), fn: (t, p) => fns.cosineSimilarity(t, p) },
  { name: 'hinge', make: () => new Hinge(), fn: fns.hinge },
  { name: 'squared_hinge', make: () => new SquaredHinge(), fn: fns.squaredHinge },
  { name: 'categorical_hinge', make: () => new CategoricalHinge(), fn: fns.categoricalHinge },
  { name: 'dice', make: () => new Dice(), fn: (t, p) => fns.dice(t, p) },
];

/** Extra spellings (Keras aliases and class names that differ from the function name). */
const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error', mae: 'mean_absolute_error', mape: 'mean_absolute_percentage_error', msle: 'mean_squared_logarithmic_error',
  huber_loss: 'huber', logcosh: 'log_cosh', bce: 'binary_crossentropy', kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
};

const BY_KEY = new Map<string, Entry>();
for (const e of ENTRIES) BY_KEY.set(lookupKey(e.name), e);
for (const [alias, name] of Object.entries(ALIASES)) BY_KEY.set(lookupKey(alias), ENTRIES.find((e) => e.name === name)!);

/** The built-in loss for a name (camelCase, snake_case, class name or alias), or undefined. @internal */
export function builtinLossEntry(name: string): { name: string; fn: LossFunction; make: () => Loss } | undefined {
  return BY_KEY.get(lookupKey(name));
}

/** Every loss name `getLoss` understands (canonical names, then aliases). */
export function lossNames(): string[] {
  return [...ENTRIES.map((e) => e.name), ...Object.keys(ALIASES)];
}

const BUILTIN_FUNCTIONS = new Map<unknown, Entry>([
  ...ENTRIES.map((e): [unknown, Entry] => [e.fn, e]),
  [fns.huber, ENTRIES.find((e) => e.name === 'huber')!],
  [fns.binaryCrossentropy, ENTRIES.find((e) => e.name === 'binary_crossentropy')!],
  [fns.binaryFocalCrossentropy, ENTRIES.find((e) => e.name === 'binary_focal_crossentropy')!],
  [fns.categoricalCrossentropy, ENTRIES.find((e) => e.name === 'categorical_crossentropy')!],
  [fns.categoricalFocalCrossentropy, ENTRIES.find((e) => e.name === 'categorical_focal_crossentropy')!],
  [fns.sparseCategoricalCrossentropy, ENTRIES.find((e) => e.name === 'sparse_categorical_crossentropy')!],
  [fns.cosineSimilarity, ENTRIES.find((e) => e.name === 'cosine_similarity')!],
  [fns.dice, ENTRIES.find((e) => e.name === 'dice')!],
]);

/**
 * A Loss class registered with `st.registerClass('loss', Cls)` under `name`: its exact class name
 * first, else one that matches ignoring case and underscores (`'my_loss'` finds `MyLoss`).
 */
function registeredLossClass(name: string): { fromConfig(config: ConfigDict): unknown } | undefined {
  const exact = getRegisteredClass('loss', name);
  if (exact) return exact;
  const key = lookupKey(name);
  const match = registeredClassNames('loss').find((n) => lookupKey(n) === key);
  return match === undefined ? undefined : getRegisteredClass('loss', match);
}

/** Arguments of {@link LossFunctionWrapper}. */
export interface LossFunctionWrapperArgs extends LossArgs {
  /** The function's name in configs; default its JavaScript name. */
  fnName?: string;
}

/**
 * A loss made from a per-sample function `(yTrue, yPred) => Tensor` (what `getLoss(fn)` returns
 * for a function that is not built in). Its config names the function; only built-in function
 * names can be loaded back.
 */
export class LossFunctionWrapper extends Loss {
  static override readonly className = 'LossFunctionWrapper';
  /** The per-sample function. */
  readonly fn: LossFunction;
  /** The name its config records. */
  readonly fnName: string;
  constructor(fn: LossFunction, args: LossFunctionWrapperArgs = {}) {
    if (typeof fn !== 'function') throw new Error(`LossFunctionWrapper: expected a function (yTrue, yPred) => Tensor, got ${String(fn)}`);
    const fnName = args.fnName ?? (fn.name || 'loss');
    super(args, args.name ?? fnName);
    this.fn = fn;
    this.fnName = fnName;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const out = this.fn(yTrue, yPred);
    if (!(out instanceof Tensor)) throw new Error(`${this.name}: the loss function must return a Tensor, got ${String(out)}`);
    return out;
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fn: this.fnName };
  }
  /** Rebuilds a wrapper whose `fn` names a built-in loss function. */
  static override fromConfig<T extends Loss>(this: new (args: never) => T, config: ConfigDict): T {
    const fnName = config['fn'];
    const entry = typeof fnName === 'string' ? builtinLossEntry(fnName) : undefined;
    if (!entry) {
      throw new Error(`LossFunctionWrapper: cannot rebuild a loss from function '${String(fnName)}'; only built-in loss functions ` +
        `(${lossNames().join(', ')}) can be loaded by name. Pass your function to compile again after loading.`);
    }
    const { fn: _fn, ...rest } = config;
    return new LossFunctionWrapper(entry.fn, { ...(rest as LossArgs), fnName: fnName as string }) as unknown as T;
  }
}
registerClass('loss', LossFunctionWrapper);

/**
 * The loss for `identifier`: a Loss (returned as is), a per-sample function (wrapped; built-in
 * functions become their class), a name such as `'mse'`, `'categoricalCrossentropy'` or
 * `'sparse_categorical_crossentropy'`, the class name of a Loss registered with
 * `st.registerClass('loss', MyLoss)` (built with default settings), or a serialized
 * `{className, config}` (built-in or registered class).
 * @example const loss = st.losses.getLoss('binary_crossentropy');
 */
export function getLoss(identifier: LossIdentifier): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'function') {
    const entry = BUILTIN_FUNCTIONS.get(identifier);
    return entry ? entry.make() : new LossFunctionWrapper(identifier);
  }
  if (typeof identifier === 'string') {
    const entry = builtinLossEntry(identifier);
    if (entry) return entry.make();
    const custom = registeredLossClass(identifier);
    if (custom) {
      const loss = custom.fromConfig({});
      if (!(loss instanceof Loss)) throw new Error(`getLoss: the class registered as loss '${identifier}' did not build a Loss`);
      return loss;
    }
    const registered = registeredClassNames('loss').filter((n) => n !== 'LossFunctionWrapper' && !builtinLossEntry(n));
    throw new Error(`getLoss: unknown loss '${identifier}'. Known losses: ${lossNames().join(', ')} ` +
      '(camelCase or snake_case, e.g. \'sparseCategoricalCrossentropy\'); registered custom losses: ' +
      `${registered.length > 0 ? registered.join(', ') : '(none)'} (a custom Loss class is found by name once registered with ` +
      'st.registerClass(\'loss\', MyLoss)); ' +
      'or pass a Loss instance or a function (yTrue, yPred) => Tensor');
  }
  if (isSerializedObject(identifier)) return deserializeObject<Loss>('loss', identifier, 'getLoss');
  throw new Error(`getLoss: expected a Loss, a function (yTrue, yPred) => Tensor, a loss name or {className, config}, got ${String(identifier)}`);
}
