/**
 * `http://` and `https://`: loads a model.json and its weight files with `fetch` (weights are
 * resolved relative to the model.json URL), and saves by POSTing a multipart form with the files
 * `model.json` and `model.weights.bin` (as TensorFlow.js `tf.io.http` does).
 */
import { getModelArtifactsInfo, getModelJSONForModelArtifacts, parseModelJSON, readModelJSONWeights } from './artifacts.js';
import { joinWeightData } from './weights.js';
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';
import { globalFetch, makeBlob, makeFormData, resolveUrl, type FetchLike, type RequestInitLike } from './web.js';

/** Options of the http handler (TensorFlow.js `LoadOptions` names). */
export interface HttpOptions {
  /** Extra fetch options (headers, credentials, method for saving). Must not have a body. */
  requestInit?: RequestInitLike;
  /** A fetch to use instead of the global one (e.g. with authentication, or in tests). */
  fetchFunc?: FetchLike;
  /** Load weight files from `prefix + path` instead of next to the model.json. */
  weightPathPrefix?: string;
}

/** The http(s) IO handler. */
export class HttpHandler implements IOHandler {
  private readonly fetchFn: FetchLike | null;
  private readonly requestInit: RequestInitLike;

  constructor(
    /** The model.json URL (save: the URL posted to). */
    readonly url: string,
    private readonly options: HttpOptions = {},
  ) {
    if (typeof url !== 'string' || url === '') throw new Error('http: the URL must be a non-empty string');
    if (options.requestInit?.body != null) throw new Error('http: options.requestInit must not have a body (the handler sets it)');
    if (options.fetchFunc !== undefined && typeof options.fetchFunc !== 'function') {
      throw new Error('http: options.fetchFunc must be a function with the signature of fetch');
    }
    this.fetchFn = options.fetchFunc ?? null;
    this.requestInit = options.requestInit ?? {};
  }

  private fetch(url: string, init: RequestInitLike, what: string) {
    return (this.fetchFn ?? globalFetch(what))(url, init);
  }

  /** POSTs model.json and model.weights.bin as a multipart form. */
  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `save to ${this.url}`;
    const json = getModelJSONForModelArtifacts(artifacts, [{ paths: ['./model.weights.bin'], weights: artifacts.weightSpecs ?? [] }]);
    const files = [{ field: 'model.json', blob: makeBlob([JSON.stringify(json)], 'application/json', where), fileName: 'model.json' }];
    if (artifacts.weightData != null) {
      files.push({ field: 'model.weights.bin', blob: makeBlob([joinWeightData(artifacts.weightData)], 'application/octet-stream', where), fileName: 'model.weights.bin' });
    }
    const init: RequestInitLike = { method: 'POST', ...this.requestInit, body: makeFormData(files, where) };
    const response = await this.fetch(this.url, init, where);
    if (!response.ok) throw new Error(`${where}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    return { modelArtifactsInfo: getModelArtifactsInfo(artifacts), responses: [response] };
  }

  /** Fetches model.json, then every weight file its manifest lists. */
  async load(): Promise<ModelArtifacts> {
    const where = `load from ${this.url}`;
    const response = await this.fetch(this.url, this.requestInit, where);
    if (!response.ok) {
      throw new Error(`${where}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; check that the URL points at a model.json`);
    }
    const json = parseModelJSON(await response.text(), this.url);
    return readModelJSONWeights(json, async (p) => {
      const url = this.options.weightPathPrefix !== undefined ? this.options.weightPathPrefix + p : resolveUrl(p, this.url);
      const r = await this.fetch(url, this.requestInit, where);
      if (!r.ok) throw new Error(`${this.url}: weight file '${p}' (${url}) could not be fetched: HTTP ${r.status}`);
      return r.arrayBuffer();
    }, this.url);
  }
}

/**
 * An http(s) handler: `load` fetches a model.json and its weights (relative to it); `save` POSTs
 * them as a multipart form (`model.json`, `model.weights.bin`).
 * @example
 * const model = await st.loadModel('https://example.com/models/mnist/model.json');
 */
export function http(url: string, options?: HttpOptions): IOHandler {
  return new HttpHandler(url, options);
}
