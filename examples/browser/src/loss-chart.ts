/**
 * A live line chart of the training loss in inline SVG: each batch's loss, and the epoch's
 * running mean that `fit` reports, one point per batch; epoch boundaries as dashed lines; the
 * y axis rescales as points arrive. No chart library.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

const WIDTH = 640;
const HEIGHT = 280;
const MARGIN = { left: 48, right: 16, top: 28, bottom: 32 };
const BATCH_COLOUR = '#93c5fd';
const MEAN_COLOUR = '#1d4ed8';

function svgElement<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function text(content: string, attrs: Record<string, string | number>): SVGTextElement {
  const el = svgElement('text', { 'font-size': 11, fill: '#475569', ...attrs });
  el.textContent = content;
  return el;
}

export class LossChart {
  readonly svg: SVGSVGElement;
  private readonly batchLosses: number[] = [];
  private readonly means: number[] = [];
  private readonly epochStarts: number[] = [];
  private totalSteps: number;
  private readonly batchLine: SVGPathElement;
  private readonly meanLine: SVGPathElement;
  private readonly axes: SVGGElement;

  /** `totalSteps`: batches in the whole run, so the x axis does not rescale while training. */
  constructor(container: HTMLElement, totalSteps: number) {
    this.totalSteps = Math.max(1, totalSteps);
    this.svg = svgElement('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': 'training loss per batch' });
    this.axes = svgElement('g', { class: 'axes' });
    const line = (cls: string, colour: string, width: number): SVGPathElement =>
      svgElement('path', { class: cls, fill: 'none', stroke: colour, 'stroke-width': width, 'stroke-linejoin': 'round', d: '' });
    this.batchLine = line('loss-line', BATCH_COLOUR, 1.5);
    this.meanLine = line('mean-line', MEAN_COLOUR, 2.5);
    this.svg.append(this.axes, this.batchLine, this.meanLine);
    container.replaceChildren(this.svg);
    this.render();
  }

  /** Marks where an epoch starts (its first batch is the next point added). */
  startEpoch(): void {
    this.epochStarts.push(this.batchLosses.length);
  }

  add(batchLoss: number, epochMean: number): void {
    this.batchLosses.push(batchLoss);
    this.means.push(epochMean);
    if (this.batchLosses.length > this.totalSteps) this.totalSteps = this.batchLosses.length;
    this.render();
  }

  private render(): void {
    const finite = [...this.batchLosses, ...this.means].filter(Number.isFinite);
    const maxLoss = Math.max(1e-3, ...finite) * 1.05;
    const plotW = WIDTH - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (step: number): number => MARGIN.left + (step / Math.max(1, this.totalSteps - 1)) * plotW;
    const y = (loss: number): number => MARGIN.top + (1 - Math.max(0, loss) / maxLoss) * plotH;
    const pathOf = (values: readonly number[]): string =>
      values.map((v, i) => (Number.isFinite(v) ? `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).join('');
    this.batchLine.setAttribute('d', pathOf(this.batchLosses));
    this.meanLine.setAttribute('d', pathOf(this.means));

    const parts: SVGElement[] = [
      svgElement('rect', { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: '#f8fafc', stroke: '#cbd5e1' }),
    ];
    for (let i = 0; i <= 4; i++) {
      const value = (maxLoss * i) / 4;
      parts.push(svgElement('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value), stroke: '#e2e8f0' }));
      parts.push(text(value.toFixed(2), { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' }));
    }
    this.epochStarts.forEach((start, epoch) => {
      const ex = start === 0 ? MARGIN.left : x(start - 0.5);
      if (start > 0) parts.push(svgElement('line', { x1: ex, x2: ex, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, stroke: '#94a3b8', 'stroke-dasharray': '4 3' }));
      parts.push(text(`epoch ${epoch + 1}`, { x: ex + 4, y: MARGIN.top + 12, fill: '#64748b' }));
    });
    // Legend above the plot.
    const legend = (label: string, colour: string, lx: number): void => {
      parts.push(svgElement('line', { x1: lx, x2: lx + 18, y1: 12, y2: 12, stroke: colour, 'stroke-width': 3 }));
      parts.push(text(label, { x: lx + 22, y: 16, fill: '#334155' }));
    };
    legend('batch loss', BATCH_COLOUR, MARGIN.left);
    legend('epoch mean (as fit reports it)', MEAN_COLOUR, MARGIN.left + 110);
    parts.push(text(`batch (${this.batchLosses.length} of ${this.totalSteps})`, { x: MARGIN.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle', 'font-size': 12, fill: '#334155' }));
    this.axes.replaceChildren(...parts);
  }
}
