/**
 * Small tabular data sets — iris, wine, breast cancer (Wisconsin diagnostic), digits (8×8),
 * diabetes and Palmer penguins — read from copies of the original files that ship inside this
 * package (`data/`), so nothing needs Debian, Python, R or the network at run time. Node only (the
 * loaders read files).
 *
 * The files are unmodified copies of scikit-learn 1.2.1's `sklearn/datasets/data/*` (Debian
 * `python3-sklearn`, BSD-3-Clause) and of palmerpenguins 0.1.1's `extdata/penguins.csv` (Debian
 * `r-cran-palmerpenguins`, CC0). Each loader's result carries its notice in `licence`; the full
 * texts are in this package's `DATA-LICENSES.md`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as st from '@strata/core';
import { parseDelimited, parseIntegerField, parseNumberField, TableFormatError, type TableRow } from './csv.js';

/** A table of numeric features with one target per sample. */
export interface TableData<L extends Float32Array | Int32Array = Float32Array | Int32Array> {
  /** `numSamples × numFeatures` values, row-major (sample by sample). */
  readonly features: Float32Array;
  /** One target per sample: class indices (Int32Array) or regression targets (Float32Array). */
  readonly labels: L;
  /** The name of each feature column, in order. */
  readonly featureNames: string[];
  /** For classification: the name of each class, indexed by label. */
  readonly targetNames?: string[];
  /** Number of samples (rows). */
  readonly numSamples: number;
  /** Number of features (columns of `features`). */
  readonly numFeatures: number;
  /** `[numSamples, numFeatures]`. */
  readonly shape: readonly [number, number];
  /** The data's licence and attribution notice (full texts in the package's DATA-LICENSES.md). */
  readonly licence: string;
}

/** A classification table: integer labels `0 … targetNames.length − 1`. */
export interface ClassificationData extends TableData<Int32Array> {
  /** The name of each class, indexed by label. */
  readonly targetNames: string[];
}

/** A regression table: real-valued targets. */
export type RegressionData = TableData<Float32Array>;

/** The 8×8 digits: a classification table whose rows are 8×8 images with pixels 0–16. */
export interface DigitsData extends ClassificationData {
  /** Shape of one image: `[8, 8]` (each row of `features` is one image, row-major). */
  readonly imageShape: readonly [number, number];
}

/** The penguins table, after dropping incomplete rows. */
export interface PenguinsData extends ClassificationData {
  /** How many rows of the original file were dropped because a value was missing (`NA`). */
  readonly droppedRows: number;
}

/** Options shared by every table loader. */
export interface TableOptions {
  /**
   * A folder holding the data file(s) under their original names (e.g. `iris.csv`,
   * `digits.csv.gz`), each plain or gzipped (`.gz`). Default: the copies bundled with this package.
   * Sample counts are checked only for the bundled files.
   */
  dir?: string;
}

/** Options of {@link loadDiabetes}. */
export interface DiabetesOptions extends TableOptions {
  /**
   * `true` (the default, as scikit-learn's `load_diabetes`): each feature is centred and divided
   * by its standard deviation times √numSamples, so every column has mean 0 and sum of squares 1
   * (computed in float64). `false`: the raw values (age in years, sex 1/2, bmi, …).
   */
  scaled?: boolean;
}

/** How {@link loadPenguins} encodes the categorical columns island and sex. */
export type PenguinsEncoding = 'oneHot' | 'integer';

/** Options of {@link loadPenguins}. */
export interface PenguinsOptions extends TableOptions {
  /**
   * `'oneHot'` (the default): island becomes three 0/1 columns (`island_Biscoe`, `island_Dream`,
   * `island_Torgersen`) and sex two (`sex_female`, `sex_male`): 9 features. `'integer'`: island is
   * one column coded Biscoe 0, Dream 1, Torgersen 2, and sex one column coded female 0, male 1:
   * 6 features.
   */
  categorical?: PenguinsEncoding;
}

/** A table as tensors. */
export interface TableTensors {
  /** float32 `[numSamples, numFeatures]`. */
  readonly x: st.Tensor;
  /** int32 `[numSamples]` class labels, or float32 `[numSamples]` regression targets. */
  readonly y: st.Tensor;
}

