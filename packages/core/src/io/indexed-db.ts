/**
 * `indexeddb://name` (browser): models in IndexedDB, in the same database and object stores
 * TensorFlow.js uses (`tensorflowjs`: `models_store`, `model_info_store`, keyed by `modelPath`), so
 * either library loads what the other saved. Both stores are written in one transaction, so a
 * failed save leaves the previous model as it was.
 */
import { getModelArtifactsInfo } from './artifacts.js';
import { joinWeightData } from './weights.js';
import type { IOHandler, ModelArtifacts, ModelArtifactsInfo, SaveResult } from './types.js';
import { globalIndexedDB } from './web.js';

/** The URL scheme of this handler. */
export const INDEXED_DB_SCHEME = 'indexeddb://';
const DATABASE_NAME = 'tensorflowjs';
const DATABASE_VERSION = 1;
const MODEL_STORE = 'models_store';
const INFO_STORE = 'model_info_store';

interface RequestLike<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface OpenRequestLike extends RequestLike<DatabaseLike> {
  onupgradeneeded: (() => void) | null;
}
interface StoreLike {
  put(value: object): RequestLike<unknown>;
  get(key: string): RequestLike<unknown>;
}
interface TransactionLike {
  objectStore(name: string): StoreLike;
  readonly error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface DatabaseLike {
  transaction(stores: string | string[], mode: 'readonly' | 'readwrite'): TransactionLike;
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  close(): void;
}
/** The part of `IDBFactory` (`globalThis.indexedDB`) the handler uses. */
export interface IndexedDBFactoryLike {
  open(name: string, version: number): OpenRequestLike;
}

function factory(what: string): IndexedDBFactoryLike {
  const f = globalIndexedDB() as IndexedDBFactoryLike | null;
  if (!f || typeof f.open !== 'function') {
    throw new Error(`${what}: IndexedDB is not available in this environment (indexeddb:// works in browsers; in Node use file://)`);
  }
  return f;
}

function openDatabase(f: IndexedDBFactoryLike): Promise<DatabaseLike> {
  return new Promise((resolve, reject) => {
    const request = f.open(DATABASE_NAME, DATABASE_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(MODEL_STORE, { keyPath: 'modelPath' });
      db.createObjectStore(INFO_STORE, { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The IndexedDB IO handler for one model path. */
export class IndexedDBHandler implements IOHandler {
  /** The model's key in the store. */
  readonly modelPath: string;

  constructor(modelPath: string) {
    const p = modelPath.startsWith(INDEXED_DB_SCHEME) ? modelPath.slice(INDEXED_DB_SCHEME.length) : modelPath;
    if (!p) throw new Error(`indexedDB: the model name is empty (expected 'indexeddb://my-model')`);
    this.modelPath = p;
  }

  /** Stores the artifacts (weights joined into one buffer) under the model path. */
  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `save to indexeddb://${this.modelPath}`;
    const db = await openDatabase(factory(where));
    const stored: ModelArtifacts = { ...artifacts };
    if (artifacts.weightData != null) stored.weightData = joinWeightData(artifacts.weightData);
    const modelArtifactsInfo: ModelArtifactsInfo = getModelArtifactsInfo(stored);
    try {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction([INFO_STORE, MODEL_STORE], 'readwrite');
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error(`${where}: ${String(tx.error)}`));
        tx.onabort = () => reject(new Error(`${where}: the transaction was aborted (${String(tx.error)}); the previous model is unchanged`));
        tx.objectStore(INFO_STORE).put({ modelPath: this.modelPath, modelArtifactsInfo });
        tx.objectStore(MODEL_STORE).put({ modelPath: this.modelPath, modelArtifacts: stored, modelArtifactsInfo });
      });
    } finally {
      db.close();
    }
    return { modelArtifactsInfo };
  }

  /** Reads the artifacts stored under the model path. */
  async load(): Promise<ModelArtifacts> {
    const where = `load from indexeddb://${this.modelPath}`;
    const db = await openDatabase(factory(where));
    try {
      return await new Promise<ModelArtifacts>((resolve, reject) => {
        const tx = db.transaction(MODEL_STORE, 'readonly');
        const request = tx.objectStore(MODEL_STORE).get(this.modelPath);
        request.onsuccess = () => {
          const record = request.result as { modelArtifacts?: ModelArtifacts } | undefined | null;
          if (!record?.modelArtifacts) reject(new Error(`${where}: no model named '${this.modelPath}' in IndexedDB`));
          else resolve(record.modelArtifacts);
        };
        request.onerror = () => reject(new Error(`${where}: ${String(request.error)}`));
      });
    } finally {
      db.close();
    }
  }
}

/**
 * An `indexeddb://` handler (browser): stores the model in IndexedDB, compatible with
 * TensorFlow.js's `indexeddb://` models.
 * @example
 * await model.save('indexeddb://my-model');
 * const again = await st.loadModel('indexeddb://my-model');
 */
export function browserIndexedDB(modelPath: string): IOHandler {
  return new IndexedDBHandler(modelPath);
}
