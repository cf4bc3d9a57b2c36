import { describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { randomSource } from '../setup.js';
import { useTempFolder } from '../temp-folder.js';
import { io } from './io-module.js';

const temp = useTempFolder('strata-io-fs-');
const freshDir = temp.fresh;

/** Artifacts with a recognisable topology and random float32 weights of the given sizes. */
function artifacts(tag: string, sizes: number[], seed: number): io.ModelArtifacts {
  const rand = randomSource(seed);
  const specs: io.WeightsManifestEntry[] = sizes.map((n, i) => ({ name: `layer_${i}/kernel`, shape: [n], dtype: 'float32' }));
  const data = new Float32Array(sizes.reduce((a, b) => a + b, 0)).map(() => rand() * 2 - 1);
  return {
    modelTopology: { class_name: 'Sequential', config: { name: tag, layers: [] }, keras_version: 'strata', backend: 'strata' },
    format: 'layers-model', generatedBy: 'test', convertedBy: null,
    weightSpecs: specs, weightData: data.buffer,
  };
}

function expectSame(loaded: io.ModelArtifacts, saved: io.ModelArtifacts): void {
  expect(loaded.modelTopology).toEqual(saved.modelTopology);
  expect(loaded.weightSpecs).toEqual(saved.weightSpecs);
  expect(new Uint8Array(loaded.weightData as ArrayBuffer)).toEqual(new Uint8Array(saved.weightData as ArrayBuffer));
}

describe('file:// handler', () => {
  it('saves model.json + weights.bin in the TensorFlow.js layout and loads them back', async () => {
    const dir = freshDir();
    const a = artifacts('first', [3, 5, 7], 1);
    const result = await io.fileSystem(`file://${dir}`).save!(a);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(60);
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: a.weightSpecs }]);
    expect(json.format).toBe('layers-model');
    expectSame(await io.fileSystem(dir).load!(), a);
    // Loading by the model.json path works too.
    expectSame(await io.fileSystem(`file://${path.join(dir, 'model.json')}`).load!(), a);
  });

  it('overwrites a model, leaving only model.json and weights.bin', async () => {
    const dir = freshDir();
    await io.fileSystem(dir).save!(artifacts('first', [3], 1));
    const b = artifacts('second', [4, 4], 2);
    await io.fileSystem(dir).save!(b);
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    expectSame(await io.fileSystem(dir).load!(), b);
  });

  it('loads sharded weights listed across several groups and files', async () => {
    const dir = freshDir();
    await fsp.mkdir(dir);
    const rand = randomSource(3);
    const w1 = new Float32Array(10).map(() => rand());
    const w2 = new Int32Array(4).map(() => Math.floor(rand() * 100));
    const bytes1 = new Uint8Array(w1.buffer);
    await fsp.writeFile(path.join(dir, 'group1-shard1of2.bin'), bytes1.slice(0, 17));
    await fsp.writeFile(path.join(dir, 'group1-shard2of2.bin'), bytes1.slice(17));
    await fsp.writeFile(path.join(dir, 'group2-shard1of1.bin'), new Uint8Array(w2.buffer));
    const manifest = [
      { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [{ name: 'a/k', shape: [2, 5], dtype: 'float32' }] },
      { paths: ['./group2-shard1of1.bin'], weights: [{ name: 'b/k', shape: [4], dtype: 'int32' }] },
    ];
    await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: { class_name: 'X', config: {} }, weightsManifest: manifest }));
    const loaded = await io.fileSystem(dir).load!();
    const decoded = io.decodeWeights(loaded.weightData!, loaded.weightSpecs!);
    expect([...decoded[0]!.values]).toEqual([...w1]);
    expect([...decoded[1]!.values]).toEqual([...w2]);
  });

  it('gives clear errors: missing directory, missing model.json, bad JSON, truncated/oversized/missing weights, file in the way', async () => {
    const missing = freshDir();
    await expect(io.fileSystem(missing).load!()).rejects.toThrow(/no model here: '.*' does not exist/);
    const empty = freshDir();
    await fsp.mkdir(empty);
    await expect(io.fileSystem(empty).load!()).rejects.toThrow(/model\.json' does not exist/);

    const dir = freshDir();
    const a = artifacts('x', [6, 2], 4);
    await io.fileSystem(dir).save!(a);
    const weightsPath = path.join(dir, 'weights.bin');
    const good = await fsp.readFile(weightsPath);
    await fsp.writeFile(weightsPath, good.subarray(0, good.length - 5));
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/weight file 'weights\.bin' is truncated: 27 bytes, but the 2 weights listed need 32 bytes/);
    await fsp.writeFile(weightsPath, Buffer.concat([good, Buffer.alloc(4)]));
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/is longer than its manifest says: 36 bytes, but the 2 weights listed need 32 bytes/);
    await fsp.rm(weightsPath);
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/weight file 'weights\.bin' listed in its weightsManifest is missing/);
    await fsp.writeFile(path.join(dir, 'model.json'), '{"modelTopology": {"class_name": ');
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/model\.json is not valid JSON/);
    await fsp.writeFile(path.join(dir, 'model.json'), '[1, 2]');
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/must hold a JSON object, got an array/);
    await fsp.writeFile(path.join(dir, 'model.json'), '{"hello": 1}');
    await expect(io.fileSystem(dir).load!()).rejects.toThrow(/neither 'modelTopology' nor 'weightsManifest'/);

    const file = path.join(temp.root, 'a-file');
    await fsp.writeFile(file, 'x');
    await expect(io.fileSystem(file).save!(a)).rejects.toThrow(/is a file; file:\/\/ saves a model as a directory/);
  });
});