const SKLEARN_NOTICE = 'Copy of scikit-learn 1.2.1 sklearn/datasets/data (Debian python3-sklearn 1.2.1+dfsg-1), Copyright 2007-2019 Scikit-Learn Developers, BSD-3-Clause.';
const SEE_FULL = 'Full notices: DATA-LICENSES.md in @strata/datasets.';

/** The licence and attribution notice of each bundled data set (also in each loader's result). */
export const TABLE_LICENCES = {
  iris:
    `Iris plants database: R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annual Eugenics 7 (1936); donor Michael Marshall (1988). ${SKLEARN_NOTICE} ${SEE_FULL}`,
  wine:
    `Wine recognition data, UCI Machine Learning Repository (Lichman, M. (2013), https://archive.ics.uci.edu/ml); original owners Forina, M. et al, PARVUS, Institute of Pharmaceutical and Food Analysis and Technologies, Genoa, Italy. ${SKLEARN_NOTICE} ${SEE_FULL}`,
  breastCancer:
    `Breast Cancer Wisconsin (Diagnostic) data, UCI Machine Learning Repository; creators Dr. William H. Wolberg, W. Nick Street, Olvi L. Mangasarian; donor Nick Street (1995). ${SKLEARN_NOTICE} ${SEE_FULL}`,
  digits:
    `Optical Recognition of Handwritten Digits (test set), UCI Machine Learning Repository; creator E. Alpaydin (1998), see also C. Kaynak (1995). ${SKLEARN_NOTICE} ${SEE_FULL}`,
  diabetes:
    `Diabetes data of Bradley Efron, Trevor Hastie, Iain Johnstone and Robert Tibshirani (2004), "Least Angle Regression", Annals of Statistics 32(2), 407-499; https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html. ${SKLEARN_NOTICE} ${SEE_FULL}`,
  penguins:
    `Palmer penguins: Horst AM, Hill AP, Gorman KB (2020). palmerpenguins: Palmer Archipelago (Antarctica) penguin data. R package version 0.1.0. https://allisonhorst.github.io/palmerpenguins/. doi: 10.5281/zenodo.3960218. Data collected by Dr. Kristen Gorman and the Palmer Station Long Term Ecological Research (LTER) Program. Copy of palmerpenguins 0.1.1 extdata/penguins.csv (Debian r-cran-palmerpenguins 0.1.1-1), Copyright 2019-2020 Allison Horst, Alison Hill, Kristen Gorman, CC0 1.0 (public domain dedication). ${SEE_FULL}`,
} as const;

/** The folder of data files bundled with this package (`packages/datasets/data`). */
export function tablesDataDir(): string {
  // Both src/ (tests) and dist/ (the build) sit next to data/.
  return fileURLToPath(new URL('../data/', import.meta.url));
}

