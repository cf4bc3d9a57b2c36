/**
 * Helpers shared by the IO handlers: model.json ↔ artifacts, validation of a parsed model.json,
 * and the size summary a save returns.
 */
import type { ModelArtifacts, ModelArtifactsInfo, ModelJSON, WeightsManifestConfig, WeightsManifestEntry } from './types.js';
import { concatenateArrayBuffers, joinWeightData, weightsByteLength } from './weights.js';

/** The UTF-8 byte length of a string (no TextEncoder: core compiles without DOM/Node typings). */
export function utf8ByteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Sizes of the artifacts (what every save handler returns). */
export function getModelArtifactsInfo(artifacts: ModelArtifacts): ModelArtifactsInfo {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('save: binary (GraphDef) model topologies are not supported; Strata saves Keras-style JSON topologies');
  }
  const data = artifacts.weightData;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: artifacts.modelTopology == null ? 0 : utf8ByteLength(JSON.stringify(artifacts.modelTopology)),
    weightSpecsBytes: artifacts.weightSpecs == null ? 0 : utf8ByteLength(JSON.stringify(artifacts.weightSpecs)),
    weightDataBytes: data == null ? 0 : Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength,
  };
}

/** The model.json for `artifacts` whose weights are stored as `manifest` says. */
export function getModelJSONForModelArtifacts(artifacts: ModelArtifacts, manifest: WeightsManifestConfig): ModelJSON {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('save: binary (GraphDef) model topologies are not supported; Strata saves Keras-style JSON topologies');
  }
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology ?? null,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: manifest,
  };
  if (artifacts.signature != null) json.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) json.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) json.initializerSignature = artifacts.initializerSignature;
  if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
  return json;
}

/** Artifacts from a model.json and the weights its manifest lists. */
export function getModelArtifactsForJSON(json: ModelJSON, weightSpecs?: WeightsManifestEntry[], weightData?: ArrayBuffer): ModelArtifacts {
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
  if (json.trainingConfig != null) artifacts.trainingConfig = json.trainingConfig;
  if (weightSpecs) artifacts.weightSpecs = weightSpecs;
  if (weightData) artifacts.weightData = weightData;
  if (json.signature != null) artifacts.signature = json.signature;
  if (json.userDefinedMetadata != null) artifacts.userDefinedMetadata = json.userDefinedMetadata;
  if (json.modelInitializer != null) artifacts.modelInitializer = json.modelInitializer;
  if (json.initializerSignature != null) artifacts.initializerSignature = json.initializerSignature;
  return artifacts;
}

/**
 * Parses and checks a model.json's text: valid JSON, an object with a topology or a weights
 * manifest, and a well-formed manifest. `source` names the file/URL in errors.
 */
export function parseModelJSON(text: string, source: string): ModelJSON {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON (${(err as Error).message}); a model.json is expected`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${source}: a model.json must hold a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  const json = parsed as Partial<ModelJSON>;
  if (json.modelTopology == null && json.weightsManifest == null) {
    throw new Error(`${source}: the JSON has neither 'modelTopology' nor 'weightsManifest'; is it a TensorFlow.js/Strata model.json?`);
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new Error(`${source}: 'weightsManifest' must be a list of {paths, weights} groups`);
  manifest.forEach((group, i) => {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights) || group.paths.some((p) => typeof p !== 'string')) {
      throw new Error(`${source}: weightsManifest[${i}] must be {paths: string[], weights: [...]}, got ${JSON.stringify(group)}`);
    }
  });
  return { ...json, modelTopology: json.modelTopology ?? null, weightsManifest: manifest } as ModelJSON;
}

/**
 * Checks that the shard files of one manifest group hold exactly the bytes its weights need,
 * so a truncated or padded file fails here with the file names rather than as garbage weights.
 */
export function checkGroupBytes(group: { paths: string[]; weights: WeightsManifestEntry[] }, shards: ArrayBuffer[], source: string): void {
  const have = shards.reduce((n, b) => n + b.byteLength, 0);
  const need = weightsByteLength(group.weights, source);
  if (have !== need) {
    const files = group.paths.map((p) => `'${p}'`).join(', ');
    const what = have < need ? 'truncated' : 'longer than its manifest says';
    throw new Error(`${source}: weight file${group.paths.length > 1 ? 's' : ''} ${files} ${group.paths.length > 1 ? 'are' : 'is'} ${what}: ` +
      `${have} bytes, but the ${group.weights.length} weights listed need ${need} bytes`);
  }
}

/** Joins the weight data of artifacts into one buffer (or null when there is none). */
export function weightBuffer(artifacts: ModelArtifacts): ArrayBuffer | null {
  return artifacts.weightData == null ? null : joinWeightData(artifacts.weightData);
}

/**
 * Artifacts from a parsed model.json, reading each weight file its manifest lists with
 * `readShard` and checking every group's size.
 */
export async function readModelJSONWeights(json: ModelJSON, readShard: (path: string) => Promise<ArrayBuffer>, source: string): Promise<ModelArtifacts> {
  if (json.weightsManifest.length === 0) return getModelArtifactsForJSON(json);
  const specs: WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(group.paths.map(readShard));
    checkGroupBytes(group, shards, source);
    specs.push(...group.weights);
    buffers.push(...shards);
  }
  return getModelArtifactsForJSON(json, specs, buffers.length === 0 ? new ArrayBuffer(0) : concatenateArrayBuffers(buffers));
}
