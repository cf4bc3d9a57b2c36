/**
 * Model: a Layer that can be compiled and trained (Keras `fit`, `evaluate`, `predict`, ...).
 * Subclass it and override `call` for a subclassed model; `Sequential` and `Functional` build on it.
 */
import { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { keep } from '../engine/memory.js';
import { variableGrads } from '../autodiff/gradients.js';
import { add } from '../ops/binary.js';
import { concat } from '../ops/movement.js';
import { argMax } from '../ops/reduction.js';
import { tensor } from '../ops/convert.js';
import { fill } from '../ops/creation.js';
import type { Loss } from '../losses/loss.js';
import { formatShape } from '../layers/layer-utils.js';
import { reshape } from '../ops/reshape.js';
import { Layer, type CallArgs, type LayerArgs, type SymbolicShape } from '../layers/layer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Callback, type CallbackModel, type Logs, type TrainingParams } from '../callbacks/callback.js';
import { CallbackList, History, ProgbarLogger, TerminateOnNaN } from '../callbacks/index.js';
import { CompiledModel, type CompileArgs } from './compiled.js';
import {
  arrayBatches, epochOrder, fromElement, isBatchSource, releaseBatch, sampleCount, sliceRows, toList,
  type Batch, type BatchSource, type DatasetElement, type ModelData,
} from './data-adapter.js';
import { summaryTable } from './summary.js';
import { Dataset } from '../data/dataset.js';
import type { IOHandler, SaveResult, TrainingConfig } from '../io/types.js';
import { saveModel, saveWeights, loadWeights, type SaveOptions, type LoadWeightsOptions } from '../io/model-io.js';
import { trainingConfigFromCompileArgs } from '../io/training-config.js';

/** Arguments of `fit`. */
export interface FitArgs {
  /** The epoch to stop before (default 1). */
  epochs?: number;
  /** Samples per step (default 32); ignored for datasets, which are already batched. */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Callbacks called during training (a `History` and, when verbose, a progress bar are added). */
  callbacks?: readonly Callback[];
  /** Fraction of the samples (the last ones, before shuffling) held out for validation. */
  validationSplit?: number;
  /** `[x, y]`, `[x, y, sampleWeight]` or a dataset, evaluated after each epoch. */
  validationData?: readonly [ModelData, ModelData] | readonly [ModelData, ModelData, Tensor] | BatchSource<DatasetElement>;
  /** Batch size of the validation pass (default `batchSize`). */
  validationBatchSize?: number;
  /** Shuffle the samples each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle: the same seed gives the same batches (and lets an interrupted run resume identically). */
  seed?: number;
  /** Weight of each class in the loss, by class index (single-output models). */
  classWeight?: Readonly<Record<number, number>>;
  /** Weight of each sample in the loss, shape `[samples]`. */
  sampleWeight?: Tensor;
  /** Epoch to start at (for resuming). */
  initialEpoch?: number;
  /** Steps per epoch: a dataset is read continuously across epochs; arrays restart each epoch. */
  stepsPerEpoch?: number;
  /** Batches per validation pass (default: all). */
  validationSteps?: number;
}

/** Arguments of `evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch (default 32); ignored for datasets. */
  batchSize?: number;
  /** Accepted for Keras compatibility; `evaluate` prints nothing. */
  verbose?: 0 | 1 | 2;
  /** Weight of each sample in the loss and metrics, shape `[samples]`. */
  sampleWeight?: Tensor;
  /** Batches to evaluate (default: all). */
  steps?: number;
  /** Callbacks called during evaluation. */
  callbacks?: readonly Callback[];
}

/** Arguments of `predict`. */
export interface PredictArgs {
  /** Samples per batch (default 32); ignored for datasets. */
  batchSize?: number;
  /** Accepted for Keras compatibility; `predict` prints nothing. */
  verbose?: 0 | 1 | 2;
  /** Batches to run (default: all). */
  steps?: number;
  /** Callbacks called during prediction. */
  callbacks?: readonly Callback[];
}

