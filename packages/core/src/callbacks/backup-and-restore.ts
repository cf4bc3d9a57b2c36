/**
 * BackupAndRestore (Keras): backs up the training state at every epoch end so an interrupted
 * `fit` (crash, kill, exception) resumes at the next epoch with identical results.
 */
import { Callback, type Logs } from './callback.js';
import { FileSystemHandler, removeFileModel } from '../io/file-system.js';
import { nodeFs } from '../io/platform.js';
import { decodeWeights, encodeWeights, type NamedTensor } from '../io/weights.js';
import { fromTypedArray } from '../ops/convert.js';
import { getRandomState, setRandomState } from '../ops/random.js';
import type { Tensor, Variable } from '../tensor/tensor.js';

/** Arguments of `BackupAndRestore`. */
export interface BackupAndRestoreArgs {
  /** The backup directory, `file://dir` or a plain path (Node). Use it for one training run only. */
  backupDir: string;
  /** When to back up: `'epoch'` (the default and only choice): at the end of every epoch. */
  saveFreq?: 'epoch';
  /** Delete the backup when `fit` finishes normally (default true), so a new `fit` starts afresh. */
  deleteCheckpoint?: boolean;
}

/** What the backup records besides weights (in the model.json's `userDefinedMetadata`). */
interface BackupState {
  /** The last completed epoch (0-based). */
  epoch: number;
  /** Core's random generator position after that epoch. */
  randomState: { seed: number; draws: number };
  modelWeights: number;
  optimizerWeights: number;
}

const META_KEY = 'strataBackupAndRestore';

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Keras's BackupAndRestore. At each epoch end it atomically writes, into `backupDir`, the model's
 * weights, the optimizer's state, the epoch and core's random state. When `fit` starts and a
 * backup exists, it restores all of it and `fit` continues at the next epoch, so an interrupted
 * run, restarted with the same code, ends with the same weights as an uninterrupted one. The
 * backup is deleted when training finishes (unless `deleteCheckpoint: false`).
 * @example
 * await model.fit(x, y, { epochs: 20, callbacks: [new st.callbacks.BackupAndRestore({ backupDir: 'file://./backup' })] });
 */
export class BackupAndRestore extends Callback {
  /** The backup directory, as given. */
  readonly backupDir: string;
  /** Whether the backup is deleted when `fit` finishes normally. */
  readonly deleteCheckpoint: boolean;
  private readonly path: string;

  constructor(args: BackupAndRestoreArgs) {
    super();
    if (!args || typeof args.backupDir !== 'string' || args.backupDir === '' || args.backupDir === 'file://') {
      throw new Error(`BackupAndRestore: backupDir must be a directory path or file:// URL, got ${JSON.stringify(args?.backupDir)}`);
    }
    if (args.saveFreq !== undefined && args.saveFreq !== 'epoch') {
      throw new Error(`BackupAndRestore: saveFreq must be 'epoch' (backups every N batches are not supported), got ${JSON.stringify(args.saveFreq)}`);
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(args.backupDir) && !args.backupDir.startsWith('file://')) {
      throw new Error(`BackupAndRestore: backupDir must be a local directory (file://), got '${args.backupDir}'`);
    }
    this.backupDir = args.backupDir;
    this.path = args.backupDir.startsWith('file://') ? args.backupDir.slice('file://'.length) : args.backupDir;
    this.deleteCheckpoint = args.deleteCheckpoint ?? true;
  }

  private requireModel(hook: string) {
    if (!this.model) throw new Error(`BackupAndRestore.${hook}: no model set (the callback must be passed to fit)`);
    return this.model;
  }

  /** The model's trainable variables (the optimizer's slots are built for these, in this order). */
  private trainableVariables(hook: string): Variable[] {
    const vars = (this.model as unknown as { trainableWeights?: Variable[] }).trainableWeights;
    if (!Array.isArray(vars)) throw new Error(`BackupAndRestore.${hook}: the model has no trainableWeights; it must be an st.Model`);
    return vars;
  }