/** Reads a bundled (or `dir`) text file, plain or gzipped at `name + '.gz'`, naming it in errors. */
function readText(fn: string, dir: string, name: string): { text: string; source: string } {
  const path = join(dir, name);
  let bytes: Uint8Array;
  let source = path;
  try {
    bytes = readFileSync(path);
  } catch (plainError) {
    try {
      source = `${path}.gz`;
      bytes = readFileSync(source);
    } catch {
      throw new Error(`${fn}: cannot read ${path} (nor ${path}.gz): ${(plainError as Error).message}`);
    }
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new TableFormatError(source, undefined, undefined, `corrupt gzip data: ${(err as Error).message}`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TableFormatError(source, undefined, undefined, 'not UTF-8 text');
  }
  return { text, source };
}

function checkFieldCount(row: TableRow, want: number, source: string, what: string): void {
  if (row.fields.length !== want) {
    throw new TableFormatError(source, row.line, undefined, `expected ${want} fields (${what}), got ${row.fields.length}`);
  }
}

function checkCount(fn: string, source: string, got: number, want: number | undefined, what: string): void {
  if (want !== undefined && got !== want) {
    throw new TableFormatError(source, undefined, undefined, `${fn}: holds ${got} ${what}; the bundled data set has ${want}`);
  }
}

interface SklearnSpec {
  readonly fn: string;
  readonly file: string;
  readonly featureNames: readonly string[];
  readonly numSamples: number;
  readonly targetNames: readonly string[];
  readonly licence: string;
}

/**
 * Reads scikit-learn's classification CSV layout: a header `numSamples,numFeatures,class names…`,
 * then one row per sample of `numFeatures` numbers and an integer class index.
 */
function loadSklearnCsv(spec: SklearnSpec, options: TableOptions): ClassificationData {
  const bundled = options.dir === undefined;
  const { text, source } = readText(spec.fn, options.dir ?? tablesDataDir(), spec.file);
  const rows = parseDelimited(text, source);
  const header = rows[0];
  if (header === undefined) throw new TableFormatError(source, undefined, undefined, 'the file is empty');
  if (header.fields.length < 4) {
    throw new TableFormatError(source, 1, undefined, `the header must be "numSamples,numFeatures,class names…", got ${JSON.stringify(header.fields.join(','))}`);
  }
  const declaredSamples = parseIntegerField(header.fields[0]!, source, 1, 1, 1, 2 ** 31 - 1, 'number of samples');
  const numFeatures = parseIntegerField(header.fields[1]!, source, 1, 2, 1, 2 ** 31 - 1, 'number of features');
  const targetNames = header.fields.slice(2).map((s) => s.trim());
  if (numFeatures !== spec.featureNames.length) {
    throw new TableFormatError(source, 1, 2, `the header says ${numFeatures} features; ${spec.fn} expects ${spec.featureNames.length}`);
  }
  if (targetNames.length !== spec.targetNames.length) {
    throw new TableFormatError(source, 1, undefined, `the header names ${targetNames.length} classes; ${spec.fn} expects ${spec.targetNames.length} (${spec.targetNames.join(', ')})`);
  }
  const body = rows.slice(1);
  if (body.length !== declaredSamples) {
    throw new TableFormatError(source, undefined, undefined, `the header says ${declaredSamples} samples but the file has ${body.length} data rows`);
  }
  checkCount(spec.fn, source, body.length, bundled ? spec.numSamples : undefined, 'samples');
  const features = new Float32Array(body.length * numFeatures);
  const labels = new Int32Array(body.length);
  body.forEach((row, i) => {
    checkFieldCount(row, numFeatures + 1, source, `${numFeatures} features and a class index`);
    for (let j = 0; j < numFeatures; j++) {
      features[i * numFeatures + j] = parseNumberField(row.fields[j]!, source, row.line, j + 1, spec.featureNames[j]);
    }
    labels[i] = parseIntegerField(row.fields[numFeatures]!, source, row.line, numFeatures + 1, 0, targetNames.length - 1, 'class index');
  });
  const numSamples = body.length;
  return { features, labels, featureNames: [...spec.featureNames], targetNames, numSamples, numFeatures, shape: [numSamples, numFeatures], licence: spec.licence };
}

const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const WINE_FEATURES = [
  'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
  'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline',
];
const BREAST_CANCER_FEATURES = ['mean', 'error', 'worst'].flatMap((kind) =>
  ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension'].map((f) =>
    kind === 'mean' ? `mean ${f}` : kind === 'error' ? `${f} error` : `worst ${f}`,
  ),
);
const DIABETES_FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

/**
 * Fisher's iris data: 150 flowers, 4 measurements in cm, 3 species (setosa 0, versicolor 1,
 * virginica 2; 50 each). Feature names as scikit-learn's `load_iris`.
 * @example const { features, labels, numSamples } = loadIris();  // 150 × 4, labels 0–2
 */
export function loadIris(options: TableOptions = {}): ClassificationData {
  return loadSklearnCsv({ fn: 'loadIris', file: 'iris.csv', featureNames: IRIS_FEATURES, numSamples: 150, targetNames: ['setosa', 'versicolor', 'virginica'], licence: TABLE_LICENCES.iris }, options);
}

/**
 * UCI wine recognition: 178 wines, 13 chemical measurements, 3 cultivars (class_0 59, class_1 71,
 * class_2 48). Feature names as scikit-learn's `load_wine`.
 */
