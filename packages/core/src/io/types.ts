/**
 * The TensorFlow.js model artifact types (`tf.io`), so Strata reads and writes the same
 * `model.json` + binary weight files as TensorFlow.js and its converter.
 */

import type { ResponseLike } from './web.js';

/** A dtype of a stored weight (TensorFlow.js spelling; Strata tensors hold the first three). */
export type WeightDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** Which part of a model a stored weight belongs to. */
export type WeightGroup = 'model' | 'optimizer';

/** One weight in a weights manifest: its name, shape and dtype (and quantization, if any). */
export interface WeightsManifestEntry {
  /** `<layer name>/<weight name>`, e.g. `dense_1/kernel`. */
  name: string;
  shape: number[];
  dtype: WeightDType;
  group?: WeightGroup;
  /** Set by the TensorFlow.js converter when weights were stored quantized. */
  quantization?: { scale?: number; min?: number; dtype: 'uint16' | 'uint8' | 'float16' };
}

/** One group of weight files: the weights listed are stored back to back across `paths`. */
export interface WeightsManifestGroupConfig {
  /** Shard files, relative to the model.json. */
  paths: string[];
  weights: WeightsManifestEntry[];
}

/** The weights manifest of a model.json. */
export type WeightsManifestConfig = WeightsManifestGroupConfig[];

/** What `fit` was configured with (Keras `compile`), snake_case as TensorFlow.js writes it. */
export interface TrainingConfig {
  /** `{class_name, config}` of the optimizer. */
  optimizer_config: { class_name?: string; config?: object } | object;
  loss: string | string[] | { [output: string]: string };
  metrics?: string[] | { [output: string]: string };
  weighted_metrics?: string[];
  sample_weight_mode?: string;
  loss_weights?: number[] | { [output: string]: number };
}

/** Weight bytes: one buffer or several (shards) read back to back. */
export type WeightData = ArrayBuffer | ArrayBuffer[];

/**
 * Everything a saved model consists of (TensorFlow.js `ModelArtifacts`). IO handlers move these
 * between memory and storage; `saveModel`/`loadModel` convert them to and from models.
 */
export interface ModelArtifacts {
  /** Keras topology JSON (`{class_name, config, keras_version, backend}`); absent for weights only. */
  modelTopology?: object | ArrayBuffer | null;
  trainingConfig?: TrainingConfig;
  weightSpecs?: WeightsManifestEntry[];
  weightData?: WeightData;
  /** `layers-model` for Keras-style models. */
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  modelInitializer?: object;
  initializerSignature?: object;
}

/** The contents of a `model.json` file. */
export interface ModelJSON {
  modelTopology: object | null;
  trainingConfig?: TrainingConfig;
  weightsManifest: WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  modelInitializer?: object;
  initializerSignature?: object;
}

/** Sizes of what was saved (TensorFlow.js `ModelArtifactsInfo`). */
export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON' | 'GraphDef';
  modelTopologyBytes?: number;
  weightSpecsBytes?: number;
  weightDataBytes?: number;
}

/** What a save handler reports. */
export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
  /** HTTP responses, for the http handler. */
  responses?: ResponseLike[];
  errors?: (object | string)[];
}

/** Stores artifacts somewhere. */
export type SaveHandler = (artifacts: ModelArtifacts) => Promise<SaveResult>;
/** Reads artifacts from somewhere. */
export type LoadHandler = () => Promise<ModelArtifacts>;

/** A place models are saved to and/or loaded from (same shape as TensorFlow.js `tf.io.IOHandler`). */
export interface IOHandler {
  save?: SaveHandler;
  load?: LoadHandler;
}

/** Bytes per element of each stored dtype (and quantized dtype). */
export const DTYPE_VALUE_SIZE: Readonly<Record<string, number>> = {
  float32: 4, float16: 2, int32: 4, uint16: 2, uint8: 1, bool: 1, complex64: 8,
};
