/**
 * @strata/datasets: loaders for real data: MNIST (through npm) and small tables bundled in `data/`.
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
  MNIST_LICENCE,
  type MnistSplit,
  type MnistOptions,
  type MnistData,
  type MnistTensors,
} from './mnist.js';
export { TableFormatError, parseDelimited, parseNumberField, parseIntegerField, type TableRow, type DelimitedOptions } from './csv.js';
export {
  loadIris,
  loadWine,
  loadBreastCancer,
  loadDigits,
  loadDiabetes,
  loadPenguins,
  irisTensors,
  wineTensors,
  breastCancerTensors,
  digitsTensors,
  diabetesTensors,
  penguinsTensors,
  tableTensors,
  tablesDataDir,
  TABLE_LICENCES,
  type TableData,
  type ClassificationData,
  type RegressionData,
  type DigitsData,
  type PenguinsData,
  type TableOptions,
  type DiabetesOptions,
  type PenguinsOptions,
  type PenguinsEncoding,
  type TableTensors,
} from './tables.js';
export { trainTestSplit, type TrainTestSplitOptions, type TrainTestSplit } from './split.js';
