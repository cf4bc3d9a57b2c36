#!/usr/bin/env node
/**
 * `strata-conformance <module-or-package-dir> [--json file] [--markdown file] [--family name]...`
 * Prints the report table; exits 0 when every check passes, 1 on any failure, 2 on a usage error.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadTarget } from './load.js';
import { formatTable, toJSON, toMarkdown } from './report.js';
import { runConformance } from './runner.js';
import { FAMILIES } from './types.js';
import type { ConformanceOptions, Family } from './types.js';

const USAGE = `usage: strata-conformance <module-or-package-dir> [options]

  --json <file>       also write the report as JSON
  --markdown <file>   also write the report as Markdown
  --family <name>     run only this family (repeatable, or comma-separated):
                      ${FAMILIES.join(', ')}
  --only <text>       run only checks whose name contains <text>
  --seed <n>          seed of the random inputs (default 1)
  --quiet             print only failing rows
  -h, --help          this text`;

interface CliArgs {
  module: string;
  json?: string;
  markdown?: string;
  families: Family[];
  only?: string;
  seed: number;
  quiet: boolean;
}

function parse(argv: readonly string[]): CliArgs | string {
  const args: Partial<CliArgs> & { families: Family[]; seed: number; quiet: boolean } = { families: [], seed: 1, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '-h' || a === '--help') return USAGE;
      else if (a === '--json') args.json = value();
      else if (a === '--markdown') args.markdown = value();
      else if (a === '--only') args.only = value();
      else if (a === '--quiet') args.quiet = true;
      else if (a === '--seed') {
        args.seed = Number(value());
        if (!Number.isInteger(args.seed)) return `--seed must be an integer\n\n${USAGE}`;
      } else if (a === '--family') {
        for (const f of value().split(',')) {
          if (!(FAMILIES as readonly string[]).includes(f)) return `unknown family '${f}' (one of ${FAMILIES.join(', ')})`;
          args.families.push(f as Family);
        }
      } else if (a.startsWith('-')) return `unknown option ${a}\n\n${USAGE}`;
      else if (args.module === undefined) args.module = a;
      else return `more than one module given ('${args.module}', '${a}')\n\n${USAGE}`;
    } catch (err) {
      return `${(err as Error).message}\n\n${USAGE}`;
    }
  }
  if (args.module === undefined) return USAGE;
  return args as CliArgs;
}

/** Writes a report atomically (temp file + rename), so a failed run never leaves half a report. */
function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

async function main(): Promise<number> {
  const parsed = parse(process.argv.slice(2));
  if (typeof parsed === 'string') {
    const help = process.argv.includes('-h') || process.argv.includes('--help');
    (help ? process.stdout : process.stderr).write(`${parsed}\n`);
    return help ? 0 : 2;
  }
  const target = await loadTarget(parsed.module);
  const options: ConformanceOptions = {
    seed: parsed.seed,
    ...(parsed.families.length > 0 ? { families: parsed.families } : {}),
    ...(parsed.only !== undefined ? { only: parsed.only } : {}),
    onResult: (r) => process.stderr.write(r.status === 'fail' ? 'F' : r.status === 'skip' ? 's' : '.'),
  };
  const report = await runConformance(target, options);
  process.stderr.write('\n');
  process.stdout.write(`${formatTable(report, { color: process.stdout.isTTY === true, showPassing: !parsed.quiet })}\n`);
  if (parsed.json !== undefined) write(parsed.json, toJSON(report));
  if (parsed.markdown !== undefined) write(parsed.markdown, toMarkdown(report));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`strata-conformance: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