/**
 * A file system that "crashes" at its `crashAt`-th change (a write is left half-written) and
 * fails every call after it, like a process killed at that moment.
 */
function crashingFs(crashAt: number): { fs: io.NodeFs; changes: () => number } {
  let changes = 0;
  let dead = false;
  const step = (): boolean => {
    if (dead) throw new Error('process is dead');
    changes++;
    if (changes === crashAt) {
      dead = true;
      return true;
    }
    return false;
  };
  const alive = () => {
    if (dead) throw new Error('process is dead');
  };
  const fs = {
    readFile: async (p: string, enc?: 'utf8') => (alive(), enc ? fsp.readFile(p, enc) : fsp.readFile(p)),
    writeFile: async (p: string, data: Uint8Array | string) => {
      if (step()) {
        await fsp.writeFile(p, typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
        throw new Error('crash');
      }
      await fsp.writeFile(p, data);
    },
    appendFile: async (p: string, data: string) => (alive(), fsp.appendFile(p, data)),
    rename: async (a: string, b: string) => {
      if (step()) throw new Error('crash');
      await fsp.rename(a, b);
    },
    rm: async (p: string, o?: { force?: boolean; recursive?: boolean }) => {
      if (step()) throw new Error('crash');
      await fsp.rm(p, o);
    },
    mkdir: async (p: string, o?: { recursive?: boolean }) => (alive(), fsp.mkdir(p, o)),
    stat: async (p: string) => (alive(), fsp.stat(p)),
    readdir: async (p: string) => (alive(), fsp.readdir(p)),
  };
  return { fs: fs as unknown as io.NodeFs, changes: () => changes };
}

describe('file:// saves are atomic', () => {
  const old = artifacts('old', [5, 3], 10);
  const next = artifacts('new', [8], 11);

  async function crashEverywhere(prepare: (dir: string) => Promise<void>, allowed: (string | null)[]): Promise<number> {
    // Count the changes a full save makes, then crash at each of them in turn.
    const probeDir = freshDir();
    await prepare(probeDir);
    const probe = crashingFs(Number.POSITIVE_INFINITY);
    await new io.FileSystemHandler(probeDir, probe.fs).save(next);
    const total = probe.changes();
    expect(total).toBeGreaterThan(2);
    for (let k = 1; k <= total; k++) {
      const dir = freshDir();
      await prepare(dir);
      const crashing = crashingFs(k);
      await expect(new io.FileSystemHandler(dir, crashing.fs).save(next)).rejects.toThrow();
      let loaded: io.ModelArtifacts | null = null;
      try {
        loaded = await io.fileSystem(dir).load!();
      } catch (err) {
        expect(String(err)).toMatch(/no model here/);
      }
      const tag = loaded ? (loaded.modelTopology as { config: { name: string } }).config.name : null;
      expect(allowed).toContain(tag);
      if (loaded) expectSame(loaded, tag === 'old' ? old : next);
      // The next save after a crash succeeds and cleans up.
      await io.fileSystem(dir).save!(next);
      expectSame(await io.fileSystem(dir).load!(), next);
      expect((await fsp.readdir(dir)).filter((f) => !f.includes('.tmp-')).sort()).toEqual(['model.json', 'weights.bin']);
    }
    return total;
  }

  it('a crash at any point while overwriting leaves the old model or the new one, never a broken one', async () => {
    const total = await crashEverywhere(async (dir) => {
      await io.fileSystem(dir).save!(old);
    }, ['old', 'new']);
    expect(total).toBeGreaterThanOrEqual(6);
  });

  it('a crash during a first save leaves no model or the new one', async () => {
    await crashEverywhere(async () => {}, [null, 'new']);
  });

  it('recovers from a model left pointing at the staging weights', async () => {
    await crashEverywhere(async (dir) => {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(path.join(dir, 'weights.staging.bin'), new Uint8Array(old.weightData as ArrayBuffer));
      const json = { ...old, weightData: undefined, weightSpecs: undefined, weightsManifest: [{ paths: ['weights.staging.bin'], weights: old.weightSpecs }] };
      await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await fsp.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(3));
    }, ['old', 'new']);
  });

  it('removeFileModel deletes only the model files', async () => {
    const dir = freshDir();
    await io.fileSystem(dir).save!(old);
    await fsp.writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await io.removeFileModel(`file://${dir}`);
    expect(await fsp.readdir(dir)).toEqual(['notes.txt']);
    const dir2 = freshDir();
    await io.fileSystem(dir2).save!(old);
    await io.removeFileModel(dir2);
    await expect(fsp.stat(dir2)).rejects.toThrow();
  });
});
