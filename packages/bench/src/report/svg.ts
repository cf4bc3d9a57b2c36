/** Inline SVG bar charts for the HTML report: plain strings, no scripts, no external resources. */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color: string;
  /** Text after the bar (defaults to the value). */
  readonly text: string;
  /** Optional range drawn as a whisker (same scale as value). */
  readonly range?: readonly [number, number];
}

const WIDTH = 940;
const LABEL_W = 230;
const PLOT_W = 400;
const ROW_H = 20;
const PAD = 8;

/** Horizontal bars from zero on a linear scale (one chart per benchmark case). */
export function barChart(title: string, bars: readonly Bar[], kind: string): string {
  const max = Math.max(...bars.map((b) => Math.max(b.value, b.range?.[1] ?? 0)), 1e-12);
  const x = (v: number) => LABEL_W + (PLOT_W * v) / max;
  const height = PAD * 2 + 18 + bars.length * ROW_H;
  const rows = bars.map((b, i) => {
    const y = PAD + 18 + i * ROW_H;
    const w = Math.max(1, x(b.value) - LABEL_W);
    const whisker = b.range
      ? `<line x1="${x(b.range[0]).toFixed(1)}" x2="${x(b.range[1]).toFixed(1)}" y1="${y + 8}" y2="${y + 8}" stroke="#333" stroke-width="1.5"/>`
      : '';
    return `<text x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect class="bar" x="${LABEL_W}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW_H - 5}" fill="${b.color}"><title>${esc(`${b.label}: ${b.text}`)}</title></rect>${whisker}` +
      `<text x="${(x(Math.max(b.value, b.range?.[1] ?? 0)) + 5).toFixed(1)}" y="${y + 12}">${esc(b.text)}</text>`;
  });
  return `<svg class="chart" data-kind="${esc(kind)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(title)}">` +
    `<text class="title" x="${PAD}" y="${PAD + 10}">${esc(title)}</text>${rows.join('')}</svg>`;
}

export interface RatioGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/**
 * Speed ratios on a log scale around 1: bars grow right when Strata is faster, left when slower.
 * Groups are benchmark cases; one bar per (Strata target, anchor) pair.
 */
export function ratioChart(title: string, groups: readonly RatioGroup[]): string {
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.log10(Math.min(0.5, ...values));
  const hi = Math.log10(Math.max(2, ...values));
  const span = Math.max(Math.abs(lo), Math.abs(hi));
  const x = (v: number) => LABEL_W + PLOT_W / 2 + ((PLOT_W / 2) * Math.log10(v)) / span;
  const rows: string[] = [];
  let y = PAD + 30;
  for (const g of groups) {
    rows.push(`<text class="group" x="${PAD}" y="${y + 11}">${esc(g.label)}</text>`);
    y += ROW_H - 4;
    for (const b of g.bars) {
      const x0 = x(1);
      const x1 = x(Math.max(b.value, 1e-9));
      const left = Math.min(x0, x1);
      rows.push(`<text x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect class="bar" x="${left.toFixed(1)}" y="${y + 2}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${ROW_H - 5}" fill="${b.color}"><title>${esc(`${g.label}, ${b.label}: ${b.text}`)}</title></rect>` +
        `<text x="${(Math.max(x0, x1) + 5).toFixed(1)}" y="${y + 12}">${esc(b.text)}</text>`);
      y += ROW_H;
    }
    y += 4;
  }
  const height = y + PAD;
  const steps = span > 1.2 ? [0.001, 0.01, 0.1, 1, 10, 100, 1000] : [0.1, 0.25, 0.5, 1, 2, 4, 10];
  const ticks = steps.filter((t) => Math.abs(Math.log10(t)) <= span + 1e-9);
  const axis = ticks.map((t) => `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${PAD + 22}" y2="${height - PAD}" stroke="${t === 1 ? '#000' : '#ccc'}" stroke-width="${t === 1 ? 1.5 : 1}"/>` +
    `<text x="${x(t).toFixed(1)}" y="${PAD + 20}" text-anchor="middle" class="tick">${t}×</text>`).join('');
  return `<svg class="chart" data-kind="ratios" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(title)}">` +
    `<text class="title" x="${PAD}" y="${PAD + 8}">${esc(title)}</text>${axis}${rows.join('')}</svg>`;
}