export function loadWine(options: TableOptions = {}): ClassificationData {
  return loadSklearnCsv({ fn: 'loadWine', file: 'wine_data.csv', featureNames: WINE_FEATURES, numSamples: 178, targetNames: ['class_0', 'class_1', 'class_2'], licence: TABLE_LICENCES.wine }, options);
}

/**
 * Breast Cancer Wisconsin (Diagnostic): 569 samples, 30 features (mean, standard error and worst of
 * 10 cell-nucleus measurements), labels malignant 0 (212) and benign 1 (357), as scikit-learn's
 * `load_breast_cancer`.
 */
export function loadBreastCancer(options: TableOptions = {}): ClassificationData {
  return loadSklearnCsv({ fn: 'loadBreastCancer', file: 'breast_cancer.csv', featureNames: BREAST_CANCER_FEATURES, numSamples: 569, targetNames: ['malignant', 'benign'], licence: TABLE_LICENCES.breastCancer }, options);
}

/**
 * Handwritten digits, 8×8: 1797 images (the UCI optdigits test set, as scikit-learn's
 * `load_digits`), 64 features `pixel_r_c` with integer values 0–16 (not rescaled), labels 0–9.
 */
export function loadDigits(options: TableOptions = {}): DigitsData {
  const fn = 'loadDigits';
  const { text, source } = readText(fn, options.dir ?? tablesDataDir(), 'digits.csv');
  const rows = parseDelimited(text, source);
  checkCount(fn, source, rows.length, options.dir === undefined ? 1797 : undefined, 'samples');
  if (rows.length === 0) throw new TableFormatError(source, undefined, undefined, 'the file is empty');
  const numFeatures = 64;
  const featureNames = Array.from({ length: numFeatures }, (_, k) => `pixel_${Math.floor(k / 8)}_${k % 8}`);
  const features = new Float32Array(rows.length * numFeatures);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    checkFieldCount(row, numFeatures + 1, source, '64 pixels and a digit');
    for (let j = 0; j < numFeatures; j++) {
      features[i * numFeatures + j] = parseIntegerField(row.fields[j]!, source, row.line, j + 1, 0, 16, featureNames[j]);
    }
    labels[i] = parseIntegerField(row.fields[numFeatures]!, source, row.line, numFeatures + 1, 0, 9, 'digit');
  });
  const numSamples = rows.length;
  return {
    features, labels, featureNames, targetNames: Array.from({ length: 10 }, (_, d) => String(d)),
    numSamples, numFeatures, shape: [numSamples, numFeatures], imageShape: [8, 8], licence: TABLE_LICENCES.digits,
  };
}

/**
 * Diabetes (Efron et al., 2004): 442 patients, 10 baseline features (age, sex, bmi, bp, s1–s6) and a
 * real target, disease progression one year later (25–346). By default the features are scaled as
 * scikit-learn's `load_diabetes` does (see {@link DiabetesOptions.scaled}); the target never is.
 */
