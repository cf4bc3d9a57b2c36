/**
 * `st.callbacks`: Keras callbacks as classes (`st.callbacks.EarlyStopping`) and factories
 * (`st.callbacks.earlyStopping({...})`), plus the `Progbar` utility.
 */
export { Callback, type Logs, type TrainingParams, type CallbackModel } from './callback.js';
export { CallbackList, type CallbackListArgs } from './callback-list.js';
export { History, history } from './history.js';
export { Progbar, ProgbarLogger, progbarLogger, type ProgbarArgs, type ProgbarLoggerArgs } from './progbar.js';
export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint.js';
export {
  ReduceLROnPlateau, reduceLROnPlateau, LearningRateScheduler, learningRateScheduler,
  type ReduceLROnPlateauArgs, type LearningRateSchedulerArgs, type LearningRateScheduleFn,
} from './learning-rate.js';
export { CSVLogger, csvLogger, type CSVLoggerArgs } from './csv-logger.js';
export { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan.js';
export { LambdaCallback, lambdaCallback, type LambdaCallbackArgs } from './lambda-callback.js';
export type { MonitorMode } from './util.js';
export { BackupAndRestore, backupAndRestore, type BackupAndRestoreArgs } from './backup-and-restore.js';
