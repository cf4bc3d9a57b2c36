/** `strata-bench`: discovers backends and anchors, runs the suites, prints and writes the reports. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { USAGE, UsageError, parseBenchArgs } from './args.js';
import type { BenchOptions } from './args.js';
import { discover } from './discover.js';
import { machineInfo } from './machine.js';
import { Progress } from './progress.js';
import { quiesceNode } from './quiesce.js';
import type { ProgressStream } from './progress.js';
import { htmlReport } from './report/html.js';
import { markdownReport } from './report/markdown.js';
import { terminalReport } from './report/table.js';
import { countSteps, runCases } from './runner.js';
import { FULL_MAX_CALL_MS, FULL_PLAN, QUICK_MAX_CALL_MS, QUICK_PLAN } from './stats.js';
import { SUITE_DEFS } from './suites/index.js';
import { withCopyFractions } from './suites/kernels.js';
import type { BenchReport, SuiteReport, Target, Unavailable } from './types.js';

export interface BenchIo {
  readonly stdout: (s: string) => void;
  readonly stderr: ProgressStream;
  /** The command line to record in the reports. */
  readonly command: string;
}

/** Runs the benchmarks `options` ask for and returns the report (files are written by `main`). */
export async function runBench(options: BenchOptions, io: BenchIo): Promise<BenchReport> {
  const loadBefore = loadavg();
  const startedAt = new Date();
  const found = await discover(options.backends, options.anchors);
  const targets: Target[] = [...found.targets];
  const unavailable: Unavailable[] = [...found.unavailable];
  const versions: Record<string, string> = { ...found.versions };
  if (!targets.some((t) => t.library === 'strata') && !options.browser) {
    throw new Error(`no Strata backend could run here: ${unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
  }
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const suiteTargets = (name: string) => targets.filter((t) => t.library !== 'reference' || name === 'kernels');
  // Without a Strata backend in Node (a --browser run for browser backends only) the Node suites would measure anchors alone.
  const nodeSuites = targets.some((t) => t.library === 'strata') ? options.suites : [];
  const defs = nodeSuites.map((name) => ({ name, cases: SUITE_DEFS[name].cases(options.quick) }));
  const total = defs.reduce((n, d) => n + countSteps(d.cases, suiteTargets(d.name)), 0);
  const browser = options.browser ? await import('./browser/run.js') : undefined;
  const progress = new Progress(total, io.stderr);
  const suites: SuiteReport[] = [];
  for (const d of defs) {
    const cases = await runCases(d.name, d.cases, suiteTargets(d.name), found.libs, {
      plan,
      maxCallMs: options.quick ? QUICK_MAX_CALL_MS : FULL_MAX_CALL_MS,
      quick: options.quick,
      onStep: (name, t) => progress.step(`${d.name}: ${name} — ${t.label}`),
      ...(options.quick ? {} : { quiesce: quiesceNode }), // --quick figures mean nothing; keep tests fast
    });
    suites.push({ name: d.name, environment: 'node', cases: d.name === 'kernels' ? withCopyFractions(cases) : cases, method: SUITE_DEFS[d.name].method });
  }
  let browserName: string | undefined;
  if (browser !== undefined) {
    const b = await browser.runInBrowser({
      backends: options.backends, suites: options.suites, anchors: options.anchors, quick: options.quick,
      onTotal: (n) => progress.grow(n), onStep: (label) => progress.step(label), onNote: (m) => progress.note(m),
    });
    targets.push(...b.targets);
    unavailable.push(...b.unavailable);
    suites.push(...b.suites);
    browserName = b.browser;
  }
  progress.finish();
  return {
    tool: '@strata/bench',
    startedAt: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    command: io.command,
    quick: options.quick,
    machine: machineInfo(loadBefore, browserName),
    versions,
    targets,
    unavailable,
    suites,
  };
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The CLI: returns the exit code (0 ok, 1 failure, 2 bad arguments). */
export async function main(argv: readonly string[], io: BenchIo): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`strata-bench: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let report: BenchReport;
  try {
    report = await runBench(options, io);
  } catch (err) {
    io.stderr.write(`strata-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  io.stdout(`${terminalReport(report)}\n`);
  const written: string[] = [];
  if (options.json !== undefined) {
    writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    written.push(options.json);
  }
  if (options.html !== undefined) {
    writeFile(options.html, htmlReport(report));
    written.push(options.html);
  }
  if (options.markdown !== undefined) {
    writeFile(options.markdown, markdownReport(report));
    written.push(options.markdown);
  }
  if (written.length > 0) io.stdout(`wrote ${written.join(', ')}\n`);
  return 0;
}