export function loadDiabetes(options: DiabetesOptions = {}): RegressionData {
  const fn = 'loadDiabetes';
  const scaled = options.scaled ?? true;
  if (typeof scaled !== 'boolean') throw new Error(`${fn}: scaled must be true or false, got ${JSON.stringify(scaled)}`);
  const dir = options.dir ?? tablesDataDir();
  const bundled = options.dir === undefined;
  const data = readText(fn, dir, 'diabetes_data_raw.csv');
  const target = readText(fn, dir, 'diabetes_target.csv');
  const dataRows = parseDelimited(data.text, data.source, { delimiter: 'whitespace' });
  const targetRows = parseDelimited(target.text, target.source, { delimiter: 'whitespace' });
  checkCount(fn, data.source, dataRows.length, bundled ? 442 : undefined, 'samples');
  if (dataRows.length === 0) throw new TableFormatError(data.source, undefined, undefined, 'the file is empty');
  if (targetRows.length !== dataRows.length) {
    throw new Error(`${fn}: ${data.source} holds ${dataRows.length} samples but ${target.source} holds ${targetRows.length} targets`);
  }
  const numFeatures = DIABETES_FEATURES.length;
  const numSamples = dataRows.length;
  const raw = new Float64Array(numSamples * numFeatures);
  dataRows.forEach((row, i) => {
    checkFieldCount(row, numFeatures, data.source, DIABETES_FEATURES.join(' '));
    for (let j = 0; j < numFeatures; j++) raw[i * numFeatures + j] = parseNumberField(row.fields[j]!, data.source, row.line, j + 1, DIABETES_FEATURES[j]);
  });
  const labels = new Float32Array(numSamples);
  targetRows.forEach((row, i) => {
    checkFieldCount(row, 1, target.source, 'the target');
    labels[i] = parseNumberField(row.fields[0]!, target.source, row.line, 1, 'target');
  });
  if (scaled) {
    // sklearn.preprocessing.scale (population standard deviation), then ÷ √n, in float64.
    for (let j = 0; j < numFeatures; j++) {
      let sum = 0;
      for (let i = 0; i < numSamples; i++) sum += raw[i * numFeatures + j]!;
      const mean = sum / numSamples;
      let squares = 0;
      for (let i = 0; i < numSamples; i++) squares += (raw[i * numFeatures + j]! - mean) ** 2;
      const norm = Math.sqrt(squares); // = std × √n
      for (let i = 0; i < numSamples; i++) raw[i * numFeatures + j] = norm === 0 ? 0 : (raw[i * numFeatures + j]! - mean) / norm;
    }
  }
  return { features: Float32Array.from(raw), labels, featureNames: [...DIABETES_FEATURES], numSamples, numFeatures, shape: [numSamples, numFeatures], licence: TABLE_LICENCES.diabetes };
}

const PENGUINS_COLUMNS = ['species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year'];
const PENGUIN_SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const PENGUIN_ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];
const PENGUIN_SEXES = ['female', 'male'];

/**
 * Palmer penguins: 344 penguins in the file; the 11 rows with a missing value (`NA`) are dropped,
 * leaving 333. Labels: species Adelie 0 (146), Chinstrap 1 (68), Gentoo 2 (119). Features: bill
 * length and depth (mm), flipper length (mm), body mass (g), then island and sex encoded as
 * {@link PenguinsOptions.categorical} says. The `year` column (2007–2009, the study year) is not a
 * feature.
 */
