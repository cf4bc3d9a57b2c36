/**
 * `file://` (Node): a model is a directory holding `model.json` and `weights.bin`, the layout
 * tfjs-node writes and reads.
 *
 * Saving is atomic for the model as a whole: model.json is the single commit point and every file
 * it refers to is complete before it is renamed into place, so a crash at any moment leaves either
 * the old model or the new one, never a model.json pointing at missing or half-written weights.
 * When model.json already refers to `weights.bin`, the new weights are committed first under
 * `weights.staging.bin` and then moved to `weights.bin` by a second commit (the weights are written
 * twice: the price of never having model.json refer to a file being replaced).
 */
import { nodeFs, writeFileAtomic, type NodeFs } from './platform.js';
import { getModelArtifactsInfo, getModelJSONForModelArtifacts, parseModelJSON, readModelJSONWeights } from './artifacts.js';
import { joinWeightData } from './weights.js';
import type { IOHandler, ModelArtifacts, SaveResult, WeightsManifestEntry } from './types.js';

/** The URL scheme of this handler. */
export const FILE_SCHEME = 'file://';
/** The topology file in a model directory. */
export const MODEL_JSON_NAME = 'model.json';
/** The weights file in a model directory. */
export const WEIGHTS_NAME = 'weights.bin';
const STAGING_WEIGHTS_NAME = 'weights.staging.bin';

/** `dir/name` (forward slashes work on every platform Node runs on). */
export function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`;
}

/** The directory part of a path ('.' if none). */
export function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return '.';
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Weight files the model.json in `dir` refers to (none if there is no readable model.json). */
async function referencedWeightFiles(fs: NodeFs, modelJsonPath: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(modelJsonPath, 'utf8');
  } catch {
    return [];
  }
  try {
    const json = JSON.parse(text) as { weightsManifest?: { paths?: unknown }[] };
    const out: string[] = [];
    for (const g of Array.isArray(json.weightsManifest) ? json.weightsManifest : []) {
      if (Array.isArray(g?.paths)) for (const p of g.paths) if (typeof p === 'string') out.push(p.replace(/^\.\//, ''));
    }
    return out;
  } catch {
    return [];
  }
}

/** The file:// IO handler for a model directory. */
export class FileSystemHandler implements IOHandler {
  /** The directory (or, for loading, a model.json file) this handler reads and writes. */
  readonly path: string;
  private readonly fsOverride: NodeFs | null;

  /** `fs` replaces Node's file system (tests inject failures with it). */
  constructor(path: string, fs?: NodeFs) {
    this.fsOverride = fs ?? null;
    const p = path.startsWith(FILE_SCHEME) ? path.slice(FILE_SCHEME.length) : path;
    if (p === '') throw new Error(`fileSystem: the path is empty (expected 'file://some/dir')`);
    this.path = p;
  }

  /** Writes model.json and weights.bin into the directory (created if needed), atomically. */
  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `save to file://${this.path}`;
    const fs = this.fsOverride ?? await nodeFs(where);
    const dir = this.path;
    try {
      const st = await fs.stat(dir);
      if (!st.isDirectory()) throw new Error(`${where}: '${dir}' is a file; file:// saves a model as a directory (model.json + ${WEIGHTS_NAME})`);
    } catch (err) {
      if (!isMissing(err)) throw err;
      await fs.mkdir(dir, { recursive: true });
    }
    const specs: WeightsManifestEntry[] = artifacts.weightSpecs ?? [];
    if (artifacts.weightData != null && artifacts.weightSpecs == null) throw new Error(`${where}: the artifacts have weightData but no weightSpecs`);
    const bytes = new Uint8Array(artifacts.weightData == null ? new ArrayBuffer(0) : joinWeightData(artifacts.weightData));
    const modelJsonPath = joinPath(dir, MODEL_JSON_NAME);
    const commit = async (weightsName: string): Promise<void> => {
      await writeFileAtomic(fs, joinPath(dir, weightsName), bytes);
      const json = getModelJSONForModelArtifacts(artifacts, [{ paths: [weightsName], weights: specs }]);
      await writeFileAtomic(fs, modelJsonPath, JSON.stringify(json));
    };
    const referenced = await referencedWeightFiles(fs, modelJsonPath);
    // Never replace a file the current model.json refers to: commit the staging name first.
    if (referenced.includes(WEIGHTS_NAME)) await commit(STAGING_WEIGHTS_NAME);
    await commit(WEIGHTS_NAME);
    await fs.rm(joinPath(dir, STAGING_WEIGHTS_NAME), { force: true });
    return { modelArtifactsInfo: getModelArtifactsInfo(artifacts) };
  }

  /** Reads model.json (the path may be the directory or the file) and the weight files it lists. */
  async load(): Promise<ModelArtifacts> {
    const where = `file://${this.path}`;
    const fs = this.fsOverride ?? await nodeFs(`load from ${where}`);
    let jsonPath = this.path;
    try {
      if ((await fs.stat(this.path)).isDirectory()) jsonPath = joinPath(this.path, MODEL_JSON_NAME);
    } catch (err) {
      if (isMissing(err)) throw new Error(`${where}: no model here: '${this.path}' does not exist`);
      throw err;
    }
    let text: string;
    try {
      text = await fs.readFile(jsonPath, 'utf8');
    } catch (err) {
      if (isMissing(err)) throw new Error(`${where}: no model here: '${jsonPath}' does not exist`);
      throw err;
    }
    const json = parseModelJSON(text, jsonPath);
    const dir = dirnameOf(jsonPath);
    return readModelJSONWeights(json, async (p) => {
      try {
        return toArrayBuffer(await fs.readFile(joinPath(dir, p)));
      } catch (err) {
        if (isMissing(err)) throw new Error(`${jsonPath}: weight file '${p}' listed in its weightsManifest is missing`);
        throw err;
      }
    }, jsonPath);
  }
}

/**
 * A `file://` handler (Node): saves a model directory (`model.json` + `weights.bin`) atomically,
 * loads one by directory or model.json path.
 * @example
 * await model.save(st.io.fileSystem('./my-model'));   // same as model.save('file://./my-model')
 */
export function fileSystem(path: string): IOHandler {
  return new FileSystemHandler(path);
}

/**
 * Removes a model directory written by the file:// handler: its model.json, the weight files it
 * lists, leftovers of interrupted saves, and the directory itself if that leaves it empty.
 * Other files are kept.
 */
export async function removeFileModel(path: string): Promise<void> {
  const dir = path.startsWith(FILE_SCHEME) ? path.slice(FILE_SCHEME.length) : path;
  const fs = await nodeFs(`remove file://${dir}`);
  const modelJsonPath = joinPath(dir, MODEL_JSON_NAME);
  const names = new Set([...await referencedWeightFiles(fs, modelJsonPath), WEIGHTS_NAME, STAGING_WEIGHTS_NAME]);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  // Temporary files of interrupted atomic writes (`<name>.tmp-<stamp>`) of our files.
  const ours = (e: string) => e === MODEL_JSON_NAME || names.has(e) || [MODEL_JSON_NAME, ...names].some((n) => e.startsWith(`${n}.tmp-`));
  for (const e of entries) if (ours(e)) await fs.rm(joinPath(dir, e), { force: true });
  if ((await fs.readdir(dir)).length === 0) await fs.rm(dir, { recursive: true, force: true });
}
