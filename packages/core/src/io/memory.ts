/**
 * In-memory handlers: `fromMemory` loads artifacts held in memory, `withSaveHandler` hands saved
 * artifacts to a function (TensorFlow.js `tf.io.fromMemory` / `tf.io.withSaveHandler`).
 */
import { getModelArtifactsInfo } from './artifacts.js';
import type { IOHandler, ModelArtifacts, SaveResult, TrainingConfig, WeightData, WeightsManifestEntry } from './types.js';

/**
 * A handler whose `load` returns `artifacts` (e.g. what `withSaveHandler` captured, or a model
 * fetched some other way). The TensorFlow.js positional form
 * `fromMemory(modelTopology, weightSpecs, weightData, trainingConfig)` is accepted too.
 * @example
 * let saved!: st.io.ModelArtifacts;
 * await model.save(st.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: st.io.getModelArtifactsInfo(a) }; }));
 * const copy = await st.loadModel(st.io.fromMemory(saved));
 */
export function fromMemory(artifacts: ModelArtifacts): IOHandler;
export function fromMemory(modelTopology: object, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData, trainingConfig?: TrainingConfig): IOHandler;
export function fromMemory(first: ModelArtifacts | object, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData, trainingConfig?: TrainingConfig): IOHandler {
  if (first === null || typeof first !== 'object') throw new Error('fromMemory: expected model artifacts ({modelTopology, weightSpecs, weightData, ...})');
  const isArtifacts = weightSpecs === undefined && ('modelTopology' in first || 'weightSpecs' in first || 'weightData' in first);
  const artifacts: ModelArtifacts = isArtifacts ? { ...(first as ModelArtifacts) } : { modelTopology: first };
  if (!isArtifacts) {
    if (weightSpecs) artifacts.weightSpecs = weightSpecs;
    if (weightData) artifacts.weightData = weightData;
    if (trainingConfig) artifacts.trainingConfig = trainingConfig;
  }
  return { load: async () => artifacts };
}

/**
 * A handler whose `save` calls `saveHandler` with the artifacts (to store them anywhere).
 * @example
 * await model.save(st.io.withSaveHandler(async (artifacts) => { upload(artifacts); return { modelArtifactsInfo: st.io.getModelArtifactsInfo(artifacts) }; }));
 */
export function withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof saveHandler !== 'function') throw new Error('withSaveHandler: expected a function (artifacts) => Promise<SaveResult>');
  return { save: saveHandler };
}

/** A handler that keeps the last saved artifacts in memory and loads them back (tests, caches). */
export class MemoryHandler implements IOHandler {
  /** What was saved last, or null. */
  artifacts: ModelArtifacts | null = null;

  /** Keeps (a shallow copy of) the artifacts. */
  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    this.artifacts = { ...artifacts };
    return { modelArtifactsInfo: getModelArtifactsInfo(artifacts) };
  }

  /** The artifacts saved last. */
  async load(): Promise<ModelArtifacts> {
    if (!this.artifacts) throw new Error('MemoryHandler.load: nothing has been saved to this handler yet');
    return this.artifacts;
  }
}
