import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomSource } from '../setup.js';
import { io } from './io-module.js';

function artifacts(tag: string, sizes: number[], seed: number): io.ModelArtifacts {
  const rand = randomSource(seed);
  const specs: io.WeightsManifestEntry[] = sizes.map((n, i) => ({ name: `layer_${i}/kernel`, shape: [n], dtype: 'float32' }));
  const data = new Float32Array(sizes.reduce((a, b) => a + b, 0)).map(() => rand() * 2 - 1);
  return {
    modelTopology: { class_name: 'Sequential', config: { name: tag, layers: [] } },
    format: 'layers-model', generatedBy: 'test', convertedBy: null, weightSpecs: specs, weightData: data.buffer,
    userDefinedMetadata: { note: { text: 'kept' } },
  };
}

function expectSame(loaded: io.ModelArtifacts, saved: io.ModelArtifacts): void {
  expect(loaded.modelTopology).toEqual(saved.modelTopology);
  expect(loaded.weightSpecs).toEqual(saved.weightSpecs);
  expect(loaded.userDefinedMetadata).toEqual(saved.userDefinedMetadata);
  expect(new Uint8Array(loaded.weightData as ArrayBuffer)).toEqual(new Uint8Array(saved.weightData as ArrayBuffer));
}

describe('http(s):// handler', () => {
  const files = new Map<string, Uint8Array>();
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = files.get(req.url ?? '');
      if (!body) {
        res.statusCode = 404;
        res.end('not found');
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('loads model.json with fetch and resolves weight files relative to it', async () => {
    const a = artifacts('web', [4, 6], 1);
    const bytes = new Uint8Array(a.weightData as ArrayBuffer);
    const json = io.getModelJSONForModelArtifacts(a, [
      { paths: ['./shard1.bin'], weights: [a.weightSpecs![0]!] },
      { paths: ['sub/shard2.bin'], weights: [a.weightSpecs![1]!] },
    ]);
    files.set('/models/net/model.json', new TextEncoder().encode(JSON.stringify(json)));
    files.set('/models/net/shard1.bin', bytes.slice(0, 16));
    files.set('/models/net/sub/shard2.bin', bytes.slice(16));
    expectSame(await io.http(`${base}/models/net/model.json`).load!(), a);
    // Through the router too.
    expectSame(await io.routeUrl(`${base}/models/net/model.json`, 'load', 'test').load!(), a);
    // weightPathPrefix moves the weights elsewhere.
    files.set('/cdn/shard1.bin', bytes.slice(0, 16));
    files.set('/cdn/sub/shard2.bin', bytes.slice(16));
    requests.length = 0;
    expectSame(await io.http(`${base}/models/net/model.json`, { weightPathPrefix: `${base}/cdn/` }).load!(), a);
    expect(requests).toEqual(['/models/net/model.json', '/cdn/shard1.bin', '/cdn/sub/shard2.bin']);
  });

  it('reports HTTP errors, bad JSON and truncated weights clearly', async () => {
    await expect(io.http(`${base}/nothing/model.json`).load!()).rejects.toThrow(/answered HTTP 404.*points at a model\.json/);
    files.set('/bad/model.json', new TextEncoder().encode('<html>oops</html>'));
    await expect(io.http(`${base}/bad/model.json`).load!()).rejects.toThrow(/is not valid JSON/);
    const a = artifacts('w', [5], 2);
    files.set('/trunc/model.json', new TextEncoder().encode(JSON.stringify(io.getModelJSONForModelArtifacts(a, [{ paths: ['w.bin'], weights: a.weightSpecs! }]))));
    files.set('/trunc/w.bin', new Uint8Array(a.weightData as ArrayBuffer).slice(0, 7));
    await expect(io.http(`${base}/trunc/model.json`).load!()).rejects.toThrow(/'w\.bin' is truncated: 7 bytes, but the 1 weights listed need 20 bytes/);
    files.set('/missing-weights/model.json', files.get('/trunc/model.json')!);
    await expect(io.http(`${base}/missing-weights/model.json`).load!()).rejects.toThrow(/weight file 'w\.bin' .* could not be fetched: HTTP 404/);
  });

  it('saves by POSTing model.json and model.weights.bin as a multipart form', async () => {
    const a = artifacts('posted', [3, 2], 3);
    let seen: { url: string; init: io.RequestInitLike } | null = null;
    const fetchFunc: io.FetchLike = async (url, init) => {
      seen = { url, init: init! };
      return { ok: true, status: 200, arrayBuffer: async () => new ArrayBuffer(0), text: async () => '' };
    };
    const result = await io.http('https://example.test/upload', { fetchFunc, requestInit: { headers: { 'x-token': 't' } } }).save!(a);
    expect(result.responses).toHaveLength(1);
    expect(seen!.url).toBe('https://example.test/upload');
    expect(seen!.init.method).toBe('POST');
    expect(seen!.init.headers).toEqual({ 'x-token': 't' });
    const form = seen!.init.body as FormData;
    const json = JSON.parse(await (form.get('model.json') as Blob).text());
    expect(json.weightsManifest).toEqual([{ paths: ['./model.weights.bin'], weights: a.weightSpecs }]);
    expect(json.modelTopology).toEqual(a.modelTopology);
    expect(new Uint8Array(await (form.get('model.weights.bin') as Blob).arrayBuffer())).toEqual(new Uint8Array(a.weightData as ArrayBuffer));
    const failing: io.FetchLike = async () => ({ ok: false, status: 503, statusText: 'Unavailable', arrayBuffer: async () => new ArrayBuffer(0), text: async () => '' });
    await expect(io.http('https://example.test/upload', { fetchFunc: failing }).save!(a)).rejects.toThrow(/answered HTTP 503 Unavailable/);
    expect(() => io.http('https://x', { requestInit: { body: 'x' } })).toThrow(/must not have a body/);
  });
});

/** A small in-memory IndexedDB (open/upgrade, transactions over object stores, put/get). */
function fakeIndexedDB(options: { failPut?: boolean } = {}) {
  const databases = new Map<string, Map<string, Map<string, unknown>>>();
  const later = (fn: () => void) => setTimeout(fn, 0);
  return {
    databases,
    open(name: string) {
      const request: Record<string, any> = { result: null, error: null, onsuccess: null, onerror: null, onupgradeneeded: null };
      later(() => {
        let stores = databases.get(name);
        const fresh = !stores;
        if (!stores) databases.set(name, (stores = new Map()));
        const db = {
          createObjectStore(store: string) {
            stores!.set(store, new Map());
          },
          close() {},
          transaction(names: string | string[], _mode: string) {
            const staged = new Map<string, Map<string, unknown>>();
            const tx: Record<string, any> = { error: null, oncomplete: null, onerror: null, onabort: null };
            let failed = false;
            tx.objectStore = (store: string) => ({
              put(value: { modelPath: string }) {
                const req: Record<string, any> = { onsuccess: null, onerror: null, result: undefined, error: null };
                if (options.failPut && store === 'models_store') {
                  failed = true;
                  tx.error = new Error('QuotaExceededError');
                } else {
                  if (!staged.has(store)) staged.set(store, new Map());
                  staged.get(store)!.set(value.modelPath, structuredClone(value));
                }
                later(() => req.onsuccess?.());
                return req;
              },
              get(key: string) {
                const req: Record<string, any> = { onsuccess: null, onerror: null, result: structuredClone(stores!.get(store)!.get(key)), error: null };
                later(() => req.onsuccess?.());
                return req;
              },
            });
            later(() => later(() => {
              if (failed) {
                tx.onabort?.();
                return;
              }
              for (const [store, entries] of staged) for (const [k, v] of entries) stores!.get(store)!.set(k, v);
              tx.oncomplete?.();
            }));
            void names;
            return tx;
          },
        };
        request.result = db;
        if (fresh) request.onupgradeneeded?.();
        request.onsuccess?.();
      });
      return request;
    },
  };
}

describe('indexeddb:// handler', () => {
  it('explains that IndexedDB is missing outside a browser', async () => {
    await expect(io.routeUrl('indexeddb://m', 'save', 'save').save!(artifacts('x', [1], 1))).rejects.toThrow(/IndexedDB is not available in this environment.*in Node use file:\/\//);
    await expect(io.browserIndexedDB('m').load!()).rejects.toThrow(/IndexedDB is not available/);
  });

  it('saves and loads in the TensorFlow.js database layout; a failed save keeps the old model', async () => {
    const g = globalThis as { indexedDB?: unknown };
    const fake = fakeIndexedDB();
    g.indexedDB = fake;
    try {
      const a = artifacts('stored', [2, 9], 5);
      const result = await io.routeUrl('indexeddb://my-model', 'save', 'save').save!({ ...a, weightData: [(a.weightData as ArrayBuffer).slice(0, 8), (a.weightData as ArrayBuffer).slice(8)] });
      expect(result.modelArtifactsInfo.weightDataBytes).toBe(44);
      const db = fake.databases.get('tensorflowjs')!;
      expect([...db.keys()].sort()).toEqual(['model_info_store', 'models_store']);
      expect(db.get('model_info_store')!.has('my-model')).toBe(true);
      expectSame(await io.routeUrl('indexeddb://my-model', 'load', 'load').load!(), a);
      await expect(io.browserIndexedDB('other').load!()).rejects.toThrow(/no model named 'other' in IndexedDB/);

      const failing = fakeIndexedDB({ failPut: true });
      failing.databases.set('tensorflowjs', db);
      g.indexedDB = failing;
      await expect(io.browserIndexedDB('my-model').save!(artifacts('newer', [1], 6))).rejects.toThrow(/aborted.*previous model is unchanged/);
      g.indexedDB = fake;
      expectSame(await io.browserIndexedDB('indexeddb://my-model').load!(), a);
    } finally {
      delete g.indexedDB;
    }
  });
});

describe('downloads:// and browser files', () => {
  it('explains that downloads need a browser, and that downloads:// cannot load', async () => {
    await expect(io.routeUrl('downloads://m', 'save', 'save').save!(artifacts('x', [1], 1))).rejects.toThrow(/downloads:\/\/ needs a browser page/);
    expect(() => io.routeUrl('downloads://m', 'load', 'load')).toThrow(/downloads:\/\/ can only save/);
  });

  it('triggers <prefix>.json and <prefix>.weights.bin downloads that browserFiles loads back', async () => {
    const g = globalThis as { document?: unknown };
    const urlStatic = URL as unknown as { createObjectURL?: unknown; revokeObjectURL?: unknown };
    const origCreate = urlStatic.createObjectURL;
    const origRevoke = urlStatic.revokeObjectURL;
    const blobs = new Map<string, Blob>();
    const clicked: { download: string; blob: Blob }[] = [];
    let n = 0;
    urlStatic.createObjectURL = (b: Blob) => {
      const u = `blob:test/${n++}`;
      blobs.set(u, b);
      return u;
    };
    urlStatic.revokeObjectURL = (u: string) => blobs.delete(u);
    g.document = {
      createElement: () => {
        const a = { download: '', href: '', click: () => clicked.push({ download: a.download, blob: blobs.get(a.href)! }) };
        return a;
      },
    };
    try {
      const a = artifacts('dl', [3, 3, 3], 7);
      await io.routeUrl('downloads://my-net', 'save', 'save').save!(a);
      expect(clicked.map((c) => c.download)).toEqual(['my-net.json', 'my-net.weights.bin']);
      expect(blobs.size).toBe(0);
      const json = JSON.parse(await clicked[0]!.blob.text());
      expect(json.weightsManifest[0].paths).toEqual(['./my-net.weights.bin']);
      const filesBack = clicked.map((c) => new File([c.blob], c.download));
      expectSame(await io.browserFiles(filesBack).load!(), a);
      await expect(io.browserFiles([filesBack[0]!]).load!()).rejects.toThrow(/weight file 'my-net\.weights\.bin' is listed .* not among the files given/);
    } finally {
      delete g.document;
      urlStatic.createObjectURL = origCreate;
      urlStatic.revokeObjectURL = origRevoke;
    }
  });
});

describe('memory handlers and routing', () => {
  it('fromMemory / withSaveHandler / MemoryHandler pass artifacts through', async () => {
    const a = artifacts('mem', [2], 8);
    expectSame(await io.fromMemory(a).load!(), a);
    const positional = await io.fromMemory(a.modelTopology as object, a.weightSpecs, a.weightData).load!();
    expectSame({ ...positional, userDefinedMetadata: a.userDefinedMetadata }, a);
    let got: io.ModelArtifacts | null = null;
    await io.withSaveHandler(async (x) => {
      got = x;
      return { modelArtifactsInfo: io.getModelArtifactsInfo(x) };
    }).save!(a);
    expect(got).toBe(a);
    const m = new io.MemoryHandler();
    await expect(m.load()).rejects.toThrow(/nothing has been saved/);
    await m.save(a);
    expectSame(await m.load(), a);
  });

  it('unknown schemes list the supported ones; bare paths get a file:// hint; custom routers win', async () => {
    expect(() => io.routeUrl('s3://bucket/m', 'load', 'loadModel')).toThrow(/loadModel: no IO handler for 's3:\/\/bucket\/m'\. Supported: file:\/\//);
    expect(() => io.routeUrl('./my-model', 'save', 'save')).toThrow(/write 'file:\/\/\.\/my-model'/);
    const mem = new io.MemoryHandler();
    io.registerSaveRouter((url) => (url.startsWith('mem://') ? mem : null));
    io.registerLoadRouter((url) => (url.startsWith('mem://') ? mem : null));
    const a = artifacts('routed', [4], 9);
    await io.routeUrl('mem://x', 'save', 'save').save!(a);
    expectSame(await io.routeUrl('mem://x', 'load', 'load').load!(), a);
  });
});
