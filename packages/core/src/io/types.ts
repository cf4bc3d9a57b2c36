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
  /** Dimensions. */
  shape: number[];
  /** The stored dtype. */
  dtype: WeightDType;
  /** `model` (the default) or `optimizer` state. */
  group?: WeightGroup;
  /** Set by the TensorFlow.js converter when weights were stored quantized. */
  quantization?: {
    /** Step between quantized values. */
    scale?: number;
    /** The value of quantized 0. */
    min?: number;
    /** The stored integer or half-float type. */
    dtype: 'uint16' | 'uint8' | 'float16';
  };
}

/** One group of weight files: the weights listed are stored back to back across `paths`. */
export interface WeightsManifestGroupConfig {
  /** Shard files, relative to the model.json. */
  paths: string[];
  /** The weights stored in these files, in order. */
  weights: WeightsManifestEntry[];
}

/** The weights manifest of a model.json. */
export type WeightsManifestConfig = WeightsManifestGroupConfig[];

/** What `fit` was configured with (Keras `compile`), snake_case as TensorFlow.js writes it. */
export interface TrainingConfig {
  /** `{class_name, config}` of the optimizer. */
  optimizer_config: {
    /** The optimizer's class name. */
    class_name?: string;
    /** Its config, snake_case. */
    config?: object;
  } | object;
  /** The loss(es), by name. */
  loss: string | string[] | { [output: string]: string };
  /** The metrics, by name. */
  metrics?: string[] | { [output: string]: string };
  /** Weighted metrics, by name. */
  weighted_metrics?: string[];
  /** Keras' sample weight mode (kept, not used). */
  sample_weight_mode?: string;
  /** Weights of the per-output losses. */
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
  /** The compile settings. */
  trainingConfig?: TrainingConfig;
  /** The manifest of `weightData`, in order. */
  weightSpecs?: WeightsManifestEntry[];
  /** The weight values, in `weightSpecs` order. */
  weightData?: WeightData;
  /** `layers-model` for Keras-style models. */
  format?: string;
  /** The library that wrote it. */
  generatedBy?: string;
  /** The converter that produced it, if any. */
  convertedBy?: string | null;
  /** A graph model's signature (kept, not used by layers models). */
  signature?: object;
  /** Free-form metadata saved with the model. */
  userDefinedMetadata?: { [key: string]: object };
  /** A graph model's initializer (kept, not used). */
  modelInitializer?: object;
  /** A graph model's initializer signature (kept, not used). */
  initializerSignature?: object;
}

/** The contents of a `model.json` file. */
export interface ModelJSON {
  /** Keras topology JSON, or null for weights only. */
  modelTopology: object | null;
  /** The compile settings. */
  trainingConfig?: TrainingConfig;
  /** Which shard files hold which weights. */
  weightsManifest: WeightsManifestConfig;
  /** `layers-model` for Keras-style models. */
  format?: string;
  /** The library that wrote it. */
  generatedBy?: string;
  /** The converter that produced it, if any. */
  convertedBy?: string | null;
  /** A graph model's signature (kept, not used by layers models). */
  signature?: object;
  /** Free-form metadata saved with the model. */
  userDefinedMetadata?: { [key: string]: object };
  /** A graph model's initializer (kept, not used). */
  modelInitializer?: object;
  /** A graph model's initializer signature (kept, not used). */
  initializerSignature?: object;
}

/** Sizes of what was saved (TensorFlow.js `ModelArtifactsInfo`). */
export interface ModelArtifactsInfo {
  /** When it was saved. */
  dateSaved: Date;
  /** `JSON` for layers models. */
  modelTopologyType: 'JSON' | 'GraphDef';
  /** Bytes of the topology JSON. */
  modelTopologyBytes?: number;
  /** Bytes of the weights manifest. */
  weightSpecsBytes?: number;
  /** Bytes of the weight values. */
  weightDataBytes?: number;
}

/** What a save handler reports. */
export interface SaveResult {
  /** Sizes of what was saved. */
  modelArtifactsInfo: ModelArtifactsInfo;
  /** HTTP responses, for the http handler. */
  responses?: ResponseLike[];
  /** Errors reported by the storage, if any. */
  errors?: (object | string)[];
}

/** Stores artifacts somewhere. */
export type SaveHandler = (artifacts: ModelArtifacts) => Promise<SaveResult>;
/** Reads artifacts from somewhere. */
export type LoadHandler = () => Promise<ModelArtifacts>;

/** A place models are saved to and/or loaded from (same shape as TensorFlow.js `tf.io.IOHandler`). */
export interface IOHandler {
  /** Stores artifacts (absent on load-only handlers). */
  save?: SaveHandler;
  /** Reads artifacts (absent on save-only handlers). */
  load?: LoadHandler;
}

/** Bytes per element of each stored dtype (and quantized dtype). */
export const DTYPE_VALUE_SIZE: Readonly<Record<string, number>> = {
  float32: 4, float16: 2, int32: 4, uint16: 2, uint8: 1, bool: 1, complex64: 8,
};