/**
 * The base of every trainable model.
 * @example
 * // A subclassed model: layers stored in properties are tracked, call() is the forward pass.
 * class TwoLayers extends st.Model {
 *   readonly hidden = st.layers.dense({ units: 16, activation: 'relu' });
 *   readonly out = st.layers.dense({ units: 1 });
 *   override call(inputs: st.Tensor | st.Tensor[], args: st.CallArgs): st.Tensor {
 *     return this.out.apply(this.hidden.apply(st.layers.singleInput(inputs, this.name), args), args);
 *   }
 * }
 * const model = new TwoLayers();
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * await model.fit(st.randomNormal([64, 4]), st.randomNormal([64, 1]), { epochs: 2, verbose: 0 });
 */
export class Model extends Layer implements CallbackModel {
  static override readonly className: string = 'Model';
  /** Set true (e.g. from a callback) to end `fit` after the current batch. */
  stopTraining = false;
  /** @internal Set by BackupAndRestore: the epoch to resume at. */
  resumeFromEpoch: number | null = null;
  /** @internal */
  compiled: CompiledModel | null = null;
  private compileSettings: CompileArgs | null = null;
  private training = false;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  /** The computation of a subclassed model (Sequential and Functional define their own). */
  call(_inputs: Tensor | Tensor[], _args: CallArgs): Tensor | Tensor[] {
    throw new Error(`${this.name}: a subclassed Model must override call()`);
  }

  /** Names of the inputs, for data given as records. */
  get inputNames(): string[] {
    return ['input'];
  }

  /** Names of the outputs, used in logs of multi-output models and for records of targets. */
  get outputNames(): string[] {
    return ['output'];
  }

  /** Output shapes when known (before training), used to choose metrics like 'accuracy'. */
  protected outputShapes(): (SymbolicShape | null)[] {
    return this.outputNames.map(() => null);
  }

  /** The arguments of the last `compile`, or null before it (read when saving the training config). */
  get compileArgs(): CompileArgs | null {
    return this.compileSettings;
  }

  /** The optimizer given to `compile`. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /**
   * Sets the optimizer, loss(es) and metrics for training.
   * @example
   * const model = st.sequential([st.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
   * model.compile({ optimizer: st.optimizers.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   */
  compile(args: CompileArgs): void {
    if (!args || !args.optimizer) throw new Error(`${this.name}.compile: an optimizer is required`);
    if (!args.loss) throw new Error(`${this.name}.compile: a loss is required`);
    const next = new CompiledModel(args, this.outputNames, this.outputShapes());
    this.compiled?.dispose();
    this.compiled = next;
    this.compileSettings = args;
  }

  private requireCompiled(where: string): CompiledModel {
    if (!this.compiled) throw new Error(`${this.name}.${where}: call compile() first`);
    return this.compiled;
  }

  private calledOnce = false;

  /** Runs the model on real tensors in model order; always returns a list of outputs. */
  private forward(xs: Tensor[], training: boolean): Tensor[] {
    const out = this.applyMulti(xs.length === 1 ? xs[0]! : xs, { training });
    this.calledOnce = true;
    return out;
  }

  /**
   * One optimizer step on a batch. Returns the batch loss (read before the weights change, so a
   * non-finite loss can leave the weights untouched) and whether the step was applied.
   */
  private async stepOnBatch(b: Batch, where: string, nanIsFatal: boolean, position: string): Promise<{ applied: boolean; logs: Logs }> {
    const c = this.requireCompiled(where);
    // Subclassed models create their layers' weights on the first call: run it before listing them.
    if (!this.calledOnce) engine().tidy(() => { this.forward(b.xs, false); });
    const vars = this.trainableWeights;
    const batchSize = b.xs[0]!.shape[0]!;
    let outputs: Tensor[] = [];
    let perOutput: Tensor[] = [];
    let grads: Record<string, Tensor> = {};
    let total: Tensor | null = null;
    try {
      const result = engine().tidy(() => {
        const lossFn = () => {
          const outs = this.forward(b.xs, true);
          const { total: t, perOutput: p } = c.computeLoss(b.ys, outs, b.sampleWeight);
          const extra = [...this.takeLosses(), ...this.regularizationLosses()];
          outputs = outs.map((o) => keep(o));
          perOutput = p.map((x) => keep(x));
          return extra.length === 0 ? t : extra.reduce((a, e) => add(a, e), t);
        };
        if (vars.length === 0) throw new Error(`${this.name}.${where}: the model has no trainable weights`);
        return variableGrads(lossFn, vars);
      });
      total = result.value;
      grads = result.grads;
      c.updateState(b.ys, outputs, b.sampleWeight, total, perOutput, batchSize);
      // The batch loss and every log in one read.
      const packed = engine().tidy(() => concat([reshape(total!, [1]), c.resultsTensor()], 0));
      const values = await packed.data();
      packed.dispose();
      const lossValue = values[0]!;
      const logs = c.toLogs(values.subarray(1));
      if (!Number.isFinite(lossValue)) {
        if (nanIsFatal) {
          throw new Error(`${this.name}.${where}: the loss became ${lossValue} at ${position}; the weights were left as they were ` +
            'before this step. Check the inputs and labels for NaN/Inf, or lower the learning rate.');
        }
        return { applied: false, logs: { ...logs, loss: lossValue } };
      }
      c.optimizer.applyGradients(vars.map((v) => [grads[v.name]!, v] as const));
      this.applyConstraints();
      return { applied: true, logs };
    } finally {
      for (const t of [...outputs, ...perOutput, ...Object.values(grads)]) t.dispose();
      total?.dispose();
      this.takeLosses().forEach((t) => t.dispose());
    }
  }

