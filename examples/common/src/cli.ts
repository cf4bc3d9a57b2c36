/**
 * Command-line helpers of the example programs.
 */
import { parseArgs } from 'node:util';

/** One `--name value` option (every option of the examples is a string, read by `numberOption` where numeric). */
export interface StringOption {
  readonly type: 'string';
  readonly default?: string;
}

/** The `--name value` options of a program; a malformed command line exits with code 2 and says why. */
export function parseCommandLine<K extends string>(options: Readonly<Record<K, StringOption>>): Record<K, string | undefined> {
  try {
    // parseArgs' own result type cannot be named in a declaration file; every option is a string.
    const config: Record<string, StringOption> = options;
    return parseArgs({ options: config }).values as Record<K, string | undefined>;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
}

/** What a numeric option may be. */
export type NumberKind = 'count' | 'positive' | 'nonNegative' | 'fraction';

const WHAT: Record<NumberKind, string> = {
  count: 'a positive integer',
  positive: 'a positive number',
  nonNegative: 'a number ≥ 0',
  fraction: 'a number in [0, 1)',
};

function fits(value: number, kind: NumberKind): boolean {
  switch (kind) {
    case 'count': return Number.isInteger(value) && value > 0;
    case 'positive': return value > 0;
    case 'nonNegative': return value >= 0;
    case 'fraction': return value >= 0 && value < 1;
  }
}

/**
 * The number given as `--name` (a `parseArgs` string value), or an error naming the option, what
 * it must be and what it got.
 */
export function numberOption(values: Readonly<Record<string, unknown>>, name: string, kind: NumberKind): number {
  const raw = values[name];
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || !fits(value, kind)) {
    throw new UsageError(`--${name} must be ${WHAT[kind]}, got ${raw === undefined ? 'nothing' : String(raw)}`);
  }
  return value;
}

/**
 * The options every MNIST program shares (`--epochs`, `--batch-size`, `--learning-rate`, `--seed`,
 * `--limit`, `--save`), read from `values` and checked.
 */
export function sharedRunOptions(values: Readonly<Record<string, string | undefined>>): {
  epochs: number; batchSize: number; learningRate: number; seed: number; limit?: number; save?: string;
} {
  return {
    epochs: numberOption(values, 'epochs', 'count'),
    batchSize: numberOption(values, 'batch-size', 'count'),
    learningRate: numberOption(values, 'learning-rate', 'positive'),
    seed: numberOption(values, 'seed', 'count'),
    ...(values['limit'] === undefined ? {} : { limit: numberOption(values, 'limit', 'count') }),
    ...(values['save'] === undefined ? {} : { save: values['save'] }),
  };
}

/** A bad command line: reported without a stack trace, exit code 2. */
export class UsageError extends Error {}

/** Runs a program's main function: exit code 2 for a bad command line, 1 for any other error. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
}
