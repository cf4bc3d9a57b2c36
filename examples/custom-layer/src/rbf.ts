/**
 * A custom layer and a subclassed model, both serializable:
 *
 * - `RBF`, a radial-basis-function layer: unit j outputs `exp(-γⱼ · ‖x − cⱼ‖²)`, with the centres
 *   `cⱼ` and widths `γⱼ` as trainable weights (`addWeight`), its constructor arguments in
 *   `getConfig`, and registered with `st.registerClass` so saved models that use it load again.
 * - `RbfNetwork`, a subclassed `st.Model` (standardize → RBF → softmax) whose `getConfig` holds
 *   its constructor arguments, so `model.save` writes it and `st.loadModel` rebuilds it.
 */
import * as st from '@strata/core';

/** Arguments of {@link RBF}. */
export interface RbfArgs extends st.LayerArgs {
  /** Number of radial units (centres). */
  units: number;
  /** Initial width γ of every unit (default 0.1); training adapts each one. */
  gamma?: number;
}

/** A radial-basis-function layer: `[batch, features]` → `[batch, units]`. */
export class RBF extends st.Layer {
  static override readonly className = 'RBF';
  readonly units: number;
  readonly gamma: number;
  /** `[features, units]`: one centre per column. */
  centers: st.Variable | null = null;
  /** `[units]`: log γ, so γ stays positive whatever the optimizer does. */
  logGamma: st.Variable | null = null;

  constructor(args: RbfArgs) {
    super(args);
    if (!Number.isInteger(args?.units) || args.units < 1) throw new Error(`RBF: units must be a positive integer, got ${String(args?.units)}`);
    const gamma = args.gamma ?? 0.1;
    if (!(gamma > 0 && Number.isFinite(gamma))) throw new Error(`RBF: gamma must be a positive number, got ${String(args.gamma)}`);
    this.units = args.units;
    this.gamma = gamma;
    this.inputSpec = { ndim: 2 };
  }

  override build(inputShape: st.SymbolicShape | st.SymbolicShape[]): void {
    const shape = st.layers.singleShape(inputShape, this.name);
    const features = shape[1];
    if (features === null || features === undefined) throw new Error(`${this.name}: the feature axis of input shape [${shape.join(',')}] must be known`);
    this.inputSpec = { ndim: 2, axes: { [-1]: features } };
    this.centers = this.addWeight('centers', { shape: [features, this.units], initializer: new st.initializers.RandomNormal({ stddev: 1 }) });
    this.logGamma = this.addWeight('log_gamma', { shape: [this.units], initializer: new st.initializers.Constant({ value: Math.log(this.gamma) }) });
    this.built = true;
  }

  override call(inputs: st.Tensor | st.Tensor[]): st.Tensor {
    const x = st.layers.singleInput(inputs, this.name);
    const centers = this.centers!;
    const logGamma = this.logGamma!;
    return st.tidy(() => {
      // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², for every pair at once; relu clips rounding below zero.
      const xx = st.sum(st.square(x), -1, true);
      const cc = st.sum(st.square(centers), 0, true);
      const d2 = st.relu(st.add(st.sub(xx, st.mul(st.matMul(x, centers), 2)), cc));
      return st.exp(st.neg(st.mul(d2, st.exp(logGamma))));
    });
  }

  override computeOutputShape(inputShape: st.SymbolicShape | st.SymbolicShape[]): st.SymbolicShape {
    const shape = st.layers.singleShape(inputShape, this.name);
    return [shape[0] ?? null, this.units];
  }

  override getConfig(): st.ConfigDict {
    return { ...super.getConfig(), units: this.units, gamma: this.gamma };
  }
}
st.registerClass('layer', RBF);

/** Arguments of {@link RbfNetwork}. */
export interface RbfNetworkArgs {
  /** Features per example. */
  inputDim: number;
  /** Radial units. */
  centers: number;
  /** Classes to predict. */
  classes: number;
  /** Initial width of the radial units (default 0.1). */
  gamma?: number;
  name?: string;
}

/**
 * A subclassed model: Normalization (adapt it to the training data) → RBF → Dense (softmax).
 * Layers assigned to properties are tracked automatically, and their weights are saved under
 * their names (`rbf/centers`, `classifier/kernel`, ...).
 */
export class RbfNetwork extends st.Model {
  static override readonly className = 'RbfNetwork';
  readonly inputDim: number;
  readonly numCenters: number;
  readonly classes: number;
  readonly gamma: number;
  readonly standardize: st.layers.Normalization;
  readonly rbf: RBF;
  readonly classifier: st.layers.Dense;

  constructor(args: RbfNetworkArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.inputDim = args.inputDim;
    this.numCenters = args.centers;
    this.classes = args.classes;
    this.gamma = args.gamma ?? 0.1;
    this.standardize = st.layers.normalization({ name: 'standardize' });
    this.rbf = new RBF({ units: args.centers, gamma: this.gamma, name: 'rbf' });
    this.classifier = st.layers.dense({ units: args.classes, activation: 'softmax', name: 'classifier' });
    // Create the weights now (a subclassed model otherwise creates them on its first call), so
    // the model can be adapted, summarized, saved and loaded before it has seen data.
    st.tidy(() => {
      this.apply(st.zeros([1, args.inputDim]));
    });
  }

  override call(inputs: st.Tensor | st.Tensor[]): st.Tensor {
    const x = st.layers.singleInput(inputs, this.name);
    return st.tidy(() => this.classifier.apply(this.rbf.apply(this.standardize.apply(x))));
  }

  /** The constructor arguments: `fromConfig` (inherited: `new RbfNetwork(config)`) rebuilds the model from them. */
  override getConfig(): st.ConfigDict {
    return { name: this.name, inputDim: this.inputDim, centers: this.numCenters, classes: this.classes, gamma: this.gamma };
  }
}
st.registerClass('layer', RbfNetwork);