  /** Whether a backup exists in `backupDir`. */
  async hasBackup(): Promise<boolean> {
    const fs = await nodeFs('BackupAndRestore');
    try {
      await fs.stat(`${this.path.replace(/[\\/]+$/, '')}/model.json`);
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** Restores the last backup (weights, optimizer state, random state) and tells fit where to resume. */
  override async onTrainBegin(_logs?: Logs): Promise<void> {
    const model = this.requireModel('onTrainBegin');
    if (!(await this.hasBackup())) return;
    const where = `BackupAndRestore: restoring the backup in '${this.path}'`;
    const artifacts = await new FileSystemHandler(this.path).load();
    const state = artifacts.userDefinedMetadata?.[META_KEY] as BackupState | undefined;
    if (!state || typeof state.epoch !== 'number' || !artifacts.weightSpecs || !artifacts.weightData) {
      throw new Error(`${where}: the directory holds a model.json that is not a BackupAndRestore backup; use another backupDir or delete it`);
    }
    const decoded = decodeWeights(artifacts.weightData, artifacts.weightSpecs, where);
    const modelValues = decoded.filter((w) => w.group === 'model');
    const optimizerValues = decoded.filter((w) => w.group === 'optimizer');
    const optimizer = model.optimizer;
    if (optimizerValues.length > 0 && !optimizer) throw new Error(`${where}: the backup has optimizer state but the model has no optimizer; compile it first`);
    const tensors: Tensor[] = [];
    try {
      for (const w of decoded) tensors.push(fromTypedArray(w.values, w.shape, w.dtype));
      const modelTensors = tensors.slice(0, modelValues.length);
      const optimizerTensors = tensors.slice(modelValues.length);
      // setWeights checks every shape before assigning any; the optimizer's setWeights likewise.
      try {
        model.setWeights(modelTensors);
      } catch (err) {
        throw new Error(`${where}: the backup does not fit this model (${(err as Error).message}); was it written for another model?`);
      }
      if (optimizer && optimizerTensors.length > 0) {
        optimizer.build(this.trainableVariables('onTrainBegin'));
        try {
          await optimizer.setWeightsAsync(optimizerTensors);
        } catch (err) {
          throw new Error(`${where}: the backed-up optimizer state does not fit this optimizer (${(err as Error).message})`);
        }
      }
    } finally {
      for (const t of tensors) t.dispose();
    }
    setRandomState(state.randomState);
    model.resumeFromEpoch = state.epoch + 1;
  }

  /** Backs up weights, optimizer state, the epoch and the random state (atomically). */
  override async onEpochEnd(epoch: number, _logs?: Logs): Promise<void> {
    const model = this.requireModel('onEpochEnd');
    const named: NamedTensor[] = model.weights.map((t, i) => ({ name: `model/${i}`, tensor: t }));
    const optimizerValues = model.optimizer ? model.optimizer.getWeights() : [];
    try {
      optimizerValues.forEach((t, i) => named.push({ name: `optimizer/${i}`, tensor: t, group: 'optimizer' }));
      const { specs, data } = await encodeWeights(named);
      const state: BackupState = { epoch, randomState: getRandomState(), modelWeights: model.weights.length, optimizerWeights: optimizerValues.length };
      await new FileSystemHandler(this.path).save({
        modelTopology: null, format: 'strata-backup', generatedBy: 'Strata (@strata/core) BackupAndRestore', convertedBy: null,
        weightSpecs: specs, weightData: data, userDefinedMetadata: { [META_KEY]: state },
      });
    } finally {
      for (const t of optimizerValues) t.dispose();
    }
  }

  /** Deletes the backup after a normal end of training (`deleteCheckpoint`). */
  override async onTrainEnd(_logs?: Logs): Promise<void> {
    if (this.deleteCheckpoint) await removeFileModel(this.path);
  }
}

/** `new BackupAndRestore(args)`: `st.callbacks.backupAndRestore({ backupDir: 'file://./backup' })`. */
export function backupAndRestore(args: BackupAndRestoreArgs): BackupAndRestore {
  return new BackupAndRestore(args);
}
