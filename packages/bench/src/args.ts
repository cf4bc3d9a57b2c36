/** Command-line parsing for `strata-bench`, with errors that name the flag and what it accepts. */
import { ANCHORS, STRATA_BACKENDS, SUITES } from './types.js';
import type { AnchorName, StrataBackendName, SuiteName } from './types.js';

export interface BenchOptions {
  /** Backends asked for; undefined means every available one. */
  readonly backends: readonly StrataBackendName[] | undefined;
  readonly suites: readonly SuiteName[];
  /** Anchors asked for; undefined means every installed one. */
  readonly anchors: readonly AnchorName[] | undefined;
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly markdown: string | undefined;
  readonly quick: boolean;
  readonly browser: boolean;
  readonly help: boolean;
}

/** An error in the command line: the CLI prints its message and the usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `strata-bench: Strata's cross-backend benchmarks, with TensorFlow.js and onnxruntime anchors

Usage: strata-bench [options]

  --backends LIST   comma-separated, from ${STRATA_BACKENDS.join(', ')} (default: every available one)
  --suite NAME      ${SUITES.join(' | ')} | all, or a comma-separated list (default: kernels)
  --anchors LIST    comma-separated, from ${ANCHORS.join(', ')}, or none (default: every installed one)
  --json FILE       write every figure as JSON
  --html FILE       write a self-contained HTML report with charts (inline SVG, no network)
  --markdown FILE   write a Markdown report (machine, command, tables), e.g. for docs/benchmarks.md
  --quick           small sizes and few repeats (for tests; figures are not meaningful)
  --browser         also run the chosen suites in headless Chromium (/usr/bin/chromium or
                    STRATA_CHROMIUM) for wasm-simd, webgpu and webgl
  --help            this text

Ratios are speed ratios: anchor time / Strata time, so > 1 means Strata is faster.
Timings on a shared machine are noisy: look at the spread (min–max) next to each median.`;

function splitList<T extends string>(flag: string, value: string, accepted: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs a value: one or more of ${accepted.join(', ')} (comma-separated)`);
  for (const item of items) {
    if (!(accepted as readonly string[]).includes(item)) {
      throw new UsageError(`${flag}: unknown value '${item}'; accepted: ${accepted.join(', ')}`);
    }
  }
  return [...new Set(items)] as T[];
}

const VALUE_FLAGS = ['--backends', '--suite', '--anchors', '--json', '--html', '--markdown'] as const;
const BOOLEAN_FLAGS = ['--quick', '--browser', '--help', '-h'] as const;

/** Parses `argv` (without node and the script). Accepts `--flag value` and `--flag=value`. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (value.startsWith('--') && eq < 0)) throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
    } else if ((BOOLEAN_FLAGS as readonly string[]).includes(arg)) {
      flags.add(arg === '-h' ? '--help' : arg);
    } else if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      throw new UsageError(`${name} takes no value`);
    } else {
      throw new UsageError(`unknown argument '${arg}'; accepted flags: ${[...VALUE_FLAGS, ...BOOLEAN_FLAGS.slice(0, 3)].join(', ')}`);
    }
  }
  const suiteValue = values.get('--suite') ?? 'kernels';
  const suites = suiteValue.trim() === 'all' ? [...SUITES] : splitList('--suite', suiteValue, SUITES);
  const anchorsValue = values.get('--anchors');
  const anchors = anchorsValue === undefined ? undefined : anchorsValue.trim() === 'none' ? [] : splitList('--anchors', anchorsValue, ANCHORS);
  const backendsValue = values.get('--backends');
  for (const flag of ['--json', '--html', '--markdown']) {
    if (values.get(flag) === '') throw new UsageError(`${flag} needs a file name`);
  }
  return {
    backends: backendsValue === undefined ? undefined : splitList('--backends', backendsValue, STRATA_BACKENDS),
    suites: SUITES.filter((s) => suites.includes(s)),
    anchors,
    json: values.get('--json'),
    html: values.get('--html'),
    markdown: values.get('--markdown'),
    quick: flags.has('--quick'),
    browser: flags.has('--browser'),
    help: flags.has('--help'),
  };
}
