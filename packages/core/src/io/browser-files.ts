/**
 * Browser files: `downloads://name` saves by triggering two downloads, `name.json` and
 * `name.weights.bin` (the names TensorFlow.js uses), and `browserFiles` loads those files back
 * from an `<input type="file">`.
 */
import { getModelArtifactsInfo, getModelJSONForModelArtifacts, parseModelJSON, readModelJSONWeights } from './artifacts.js';
import { joinWeightData } from './weights.js';
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';
import { globalDocument, makeBlob, nextTask, objectUrls, type BlobLike } from './web.js';

/** The URL scheme of the downloads handler. */
export const DOWNLOADS_SCHEME = 'downloads://';

/** The downloads IO handler (save only). */
export class BrowserDownloadsHandler implements IOHandler {
  /** The downloaded files' names. */
  readonly modelJsonFileName: string;
  /** The weights file's name. */
  readonly weightDataFileName: string;

  constructor(fileNamePrefix = 'model') {
    let prefix = fileNamePrefix.startsWith(DOWNLOADS_SCHEME) ? fileNamePrefix.slice(DOWNLOADS_SCHEME.length) : fileNamePrefix;
    if (prefix === '') prefix = 'model';
    this.modelJsonFileName = `${prefix}.json`;
    this.weightDataFileName = `${prefix}.weights.bin`;
  }

  /** Starts the downloads of the model JSON and the weights. */
  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `save to downloads://${this.modelJsonFileName.slice(0, -'.json'.length)}`;
    const document = globalDocument();
    const urls = objectUrls();
    if (!document || !urls) {
      throw new Error(`${where}: downloads:// needs a browser page (document and URL.createObjectURL); in Node use file://`);
    }
    const json = getModelJSONForModelArtifacts(artifacts, [{ paths: [`./${this.weightDataFileName}`], weights: artifacts.weightSpecs ?? [] }]);
    const download = async (blob: BlobLike, fileName: string) => {
      const href = urls.create(blob);
      const anchor = document.createElement('a');
      anchor.download = fileName;
      anchor.href = href;
      anchor.click();
      // Browsers ignore a second synchronous download; yield before the next one.
      await nextTask();
      urls.revoke(href);
    };
    await download(makeBlob([JSON.stringify(json)], 'application/json', where), this.modelJsonFileName);
    if (artifacts.weightData != null) {
      await download(makeBlob([joinWeightData(artifacts.weightData)], 'application/octet-stream', where), this.weightDataFileName);
    }
    return { modelArtifactsInfo: getModelArtifactsInfo(artifacts) };
  }
}

/**
 * A `downloads://` handler (browser): saving downloads `<prefix>.json` and `<prefix>.weights.bin`.
 * @example
 * await model.save('downloads://my-model');
 */
export function browserDownloads(fileNamePrefix = 'model'): IOHandler {
  return new BrowserDownloadsHandler(fileNamePrefix);
}

/** Loads a model from user-selected files: the model JSON first, then its weight files. */
export class BrowserFilesHandler implements IOHandler {
  constructor(private readonly files: readonly BlobLike[]) {
    if (!files || files.length < 1) throw new Error('browserFiles: give at least the model JSON file (then its weight files)');
  }

  /** Reads the JSON, then finds each weight file its manifest lists by file name. */
  async load(): Promise<ModelArtifacts> {
    const jsonFile = this.files[0]!;
    const source = jsonFile.name ?? 'the model JSON file';
    const json = parseModelJSON(await jsonFile.text(), source);
    const byName = new Map<string, BlobLike>();
    for (const f of this.files.slice(1)) byName.set(f.name ?? '', f);
    return readModelJSONWeights(json, async (p) => {
      const base = p.split('/').pop()!;
      const file = byName.get(base);
      if (!file) throw new Error(`${source}: weight file '${base}' is listed in its weightsManifest but was not among the files given (${[...byName.keys()].join(', ') || 'none'})`);
      return file.arrayBuffer();
    }, source);
  }
}

/**
 * A handler that loads a model from `File`s (e.g. from `<input type="file" multiple>`): the model
 * JSON first, then the weight files it lists.
 */
export function browserFiles(files: readonly BlobLike[]): IOHandler {
  return new BrowserFilesHandler(files);
}