  /** Forward pass and metric update without training. */
  private testBatch(b: Batch, c: CompiledModel): void {
    engine().tidy(() => {
      const outs = this.forward(b.xs, false);
      const { total, perOutput } = c.computeLoss(b.ys, outs, b.sampleWeight);
      const extra = [...this.takeLosses(), ...this.regularizationLosses()];
      const full = extra.reduce((a, e) => add(a, e), total);
      c.updateState(b.ys, outs, b.sampleWeight, full, perOutput, b.xs[0]!.shape[0]!);
    });
  }

  /**
   * Checks the targets before any step: their shape and dtype against each output (by running the
   * loss on two rows), then their values once (NaN labels; for sparse losses, bad class ids).
   */
  private async validateTargets(c: CompiledModel, ys: readonly Tensor[], where: string): Promise<void> {
    const shapes = this.outputShapes();
    for (let i = 0; i < Math.min(ys.length, c.losses.length); i++) {
      const shape = shapes[i];
      if (!shape) continue;
      this.checkTargetLayout(c.losses[i]!, ys[i]!, shape, i, where);
      await c.losses[i]!.validateTargets(ys[i]!, shape);
    }
  }

  /** Runs `loss` on the first rows of `y` against a stand-in output, so a misfit fails before training. */
  private checkTargetLayout(loss: Loss, y: Tensor, outputShape: SymbolicShape, i: number, where: string): void {
    const rows = Math.min(y.shape[0] ?? 0, 2);
    const outputDims = outputShape.slice(1);
    if (rows === 0 || outputDims.some((d) => d === null)) return;
    try {
      engine().tidy(() => {
        loss.compute(sliceRows([y], 0, rows)[0]!, fill([rows, ...(outputDims as number[])], 0.5));
      });
    } catch (err) {
      const output = `output '${this.outputNames[i]}' (${formatShape(outputShape)})`;
      throw new Error(`${this.name}.${where}: the targets ${y.describe()} do not fit ${output}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Sets a batch's sample weights from `classWeight`; returns them (the caller disposes them). */
  private async weighByClass(b: Batch, classWeight: Readonly<Record<number, number>>, where: string): Promise<Tensor> {
    if (b.sampleWeight) throw new Error(`${this.name}.${where}: give classWeight or sample weights, not both`);
    if (b.ys.length === 0) throw new Error(`${this.name}.${where}: classWeight needs targets`);
    b.sampleWeight = await this.classSampleWeights(b.ys[0]!, classWeight);
    return b.sampleWeight;
  }

  /** Per-sample weights for `classWeight` (single output; labels as indices or one-hot). */
  private async classSampleWeights(y: Tensor, classWeight: Readonly<Record<number, number>>): Promise<Tensor> {
    if (this.outputNames.length !== 1) throw new Error(`${this.name}.fit: classWeight needs a single-output model`);
    const labels = engine().tidy(() => (y.rank >= 2 && y.shape[y.rank - 1]! > 1 ? argMax(y, -1) : reshape(y, [y.shape[0]!])));
    const values = await labels.data();
    labels.dispose();
    const w = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const cls = Math.round(values[i]!);
      w[i] = classWeight[cls] ?? 1;
    }
    return tensor(w, [values.length]);
  }

  /**
   * Trains the model. `x`/`y` are tensors (a list or a record by name for several inputs/outputs),
   * or `x` is a dataset of `[x, y]` batches. Returns the History of logs per epoch.
   * @example
   * await model.fit(x, y, { epochs: 5, batchSize: 64, validationSplit: 0.1 });
   */
  async fit(x: ModelData | BatchSource<DatasetElement>, y?: ModelData | FitArgs, args: FitArgs = {}): Promise<History> {
    const where = 'fit';
    if (isBatchSource(x)) {
      if (y !== undefined && !(typeof y === 'object' && !(y instanceof Tensor) && !Array.isArray(y) && isFitArgs(y))) {
        throw new Error(`${this.name}.fit: when x is a dataset, targets come from the dataset; pass the options as the second argument`);
      }
      args = (y as FitArgs | undefined) ?? args;
    } else if (y === undefined) {
      throw new Error(`${this.name}.fit: targets y are required when x is tensors`);
    }
    const c = this.requireCompiled(where);
    const epochs = args.epochs ?? 1;
    const batchSize = args.batchSize ?? 32;
    const verbose = args.verbose ?? 1;
    checkPositiveInt(epochs, 'epochs', this.name);
    checkPositiveInt(batchSize, 'batchSize', this.name);
    if (args.validationSplit !== undefined && !(args.validationSplit >= 0 && args.validationSplit < 1)) {
      throw new Error(`${this.name}.fit: validationSplit must be in [0, 1), got ${args.validationSplit}`);
    }
    if (this.training) throw new Error(`${this.name}.fit: the model is already training (await the running fit first)`);

    // Data: arrays are split and batched here; datasets are read as they come.
    const owned: Tensor[] = [];
    let trainArrays: { xs: Tensor[]; ys: Tensor[]; sw: Tensor | null; n: number } | null = null;
    let valArrays: { xs: Tensor[]; ys: Tensor[]; sw: Tensor | null } | null = null;
    let datasetIterator: AsyncIterator<DatasetElement> | Iterator<DatasetElement> | null = null;
    const dataset = isBatchSource(x) ? x : null;
    this.training = true;
    try {
      if (!dataset) {
        const xs = toList(x as ModelData, this.inputNames, 'input', `${this.name}.fit`);
        const ys = toList(y as ModelData, this.outputNames, 'output', `${this.name}.fit`);
        const n = sampleCount([xs, ys, args.sampleWeight ? [args.sampleWeight] : []], `${this.name}.fit`);
        await this.validateTargets(c, ys, where);
        const sw = args.sampleWeight ?? null;
        if (args.classWeight && sw) throw new Error(`${this.name}.fit: give classWeight or sampleWeight, not both`);
        const nVal = args.validationSplit ? Math.floor(n * args.validationSplit) : 0;
        if (args.validationSplit && (nVal === 0 || nVal === n)) {
          throw new Error(`${this.name}.fit: validationSplit ${args.validationSplit} of ${n} samples leaves an empty training or validation set`);
        }
        if (nVal > 0) {
          const split = (ts: Tensor[], start: number, count: number) => {
            const parts = sliceRows(ts, start, count);
            owned.push(...parts);
            return parts;
          };
          trainArrays = { xs: split(xs, 0, n - nVal), ys: split(ys, 0, n - nVal), sw: sw ? split([sw], 0, n - nVal)[0]! : null, n: n - nVal };
          valArrays = { xs: split(xs, n - nVal, nVal), ys: split(ys, n - nVal, nVal), sw: sw ? split([sw], n - nVal, nVal)[0]! : null };
        } else {
          trainArrays = { xs, ys, sw, n };
        }
        // As in Keras, class weights weigh the training samples only, never the validation loss.
        if (args.classWeight) {
          trainArrays.sw = await this.classSampleWeights(trainArrays.ys[0]!, args.classWeight);
          owned.push(trainArrays.sw);
        }
      } else if (args.validationSplit) {
        throw new Error(`${this.name}.fit: validationSplit needs arrays; with a dataset pass validationData`);
      } else if (args.sampleWeight) {
        throw new Error(`${this.name}.fit: sampleWeight needs arrays; a dataset yields its sample weights in [x, y, sampleWeight] elements`);
      }
      if (args.validationData && !isBatchSource(args.validationData)) {
        const [vx, vy, vsw] = args.validationData as readonly [ModelData, ModelData, Tensor?];
        valArrays = {
          xs: toList(vx, this.inputNames, 'input', `${this.name}.fit(validationData)`),
          ys: toList(vy, this.outputNames, 'output', `${this.name}.fit(validationData)`),
          sw: vsw ?? null,
        };
        sampleCount([valArrays.xs, valArrays.ys], `${this.name}.fit(validationData)`);
      }
      const valSource = args.validationData && isBatchSource(args.validationData) ? args.validationData : null;
      const hasValidation = valArrays !== null || valSource !== null;

      const stepsPerEpoch = args.stepsPerEpoch ?? (trainArrays ? Math.ceil(trainArrays.n / batchSize) : datasetSize(dataset));
      const history = new History();
      const userCallbacks = args.callbacks ?? [];
      const callbacks = new CallbackList([history, ...(verbose > 0 ? [new ProgbarLogger()] : []), ...userCallbacks]);
      const logNames = [...c.logNames, ...(hasValidation ? c.logNames.map((n) => `val_${n}`) : [])];
      const params: TrainingParams = { epochs, steps: stepsPerEpoch, verbose, metrics: logNames, initialEpoch: args.initialEpoch ?? 0 };
      callbacks.setModel(this);
      callbacks.setParams(params);
      const nanIsFatal = !userCallbacks.some((cb) => cb instanceof TerminateOnNaN);
      this.stopTraining = false;
      this.resumeFromEpoch = null;
      await callbacks.onTrainBegin();
      const startEpoch = this.resumeFromEpoch ?? params.initialEpoch;

      for (let epoch = startEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        c.resetState();
        await callbacks.onEpochBegin(epoch);
        let step = 0;
        let logs: Logs = {};
        const runStep = async (b: Batch) => {
          await callbacks.onTrainBatchBegin(step, { batch: step, size: b.xs[0]!.shape[0]! });
          const result = await this.stepOnBatch(b, where, nanIsFatal, `epoch ${epoch + 1}, batch ${step + 1}`);
          logs = result.logs;
          if (!result.applied) this.stopTraining = true;
          await callbacks.onTrainBatchEnd(step, logs);
          step++;
        };
        if (trainArrays) {
          const order = args.shuffle === false ? null : epochOrder(trainArrays.n, args.seed, epoch);
          for (const b of arrayBatches(trainArrays.xs, trainArrays.ys, trainArrays.sw, batchSize, order, trainArrays.n)) {
            try {
              if (!this.stopTraining && (args.stepsPerEpoch === undefined || step < args.stepsPerEpoch)) await runStep(b);
            } finally {
              releaseBatch(b);
            }
          }
        } else {
          // A dataset is read continuously across epochs when stepsPerEpoch is set (Keras), else restarted.
          if (!datasetIterator || args.stepsPerEpoch === undefined) datasetIterator = iterate(dataset!);
          while (!this.stopTraining && (args.stepsPerEpoch === undefined || step < args.stepsPerEpoch)) {
            let next = await datasetIterator.next();
            if (next.done && args.stepsPerEpoch !== undefined && step > 0) {
              datasetIterator = iterate(dataset!);
              next = await datasetIterator.next();
            }
            if (next.done) break;
            const b = fromElement(next.value, this.inputNames, this.outputNames, `${this.name}.fit`, ownsElements(dataset!));
            let classSw: Tensor | null = null;
            try {
              if (args.classWeight) classSw = await this.weighByClass(b, args.classWeight, where);
              await runStep(b);
            } finally {
              if (classSw) {
                b.sampleWeight = null;
                classSw.dispose();
              }
              releaseBatch(b);
            }
          }
          if (step === 0) throw new Error(`${this.name}.fit: the dataset yielded no batches in epoch ${epoch + 1}`);
        }
        if (hasValidation && !this.stopTraining) {
          const valLogs = await this.runEvaluation(c, valArrays, valSource, args.validationBatchSize ?? batchSize, args.validationSteps, null);
          for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
        }
        await callbacks.onEpochEnd(epoch, logs);
      }
      c.optimizer.finalizeVariableValues(this.trainableWeights);
      await callbacks.onTrainEnd();
      return history;
    } finally {
      this.training = false;
      for (const t of owned) t.dispose();
      const ret = (datasetIterator as AsyncIterator<DatasetElement> | null)?.return;
      if (ret) await ret.call(datasetIterator);
    }
  }

  private async runEvaluation(
    c: CompiledModel, arrays: { xs: Tensor[]; ys: Tensor[]; sw: Tensor | null } | null, source: BatchSource<DatasetElement> | null,
    batchSize: number, steps: number | undefined, callbacks: CallbackList | null,
  ): Promise<Logs> {
    c.resetState();
    let step = 0;
    const run = async (b: Batch) => {
      await callbacks?.onTestBatchBegin(step);
      this.testBatch(b, c);
      if (callbacks) await callbacks.onTestBatchEnd(step, await c.readLogs());
      step++;
    };
    if (arrays) {
      const n = sampleCount([arrays.xs, arrays.ys], `${this.name}.evaluate`);
      for (const b of arrayBatches(arrays.xs, arrays.ys, arrays.sw, batchSize, null, n)) {
        try {
          if (steps === undefined || step < steps) await run(b);
        } finally {
          releaseBatch(b);
        }
      }
    } else if (source) {
      const it = iterate(source);
      for (let next = await it.next(); !next.done && (steps === undefined || step < steps); next = await it.next()) {
        const b = fromElement(next.value, this.inputNames, this.outputNames, `${this.name}.evaluate`, ownsElements(source));
        try {
          await run(b);
        } finally {
          releaseBatch(b);
        }
      }
    }
    if (step === 0) throw new Error(`${this.name}.evaluate: no data to evaluate`);
    return c.readLogs();
  }

  /**
   * Loss and metrics on data: `number` for the loss alone, `[loss, ...metrics]` otherwise,
   * or the logs by name with `returnDict: true`.
    * @example
    * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
    * model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    * const [loss, mae] = (await model.evaluate(st.ones([8, 2]), st.zeros([8, 1]))) as number[];
    * const logs = await model.evaluate(st.ones([8, 2]), st.zeros([8, 1]), { returnDict: true });   // { loss, mae }
   */
  async evaluate(x: ModelData | BatchSource<DatasetElement>, y: ModelData | undefined, args: EvaluateArgs & { returnDict: true }): Promise<Logs>;
  async evaluate(x: ModelData | BatchSource<DatasetElement>, y?: ModelData, args?: EvaluateArgs & { returnDict?: false }): Promise<number | number[]>;
  async evaluate(x: ModelData | BatchSource<DatasetElement>, y?: ModelData, args: EvaluateArgs & { returnDict?: boolean } = {}): Promise<number | number[] | Logs> {
    const c = this.requireCompiled('evaluate');
    const callbacks = new CallbackList([...(args.callbacks ?? [])]);
    callbacks.setModel(this);
    await callbacks.onTestBegin();
    let logs: Logs;
    if (isBatchSource(x)) {
      logs = await this.runEvaluation(c, null, x, args.batchSize ?? 32, args.steps, callbacks);
    } else {
      if (y === undefined) throw new Error(`${this.name}.evaluate: targets y are required when x is tensors`);
      const xs = toList(x, this.inputNames, 'input', `${this.name}.evaluate`);
      const ys = toList(y, this.outputNames, 'output', `${this.name}.evaluate`);
      await this.validateTargets(c, ys, 'evaluate');
      logs = await this.runEvaluation(c, { xs, ys, sw: args.sampleWeight ?? null }, null, args.batchSize ?? 32, args.steps, callbacks);
    }
    await callbacks.onTestEnd(logs);
    return args.returnDict ? logs : packResult(logs, c.logNames);
  }

  /**
   * Outputs for inputs, computed in batches; one tensor, or a list for several outputs.
   * @example
   * const model = st.sequential([st.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
   * const probs = (await model.predict(st.randomNormal([100, 4]), { batchSize: 32 })) as st.Tensor;   // [100, 3]
   * const classes = await st.argMax(probs, -1).data();
   */
  async predict(x: ModelData | BatchSource<ModelData | DatasetElement>, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
    const batchSize = args.batchSize ?? 32;
    checkPositiveInt(batchSize, 'batchSize', this.name);
    const callbacks = new CallbackList([...(args.callbacks ?? [])]);
    callbacks.setModel(this);
    await callbacks.onPredictBegin();
    const chunks: Tensor[][] = [];
    try {
      let step = 0;
      const run = async (xs: Tensor[]) => {
        await callbacks.onPredictBatchBegin(step);
        chunks.push(engine().tidy(() => this.forward(xs, false)));
        await callbacks.onPredictBatchEnd(step);
        step++;
      };
      if (isBatchSource(x)) {
        const it = iterate(x as BatchSource<ModelData | DatasetElement>);
        for (let next = await it.next(); !next.done && (args.steps === undefined || step < args.steps); next = await it.next()) {
          const el = next.value;
          const isInputsOnly = el instanceof Tensor || isModelDataRecord(el, this.inputNames) ||
            (Array.isArray(el) && el.every((t) => t instanceof Tensor) && el.length === this.inputNames.length && this.inputNames.length > 1);
          const b: Batch = isInputsOnly
            ? { xs: toList(el as ModelData, this.inputNames, 'input', `${this.name}.predict`), ys: [], sampleWeight: null, owned: ownsElements(x) }
            : fromElement(el as DatasetElement, this.inputNames, this.outputNames, `${this.name}.predict`, ownsElements(x));
          try {
            await run(b.xs);
          } finally {
            releaseBatch(b);
          }
        }
      } else {
        const xs = toList(x as ModelData, this.inputNames, 'input', `${this.name}.predict`);
        const n = sampleCount([xs], `${this.name}.predict`);
        for (const b of arrayBatches(xs, [], null, batchSize, null, n)) {
          try {
            if (args.steps === undefined || step < args.steps) await run(b.xs);
          } finally {
            releaseBatch(b);
          }
        }
      }
      if (chunks.length === 0) throw new Error(`${this.name}.predict: no input data`);
      const outputs = chunks[0]!.map((_, i) => (chunks.length === 1 ? chunks[0]![i]! : concat(chunks.map((ch) => ch[i]!), 0)));
      if (chunks.length === 1) chunks.length = 0;
      await callbacks.onPredictEnd();
      return outputs.length === 1 ? outputs[0]! : outputs;
    } finally {
      for (const ch of chunks) for (const t of ch) t.dispose();
    }
  }

  /**
   * One optimizer step on one batch; returns the loss, or `[loss, ...metrics]`, of this batch.
   * @example
   * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
   * model.compile({ optimizer: 'sgd', loss: 'mse' });
   * const loss = await model.trainOnBatch(st.ones([4, 2]), st.ones([4, 1]));
   */
  async trainOnBatch(x: ModelData, y: ModelData, args: { sampleWeight?: Tensor; classWeight?: Readonly<Record<number, number>> } = {}): Promise<number | number[]> {
    const c = this.requireCompiled('trainOnBatch');
    const xs = toList(x, this.inputNames, 'input', `${this.name}.trainOnBatch`);
    const ys = toList(y, this.outputNames, 'output', `${this.name}.trainOnBatch`);
    sampleCount([xs, ys, args.sampleWeight ? [args.sampleWeight] : []], `${this.name}.trainOnBatch`);
    const batch: Batch = { xs, ys, sampleWeight: args.sampleWeight ?? null, owned: false };
    const classSw = args.classWeight ? await this.weighByClass(batch, args.classWeight, 'trainOnBatch') : null;
    c.resetState();
    try {
      const { logs } = await this.stepOnBatch(batch, 'trainOnBatch', true, 'this batch');
      return packResult(logs, c.logNames);
    } finally {
      classSw?.dispose();
    }
  }

  /** Loss (and metrics) on one batch without training. */
  async testOnBatch(x: ModelData, y: ModelData, args: { sampleWeight?: Tensor } = {}): Promise<number | number[]> {
    const c = this.requireCompiled('testOnBatch');
    const xs = toList(x, this.inputNames, 'input', `${this.name}.testOnBatch`);
    const ys = toList(y, this.outputNames, 'output', `${this.name}.testOnBatch`);
    sampleCount([xs, ys], `${this.name}.testOnBatch`);
    c.resetState();
    this.testBatch({ xs, ys, sampleWeight: args.sampleWeight ?? null, owned: false }, c);
    return packResult(await c.readLogs(), c.logNames);
  }

  /** Outputs for one batch (no batching). */
  predictOnBatch(x: ModelData): Tensor | Tensor[] {
    const xs = toList(x, this.inputNames, 'input', `${this.name}.predictOnBatch`);
    const outs = engine().tidy(() => this.forward(xs, false));
    return outs.length === 1 ? outs[0]! : outs;
  }

  /**
   * A Keras-style table of layers, output shapes and parameter counts. Prints with `printFn`
   * (default `console.log`) and returns the text.
    * @example
    * const model = st.sequential([st.layers.dense({ units: 8, inputShape: [4] }), st.layers.dense({ units: 1 })]);
    * model.summary();                            // prints layers, output shapes and parameter counts
    * const text = model.summary(80, () => {});   // or just returns the table
   */
  summary(lineLength?: number, printFn: (line: string) => void = printLine): string {
    const text = summaryTable(this, lineLength);
    for (const line of text.split('\n')) printFn(line);
    return text;
  }

  /**
   * Saves the model in the TensorFlow.js Layers format to `file://dir`, `indexeddb://name`,
   * `downloads://name`, `http(s)://...` or an IO handler. Writes are atomic.
    * @example
    * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
    * await model.save('file://./my-model');      // Node: my-model/model.json + weights.bin
    * const again = await st.loadModel('file://./my-model');
   */
  async save(urlOrHandler: string | IOHandler, options?: SaveOptions): Promise<SaveResult> {
    return saveModel(this, urlOrHandler, options);
  }

  /**
   * Saves only the weights.
   * @example
   * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2], name: 'out' })]);
   * await model.saveWeights('file://./my-weights');
   * await model.loadWeights('file://./my-weights');   // matched by name: out/kernel, out/bias
   */
  async saveWeights(urlOrHandler: string | IOHandler): Promise<SaveResult> {
    return saveWeights(this, urlOrHandler);
  }

  /** Loads weights saved by `saveWeights` (or `save`) into this model, matched by name. */
  async loadWeights(urlOrHandler: string | IOHandler, options?: LoadWeightsOptions): Promise<void> {
    await loadWeights(this, urlOrHandler, options);
  }

  /** The compile settings in TensorFlow.js' `trainingConfig` form, when they can be written faithfully. */
  getTrainingConfig(): TrainingConfig | null {
    return this.compiled && this.compileSettings ? trainingConfigFromCompileArgs(this.compileSettings, this.compiled.optimizer) : null;
  }

  /** Frees weights, optimizer state and metric state. */
  override dispose(): void {
    this.compiled?.optimizer.dispose();
    this.compiled?.dispose();
    this.compiled = null;
    super.dispose();
  }
}

/** `console.log` without needing DOM or Node typings in core. */
function printLine(line: string): void {
  (globalThis as unknown as { console: { log(s: string): void } }).console.log(line);
}

function isFitArgs(v: object): v is FitArgs {
  const keys = ['epochs', 'batchSize', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle', 'seed', 'classWeight',
    'sampleWeight', 'initialEpoch', 'stepsPerEpoch', 'validationSteps', 'validationBatchSize'];
  return Object.keys(v).every((k) => keys.includes(k));
}

function isModelDataRecord(v: unknown, names: readonly string[]): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) &&
    Object.keys(v).length > 0 && Object.keys(v).every((k) => names.includes(k)) && Object.values(v).every((t) => t instanceof Tensor);
}

function checkPositiveInt(v: number, name: string, model: string): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${model}.fit: ${name} must be a positive integer, got ${v}`);
}

function datasetSize(source: BatchSource<DatasetElement> | null): number | null {
  const size = (source as { size?: unknown } | null)?.size;
  return typeof size === 'number' && Number.isFinite(size) ? size : null;
}

/** `st.data.Dataset` hands ownership of what it yields to the consumer; other iterables keep theirs. */
function ownsElements(source: object): boolean {
  return source instanceof Dataset;
}

function iterate<T>(source: BatchSource<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
}

function packResult(logs: Logs, names: readonly string[]): number | number[] {
  const values = names.flatMap((n) => (n in logs ? [logs[n]!] : Object.keys(logs).filter((k) => k.startsWith(`${n}_`)).map((k) => logs[k]!)));
  return values.length === 1 ? values[0]! : values;
}

