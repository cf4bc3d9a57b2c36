/**
 * One self-contained HTML page: inline CSS and inline SVG charts, no scripts, no network.
 * Per suite: a ratio chart (log scale), one bar chart per case, and the tables.
 */
import type { BenchReport, CaseReport, Target } from '../types.js';
import { higherIsBetter } from '../types.js';
import { footnotes, num, ratioPairs, ratioText, spread, suiteTables, suiteTargets } from './format.js';
import { barChart, esc, ratioChart } from './svg.js';
import type { Bar } from './svg.js';
import { machineLines } from './table.js';

const PALETTE: Readonly<Record<Target['library'], readonly string[]>> = {
  strata: ['#1f6feb', '#2da44e', '#0a7ea4', '#8250df', '#1a7f37'],
  tfjs: ['#f0883e', '#d1242f'],
  onnx: ['#9a6700'],
  reference: ['#6e7781'],
};

function colors(targets: readonly Target[]): Map<string, string> {
  const used: Record<string, number> = {};
  const out = new Map<string, string>();
  for (const t of targets) {
    const list = PALETTE[t.library];
    const i = used[t.library] ?? 0;
    used[t.library] = i + 1;
    out.set(t.id, list[i % list.length]!);
  }
  return out;
}

function htmlTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const [head, ...body] = rows;
  return `<table><thead><tr>${head!.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= 1 ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function caseChart(c: CaseReport, targets: readonly Target[], color: Map<string, string>): string {
  const bars: Bar[] = [];
  for (const t of targets) {
    const r = c.results[t.id];
    if (r === undefined || !r.ok) continue;
    const s = spread(c, r);
    bars.push({ label: t.label, value: r.value, color: color.get(t.id)!, text: `${num(r.value)} ${c.unit}`, ...(s ? { range: s } : {}) });
  }
  if (bars.length === 0) return '';
  const better = higherIsBetter(c.unit) ? 'higher is better' : 'lower is better';
  return barChart(`${c.name} — ${c.unit}, ${better}`, bars, 'case');
}

export function htmlReport(report: BenchReport): string {
  const color = colors(report.targets);
  const sections = report.suites.map((suite) => {
    const ts = suiteTargets(suite, report.targets);
    const pairs = ratioPairs(suite, report.targets);
    const groups = suite.cases
      .map((c) => ({
        label: c.name,
        bars: pairs.flatMap(([s, a]) => {
          const v = c.ratios[s.id]?.[a.id];
          return v === undefined ? [] : [{ label: `${s.label.replace(/^strata /, '')} vs ${a.label}`, value: v, color: color.get(a.id)!, text: ratioText(v) }];
        }),
      }))
      .filter((g) => g.bars.length > 0);
    const ratios = groups.length > 0 ? ratioChart(`${suite.name}: speed ratio, anchor time / Strata time (log scale; right of 1×: Strata faster)`, groups) : '';
    const { figures, ratios: ratioRows } = suiteTables(suite, report.targets);
    const notes = footnotes(suite, report.targets);
    return `<section><h2>${esc(suite.name)}${suite.environment === 'chromium' ? ' (headless Chromium)' : ''}</h2>
<p class="method">${esc(suite.method)}</p>
${ratios ? `<p class="method">Bar colour = the anchor compared with (see Targets).</p>${ratios}` : ''}
<div class="cases">${suite.cases.map((c) => caseChart(c, ts, color)).join('\n')}</div>
<h3>Figures</h3>${htmlTable(figures)}
${ratioRows.length > 1 ? `<h3>Speed ratios (&gt; 1: Strata faster)</h3>${htmlTable(ratioRows)}` : ''}
${notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</section>`;
  });
  const targets = report.targets.map((t) => `<li><span class="swatch" style="background:${color.get(t.id)}"></span>${esc(t.label)}${t.description ? ` — ${esc(t.description)}` : ''}</li>`)
    .concat(report.unavailable.map((u) => `<li>not measured: ${esc(u.name)} (${esc(u.environment)}) — ${esc(u.reason)}</li>`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata benchmarks</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1f2328;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
code,pre{background:#f6f8fa;padding:2px 4px;border-radius:4px;font-size:12px}pre{padding:8px;white-space:pre-wrap;word-break:break-all}
svg.chart{display:block;margin:10px 0;font:12px system-ui,sans-serif}svg .title{font-weight:600;font-size:13px}svg .group{font-weight:600}svg .tick{fill:#57606a;font-size:11px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #d0d7de;padding:3px 6px;text-align:left}td.n{text-align:right;white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px}.method{color:#57606a}.notes{color:#57606a;font-size:12px}.warn{color:#9a6700}
</style></head><body>
<h1>Strata benchmarks</h1>
<p>${machineLines(report).map(esc).join('<br>')}<br>started ${esc(report.startedAt)}, ${report.durationS.toFixed(0)} s</p>
<pre>${esc(report.command)}</pre>
${report.quick ? '<p class="warn">Run with --quick: tiny sizes and few repeats; these figures say nothing about speed.</p>' : ''}
<p>Figures are medians; whiskers and parentheses show the range over the timed repeats. Timings on a shared machine are noisy.</p>
<h2>Targets</h2><ul>${targets.join('')}</ul>
${sections.join('\n')}
</body></html>
`;
}

