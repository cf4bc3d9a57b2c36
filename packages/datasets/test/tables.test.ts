import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  breastCancerTensors,
  diabetesTensors,
  digitsTensors,
  irisTensors,
  loadBreastCancer,
  loadDiabetes,
  loadDigits,
  loadIris,
  loadPenguins,
  loadWine,
  penguinsTensors,
  tablesDataDir,
  TABLE_LICENCES,
  wineTensors,
  type TableData,
} from '../src/tables.js';
import { parseDelimited, TableFormatError } from '../src/csv.js';

// ---- An independent float64 oracle: the file text split by hand, no code shared with the loaders.
const packageDir = join(import.meta.dirname, '..');
const dataDir = join(packageDir, 'data');
function fileText(name: string): string {
  const bytes = readFileSync(join(dataDir, name));
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
function oracleRows(name: string, sep: RegExp = /,/): string[][] {
  return fileText(name).trim().split('\n').map((line) => line.trim().split(sep));
}
/** Column means, population standard deviations, minima and maxima in float64. */
function columnStats(rows: number[][]): { mean: number[]; sd: number[]; min: number[]; max: number[] } {
  const n = rows.length;
  const f = rows[0]!.length;
  const mean = Array.from({ length: f }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n));
  const min = mean.map((_, j) => Math.min(...rows.map((r) => r[j]!)));
  const max = mean.map((_, j) => Math.max(...rows.map((r) => r[j]!)));
  return { mean, sd, min, max };
}
/** The loaded table's columns as float64 rows, to compare with the oracle. */
function loadedRows(data: TableData): number[][] {
  return Array.from({ length: data.numSamples }, (_, i) => Array.from(data.features.subarray(i * data.numFeatures, (i + 1) * data.numFeatures)));
}
function counts(labels: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]!]!++;
  return c;
}
function expectNear(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]!) <= tolerance)) throw new Error(`element ${i}: got ${a}, expected ${expected[i]} ± ${tolerance}`);
  });
}
/** Every loaded value is the float32 rounding of the oracle's float64 value. */
function expectSameAsOracle(data: TableData, oracle: number[][]): void {
  expect(oracle.length).toBe(data.numSamples);
  for (let i = 0; i < oracle.length; i++) {
    for (let j = 0; j < data.numFeatures; j++) {
      const want = Math.fround(oracle[i]![j]!);
      if (data.features[i * data.numFeatures + j] !== want) throw new Error(`row ${i} column ${j}: got ${data.features[i * data.numFeatures + j]}, want ${want}`);
    }
  }
}

