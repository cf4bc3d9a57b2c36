/** Report formats: a terminal table, JSON and Markdown (kernel × cases × status × worst error). */
import type { CheckResult, ConformanceReport } from './types.js';

/** Options of `formatTable`. */
export interface TableOptions {
  /** ANSI colours for status (default: off). */
  readonly color?: boolean;
  /** Print passing rows too (default true); failures are always printed with their first failure. */
  readonly showPassing?: boolean;
}

function fmtError(r: CheckResult): string {
  if (r.status === 'skip' || r.cases === 0) return '-';
  const abs = r.worstError === 0 ? '0' : r.worstError.toExponential(1);
  const ratio = Number.isFinite(r.worstRatio) ? r.worstRatio.toFixed(2) : 'inf';
  return `${abs} (${ratio}×tol)`;
}

function statusText(r: CheckResult, color: boolean): string {
  const text = r.status.toUpperCase();
  if (!color) return text;
  const code = r.status === 'pass' ? 32 : r.status === 'fail' ? 31 : 33;
  return `\u001b[${code}m${text}\u001b[0m`;
}

function summaryLine(report: ConformanceReport): string {
  const s = report.summary;
  return `${report.backend}: ${s.passedChecks} passed, ${s.failedChecks} failed, ${s.skippedChecks} skipped ` +
    `(${s.cases} cases, ${s.failedCases} failed) in ${(report.durationMs / 1000).toFixed(1)}s, seed ${report.seed}`;
}

/** A fixed-width table for terminals, then the first failure of every failing check. */
export function formatTable(report: ConformanceReport, options: TableOptions = {}): string {
  const color = options.color ?? false;
  const rows = report.results.filter((r) => options.showPassing !== false || r.status !== 'pass');
  const head = ['family', 'check', 'cases', 'status', 'worst error', 'tolerance'];
  const body = rows.map((r) => [r.family, r.name, String(r.cases), r.status.toUpperCase(), fmtError(r), r.tolerance ?? (r.skipReason ?? '')]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[], raw?: CheckResult): string =>
    cells.map((c, i) => (i === 3 && raw ? statusText(raw, color) + ' '.repeat(widths[i]! - c.length) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => out.push(line(body[i]!, r)));
  const failing = report.results.filter((r) => r.status === 'fail');
  if (failing.length > 0) {
    out.push('', 'Failures:');
    for (const r of failing) for (const f of r.failures) out.push(`  [${r.family}] ${f}`);
  }
  out.push('', summaryLine(report));
  return out.join('\n');
}

/** JSON with non-finite numbers written as strings ("Infinity"), which JSON cannot hold. */
export function toJSON(report: ConformanceReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown page: summary, one table per family, and the failures. */
export function toMarkdown(report: ConformanceReport): string {
  const out = [`# Strata conformance: \`${report.backend}\``, '', summaryLine(report), ''];
  for (const family of report.families) {
    const rows = report.results.filter((r) => r.family === family);
    if (rows.length === 0) continue;
    out.push(`## ${family}`, '', '| check | cases | status | worst error | tolerance |', '|---|---:|---|---|---|');
    for (const r of rows) {
      const status = r.status === 'pass' ? '✅ pass' : r.status === 'fail' ? '❌ fail' : '⏭ skip';
      out.push(`| \`${mdCell(r.name)}\` | ${r.cases} | ${status} | ${fmtError(r)} | ${mdCell(r.tolerance ?? r.skipReason ?? '')} |`);
    }
    out.push('');
  }
  const failing = report.results.filter((r) => r.status === 'fail');
  if (failing.length > 0) {
    out.push('## Failures', '');
    for (const r of failing) for (const f of r.failures) out.push(`- **${mdCell(r.name)}**: ${mdCell(f)}`);
    out.push('');
  }
  return out.join('\n');
}
