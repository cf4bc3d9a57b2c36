/** The terminal report: per suite, a figures table and a ratios table, with footnotes. */
import type { BenchReport } from '../types.js';
import { footnotes, suiteTables } from './format.js';

export function textTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function machineLines(report: BenchReport): string[] {
  const m = report.machine;
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB, ${m.platform}, Node ${m.node}${m.browser ? `, ${m.browser}` : ''}`,
    `load average before ${m.loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${m.loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    `versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
}

export function terminalReport(report: BenchReport): string {
  const out: string[] = [...machineLines(report), `command: ${report.command}`];
  out.push('targets:');
  for (const t of report.targets) out.push(`  ${t.label}${t.description ? ` — ${t.description}` : ''}`);
  for (const u of report.unavailable) out.push(`  not measured: ${u.name} (${u.environment}) — ${u.reason}`);
  for (const suite of report.suites) {
    const { figures, ratios } = suiteTables(suite, report.targets);
    out.push('', `== ${suite.name}${suite.environment === 'chromium' ? ' (headless Chromium)' : ''} ==`, textTable(figures));
    if (ratios.length > 1) out.push('', 'speed ratios (> 1: Strata faster)', textTable(ratios));
    const notes = footnotes(suite, report.targets);
    if (notes.length > 0) out.push('', ...notes.map((n) => `  * ${n}`));
    out.push('', `method: ${suite.method}`);
  }
  if (report.quick) out.push('', '--quick: tiny sizes and few repeats; these figures say nothing about speed.');
  out.push('', 'Figures are medians (range over repeats in parentheses); timings on a shared machine are noisy.');
  return out.join('\n');
}
