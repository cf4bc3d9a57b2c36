/**
 * @strata/datasets: loaders for real data shipped through npm.
 * @packageDocumentation
 */
export { parseIdx, parseIdxHeader, expectIdx, IdxFormatError, type IdxArray, type IdxArrayMap, type IdxDType } from './idx.js';
export {
  loadMnist,
  mnistTensors,
  toTensors,
  mnistDataDir,
  readIdxFile,
  MNIST_ROWS,
  MNIST_COLS,
  MNIST_PIXELS,
  MNIST_CLASSES,
  type MnistSplit,
  type MnistOptions,
  type MnistData,
  type MnistTensors,
} from './mnist.js';