export function loadPenguins(options: PenguinsOptions = {}): PenguinsData {
  const fn = 'loadPenguins';
  const encoding = options.categorical ?? 'oneHot';
  if (encoding !== 'oneHot' && encoding !== 'integer') {
    throw new Error(`${fn}: categorical must be 'oneHot' or 'integer', got ${JSON.stringify(encoding)}`);
  }
  const { text, source } = readText(fn, options.dir ?? tablesDataDir(), 'penguins.csv');
  const rows = parseDelimited(text, source);
  const header = rows[0];
  if (header === undefined) throw new TableFormatError(source, undefined, undefined, 'the file is empty');
  checkFieldCount(header, PENGUINS_COLUMNS.length, source, PENGUINS_COLUMNS.join(','));
  header.fields.forEach((name, j) => {
    if (name.trim() !== PENGUINS_COLUMNS[j]) throw new TableFormatError(source, 1, j + 1, `expected column ${JSON.stringify(PENGUINS_COLUMNS[j])}, got ${JSON.stringify(name)}`);
  });
  const body = rows.slice(1);
  checkCount(fn, source, body.length, options.dir === undefined ? 344 : undefined, 'rows');

  const category = (row: TableRow, j: number, levels: readonly string[]): number | null => {
    const value = row.fields[j]!.trim();
    if (value === 'NA') return null;
    const k = levels.indexOf(value);
    if (k < 0) throw new TableFormatError(source, row.line, j + 1, `${PENGUINS_COLUMNS[j]} ${JSON.stringify(value)} is not one of ${levels.join(', ')} (or NA)`);
    return k;
  };
  const numeric = (row: TableRow, j: number): number | null =>
    row.fields[j]!.trim() === 'NA' ? null : parseNumberField(row.fields[j]!, source, row.line, j + 1, PENGUINS_COLUMNS[j]);

  const kept: { species: number; island: number; sex: number; measures: number[] }[] = [];
  for (const row of body) {
    checkFieldCount(row, PENGUINS_COLUMNS.length, source, PENGUINS_COLUMNS.join(','));
    const species = category(row, 0, PENGUIN_SPECIES);
    if (species === null) throw new TableFormatError(source, row.line, 1, 'species is missing (NA): every penguin needs a label');
    const island = category(row, 1, PENGUIN_ISLANDS);
    const measures = [2, 3, 4, 5].map((j) => numeric(row, j));
    const sex = category(row, 6, PENGUIN_SEXES);
    if (row.fields[7]!.trim() !== 'NA') parseIntegerField(row.fields[7]!, source, row.line, 8, 1900, 2100, 'year');
    if (island === null || sex === null || measures.some((m) => m === null)) continue;
    kept.push({ species, island, sex, measures: measures as number[] });
  }

  const featureNames = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
  if (encoding === 'oneHot') featureNames.push(...PENGUIN_ISLANDS.map((s) => `island_${s}`), ...PENGUIN_SEXES.map((s) => `sex_${s}`));
  else featureNames.push('island', 'sex');
  const numFeatures = featureNames.length;
  const numSamples = kept.length;
  const features = new Float32Array(numSamples * numFeatures);
  const labels = new Int32Array(numSamples);
  kept.forEach((p, i) => {
    const row = features.subarray(i * numFeatures, (i + 1) * numFeatures);
    row.set(p.measures);
    if (encoding === 'oneHot') {
      row[4 + p.island] = 1;
      row[4 + PENGUIN_ISLANDS.length + p.sex] = 1;
    } else {
      row[4] = p.island;
      row[5] = p.sex;
    }
    labels[i] = p.species;
  });
  return {
    features, labels, featureNames, targetNames: [...PENGUIN_SPECIES], numSamples, numFeatures,
    shape: [numSamples, numFeatures], droppedRows: body.length - numSamples, licence: TABLE_LICENCES.penguins,
  };
}

/**
 * Turns a loaded table into tensors on the active backend: x float32 `[numSamples, numFeatures]`,
 * y int32 (class labels) or float32 (regression targets) `[numSamples]`. The caller disposes them.
 */
export function tableTensors(data: TableData): TableTensors {
  const x = st.tensor(data.features, [data.numSamples, data.numFeatures], 'float32');
  try {
    const y = st.tensor(data.labels, [data.numSamples], data.labels instanceof Int32Array ? 'int32' : 'float32');
    return { x, y };
  } catch (err) {
    x.dispose();
    throw err;
  }
}

/** Iris as tensors (x float32 [150, 4], y int32 [150]); call `await st.ready()` first, dispose after. */
export function irisTensors(options: TableOptions = {}): TableTensors {
  return tableTensors(loadIris(options));
}

/** Wine as tensors (x float32 [178, 13], y int32 [178]); the caller disposes them. */
export function wineTensors(options: TableOptions = {}): TableTensors {
  return tableTensors(loadWine(options));
}

/** Breast cancer as tensors (x float32 [569, 30], y int32 [569]); the caller disposes them. */
export function breastCancerTensors(options: TableOptions = {}): TableTensors {
  return tableTensors(loadBreastCancer(options));
}

/** Digits as tensors (x float32 [1797, 64] with pixels 0–16, y int32 [1797]); the caller disposes them. */
export function digitsTensors(options: TableOptions = {}): TableTensors {
  return tableTensors(loadDigits(options));
}

/** Diabetes as tensors (x float32 [442, 10], y float32 [442]); the caller disposes them. */
export function diabetesTensors(options: DiabetesOptions = {}): TableTensors {
  return tableTensors(loadDiabetes(options));
}

/** Penguins as tensors (x float32 [333, 9] one-hot or [333, 6] integer-coded, y int32 [333]); the caller disposes them. */
export function penguinsTensors(options: PenguinsOptions = {}): TableTensors {
  return tableTensors(loadPenguins(options));
}
