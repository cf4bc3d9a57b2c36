/**
 * `st.io`: saving and loading models in the TensorFlow.js Layers format (model.json + binary
 * weights) through IO handlers: `file://` (Node), `http(s)://`, `indexeddb://`, `downloads://`,
 * in-memory, or your own.
 */
export type {
  IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, SaveHandler, LoadHandler, TrainingConfig,
  WeightData, WeightDType, WeightGroup, WeightsManifestConfig, WeightsManifestEntry, WeightsManifestGroupConfig,
} from './types.js';
export type { ResponseLike, RequestInitLike, FetchLike, BlobLike } from './web.js';
export { encodeWeights, decodeWeights, concatenateArrayBuffers, type NamedTensor, type DecodedWeight } from './weights.js';
export { getModelArtifactsInfo, getModelJSONForModelArtifacts, getModelArtifactsForJSON, parseModelJSON } from './artifacts.js';
export { convertPythonicToTs, convertTsToPythonic, toCamelCase, toSnakeCase, normalizeKerasTopology, type PyJsonValue, type PyJsonDict } from './keras-format.js';
export { fileSystem, FileSystemHandler, removeFileModel } from './file-system.js';
export type { NodeFs } from './platform.js';
export { http, HttpHandler, type HttpOptions } from './http.js';
export { browserIndexedDB, IndexedDBHandler } from './indexed-db.js';
export { browserDownloads, browserFiles, BrowserDownloadsHandler, BrowserFilesHandler } from './browser-files.js';
export { fromMemory, withSaveHandler, MemoryHandler } from './memory.js';
export { registerSaveRouter, registerLoadRouter, routeUrl, type IORouter } from './router.js';
export {
  saveModel, loadModel, saveWeights, loadWeights, modelToArtifacts, modelFromArtifacts, modelFromTopology, modelTopology,
  topologyToConfig, setWeightsFromArtifacts, type SaveOptions, type LoadOptions, type LoadWeightsOptions,
} from './model-io.js';
export {
  trainingConfigFromCompileArgs, compileArgsFromTrainingConfig, strataTrainingConfigFromCompileArgs, compileArgsFromStrataTrainingConfig,
  isStrataTrainingConfig, STRATA_TRAINING_CONFIG_KEY, type StrataTrainingConfig, type StoredLoss,
} from './training-config.js';