describe('loadIris', () => {
  const data = loadIris();
  const rows = oracleRows('iris.csv').slice(1).map((r) => r.map(Number));

  it('has 150 samples, 4 features and 50 of each of 3 species', () => {
    expect(data.numSamples).toBe(150);
    expect(data.numFeatures).toBe(4);
    expect(data.shape).toEqual([150, 4]);
    expect(data.features).toBeInstanceOf(Float32Array);
    expect(data.features.length).toBe(600);
    expect(data.labels).toBeInstanceOf(Int32Array);
    expect(data.featureNames).toEqual(['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
    expect(data.targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(counts(data.labels, 3)).toEqual([50, 50, 50]);
  });

  it("matches the published summary statistics (Fisher's data as in scikit-learn's description)", () => {
    const stats = columnStats(rows.map((r) => r.slice(0, 4)));
    // Min, max, mean and SD from the data set's description. It sometimes truncates rather than
    // rounds (sepal width's mean is 3.0573, printed 3.05), so allow one unit of the last digit.
    expectNear(stats.mean, [5.84, 3.05, 3.76, 1.2], 0.01);
    expectNear(stats.min, [4.3, 2.0, 1.0, 0.1], 1e-12);
    expectNear(stats.max, [7.9, 4.4, 6.9, 2.5], 1e-12);
    expectNear(stats.sd, [0.83, 0.43, 1.76, 0.76], 0.01);
    // The loader's values, averaged in float64, agree with the oracle's.
    expectNear(columnStats(loadedRows(data)).mean, stats.mean, 1e-6);
    expectSameAsOracle(data, rows);
    expect([...data.labels]).toEqual(rows.map((r) => r[4]));
  });
});

describe('loadWine', () => {
  const data = loadWine();
  const rows = oracleRows('wine_data.csv').slice(1).map((r) => r.map(Number));

  it('has 178 samples, 13 features and classes 59/71/48', () => {
    expect(data.shape).toEqual([178, 13]);
    expect(data.featureNames).toHaveLength(13);
    expect(data.featureNames[0]).toBe('alcohol');
    expect(data.featureNames[12]).toBe('proline');
    expect(data.targetNames).toEqual(['class_0', 'class_1', 'class_2']);
    expect(counts(data.labels, 3)).toEqual([59, 71, 48]);
  });

  it('matches the published means and extremes', () => {
    const stats = columnStats(rows.map((r) => r.slice(0, 13)));
    const published = [13.0, 2.34, 2.36, 19.5, 99.7, 2.29, 2.03, 0.36, 1.59, 5.1, 0.96, 2.61, 746];
    // One unit of the last printed digit (the table truncates some values: ash's mean is 2.3665, printed 2.36).
    const precision = [0.1, 0.01, 0.01, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.1, 0.01, 0.01, 1];
    stats.mean.forEach((m, j) => expect(Math.abs(m - published[j]!)).toBeLessThanOrEqual(precision[j]!));
    expect(stats.min[4]).toBe(70);
    expect(stats.max[12]).toBe(1680);
    expectSameAsOracle(data, rows);
    expect([...data.labels]).toEqual(rows.map((r) => r[13]));
  });
});

describe('loadBreastCancer', () => {
  const data = loadBreastCancer();
  const rows = oracleRows('breast_cancer.csv').slice(1).map((r) => r.map(Number));

  it('has 569 samples, 30 features, 212 malignant (0) and 357 benign (1)', () => {
    expect(data.shape).toEqual([569, 30]);
    expect(data.featureNames.slice(0, 2)).toEqual(['mean radius', 'mean texture']);
    expect(data.featureNames[10]).toBe('radius error');
    expect(data.featureNames[29]).toBe('worst fractal dimension');
    expect(data.targetNames).toEqual(['malignant', 'benign']);
    expect(counts(data.labels, 2)).toEqual([212, 357]);
  });

  it('matches the published minima and maxima', () => {
    const stats = columnStats(rows.map((r) => r.slice(0, 30)));
    expectNear([stats.min[0]!, stats.max[0]!, stats.min[3]!, stats.max[3]!, stats.min[23]!, stats.max[23]!], [6.981, 28.11, 143.5, 2501, 185.2, 4254], 1e-9);
    expectSameAsOracle(data, rows);
    const loaded = columnStats(loadedRows(data));
    expectNear(loaded.max, stats.max, 1e-3);
  });
});

describe('loadDigits', () => {
  const data = loadDigits();
  const rows = oracleRows('digits.csv.gz').map((r) => r.map(Number));

  it('has 1797 images of 8×8 pixels 0–16 and every digit', () => {
    expect(data.shape).toEqual([1797, 64]);
    expect(data.imageShape).toEqual([8, 8]);
    expect(data.featureNames[0]).toBe('pixel_0_0');
    expect(data.featureNames[63]).toBe('pixel_7_7');
    expect(data.targetNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data.features) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      expect(Number.isInteger(v)).toBe(true);
    }
    expect([lo, hi]).toEqual([0, 16]);
    const c = counts(data.labels, 10);
    expect(c).toEqual(counts(rows.map((r) => r[64]!), 10));
    for (const k of c) expect(k).toBeGreaterThanOrEqual(174);
    expect([...data.labels.subarray(0, 10)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('holds exactly the file values', () => {
    expectSameAsOracle(data, rows);
    // The leftmost column of every image is almost always blank: a sanity check of the layout.
    expect(columnStats(rows).mean[0]).toBe(0);
  });
});

describe('loadDiabetes', () => {
  const raw = oracleRows('diabetes_data_raw.csv.gz', /\s+/).map((r) => r.map(Number));
  const target = oracleRows('diabetes_target.csv.gz', /\s+/).map((r) => Number(r[0]));

  it('has 442 patients, 10 features and real targets 25–346', () => {
    const data = loadDiabetes();
    expect(data.shape).toEqual([442, 10]);
    expect(data.featureNames).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(data.targetNames).toBeUndefined();
    expect(data.labels).toBeInstanceOf(Float32Array);
    expect(Math.min(...data.labels)).toBe(25);
    expect(Math.max(...data.labels)).toBe(346);
    expect([...data.labels]).toEqual(target);
  });

  it('scales as scikit-learn does: mean 0 and sum of squares 1 per column', () => {
    const data = loadDiabetes();
    const stats = columnStats(raw);
    const n = raw.length;
    const oracle = raw.map((r) => r.map((v, j) => (v - stats.mean[j]!) / (stats.sd[j]! * Math.sqrt(n))));
    expectSameAsOracle(data, oracle);
    const loaded = loadedRows(data);
    for (let j = 0; j < 10; j++) {
      expect(Math.abs(loaded.reduce((s, r) => s + r[j]!, 0))).toBeLessThan(1e-5);
      expect(loaded.reduce((s, r) => s + r[j]! ** 2, 0)).toBeCloseTo(1, 5);
    }
    // scikit-learn's well-known first row.
    expectNear(Array.from(data.features.subarray(0, 4)), [0.03807591, 0.05068012, 0.06169621, 0.02187239], 1e-8);
  });

  it('gives the raw values with scaled: false', () => {
    const data = loadDiabetes({ scaled: false });
    expectSameAsOracle(data, raw);
    expect(data.features[1]).toBe(2); // sex is coded 1/2 in the raw file
    expect(() => loadDiabetes({ scaled: 'yes' as unknown as boolean })).toThrow(/loadDiabetes: scaled must be true or false/);
  });
});

describe('loadPenguins', () => {
  const all = oracleRows('penguins.csv').slice(1);
  const complete = all.filter((r) => !r.includes('NA'));

  it('drops the 11 incomplete rows of 344, leaving 333 with species 146/68/119', () => {
    const data = loadPenguins();
    expect(all.length).toBe(344);
    expect(data.droppedRows).toBe(11);
    expect(data.numSamples).toBe(333);
    expect(data.numSamples).toBe(complete.length);
    expect(data.targetNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(counts(data.labels, 3)).toEqual([146, 68, 119]);
    expect([...data.labels]).toEqual(complete.map((r) => ['Adelie', 'Chinstrap', 'Gentoo'].indexOf(r[0]!)));
  });

  it('one-hot encodes island and sex by default', () => {
    const data = loadPenguins();
    expect(data.featureNames).toEqual(['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island_Biscoe', 'island_Dream', 'island_Torgersen', 'sex_female', 'sex_male']);
    const oracle = complete.map((r) => [
      ...r.slice(2, 6).map(Number),
      ...['Biscoe', 'Dream', 'Torgersen'].map((s) => (r[1] === s ? 1 : 0)),
      ...['female', 'male'].map((s) => (r[6] === s ? 1 : 0)),
    ]);
    expectSameAsOracle(data, oracle);
    const stats = columnStats(oracle);
    // Means of the complete cases (R: colMeans(na.omit(penguins)[, 3:6])).
    expectNear(stats.mean.slice(0, 4), [43.99, 17.16, 200.97, 4207.06], 0.005);
    expectNear(columnStats(loadedRows(data)).mean, stats.mean, 1e-4);
    expect(counts(data.features.filter((_, k) => k % 9 === 8), 2)).toEqual([165, 168]); // 165 female, 168 male
  });

  it('integer-codes island and sex when asked', () => {
    const data = loadPenguins({ categorical: 'integer' });
    expect(data.featureNames).toEqual(['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island', 'sex']);
    expect(data.shape).toEqual([333, 6]);
    const oracle = complete.map((r) => [...r.slice(2, 6).map(Number), ['Biscoe', 'Dream', 'Torgersen'].indexOf(r[1]!), r[6] === 'male' ? 1 : 0]);
    expectSameAsOracle(data, oracle);
    expect(() => loadPenguins({ categorical: 'ordinal' as 'integer' })).toThrow(/loadPenguins: categorical must be 'oneHot' or 'integer'/);
  });
});

describe('licence notices', () => {
  const loaders: [string, () => TableData, RegExp][] = [
    ['iris', () => loadIris(), /Fisher.*BSD-3-Clause/],
    ['wine', () => loadWine(), /UCI Machine Learning Repository.*Forina.*BSD-3-Clause/],
    ['breast cancer', () => loadBreastCancer(), /Wolberg.*Street.*Mangasarian.*BSD-3-Clause/],
    ['digits', () => loadDigits(), /Alpaydin.*BSD-3-Clause/],
    ['diabetes', () => loadDiabetes(), /Efron.*Hastie.*Johnstone.*Tibshirani.*BSD-3-Clause/],
    ['penguins', () => loadPenguins(), /Horst AM, Hill AP, Gorman KB.*CC0/],
  ];
  it.each(loaders)('%s carries its attribution and licence', (_, load, pattern) => {
    const { licence } = load();
    expect(licence).toMatch(pattern);
    expect(licence).toMatch(/DATA-LICENSES\.md/);
    expect(Object.values(TABLE_LICENCES)).toContain(licence);
  });

  it('DATA-LICENSES.md holds the full notices and the checksum of every bundled file', () => {
    const notices = readFileSync(join(packageDir, 'DATA-LICENSES.md'), 'utf8');
    expect(notices).toContain('Copyright: 2007-2019 Scikit-Learn Developers');
    expect(notices).toContain('3. Neither the name of the University nor the names of its contributors');
    expect(notices).toContain('Copyright: 2019-2020 Allison Horst,');
    expect(notices).toContain('Statement of Purpose');
    expect(notices).toContain('Gorman KB, Williams TD, Fraser WR (2014)');
    const files = readdirSync(dataDir).sort();
    expect(files).toEqual(['breast_cancer.csv', 'diabetes_data_raw.csv.gz', 'diabetes_target.csv.gz', 'digits.csv.gz', 'iris.csv', 'penguins.csv', 'wine_data.csv']);
    for (const file of files) {
      const sha = createHash('sha256').update(readFileSync(join(dataDir, file))).digest('hex');
      expect(notices).toContain(`| \`${file}\` | \`${sha}\` |`);
    }
  });

  it('package.json publishes the data and the notices', () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { files: string[]; license: string };
    expect(pkg.files).toEqual(expect.arrayContaining(['data', 'DATA-LICENSES.md']));
    expect(pkg.license).toMatch(/BSD-3-Clause/);
    expect(pkg.license).toMatch(/CC0-1\.0/);
    expect(tablesDataDir().replace(/[\\/]$/, '')).toBe(dataDir);
  });
});

describe('table tensors', () => {
  beforeAll(async () => {
    await st.setBackend('cpu');
  });

  it('makes float32 x and int32 y (float32 y for diabetes) without leaking', async () => {
    const before = st.memory().tensors;
    const cases = [
      [irisTensors(), loadIris(), [150, 4], 'int32'],
      [wineTensors(), loadWine(), [178, 13], 'int32'],
      [breastCancerTensors(), loadBreastCancer(), [569, 30], 'int32'],
      [digitsTensors(), loadDigits(), [1797, 64], 'int32'],
      [diabetesTensors(), loadDiabetes(), [442, 10], 'float32'],
      [penguinsTensors({ categorical: 'integer' }), loadPenguins({ categorical: 'integer' }), [333, 6], 'int32'],
    ] as const;
    for (const [{ x, y }, data, shape, yType] of cases) {
      expect(x.shape).toEqual(shape);
      expect(x.dtype).toBe('float32');
      expect(y.shape).toEqual([shape[0]]);
      expect(y.dtype).toBe(yType);
      expect(await x.data()).toEqual(data.features);
      expect([...(await y.data())]).toEqual([...data.labels]);
      st.dispose([x, y]);
    }
    const oneHot = penguinsTensors();
    expect(oneHot.x.shape).toEqual([333, 9]);
    st.dispose([oneHot.x, oneHot.y]);
    expect(st.memory().tensors).toBe(before);
  });
});

describe('malformed files', () => {
  let dir: string;
  const original = (name: string): string => fileText(name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-tables-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withLines = (name: string, edit: (lines: string[]) => void, out = name): void => {
    const lines = original(name).split('\n');
    edit(lines);
    writeFileSync(join(dir, out), lines.join('\n'));
  };

  it('reads a valid copy from dir, plain or gzipped', () => {
    writeFileSync(join(dir, 'iris.csv.gz'), gzipSync(original('iris.csv')));
    expect(loadIris({ dir }).numSamples).toBe(150);
    rmSync(join(dir, 'iris.csv.gz'));
  });

  it('names file, line and column of a value that is not a number', () => {
    withLines('iris.csv', (l) => (l[2] = '4.9,abc,1.4,0.2,0'));
    const err = (() => {
      try {
        loadIris({ dir });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TableFormatError);
    expect((err as TableFormatError).line).toBe(3);
    expect((err as TableFormatError).column).toBe(2);
    expect((err as Error).message).toMatch(/iris\.csv, line 3, column 2: "abc" \(sepal width \(cm\)\) is not a number/);
  });

  it('rejects empty fields, NaN and hex instead of reading them as numbers', () => {
    withLines('iris.csv', (l) => (l[5] = '5.0,3.6,,0.2,0'));
    expect(() => loadIris({ dir })).toThrow(/iris\.csv, line 6, column 3: "" \(petal length \(cm\)\) is not a number/);
    withLines('iris.csv', (l) => (l[5] = '5.0,3.6,NaN,0.2,0'));
    expect(() => loadIris({ dir })).toThrow(/line 6, column 3: "NaN"/);
    withLines('iris.csv', (l) => (l[5] = '5.0,0x10,1.4,0.2,0'));
    expect(() => loadIris({ dir })).toThrow(/line 6, column 2: "0x10"/);
  });

  it('names a row with the wrong number of fields', () => {
    withLines('iris.csv', (l) => (l[10] = '5.4,3.7,1.5,0'));
    expect(() => loadIris({ dir })).toThrow(/iris\.csv, line 11: expected 5 fields \(4 features and a class index\), got 4/);
  });

  it('names a class index outside the classes the header lists', () => {
    withLines('iris.csv', (l) => (l[150] = '5.9,3.0,5.1,1.8,3'));
    expect(() => loadIris({ dir })).toThrow(/iris\.csv, line 151, column 5: "3" \(class index\) must be an integer from 0 to 2/);
    withLines('iris.csv', (l) => (l[150] = '5.9,3.0,5.1,1.8,1.5'));
    expect(() => loadIris({ dir })).toThrow(/line 151, column 5: "1.5" \(class index\) must be an integer/);
  });

  it('reports a truncated file (header count disagrees) and an empty line', () => {
    withLines('wine_data.csv', (l) => l.splice(100, 5));
    expect(() => loadWine({ dir })).toThrow(/wine_data\.csv: the header says 178 samples but the file has 173 data rows/);
    withLines('wine_data.csv', (l) => (l[50] = ''));
    expect(() => loadWine({ dir })).toThrow(/wine_data\.csv, line 51: empty line/);
    withLines('wine_data.csv', (l) => (l[0] = '178,12,class_0,class_1,class_2'));
    expect(() => loadWine({ dir })).toThrow(/wine_data\.csv, line 1, column 2: the header says 12 features; loadWine expects 13/);
  });

  it('checks the digits pixel range and reports corrupt gzip data', () => {
    const lines = original('digits.csv.gz').split('\n');
    lines[6] = lines[6]!.replace(/^0,0,/, '0,17,');
    writeFileSync(join(dir, 'digits.csv.gz'), gzipSync(lines.join('\n')));
    expect(() => loadDigits({ dir })).toThrow(/digits\.csv\.gz, line 7, column 2: "17" \(pixel_0_1\) must be an integer from 0 to 16/);
    const gz = gzipSync(original('digits.csv.gz'));
    writeFileSync(join(dir, 'digits.csv.gz'), gz.subarray(0, gz.length - 30));
    expect(() => loadDigits({ dir })).toThrow(/digits\.csv\.gz: corrupt gzip data/);
  });

  it('reports diabetes data and targets of different lengths', () => {
    writeFileSync(join(dir, 'diabetes_data_raw.csv'), original('diabetes_data_raw.csv.gz'));
    withLines('diabetes_target.csv.gz', (l) => l.splice(0, 2), 'diabetes_target.csv');
    expect(() => loadDiabetes({ dir })).toThrow(/loadDiabetes: .*diabetes_data_raw\.csv holds 442 samples but .*diabetes_target\.csv holds 440 targets/);
    writeFileSync(join(dir, 'diabetes_target.csv'), original('diabetes_target.csv.gz'));
    withLines('diabetes_data_raw.csv.gz', (l) => (l[3] = '24 1 25.3 84.0 198 131.4 40.0 5.0 4.8903'), 'diabetes_data_raw.csv');
    expect(() => loadDiabetes({ dir })).toThrow(/diabetes_data_raw\.csv, line 4: expected 10 fields/);
  });

  it('names unknown penguin categories and a wrong header', () => {
    withLines('penguins.csv', (l) => (l[5] = 'Emperor,Torgersen,39.3,20.6,190,3650,male,2007'));
    expect(() => loadPenguins({ dir })).toThrow(/penguins\.csv, line 6, column 1: species "Emperor" is not one of Adelie, Chinstrap, Gentoo \(or NA\)/);
    withLines('penguins.csv', (l) => (l[5] = 'Adelie,Torgersen,39.3,20.6,190,3650,unknown,2007'));
    expect(() => loadPenguins({ dir })).toThrow(/line 6, column 7: sex "unknown" is not one of female, male/);
    withLines('penguins.csv', (l) => (l[5] = 'NA,Torgersen,39.3,20.6,190,3650,male,2007'));
    expect(() => loadPenguins({ dir })).toThrow(/line 6, column 1: species is missing/);
    withLines('penguins.csv', (l) => (l[0] = 'species,island,bill_length,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year'));
    expect(() => loadPenguins({ dir })).toThrow(/penguins\.csv, line 1, column 3: expected column "bill_length_mm", got "bill_length"/);
  });

  it('names a missing file', () => {
    expect(() => loadBreastCancer({ dir })).toThrow(/loadBreastCancer: cannot read .*breast_cancer\.csv \(nor .*breast_cancer\.csv\.gz\)/);
  });
});

describe('parseDelimited', () => {
  it('handles CRLF line ends and double-quoted fields', () => {
    const rows = parseDelimited('a,"b, c","say ""hi"""\r\n1,2,3\r\n', 'x.csv');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
    expect(parseDelimited('  1 2\t3 \n4  5 6', 'w.txt', { delimiter: 'whitespace' }).map((r) => r.fields)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('names an unterminated quote', () => {
    expect(() => parseDelimited('1,2\n3,"4\n', 'q.csv')).toThrow(/q\.csv, line 2, column 2: unterminated double-quoted field/);
    expect(() => parseDelimited('"a"b,1\n', 'q.csv')).toThrow(/q\.csv, line 1, column 1: unexpected "b" after a closing double quote/);
  });
});
