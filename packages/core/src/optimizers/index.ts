/**
 * `st.optimizers`: the Keras 3 optimizers (classes and lowercase factories), `getOptimizer`, and
 * learning-rate schedules as `st.optimizers.schedules`.
 */
export { Optimizer, LearningRateSchedule, type OptimizerArgs } from './optimizer.js';
export { SGD, sgd, type SGDArgs } from './sgd.js';
export { Adam, AdamW, adam, adamw, type AdamArgs } from './adam.js';
export { RMSprop, rmsprop, type RMSpropArgs } from './rmsprop.js';
export { Adagrad, adagrad, type AdagradArgs } from './adagrad.js';
export { Adadelta, adadelta, type AdadeltaArgs } from './adadelta.js';
export { Adamax, adamax, type AdamaxArgs } from './adamax.js';
export { Nadam, nadam, type NadamArgs } from './nadam.js';
export { Lion, lion, type LionArgs } from './lion.js';
export { Ftrl, ftrl, type FtrlArgs } from './ftrl.js';
export { getOptimizer, serializeOptimizer, type OptimizerIdentifier } from './get.js';
export * as schedules from './schedules.js';
