/** Cell text shared by the terminal, Markdown and HTML reports. */
import { figure } from '../runner.js';
import type { CaseReport, CaseResult, SuiteReport, Target } from '../types.js';

/** Three significant digits, without exponent notation for everyday magnitudes. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

/** Range of the figure over the repeats: from the slowest to the fastest repeat. */
export function spread(c: CaseReport, r: CaseResult): [number, number] | undefined {
  if (!r.ok || r.timing.repeats < 2 || c.unit === 's/epoch') return undefined;
  const a = figure(c.unit, c.work, r.timing.maxMs);
  const b = figure(c.unit, c.work, r.timing.minMs);
  return a < b ? [a, b] : [b, a];
}

export function cellText(c: CaseReport, r: CaseResult | undefined): string {
  if (r === undefined) return '—';
  if (!r.ok) return 'n/a';
  const s = spread(c, r);
  const copy = r.ofCopy !== undefined ? ` ${(100 * r.ofCopy).toFixed(0)}%cp` : '';
  return `${num(r.value)}${s ? ` (${num(s[0])}–${num(s[1])})` : r.timing.single ? ' (1 run)' : ''}${copy}`;
}

export function ratioText(v: number | undefined): string {
  return v === undefined ? '—' : `${v >= 10 ? v.toFixed(0) : v >= 0.01 ? v.toFixed(2) : v.toPrecision(2)}×`;
}

/** Targets that have at least one result in the suite, in discovery order. */
export function suiteTargets(suite: SuiteReport, targets: readonly Target[]): Target[] {
  return targets.filter((t) => suite.cases.some((c) => c.results[t.id] !== undefined));
}

/** (Strata target, anchor) pairs that have at least one ratio in the suite. */
export function ratioPairs(suite: SuiteReport, targets: readonly Target[]): Array<[Target, Target]> {
  const pairs: Array<[Target, Target]> = [];
  for (const s of targets.filter((t) => t.library === 'strata')) {
    for (const a of targets.filter((t) => t.anchor)) {
      if (suite.cases.some((c) => c.ratios[s.id]?.[a.id] !== undefined)) pairs.push([s, a]);
    }
  }
  return pairs;
}

/** Failures and notes of a suite, as footnote lines. */
export function footnotes(suite: SuiteReport, targets: readonly Target[]): string[] {
  const out: string[] = [];
  for (const c of suite.cases) {
    for (const t of targets) {
      const r = c.results[t.id];
      if (r === undefined) continue;
      if (!r.ok) out.push(`${t.label}, ${c.name}: n/a — ${r.error}`);
      else if (r.note !== undefined) out.push(`${t.label}, ${c.name}: ${r.note}`);
    }
  }
  return out;
}

/** Rows of the figures table and the ratios table of a suite (header first). */
export function suiteTables(suite: SuiteReport, targets: readonly Target[]): { figures: string[][]; ratios: string[][] } {
  const ts = suiteTargets(suite, targets);
  const figures = [['case', 'unit', ...ts.map((t) => t.label)]];
  for (const c of suite.cases) figures.push([c.name, c.unit, ...ts.map((t) => cellText(c, c.results[t.id]))]);
  const pairs = ratioPairs(suite, targets);
  const ratios = [['case', ...pairs.map(([s, a]) => `${s.label.replace(/^strata /, '')} vs ${a.label}`)]];
  for (const c of suite.cases) {
    if (pairs.every(([s, a]) => c.ratios[s.id]?.[a.id] === undefined)) continue;
    ratios.push([c.name, ...pairs.map(([s, a]) => ratioText(c.ratios[s.id]?.[a.id]))]);
  }
  return { figures, ratios: pairs.length > 0 ? ratios : [] };
}
